/// A mail address (RFC 5322 addr-spec) split into local part and domain, for
/// comparing the address asked for with the ones a certificate names.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    public let localPart: String
    public let domain: String

    /// Splits at the last `@`. Returns `nil` for text that cannot be an
    /// addr-spec: no `@`, an empty part, whitespace, control characters or
    /// angle brackets (a display name was passed).
    public init?(_ text: String) {
        guard let at = text.lastIndex(of: "@") else { return nil }
        let local = String(text[..<at])
        let domain = String(text[text.index(after: at)...])
        guard !local.isEmpty, !domain.isEmpty, !domain.contains("@") || false else { return nil }
        let forbidden: (Unicode.Scalar) -> Bool = { scalar in
            scalar.value < 0x21 || scalar.value == 0x7f || scalar == "<" || scalar == ">"
        }
        guard !text.unicodeScalars.contains(where: forbidden), text.utf8.count <= 320 else { return nil }
        self.localPart = local
        self.domain = domain
    }

    public var description: String { "\(localPart)@\(domain)" }

    /// The address with its domain lowercased: the form stored and compared.
    public var normalized: String { "\(localPart)@\(domain.lowercased())" }

    /// Compares two addresses: the domain always case-insensitively (RFC 5321
    /// §2.4, DNS names); the local part case-insensitively unless `strictLocalPart`.
    public func matches(_ other: MailAddress, strictLocalPart: Bool) -> Bool {
        guard domain.lowercased() == other.domain.lowercased() else { return false }
        return strictLocalPart ? localPart == other.localPart : localPart.lowercased() == other.localPart.lowercased()
    }
}

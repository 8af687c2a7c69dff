/// A mail address (RFC 5322 addr-spec) split into local part and domain, for
/// comparing the address asked for with the ones a certificate names.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    public let localPart: String
    public let domain: String

    /// Splits at the last `@` and checks the shape of both parts.
    ///
    /// Returns `nil` for text that cannot be an addr-spec (RFC 5322 §3.4.1,
    /// RFC 5321 §4.5.3.1): an empty or over-long part; whitespace or control
    /// characters; an unquoted `@ < > , ; : [ ] "` in the local part; a local
    /// part starting or ending with `.` or holding `..` (unless quoted); a domain with an
    /// empty label or characters other than letters, digits, `-` and non-ASCII
    /// (IDN), unless it is an address literal in brackets. `*`, `(`, `)` and `\`
    /// are tolerated in the local part: they occur in real directories, and
    /// filters escape them.
    public init?(_ text: String) {
        guard let at = text.lastIndex(of: "@") else { return nil }
        let local = String(text[..<at])
        let domain = String(text[text.index(after: at)...])
        guard !local.isEmpty, local.utf8.count <= 64, !domain.isEmpty, domain.utf8.count <= 255 else { return nil }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else { return nil }
        guard Self.isLocalPart(local), Self.isDomain(domain) else { return nil }
        self.localPart = local
        self.domain = domain
    }

    private static let forbiddenInLocalPart: Set<Character> = [" ", "@", "<", ">", ",", ";", ":", "[", "]", "\""]

    private static func isLocalPart(_ local: String) -> Bool {
        if local.count >= 2 && local.hasPrefix("\"") && local.hasSuffix("\"") { return true }
        return !local.contains(where: forbiddenInLocalPart.contains) && !local.hasPrefix(".") && !local.hasSuffix(".")
            && !local.contains("..")
    }

    private static func isDomain(_ domain: String) -> Bool {
        if domain.hasPrefix("[") && domain.hasSuffix("]") { return domain.count > 2 }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.unicodeScalars.allSatisfy {
                    $0.value > 0x7f || $0 == "-" || ("a"..."z").contains($0) || ("A"..."Z").contains($0)
                        || ("0"..."9").contains($0)
                }
        }
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

/// An LDAP search filter in its RFC 4515 string form, built so that every
/// assertion value is escaped as it enters the filter.
///
/// Values are never pasted into filter text: `LDAPFilter.equal("mail", "a*b@x")`
/// produces `(mail=a\2ab@x)`. Raw text is accepted only through the explicit
/// ``init(rawValue:)``, for filters an administrator typed.
///
/// Escaping follows RFC 4515 §3: `*` `(` `)` `\` and NUL become `\2a` `\28`
/// `\29` `\5c` `\00`; in addition every byte ≥ 0x80 of the value's UTF-8 form is
/// written as `\xx`, so that the filter text is plain ASCII.
public struct LDAPFilter: Sendable, Hashable, CustomStringConvertible {
    /// The filter text, for example `(|(mail=a@example.com)(proxyAddresses=smtp:a@example.com))`.
    public let rawValue: String

    /// Wraps filter text as given. The text is not checked here; the server
    /// (or libldap's encoder, with `filterError`) rejects a malformed filter.
    public init(rawValue: String) {
        if rawValue.hasPrefix("(") {
            self.rawValue = rawValue
        } else {
            self.rawValue = "(\(rawValue))"
        }
    }

    public var description: String { rawValue }

    /// An equality match `(attribute=value)`, the value escaped (RFC 4515 §3).
    /// - Parameters:
    ///   - attribute: An attribute description such as `mail` or `userCertificate;binary`.
    ///   - value: The assertion value; any characters are allowed.
    public static func equal(_ attribute: String, _ value: String) -> LDAPFilter {
        equal(attribute, bytes: Array(value.utf8))
    }

    /// An equality match on a binary assertion value, each byte escaped as needed.
    public static func equal(_ attribute: String, bytes: some Sequence<UInt8>) -> LDAPFilter {
        LDAPFilter(rawValue: "(\(checked(attribute))=\(escape(bytes)))")
    }

    /// A presence match `(attribute=*)`.
    public static func present(_ attribute: String) -> LDAPFilter {
        LDAPFilter(rawValue: "(\(checked(attribute))=*)")
    }

    /// `(&…)` of the given filters; one filter is returned unchanged.
    public static func and(_ filters: [LDAPFilter]) -> LDAPFilter {
        combine("&", filters)
    }

    /// `(|…)` of the given filters; one filter is returned unchanged.
    public static func or(_ filters: [LDAPFilter]) -> LDAPFilter {
        combine("|", filters)
    }

    /// `(!filter)`.
    public static func not(_ filter: LDAPFilter) -> LDAPFilter {
        LDAPFilter(rawValue: "(!\(filter.rawValue))")
    }

    /// Escapes an assertion value per RFC 4515 §3, also hex-escaping every
    /// non-ASCII byte and every ASCII control character.
    public static func escape(_ bytes: some Sequence<UInt8>) -> String {
        var out = ""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "*"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\\"), 0x00..<0x20, 0x7f...0xff:
                out += "\\" + hexByte(byte)
            default:
                out.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return out
    }

    private static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
    }

    private static func combine(_ op: String, _ filters: [LDAPFilter]) -> LDAPFilter {
        if filters.count == 1 { return filters[0] }
        return LDAPFilter(rawValue: "(\(op)\(filters.map(\.rawValue).joined()))")
    }

    /// Attribute descriptions come from code, never from users; a description
    /// outside RFC 4512 §2.5 (keystring or numericoid, `;options`) is a bug.
    private static func checked(_ attribute: String) -> String {
        precondition(
            !attribute.isEmpty
                && attribute.utf8.allSatisfy { byte in
                    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                        || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ";") || byte == UInt8(ascii: ".")
                },
            "invalid attribute description \(attribute)"
        )
        return attribute
    }
}

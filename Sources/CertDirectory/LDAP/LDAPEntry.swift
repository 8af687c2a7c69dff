/// One entry of a search result: its DN and attributes, values kept as bytes.
///
/// Attribute descriptions keep the options the server returned
/// (`userCertificate;binary`); ``values(_:)`` matches on the attribute type
/// alone, case-insensitively, so that both spellings are read (RFC 4522 §2:
/// `;binary` is a transfer option, not a different attribute).
public struct LDAPEntry: Sendable, Hashable {
    /// One attribute as returned: description and values in server order.
    public struct Attribute: Sendable, Hashable {
        /// The attribute description as returned, options included.
        public let description: String
        /// The values, bytes exactly as sent.
        public let values: [[UInt8]]

        public init(description: String, values: [[UInt8]]) {
            self.description = description
            self.values = values
        }

        /// The attribute type: the description without its `;options`.
        public var type: String {
            if let semicolon = description.firstIndex(of: ";") { return String(description[..<semicolon]) }
            return description
        }
    }

    /// The entry's distinguished name (RFC 4514 string form, as returned).
    public let dn: String
    /// The attributes in server order.
    public let attributes: [Attribute]

    public init(dn: String, attributes: [Attribute]) {
        self.dn = dn
        self.attributes = attributes
    }

    /// The attributes whose type is `type` (compared case-insensitively, options ignored).
    public func attributes(ofType type: String) -> [Attribute] {
        attributes.filter { $0.type.equalsIgnoringCase(type) }
    }

    /// All values of every description of `type`, in server order.
    public func values(_ type: String) -> [[UInt8]] {
        attributes(ofType: type).flatMap(\.values)
    }

    /// The values of `type` decoded as UTF-8; values that are not UTF-8 are skipped.
    public func strings(_ type: String) -> [String] {
        values(type).compactMap { String(validating: $0, as: UTF8.self) }
    }
}

extension String {
    /// ASCII case-insensitive equality, as LDAP attribute type names compare (RFC 4512 §2.5).
    func equalsIgnoringCase(_ other: String) -> Bool {
        self.utf8.count == other.utf8.count && self.lowercased() == other.lowercased()
    }
}

/// One distinct certificate (or malformed value) found by an export, with its
/// verdict and every entry that holds it.
public struct ExportRecord: Sendable {
    /// Where a certificate was found.
    public struct Holder: Sendable, Hashable {
        public var dn: String
        /// The entry's primary mail address, if any.
        public var mail: String?
        /// The attribute description as returned (`userCertificate;binary`).
        public var attribute: String
    }

    /// `usable` means fit for encrypting to the holder's address now.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case usable, unusable
    }

    /// Lowercase hex SHA-256 of the DER (or of the raw value when malformed).
    public var sha256: String
    /// `nil` for a malformed value.
    public var certificate: ParsedCertificate?
    public var status: Status
    public var reasons: [Finding]
    public var holders: [Holder]
}

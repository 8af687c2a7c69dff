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
    /// What the revocation check found; ``RevocationStatus/notChecked`` when
    /// it was off or the certificate was refused before it, so a `usable`
    /// status never stands alone for a certificate whose revocation was not checked.
    public var revocation: RevocationStatus = .notChecked
    /// Which source decided ``revocation`` (`crl <url>`, `ocsp <url>`, ...).
    public var revocationSource: String?
    public var reasons: [Finding]
    public var holders: [Holder]
}

/// Why a certificate was refused, or what a caller should know about a choice.
///
/// One kebab-case enum shared by every command (`resolve`, `export`,
/// `encrypt`, `verify`, …) and by the JSON they write; `schema/reason-codes.json`
/// lists the same codes and is checked against this type by a test.
public enum ReasonCode: String, Sendable, Hashable, CaseIterable, Codable {
    /// No subjectAltName rfc822Name (nor legacy emailAddress) names the address (RFC 8550 §3).
    case addressMismatch = "address-mismatch"
    /// The address was found only in the subject's emailAddress attribute, which
    /// RFC 8550 §3 keeps for legacy certificates without rfc822Name.
    case legacyEmailAddress = "legacy-email-address"
    /// The entry was found by a `proxyAddresses` alias and the certificate names its primary address.
    case aliasAddress = "alias-address"
    /// Another entry lists the address only as a `proxyAddresses` alias; it was
    /// ignored because an entry holds the address as its own.
    case aliasIgnored = "alias-ignored"
    /// The evaluation time is after notAfter (RFC 5280 §4.1.2.5).
    case expired
    /// The evaluation time is before notBefore (RFC 5280 §4.1.2.5).
    case notYetValid = "not-yet-valid"
    /// keyUsage forbids the purpose (RFC 8550 §4.4.2, RFC 5280 §4.2.1.3, RFC 5480 §3).
    case keyUsage = "key-usage"
    /// extendedKeyUsage lacks emailProtection and anyExtendedKeyUsage (RFC 8550 §4.4.4).
    case extendedKeyUsage = "extended-key-usage"
    /// The key is below the policy's strength floor (RSA bits, EC curve).
    case weakKey = "weak-key"
    /// The certificate is signed with MD5 or SHA-1 (RFC 8551 §2.1 and §2.2 require SHA-256 or better).
    case weakSignature = "weak-signature"
    /// The key type cannot serve the purpose (e.g. DSA or Ed25519 for encryption).
    case unsupportedKey = "unsupported-key"
    /// No path to a configured trust anchor (RFC 5280 §6), or a signature on the path is bad.
    case untrusted
    /// The certificate is revoked (RFC 5280 §6.3).
    case revoked
    /// Revocation status could not be determined.
    case revocationUnknown = "revocation-unknown"
    /// A message's signature does not verify, or the message is not S/MIME signed-data (RFC 8551 §3.5, RFC 5652 §5.6).
    case badSignature = "bad-signature"
    /// The message is not S/MIME signed-data (plain text, encrypted-only, not MIME at all).
    case notSigned = "not-signed"
    /// The directory value is not a certificate or PKCS#7 bundle that can be parsed.
    case malformedValue = "malformed-value"
    /// A CA certificate (basicConstraints cA) is a path element, never a recipient (RFC 5280 §4.2.1.9).
    case caCertificate = "ca-certificate"
    /// The server answered with a referral or search reference, which certdir reports and does not follow.
    case referral
    /// Two or more directory entries carry the address.
    case ambiguousEntries = "ambiguous-entries"
    /// The directory could not be asked (unreachable, TLS failure, refused bind, server error).
    case directoryError = "directory-error"
    /// The answer came from the address book, within its time to live; the message says how old it is.
    case addressBook = "address-book"
    /// The directory could not be asked, and the answer came from the address book past its time to live.
    case stale
    /// Offline, and the address book holds no answer for the address.
    case notInAddressBook = "not-in-address-book"
    /// The address's domain is not a valid IDNA2008 name (UTS #46 non-transitional, RFC 5891 §4.2).
    case invalidDomain = "invalid-domain"
    /// The entry holds the asked address as one of several `mail` values and the
    /// certificate names only another of them (a warning; a reason under a strict local-part policy).
    case otherMailValue = "other-mail-value"

    /// A one-line explanation of the code, for `--explain` and the JSON `message` default.
    public var summary: String {
        switch self {
        case .addressMismatch: "the certificate does not name this address"
        case .legacyEmailAddress: "the address is only in the subject emailAddress (legacy, no rfc822Name)"
        case .aliasAddress: "the entry was found by an alias; the certificate names its primary address"
        case .aliasIgnored: "an entry holding the address only as an alias was ignored"
        case .expired: "the certificate has expired"
        case .notYetValid: "the certificate is not valid yet"
        case .keyUsage: "keyUsage does not allow this purpose"
        case .extendedKeyUsage: "extendedKeyUsage does not include emailProtection"
        case .weakKey: "the key is weaker than the policy allows"
        case .weakSignature: "the certificate signature uses MD5 or SHA-1"
        case .unsupportedKey: "the key type cannot be used for this purpose"
        case .untrusted: "no valid path to a trust anchor"
        case .revoked: "the certificate is revoked"
        case .revocationUnknown: "the revocation status is unknown"
        case .badSignature: "the message signature does not verify"
        case .notSigned: "the message is not S/MIME signed"
        case .malformedValue: "the value cannot be parsed as a certificate"
        case .caCertificate: "a CA certificate, not a recipient certificate"
        case .referral: "the server returned a referral, which was not followed"
        case .ambiguousEntries: "more than one entry has this address"
        case .directoryError: "the directory could not be searched"
        case .addressBook: "answered from the address book"
        case .stale: "the directory is unreachable; answered from the address book past its time to live"
        case .notInAddressBook: "offline, and the address book holds nothing for this address"
        case .invalidDomain: "the domain is not a valid internationalised domain name (IDNA2008)"
        case .otherMailValue: "the certificate names another mail value of the same entry"
        }
    }
}

/// A reason code with the specific message for this case.
public struct Finding: Sendable, Hashable, Codable, CustomStringConvertible {
    public var code: ReasonCode
    public var message: String

    public init(_ code: ReasonCode, _ message: String? = nil) {
        self.code = code
        self.message = message ?? code.summary
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

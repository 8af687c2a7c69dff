public import Foundation

/// Where a directory value came from.
public struct ValueSource: Sendable, Hashable, Codable {
    /// The directory URI that answered.
    public var uri: String
    /// The entry's DN.
    public var dn: String
    /// The attribute description as returned (`userCertificate;binary`).
    public var attribute: String
    /// The value's position within that attribute, from 0.
    public var index: Int

    public init(uri: String, dn: String, attribute: String, index: Int) {
        self.uri = uri
        self.dn = dn
        self.attribute = attribute
        self.index = index
    }
}

/// One certificate found for a recipient, with its verdict.
public struct Candidate: Sendable {
    /// The parsed certificate; `nil` for a malformed value.
    public var certificate: ParsedCertificate?
    /// SHA-256 of the certificate DER, or of the raw value when it is malformed.
    public var sha256: String
    public var source: ValueSource
    /// Refusal reasons; empty means accepted (fit).
    public var reasons: [Finding]
    public var warnings: [Finding]
    /// The entry's primary address when the entry was found through an alias;
    /// a certificate naming it is accepted too (see ``AddressExpectation``).
    var primaryAddress: MailAddress? = nil
    /// The revocation check's outcome for this candidate's path (RFC 5280 §6.3);
    /// ``RevocationStatus/notChecked`` unless it was the candidate about to be chosen.
    public var revocation: RevocationStatus = .notChecked
    /// The source that decided ``revocation`` for the certificate itself
    /// (`ocsp <url>`, `crl <url>`, `crl directory entry <dn>`); `nil` when not checked or not known.
    public var revocationSource: String? = nil
    /// The earliest nextUpdate of the CRLs or OCSP response ``revocation`` was decided with
    /// (``ValidationResult/revocationDataValidUntil``); the book keeps the answer no longer.
    public var revocationDataValidUntil: Date?
    /// True once the network checks (path discovery, revocation) ran for this
    /// candidate, or its stored verdict already holds their outcome (``Choice``).
    var networkChecked = false
    /// The local path check, when it was put off for the network check
    /// (``PendingPath``); `nil` once the path is decided.
    var pendingPath: PendingPath? = nil

    public var isFit: Bool { certificate != nil && reasons.isEmpty }

    /// True when the certificate names only another `mail` value of the entry, not the asked address.
    var namesOtherMailValue: Bool { warnings.contains { $0.code == .otherMailValue } }
}

public import Foundation

/// Where the book learnt of a contact or a certificate.
public enum CertificateOrigin: String, Sendable, Hashable, Codable, CaseIterable {
    /// A directory lookup (`resolve`, `encrypt`).
    case directory
    /// A verified signature on received mail (`book harvest`).
    case signedMail = "signed-mail"
    /// A file given to `book import`.
    case `import`
}

/// One contact and the certificates the book holds for it.
public struct BookContact: Sendable {
    /// The normalised (lowercase) address.
    public var address: String
    public var displayName: String?
    /// Other addresses of the same person (the entry's `mail` and `smtp:` proxy addresses), lowercase.
    public var aliases: [String]
    public var origin: CertificateOrigin
    /// For ``CertificateOrigin/directory``: the URI that answered and the entry's DN.
    public var directoryURI: String?
    public var dn: String?
    public var certificates: [BookCertificate]
}

/// A certificate held for a contact, with its provenance.
public struct BookCertificate: Sendable {
    public var certificate: ParsedCertificate
    public var origin: CertificateOrigin
    /// The directory URI and DN, the message, or the file it came from.
    public var originDetail: String?
    public var firstSeen: Date
    public var lastSeen: Date
    /// DER `SMIMECapabilities` from the sender's signed attributes (RFC 8551 §2.5.2).
    public var smimeCapabilities: [UInt8]?
    /// The sender named this certificate in SMIMEEncryptionKeyPreference (RFC 8551 §2.5.3).
    public var encryptionPreference: Bool

    public init(
        certificate: ParsedCertificate, origin: CertificateOrigin, originDetail: String?, firstSeen: Date,
        lastSeen: Date, smimeCapabilities: [UInt8]? = nil, encryptionPreference: Bool = false
    ) {
        self.certificate = certificate
        self.origin = origin
        self.originDetail = originDetail
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.smimeCapabilities = smimeCapabilities
        self.encryptionPreference = encryptionPreference
    }
}

/// What the book normalises addresses to (``MailAddress/bookKey``): the domain
/// as a lower-case A-label and the local part folded for ASCII letters only, so
/// `Alice@Example.COM` and `alice@example.com` are one contact, and so are
/// `jörg@bücher.example` and `jörg@xn--bcher-kva.example`, but `Jörg@` and
/// `jörg@` are not (no Unicode case folding: they may be two mailboxes).
enum BookAddress {
    static func normalise(_ address: String) -> String {
        MailAddress(address)?.bookKey ?? MailAddress.asciiLowercased(address)
    }
}

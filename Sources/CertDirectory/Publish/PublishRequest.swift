public import Foundation

/// The attributes a certificate is published to.
public enum PublishAttributes: String, Sendable, Hashable, CaseIterable {
    /// `userCertificate` (RFC 4523 §2.1): the DER certificate as one more value.
    case userCertificate
    /// `userSMIMECertificate` (RFC 2798 §2.8): one PKCS#7 certs-only bundle with the chain.
    case userSMIMECertificate
    case both

    var includesUserCertificate: Bool { self != .userSMIMECertificate }
    var includesSMIME: Bool { self != .userCertificate }
}

/// What `certdir publish` is asked to do.
public struct PublishRequest: Sendable {
    /// How the entry to publish to is found. Exactly one entry must match.
    public enum Target: Sendable, Hashable {
        /// The entry with this DN (a base-scope read).
        case dn(String)
        /// The entry whose `mail` or `smtp:` `proxyAddresses` is this address.
        case mail(MailAddress)
        /// The entry that holds one of the certificate's own addresses
        /// (rfc822Name, else the legacy subject emailAddress).
        case certificateAddress
    }

    /// The end-entity certificate to publish.
    public var certificate: ParsedCertificate
    /// CA certificates that came with it (the same PEM or PKCS#12 file): path
    /// intermediates, and the chain of a `userSMIMECertificate` bundle.
    public var chain: [ParsedCertificate]
    public var target: Target
    public var attributes: PublishAttributes
    /// Also remove the values that are expired at ``time``, in the same modify.
    public var replaceExpired: Bool
    /// Publish although the address, validity, trust or fitness rule refuses;
    /// never overrides the read-only rule.
    public var force: Bool
    /// The instant every check is made at (validity, "expired now").
    public var time: Date

    public init(
        certificate: ParsedCertificate, chain: [ParsedCertificate] = [], target: Target = .certificateAddress,
        attributes: PublishAttributes = .userCertificate, replaceExpired: Bool = false, force: Bool = false,
        time: Date = Date()
    ) {
        self.certificate = certificate
        self.chain = chain
        self.target = target
        self.attributes = attributes
        self.replaceExpired = replaceExpired
        self.force = force
        self.time = time
    }
}

/// The certificate file given to `certdir publish`: PEM, DER (certificate or
/// PKCS#7 certs-only) or PKCS#12.
public enum PublishInput {
    /// Reads `path` and picks the end-entity certificate.
    /// - Parameter password: Called only for a PKCS#12 file, for its password.
    /// - Returns: The end-entity certificate (for PKCS#12, the one that belongs to
    ///   the key) and the CA certificates that came with it.
    /// - Throws: ``CertificateFileError`` when the file cannot be read or holds
    ///   no, or more than one, end-entity certificate; whatever `password` throws.
    public static func load(path: String, password: () throws -> Secret) throws -> (
        certificate: ParsedCertificate, chain: [ParsedCertificate]
    ) {
        let bytes: [UInt8]
        do {
            bytes = try InputFile.read(path: path, limit: InputFile.certificateLimit)
        } catch let error as InputFileError {
            throw CertificateFileError(path: path, reason: "cannot read: \(error.reason)")
        }
        if PKCS12File.isPKCS12(bytes) {
            let (certificate, others) = try PKCS12File.certificates(in: bytes, password: try password(), path: path)
            return (certificate, others.filter(\.isCA))
        }
        let all = try CertificateFile.parse(bytes, path: path)
        let leaves = all.filter { !$0.isCA }
        guard leaves.count == 1 else {
            let reason =
                leaves.isEmpty
                ? "holds only CA certificates, no end-entity certificate to publish"
                : "holds \(leaves.count) end-entity certificates; put the one to publish in a file of its own"
            throw CertificateFileError(path: path, reason: reason)
        }
        return (leaves[0], all.filter(\.isCA))
    }
}

import SwiftASN1

/// An S/MIME signed message, read and its signature checked (RFC 8551 §3.5):
/// clear-signed (`multipart/signed`, `application/pkcs7-signature`) or opaque
/// (`application/pkcs7-mime; smime-type=signed-data`).
///
/// Reading checks only that the signature matches the content and the signer's
/// public key (RFC 5652 §5.6); whether the signer's certificate is fit and
/// trusted is ``MessageVerifier``'s job. Used by `certdir verify` and by the
/// address book's harvest.
public struct SignedMessage: Sendable {
    /// `nil` when every SignerInfo's signature verified; else why not (OpenSSL's reason).
    public let signatureFailure: String?
    /// The signer's certificate: the one the first SignerInfo identifies; `nil`
    /// when the message does not carry it.
    public let signer: ParsedCertificate?
    /// Every certificate the SignedData carries, in encoded order (RFC 5652 §5.1),
    /// the signer's included. Certificates that cannot be parsed are left out.
    public let certificates: [ParsedCertificate]
    /// The DER of the signed attribute smimeCapabilities (RFC 8551 §2.5.2,
    /// OID 1.2.840.113549.1.9.15): a `SEQUENCE OF SMIMECapability`; `nil` when absent.
    public let smimeCapabilities: [UInt8]?
    /// The DER of the signed attribute SMIMEEncryptionKeyPreference (RFC 8551
    /// §2.5.3, OID 1.2.840.113549.1.9.16.2.11); `nil` when absent.
    public let encryptionKeyPreferenceDER: [UInt8]?
    /// The certificate in ``certificates`` that SMIMEEncryptionKeyPreference
    /// names (by issuer and serial number, recipient key id, or subject key
    /// identifier); `nil` when absent or when the message does not carry it.
    public let preferredEncryptionCertificate: ParsedCertificate?
    /// The first SignerInfo's issuerAndSerialNumber (RFC 5652 §5.3): the issuer
    /// as an RFC 4514 string and the serial number in decimal; `nil` when the
    /// signer is named by subjectKeyIdentifier. Lets a caller find a signer's
    /// certificate the message does not carry.
    public let signerIssuer: String?
    public let signerSerial: String?
    /// The addr-spec of the RFC 5322 From field (the first mailbox); `nil` when there is none.
    public let from: String?
    /// Every addr-spec of every From field. More than one is refused by
    /// ``MessageVerifier``: the signature vouches for one author (RFC 8550 §3).
    public let authors: [String]

    public var signatureIsValid: Bool { signatureFailure == nil }

    /// Reads a whole RFC 5322 message.
    /// - Parameters:
    ///   - bytes: The message as received, header and body, CRLF or LF.
    ///   - additionalCertificates: Certificates from elsewhere (a directory, an
    ///     address book) that may be the signer's, for a message that does not carry it.
    /// - Throws: ``SignedMessageError`` when the message is not S/MIME signed-data.
    public init(parsing bytes: [UInt8], additionalCertificates: [ParsedCertificate] = []) throws {
        let parts = try CMSSignedMessage.read(bytes, extra: additionalCertificates.compactMap(\.x509))
        signerIssuer = parts.signerIssuer
        signerSerial = parts.signerSerial
        signatureFailure = parts.signatureFailure
        let all = parts.certificates.compactMap { try? ParsedCertificate(der: $0) }
        certificates = all
        signer = parts.signers.first.flatMap { try? ParsedCertificate(der: $0) }
        smimeCapabilities = parts.smimeCapabilities
        encryptionKeyPreferenceDER = parts.encryptionKeyPreference
        preferredEncryptionCertificate = parts.encryptionKeyPreference.flatMap { preference in
            all.first { Self.preference(preference, names: $0) }
        }
        let message = try? MailMessage(parsing: bytes)
        authors = message?.fields(named: "From").flatMap { AddressList.addresses(in: $0.value) } ?? []
        from = authors.first
    }

    /// RFC 8551 §2.5.3: `SMIMEEncryptionKeyPreference ::= CHOICE {
    /// issuerAndSerialNumber [0] IssuerAndSerialNumber, receipentKeyId [1]
    /// RecipientKeyIdentifier, subjectAltKeyIdentifier [2] SubjectKeyIdentifier }`,
    /// all IMPLICIT.
    static func preference(_ der: [UInt8], names certificate: ParsedCertificate) -> Bool {
        guard let node = try? DER.parse(der), node.identifier.tagClass == .contextSpecific else { return false }
        let content = Array(node.encodedBytes.dropFirst(node.encodedBytes.count - contentLength(node)))
        switch node.identifier.tagNumber {
        case 0:
            return content == certificate.x509?.issuerAndSerialContent
        case 1:
            guard case .constructed(let children) = node.content, let first = children.first(where: { _ in true }),
                case .primitive(let keyID) = first.content
            else { return false }
            return certificate.x509?.subjectKeyIdentifier == Array(keyID)
        case 2:
            return certificate.x509?.subjectKeyIdentifier == content
        default:
            return false
        }
    }

    /// The length of a node's content octets (its encoding minus tag and length).
    private static func contentLength(_ node: ASN1Node) -> Int {
        switch node.content {
        case .primitive(let bytes): return bytes.count
        case .constructed(let children): return children.reduce(0) { $0 + $1.encodedBytes.count }
        }
    }
}

/// The input is not an S/MIME signed message.
public struct SignedMessageError: Error, Sendable, CustomStringConvertible {
    public let description: String
    /// The input is not S/MIME signed-data at all (as opposed to a resource failure while reading it).
    public var notSigned = true
}

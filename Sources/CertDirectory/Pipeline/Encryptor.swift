/// Encrypts a message for its recipients' certificates and writes the result.
///
/// The clear header fields stay as they were, Bcc and Resent-Bcc are dropped, and the body
/// becomes `application/pkcs7-mime; smime-type=enveloped-data` (or
/// `authEnveloped-data` for GCM), base64, `Content-Disposition: attachment;
/// filename=smime.p7m` (RFC 8551 §3.3). The content and transfer-encoding
/// fields travel inside, with CRLF line endings.
///
/// The caller chooses the certificates; they must already have passed
/// ``CertificateValidator`` for ``Purpose/encrypt``: this type does not check.
public struct Encryptor: Sendable {
    public var cipher: ContentCipher
    public var keyTransport: KeyTransport

    public init(cipher: ContentCipher = .aes256CBC, keyTransport: KeyTransport = .rsaPKCS1) {
        self.cipher = cipher
        self.keyTransport = keyTransport
    }

    /// - Parameters:
    ///   - original: The input exactly as read (a whole message, or with `bodyOnly` a MIME entity).
    ///   - message: `original` parsed.
    ///   - fileDescriptor: Where to write; it is not closed.
    /// - Throws: ``EncryptionError``.
    public func encrypt(
        _ message: MailMessage, original: [UInt8], bodyOnly: Bool, recipients: [ParsedCertificate],
        to fileDescriptor: Int32
    ) throws {
        let entity = SMIMEEnvelope.innerEntity(of: message, original: original, bodyOnly: bodyOnly)
        let fields: [UInt8] = bodyOnly ? [] : SMIMEEnvelope.clearFields(of: message).flatMap(\.raw)
        // A CRLF message comes out CRLF throughout, even where its header section mixed them.
        let prefix = message.usesCRLF ? SMIMEEnvelope.canonicalLineEndings(fields) : fields
        try CMSEncryptor(cipher: cipher, keyTransport: keyTransport).write(
            entity: entity, recipients: recipients, prefix: prefix, crlf: message.usesCRLF, to: fileDescriptor)
    }
}

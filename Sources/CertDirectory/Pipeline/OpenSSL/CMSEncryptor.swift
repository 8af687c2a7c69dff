internal import COpenSSL

/// Encrypts a MIME entity with OpenSSL's CMS (`CMS_encrypt(3)`,
/// `CMS_add1_recipient_cert(3)`, `SMIME_write_CMS(3)`), streaming from the
/// entity's bytes straight into the output descriptor.
///
/// RSA recipients get key transport (PKCS #1 v1.5 or OAEP); EC recipients get
/// ephemeral-static ECDH key agreement with the X9.63 KDF over SHA-256
/// (`dhSinglePass-stdDH-sha256kdf-scheme`, RFC 5753 and RFC 8551 §2.3),
/// not OpenSSL's SHA-1 default. Recipients of both kinds can share one message.
struct CMSEncryptor {
    let cipher: ContentCipher
    let keyTransport: KeyTransport

    /// Writes `prefix` (the clear header fields) and then the S/MIME entity
    /// (`MIME-Version`, `Content-Type: application/pkcs7-mime; smime-type=…;
    /// name=smime.p7m`, `Content-Disposition`, base64 body) to `fileDescriptor`.
    /// - Parameter crlf: End the S/MIME entity's lines with CRLF instead of LF.
    /// - Throws: ``EncryptionError`` with OpenSSL's reason.
    func write(
        entity: [UInt8], recipients: [ParsedCertificate], prefix: [UInt8], crlf: Bool, to fileDescriptor: Int32
    ) throws {
        defer { OpenSSLErrorQueue.clear() }
        guard !recipients.isEmpty else { throw EncryptionError("no recipients") }
        let streamFlags = UInt32(CMS_BINARY | CMS_STREAM)
        try entity.withUnsafeBytes { buffer in
            guard let input = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else {
                throw EncryptionError("cannot wrap the message: \(OpenSSLErrorQueue.drain())")
            }
            defer { BIO_free(input) }
            guard let cms = CMS_encrypt(nil, input, evpCipher, streamFlags | UInt32(CMS_PARTIAL)) else {
                throw EncryptionError("CMS_encrypt failed: \(OpenSSLErrorQueue.drain())")
            }
            defer { CMS_ContentInfo_free(cms) }
            for recipient in recipients { try add(recipient, to: cms) }
            guard let output = BIO_new_fd(fileDescriptor, BIO_NOCLOSE) else {
                throw EncryptionError("cannot open the output: \(OpenSSLErrorQueue.drain())")
            }
            defer { BIO_free(output) }
            if !prefix.isEmpty {
                let written = prefix.withUnsafeBytes { BIO_write(output, $0.baseAddress, Int32($0.count)) }
                guard written == Int32(prefix.count) else { throw EncryptionError("cannot write the output headers") }
            }
            guard crlf else {
                guard SMIME_write_CMS(output, cms, input, Int32(streamFlags)) == 1,
                    BIO_ctrl(output, BIO_CTRL_FLUSH, 0, nil) == 1
                else { throw EncryptionError("writing the encrypted message failed: \(OpenSSLErrorQueue.drain())") }
                return
            }
            try writeCRLF(cms: cms, input: input, flags: Int32(streamFlags) | SMIME_CRLFEOL, to: output)
        }
    }

    /// SMIME_CRLFEOL ends only the MIME header lines with CRLF: OpenSSL's base64
    /// BIO ends the body's lines with a bare LF. So a CRLF message is written to
    /// memory first and every bare LF made CRLF on the way out.
    private func writeCRLF(cms: OpaquePointer, input: OpaquePointer, flags: Int32, to output: OpaquePointer) throws {
        guard let memory = BIO_new(BIO_s_mem()) else {
            throw EncryptionError("cannot buffer the output: \(OpenSSLErrorQueue.drain())")
        }
        defer { BIO_free(memory) }
        guard SMIME_write_CMS(memory, cms, input, flags) == 1 else {
            throw EncryptionError("writing the encrypted message failed: \(OpenSSLErrorQueue.drain())")
        }
        var start: UnsafeMutablePointer<CChar>?
        let length = copenssl_BIO_get_mem_data(memory, &start)
        guard let start, length > 0 else { throw EncryptionError("OpenSSL wrote no S/MIME entity") }
        let canonical = SMIMEEnvelope.canonicalLineEndings(
            Array(UnsafeRawBufferPointer(start: start, count: length)))
        let written = canonical.withUnsafeBytes { BIO_write(output, $0.baseAddress, Int32($0.count)) }
        guard written == Int32(canonical.count), BIO_ctrl(output, BIO_CTRL_FLUSH, 0, nil) == 1 else {
            throw EncryptionError("writing the encrypted message failed: \(OpenSSLErrorQueue.drain())")
        }
    }

    private var evpCipher: OpaquePointer? {
        switch cipher {
        case .aes256CBC: EVP_aes_256_cbc()
        case .aes128GCM: EVP_aes_128_gcm()
        case .aes256GCM: EVP_aes_256_gcm()
        }
    }

    private func add(_ recipient: ParsedCertificate, to cms: OpaquePointer) throws {
        guard let x509 = recipient.x509 else {
            throw EncryptionError("cannot add recipient \(recipient.subject): OpenSSL cannot read its certificate")
        }
        guard let info = CMS_add1_recipient_cert(cms, x509.pointer, UInt32(CMS_KEY_PARAM)) else {
            throw EncryptionError("cannot add recipient \(recipient.subject): \(OpenSSLErrorQueue.drain())")
        }
        guard let context = CMS_RecipientInfo_get0_pkey_ctx(info) else { return }
        switch recipient.key.algorithm {
        case "rsa" where keyTransport == .rsaOAEP:
            guard EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_OAEP_PADDING) > 0,
                EVP_PKEY_CTX_set_rsa_oaep_md(context, EVP_sha256()) > 0,
                EVP_PKEY_CTX_set_rsa_mgf1_md(context, EVP_sha256()) > 0
            else { throw EncryptionError("cannot select RSA-OAEP: \(OpenSSLErrorQueue.drain())") }
        case "ec":
            // Only the digest: OpenSSL picks the X9.63 KDF itself and fails if the type is preset.
            guard EVP_PKEY_CTX_set_ecdh_kdf_md(context, EVP_sha256()) > 0 else {
                throw EncryptionError("cannot select the SHA-256 KDF: \(OpenSSLErrorQueue.drain())")
            }
        default:
            break
        }
    }
}

/// Encryption could not be completed.
public struct EncryptionError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

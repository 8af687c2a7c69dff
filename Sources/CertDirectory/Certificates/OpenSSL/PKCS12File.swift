internal import COpenSSL
import Foundation

/// Reads the certificates out of a PKCS#12 file (RFC 7292), as a user's
/// enrolment exports it (`.p12`/`.pfx`): the certificate that belongs to the
/// private key, and any CA certificates with it.
///
/// The private key is decrypted only because OpenSSL's `PKCS12_parse(3)` needs
/// it to tell which certificate is the key's; it is freed (`EVP_PKEY_free`)
/// before this returns and never leaves this type.
public enum PKCS12File {
    /// True when `bytes` is one complete DER PKCS#12 PFX (`d2i_PKCS12(3)`).
    public static func isPKCS12(_ bytes: [UInt8]) -> Bool {
        defer { OpenSSLErrorQueue.clear() }
        guard let pfx = decode(bytes) else { return false }
        PKCS12_free(pfx)
        return true
    }

    /// Decrypts the file and returns its certificates.
    /// - Parameters:
    ///   - bytes: The DER PKCS#12 file.
    ///   - password: The import password; may be empty (`PKCS12_parse` then also tries "no password").
    /// - Returns: The key's certificate, and the other certificates in file order.
    /// - Throws: ``CertificateFileError`` naming `path`: not PKCS#12, a wrong password
    ///   (the MAC does not verify, `PKCS12_verify_mac(3)`), an algorithm OpenSSL 3 keeps in
    ///   its legacy provider (RC2, 3DES of old exports), or no certificate for the key.
    public static func certificates(in bytes: [UInt8], password: Secret, path: String) throws -> (
        certificate: ParsedCertificate, others: [ParsedCertificate]
    ) {
        defer { OpenSSLErrorQueue.clear() }
        guard let pfx = decode(bytes) else { throw CertificateFileError(path: path, reason: "not a PKCS#12 file") }
        defer { PKCS12_free(pfx) }
        var secret = Array(password.value.utf8CString)
        defer { for index in secret.indices { secret[index] = 0 } }
        var key: OpaquePointer?
        var certificate: OpaquePointer?
        var authorities: OpaquePointer?
        let parsed = secret.withUnsafeBufferPointer { buffer in
            PKCS12_parse(pfx, buffer.baseAddress, &key, &certificate, &authorities)
        }
        if let key { EVP_PKEY_free(key) }
        defer {
            if let certificate { X509_free(certificate) }
            if let authorities { copenssl_sk_X509_pop_free(authorities) }
        }
        guard parsed == 1 else {
            let macOK = secret.withUnsafeBufferPointer { PKCS12_verify_mac(pfx, $0.baseAddress, -1) } == 1
            let reason =
                macOK
                ? "cannot decrypt the PKCS#12 file (\(OpenSSLErrorQueue.drain())); "
                    + "a legacy algorithm such as RC2 or 3DES needs re-exporting with AES"
                : "wrong password for the PKCS#12 file (its integrity check fails)"
            throw CertificateFileError(path: path, reason: reason)
        }
        guard let certificate else {
            throw CertificateFileError(path: path, reason: "the PKCS#12 file holds no certificate for its key")
        }
        var others: [ParsedCertificate] = []
        if let authorities {
            for index in 0..<copenssl_sk_X509_num(authorities) {
                guard let cert = copenssl_sk_X509_value(authorities, index) else { continue }
                others.append(try parse(X509Ref.derOf(cert), path: path))
            }
        }
        return (try parse(X509Ref.derOf(certificate), path: path), others)
    }

    private static func decode(_ bytes: [UInt8]) -> OpaquePointer? {
        var pfx: OpaquePointer?
        let consumed = bytes.withUnsafeBufferPointer { buffer -> Int in
            var cursor = buffer.baseAddress.map { UnsafePointer<UInt8>?($0) } ?? nil
            pfx = d2i_PKCS12(nil, &cursor, buffer.count)
            guard let cursor, let base = buffer.baseAddress else { return 0 }
            return cursor - base
        }
        guard let pfx else { return nil }
        guard consumed == bytes.count else {
            PKCS12_free(pfx)
            return nil
        }
        return pfx
    }

    private static func parse(_ der: [UInt8], path: String) throws -> ParsedCertificate {
        do {
            return try ParsedCertificate(der: der)
        } catch {
            throw CertificateFileError(path: path, reason: "a certificate in the PKCS#12 file: \(error)")
        }
    }
}

extension X509Ref {
    /// The DER of a certificate this code does not own (`i2d_X509(3)`).
    static func derOf(_ pointer: OpaquePointer) -> [UInt8] {
        X509_up_ref(pointer)
        return X509Ref(owning: pointer).der
    }
}

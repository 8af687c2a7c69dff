internal import COpenSSL
import Foundation

extension TrustStore {
    /// Classifies a directory server's TLS certificate the way a verifying
    /// client sees it: untrusted issuer, expired, not yet valid, revoked, or
    /// (when the path is fine) a host name it does not name (RFC 6125).
    /// Returns ``TLSFailure/handshake`` when the certificate itself looks fine.
    func classifyServerCertificate(_ certificate: X509Ref, host: String?) -> TLSFailure {
        guard let context = X509_STORE_CTX_new() else { return .handshake }
        defer {
            X509_STORE_CTX_free(context)
            OpenSSLErrorQueue.clear()
        }
        guard X509_STORE_CTX_init(context, store, certificate.pointer, nil) == 1 else { return .handshake }
        let code = X509_verify_cert(context) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(context)
        switch code {
        case X509_V_OK:
            if let host, !certificate.matches(host: host) { return .hostnameMismatch }
            return .handshake
        case X509_V_ERR_CERT_HAS_EXPIRED: return .expired
        case X509_V_ERR_CERT_NOT_YET_VALID: return .notYetValid
        case X509_V_ERR_CERT_REVOKED: return .revoked
        default: return .untrustedIssuer
        }
    }
}

internal import COpenSSL
import Foundation

/// What the signature-only route of a bulk check needs from a CRL that
/// OpenSSL already accepted for a path through the same issuer.
extension CRLRef {
    /// The CRL names `issuer` as its issuer and its signature verifies with
    /// `issuer`'s key (`X509_CRL_verify(3)`).
    func isSigned(by issuer: X509Ref) -> Bool {
        defer { OpenSSLErrorQueue.clear() }
        guard X509_NAME_cmp(X509_CRL_get_issuer(pointer), X509_get_subject_name(issuer.pointer)) == 0,
            let key = X509_get0_pubkey(issuer.pointer)
        else { return false }
        return X509_CRL_verify(pointer, key) == 1
    }

    /// A complete CRL of its issuer's own certificates, as OpenSSL applies it
    /// to any of them alike: no extension besides the authority key identifier
    /// and the CRL number (so no issuingDistributionPoint scope, no delta, no
    /// freshest CRL), and no entry extension that is critical or names another
    /// certificate issuer (indirect CRLs, RFC 5280 §5.3.3).
    var coversEveryCertificateOfItsIssuer: Bool {
        for index in 0..<X509_CRL_get_ext_count(pointer) {
            let nid = OBJ_obj2nid(X509_EXTENSION_get_object(X509_CRL_get_ext(pointer, index)))
            if nid != NID_authority_key_identifier && nid != NID_crl_number { return false }
        }
        guard let entries = X509_CRL_get_REVOKED(pointer) else { return true }
        for index in 0..<OPENSSL_sk_num(entries) {
            guard let raw = OPENSSL_sk_value(entries, index) else { return false }
            let entry = OpaquePointer(raw)
            for position in 0..<X509_REVOKED_get_ext_count(entry) {
                guard let ext = X509_REVOKED_get_ext(entry, position) else { return false }
                if X509_EXTENSION_get_critical(ext) != 0
                    || OBJ_obj2nid(X509_EXTENSION_get_object(ext)) == NID_certificate_issuer
                {
                    return false
                }
            }
        }
        return true
    }

    /// The CRL lists `certificate`'s serial number as revoked
    /// (`X509_CRL_get0_by_serial(3)`; an entry with reason removeFromCRL does not count, as in OpenSSL).
    func lists(_ certificate: X509Ref) -> Bool {
        var entry: OpaquePointer?
        guard let serial = X509_get0_serialNumber(certificate.pointer) else { return false }
        return X509_CRL_get0_by_serial(pointer, &entry, serial) == 1
    }
}

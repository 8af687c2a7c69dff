internal import COpenSSL

/// Reads the certificates carried in a CMS/PKCS#7 SignedData (RFC 5652 §5.1),
/// both the certs-only ("degenerate") form and a real signed message, as found
/// in `userSMIMECertificate` (RFC 2798 §2.8).
///
/// swift-certificates keeps its CMS types internal, so this uses OpenSSL:
/// `d2i_CMS_ContentInfo(3)` and `CMS_get1_certs(3)`.
enum CMSCertificates {
    /// The DER of each certificate in the SignedData's `certificates` set, in encoded order.
    /// - Returns: `nil` when `der` is not a complete CMS ContentInfo holding SignedData.
    static func certificates(in der: [UInt8]) -> [[UInt8]]? {
        defer { OpenSSLErrorQueue.clear() }
        var cms: OpaquePointer?
        let consumed = der.withUnsafeBufferPointer { buffer -> Int in
            var cursor = buffer.baseAddress.map { UnsafePointer<UInt8>?($0) } ?? nil
            cms = d2i_CMS_ContentInfo(nil, &cursor, buffer.count)
            guard let cursor, let base = buffer.baseAddress else { return 0 }
            return cursor - base
        }
        guard let cms else { return nil }
        defer { CMS_ContentInfo_free(cms) }
        guard consumed == der.count, OBJ_obj2nid(CMS_get0_type(cms)) == NID_pkcs7_signed else { return nil }
        guard let stack = CMS_get1_certs(cms) else { return [] }
        defer { copenssl_sk_X509_pop_free(stack) }
        var result: [[UInt8]] = []
        for index in 0..<copenssl_sk_X509_num(stack) {
            guard let cert = copenssl_sk_X509_value(stack, index) else { continue }
            X509_up_ref(cert)
            result.append(X509Ref(owning: cert).der)
        }
        return result
    }
}

internal import COpenSSL
import Foundation

/// Owns one OpenSSL `X509_CRL *` (RFC 5280 §5) and frees it in `deinit`.
///
/// `@unchecked Sendable`: after parsing the CRL is only read; OpenSSL caches
/// its extensions during `d2i_X509_CRL(3)`, so concurrent reads are safe.
final class CRLRef: @unchecked Sendable {
    let pointer: OpaquePointer
    /// The DER as found.
    let der: [UInt8]

    /// Parses DER with `d2i_X509_CRL(3)`; `nil` when the bytes are not one complete CRL.
    init?(der: [UInt8]) {
        var parsed: OpaquePointer?
        let consumed = der.withUnsafeBufferPointer { buffer -> Int in
            var cursor = buffer.baseAddress.map { UnsafePointer<UInt8>?($0) } ?? nil
            parsed = d2i_X509_CRL(nil, &cursor, buffer.count)
            guard let cursor, let base = buffer.baseAddress else { return 0 }
            return cursor - base
        }
        OpenSSLErrorQueue.clear()
        guard let parsed else { return nil }
        guard consumed == der.count else {
            X509_CRL_free(parsed)
            return nil
        }
        self.pointer = parsed
        self.der = der
    }

    deinit { X509_CRL_free(pointer) }

    /// The CRL issuer as an RFC 4514 string.
    var issuerRFC4514: String { X509Ref.rfc4514(X509_CRL_get_issuer(pointer)) }

    /// nextUpdate (RFC 5280 §5.1.2.5); `nil` when the CRL has none.
    var nextUpdate: Date? {
        guard let time = X509_CRL_get0_nextUpdate(pointer) else { return nil }
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}

import Foundation

/// The OpenSSL `X509` of a certificate, parsed on first use and kept.
///
/// OpenSSL 3.0's `d2i_X509(3)` costs about 180 µs per certificate, most of it
/// decoding the public key through the provider decoders (openssl#17950); a
/// bulk export needs the `X509` only for the few certificates the Swift
/// checks cannot settle, so it is parsed on demand.
///
/// `@unchecked Sendable`: the one mutable field is guarded by `lock`.
final class LazyX509: @unchecked Sendable {
    private let der: [UInt8]
    private let lock = NSLock()
    private var parsed: X509Ref??

    init(der: [UInt8]) { self.der = der }

    /// Already parsed (by a caller that needed OpenSSL anyway).
    init(der: [UInt8], parsed: X509Ref) {
        self.der = der
        self.parsed = .some(parsed)
    }

    /// The parsed certificate; `nil` when OpenSSL does not read these bytes as
    /// one certificate (remembered, so the parse is tried once).
    var value: X509Ref? {
        lock.lock()
        defer { lock.unlock() }
        if let parsed { return parsed }
        let result = X509Ref(der: der)
        if result == nil { OpenSSLErrorQueue.clear() }
        parsed = .some(result)
        return result
    }
}

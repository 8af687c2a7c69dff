internal import COpenSSL

/// Owns one OpenSSL `X509 *` and frees it in `deinit`.
///
/// `@unchecked Sendable`: after parsing, the certificate is only read, and
/// OpenSSL's `X509` is safe for concurrent reads once its cached extensions
/// have been computed (done in `init` by `X509_check_purpose(x, -1, 0)`).
final class X509Ref: @unchecked Sendable {
    let pointer: OpaquePointer

    /// Takes ownership of `pointer` (one reference).
    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
        _ = X509_check_purpose(pointer, -1, 0)
    }

    /// Parses DER with `d2i_X509(3)`; `nil` when the bytes are not one complete certificate.
    convenience init?(der: [UInt8]) {
        var parsed: OpaquePointer?
        let consumed = der.withUnsafeBufferPointer { buffer -> Int in
            var cursor = buffer.baseAddress.map { UnsafePointer<UInt8>?($0) } ?? nil
            parsed = d2i_X509(nil, &cursor, buffer.count)
            guard let cursor, let base = buffer.baseAddress else { return 0 }
            return cursor - base
        }
        guard let parsed else { return nil }
        guard consumed == der.count else {
            X509_free(parsed)
            return nil
        }
        self.init(owning: parsed)
    }

    deinit { X509_free(pointer) }

    /// The DER encoding (`i2d_X509(3)`).
    var der: [UInt8] {
        let length = i2d_X509(pointer, nil)
        guard length > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        bytes.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            _ = i2d_X509(pointer, &cursor)
        }
        return bytes
    }

    /// The public key's algorithm, size in bits and, for EC, the curve's short name.
    var publicKeyInfo: PublicKeyInfo {
        guard let key = X509_get0_pubkey(pointer) else {
            return PublicKeyInfo(algorithm: .unknown, bits: 0, curve: nil)
        }
        let bits = Int(EVP_PKEY_get_bits(key))
        switch EVP_PKEY_get_base_id(key) {
        case EVP_PKEY_RSA, EVP_PKEY_RSA_PSS:
            return PublicKeyInfo(algorithm: .rsa, bits: bits, curve: nil)
        case EVP_PKEY_EC:
            var name = [CChar](repeating: 0, count: 80)
            var length = 0
            let curve: String? =
                EVP_PKEY_get_group_name(key, &name, name.count, &length) == 1
                ? String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
            return PublicKeyInfo(algorithm: .ec, bits: bits, curve: curve)
        case EVP_PKEY_DSA:
            return PublicKeyInfo(algorithm: .dsa, bits: bits, curve: nil)
        case EVP_PKEY_ED25519, EVP_PKEY_ED448:
            return PublicKeyInfo(algorithm: .edwards, bits: bits, curve: nil)
        case EVP_PKEY_X25519, EVP_PKEY_X448:
            return PublicKeyInfo(algorithm: .montgomery, bits: bits, curve: nil)
        default:
            return PublicKeyInfo(algorithm: .unknown, bits: bits, curve: nil)
        }
    }

    /// True when the host name (or IP literal) matches the certificate per RFC 6125
    /// (`X509_check_host(3)`, `X509_check_ip_asc(3)`).
    func matches(host: String) -> Bool {
        if X509_check_ip_asc(pointer, host, 0) == 1 { return true }
        return X509_check_host(pointer, host, host.utf8.count, 0, nil) == 1
    }
}

/// The subject public key as OpenSSL reads it. swift-crypto refuses RSA keys
/// under 2048 bits, so sizes come from OpenSSL, which reads any key.
struct PublicKeyInfo: Sendable, Hashable {
    enum Algorithm: String, Sendable { case rsa, ec, dsa, edwards, montgomery, unknown }
    let algorithm: Algorithm
    let bits: Int
    /// The curve's short name for EC keys, e.g. `prime256v1`, `secp384r1`.
    let curve: String?
}

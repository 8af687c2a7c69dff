internal import COpenSSL

extension X509Ref {
    /// The subject DN as an RFC 4514 string (`X509_NAME_print_ex(3)` with `XN_FLAG_RFC2253`).
    var subjectRFC4514: String { Self.rfc4514(X509_get_subject_name(pointer)) }

    /// The issuer DN as an RFC 4514 string.
    var issuerRFC4514: String { Self.rfc4514(X509_get_issuer_name(pointer)) }

    /// The short name of the digest in the certificate's signature algorithm
    /// (`SHA1`, `SHA256`, `MD5`…), or `nil` for algorithms without a separate
    /// digest (Ed25519) or unknown ones.
    var signatureDigest: String? {
        var digest: Int32 = 0
        var key: Int32 = 0
        guard OBJ_find_sigid_algs(X509_get_signature_nid(pointer), &digest, &key) == 1, digest != NID_undef,
            let name = OBJ_nid2sn(digest)
        else { return nil }
        return String(cString: name)
    }

    static func rfc4514(_ name: OpaquePointer?) -> String {
        guard let name, let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        guard X509_NAME_print_ex(bio, name, 0, copenssl_xn_flag_rfc2253()) >= 0 else { return "" }
        var data: UnsafeMutablePointer<CChar>?
        let length = copenssl_BIO_get_mem_data(bio, &data)
        guard let data, length > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    }
}

extension X509Ref {
    /// An RFC 4514 string for the DER of one Name (RFC 5280 §4.1.2.4), printed
    /// as for ``subjectRFC4514``: `d2i_X509_NAME(3)` reads only the name, not
    /// the whole certificate. Empty when OpenSSL cannot read it.
    static func rfc4514(nameDER: ArraySlice<UInt8>) -> String {
        let bytes = Array(nameDER)
        let name = bytes.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor = buffer.baseAddress
            return d2i_X509_NAME(nil, &cursor, buffer.count)
        }
        guard let name else {
            OpenSSLErrorQueue.clear()
            return ""
        }
        defer { X509_NAME_free(name) }
        return rfc4514(name)
    }
}

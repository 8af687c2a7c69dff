internal import COpenSSL

/// OpenSSL's view of a certificate without its key, for the rules path
/// validation applies to a leaf besides its signature.
///
/// `d2i_X509(3)` costs about 180 µs in OpenSSL 3.0, nearly all of it decoding
/// the public key; with the key's algorithm OID replaced by an unknown one of
/// the same length (so every length stays valid), the parse costs about 35 µs
/// and still yields OpenSSL's own reading of everything else: names, dates,
/// extensions and their flags, the signature's encoding. Never used to verify
/// a signature or to read the key.
extension X509Ref {
    /// The keyless view of `der`; `nil` when OpenSSL cannot read the rest.
    /// - Parameter range: The content octets of the subjectPublicKeyInfo
    ///   algorithm OID within `der`.
    static func keyless(_ der: [UInt8], keyAlgorithmOID range: Range<Int>) -> X509Ref? {
        guard range.lowerBound >= 0, range.upperBound <= der.count, !range.isEmpty else { return nil }
        var copy = der
        // 1.2.127.127…: an OID no OpenSSL provider knows, encoded in the same number of octets.
        for index in range { copy[index] = index == range.lowerBound ? 0x2a : 0x7f }
        let view = X509Ref(der: copy)
        OpenSSLErrorQueue.clear()  // the unknown key algorithm leaves its error behind
        return view
    }

    /// The checks `X509_verify_cert` makes on a leaf apart from its signature,
    /// its issuer and its validity period (which the validator judges itself),
    /// as OpenSSL's own flags and parsers give them: no extension OpenSSL finds
    /// invalid or critical and unsupported, not a proxy certificate, not
    /// self-issued or self-signed by OpenSSL's name comparison (RFC 5280 §6.1,
    /// §4.2), both dates in a form OpenSSL can compare (§4.1.2.5), no unused
    /// bits in the signature BIT STRING, and no RFC 3779 resources (checked
    /// along the whole path).
    var passesLeafRules: Bool {
        let refused = UInt32(EXFLAG_INVALID | EXFLAG_CRITICAL | EXFLAG_PROXY | EXFLAG_SI | EXFLAG_SS)
        guard X509_get_extension_flags(pointer) & refused == 0 else { return false }
        guard X509_cmp_time(X509_get0_notBefore(pointer), nil) != 0,
            X509_cmp_time(X509_get0_notAfter(pointer), nil) != 0
        else { return false }
        var signature: UnsafePointer<ASN1_BIT_STRING>?
        X509_get0_signature(&signature, nil, pointer)
        guard let signature, signature.pointee.flags & 0x07 == 0 else { return false }
        return !carriesRFC3779Resources
    }

    /// IP address or AS identifier delegations (RFC 3779), which OpenSSL checks along the path.
    var carriesRFC3779Resources: Bool {
        X509_get_ext_by_NID(pointer, NID_sbgp_ipAddrBlock, -1) >= 0
            || X509_get_ext_by_NID(pointer, NID_sbgp_autonomousSysNum, -1) >= 0
    }

    /// True when OpenSSL would take this certificate as a possible issuer of
    /// `subject` while building a path (`X509_check_issued(3)`: names, the
    /// authority key identifier, keyCertSign, the key type against the
    /// signature algorithm).
    func mayHaveIssued(_ subject: X509Ref) -> Bool {
        let result = X509_check_issued(pointer, subject.pointer)
        OpenSSLErrorQueue.clear()
        return result == X509_V_OK
    }
}

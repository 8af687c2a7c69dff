internal import COpenSSL

/// OpenSSL's view of a certificate without its key, for the rules path
/// validation applies to a leaf besides its signature.
///
/// `d2i_X509(3)` costs about 180 µs in OpenSSL 3.0, nearly all of it in the
/// provider decoders for the public key, which it tries for any key (even one
/// of an unknown algorithm: about 30 µs, under locks shared by all threads). A
/// certificate object built from the other signed fields with OpenSSL's own
/// parsers (`copenssl_keyless_certificate`) still gives OpenSSL's reading of
/// them: names, dates, extensions and their flags. Never used to verify a
/// signature or to read the key.
extension X509Ref {
    /// The keyless view of a certificate whose fields are slices of `der`;
    /// `nil` when OpenSSL cannot read one of them.
    static func keyless(_ der: [UInt8], fields: SignedFields) -> X509Ref? {
        let parts = [
            fields.signatureAlgorithm, fields.issuer, fields.notBefore, fields.notAfter, fields.subject,
            fields.extensions ?? [],
        ]
        guard parts.allSatisfy({ $0.startIndex >= 0 && $0.endIndex <= der.count }) else { return nil }
        let view = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            guard let base = buffer.baseAddress else { return nil }
            func at(_ part: ArraySlice<UInt8>) -> UnsafePointer<UInt8> { base + part.startIndex }
            return copenssl_keyless_certificate(
                fields.version, at(parts[0]), parts[0].count, at(parts[1]), parts[1].count, at(parts[2]),
                parts[2].count, at(parts[3]), parts[3].count, at(parts[4]), parts[4].count,
                fields.extensions == nil ? nil : at(parts[5]), parts[5].count)
        }
        defer { OpenSSLErrorQueue.clear() }
        return view.map { X509Ref(owning: $0) }
    }

    /// The checks `X509_verify_cert` makes on a leaf apart from its signature,
    /// its issuer and its validity period (which the validator judges itself),
    /// as OpenSSL's own flags and parsers give them: no extension OpenSSL finds
    /// invalid or critical and unsupported, not a proxy certificate, not
    /// self-issued or self-signed by OpenSSL's name comparison (RFC 5280 §6.1,
    /// §4.2), both dates in a form OpenSSL can compare (§4.1.2.5), and no RFC
    /// 3779 resources (checked along the whole path). The signature's encoding
    /// is checked apart (`SignedFields.signatureWholeOctets`).
    var passesLeafRules: Bool {
        let refused = UInt32(EXFLAG_INVALID | EXFLAG_CRITICAL | EXFLAG_PROXY | EXFLAG_SI | EXFLAG_SS)
        guard X509_get_extension_flags(pointer) & refused == 0 else { return false }
        guard X509_cmp_time(X509_get0_notBefore(pointer), nil) != 0,
            X509_cmp_time(X509_get0_notAfter(pointer), nil) != 0
        else { return false }
        return !carriesRFC3779Resources
    }

    /// IP address or AS identifier delegations (RFC 3779), which OpenSSL checks along the path.
    var carriesRFC3779Resources: Bool {
        X509_get_ext_by_NID(pointer, NID_sbgp_ipAddrBlock, -1) >= 0
            || X509_get_ext_by_NID(pointer, NID_sbgp_autonomousSysNum, -1) >= 0
    }

    /// OpenSSL's own CA test (`X509_check_ca` is 1: basicConstraints cA, and
    /// keyCertSign if keyUsage is present), which a path requires of every
    /// issuer below its top.
    var isCertificateAuthority: Bool { X509_check_ca(pointer) == 1 }

    /// True when OpenSSL would take this certificate as a possible issuer of
    /// `subject` while building a path (`X509_check_issued(3)`: names, the
    /// authority key identifier, the key type against the signature
    /// algorithm). A certificate without keyCertSign counts too: path building
    /// takes it (and then refuses the path), though `X509_check_issued` says
    /// `X509_V_ERR_KEYUSAGE_NO_CERTSIGN`.
    func mayHaveIssued(_ subject: X509Ref) -> Bool {
        let result = X509_check_issued(pointer, subject.pointer)
        OpenSSLErrorQueue.clear()
        return result == X509_V_OK || result == X509_V_ERR_KEYUSAGE_NO_CERTSIGN
    }
}

internal import COpenSSL

/// OpenSSL's view of a certificate without its key, for the rules path
/// validation applies to a leaf besides its signature.
///
/// `d2i_X509(3)` costs about 180 µs in OpenSSL 3.0, nearly all of it in the
/// provider decoders for the public key, which it tries for any key (even one
/// of an unknown algorithm: about 30 µs, under locks shared by all threads). A
/// certificate object built from the other signed fields with OpenSSL's own
/// parsers (``KeylessFields``) still gives OpenSSL's reading of
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
        defer { OpenSSLErrorQueue.clear() }
        return der.withUnsafeBufferPointer { buffer -> X509Ref? in
            guard let base = buffer.baseAddress, let certificate = X509_new() else { return nil }
            let filled = KeylessFields(base: base)
            guard X509_set_version(certificate, fields.version) == 1,
                filled.setSignatureAlgorithm(certificate, fields.signatureAlgorithm),
                filled.setName(certificate, X509_set_issuer_name, fields.issuer),
                filled.setName(certificate, X509_set_subject_name, fields.subject),
                filled.setTime(certificate, X509_set1_notBefore, fields.notBefore),
                filled.setTime(certificate, X509_set1_notAfter, fields.notAfter),
                fields.extensions.map({ filled.addExtensions(certificate, $0) }) ?? true
            else {
                X509_free(certificate)
                return nil
            }
            // Only now: `X509Ref` has OpenSSL compute and cache the extension flags.
            return X509Ref(owning: certificate)
        }
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

/// Fills a new `X509` from DER slices of one certificate with OpenSSL's own
/// parsers: version, the signature AlgorithmIdentifier (set as both the inner
/// and the outer one), issuer and subject Names, the two Times, and the
/// Extensions. Each part must parse and use its bytes exactly.
private struct KeylessFields {
    let base: UnsafePointer<UInt8>

    /// One DER value read with a `d2i` function, which must use exactly the whole slice.
    private func decode<T>(
        _ part: ArraySlice<UInt8>, _ d2i: (UnsafeMutablePointer<UnsafePointer<UInt8>?>, Int) -> T?,
        free: (T) -> Void
    ) -> T? {
        let start = base + part.startIndex
        var cursor: UnsafePointer<UInt8>? = start
        guard let value = d2i(&cursor, part.count) else { return nil }
        guard cursor == start + part.count else {
            free(value)
            return nil
        }
        return value
    }

    func setSignatureAlgorithm(_ certificate: OpaquePointer, _ part: ArraySlice<UInt8>) -> Bool {
        guard let algorithm = decode(part, { d2i_X509_ALGOR(nil, $0, $1) }, free: { X509_ALGOR_free($0) }) else {
            return false
        }
        defer { X509_ALGOR_free(algorithm) }
        // X509 offers no setter for these two: they are its own fields, reached through the getters.
        var outer: UnsafePointer<X509_ALGOR>?
        X509_get0_signature(nil, &outer, certificate)
        guard let outer, let inner = X509_get0_tbs_sigalg(certificate) else { return false }
        return X509_ALGOR_copy(UnsafeMutablePointer(mutating: inner), algorithm) == 1
            && X509_ALGOR_copy(UnsafeMutablePointer(mutating: outer), algorithm) == 1
    }

    func setName(
        _ certificate: OpaquePointer, _ set: (OpaquePointer?, OpaquePointer?) -> Int32, _ part: ArraySlice<UInt8>
    ) -> Bool {
        guard let name = decode(part, { d2i_X509_NAME(nil, $0, $1) }, free: { X509_NAME_free($0) }) else {
            return false
        }
        defer { X509_NAME_free(name) }
        return set(certificate, name) == 1
    }

    func setTime(
        _ certificate: OpaquePointer, _ set: (OpaquePointer?, UnsafePointer<ASN1_TIME>?) -> Int32,
        _ part: ArraySlice<UInt8>
    ) -> Bool {
        guard let time = decode(part, { d2i_ASN1_TIME(nil, $0, $1) }, free: { ASN1_TIME_free($0) }) else {
            return false
        }
        defer { ASN1_TIME_free(time) }
        return set(certificate, time) == 1
    }

    func addExtensions(_ certificate: OpaquePointer, _ part: ArraySlice<UInt8>) -> Bool {
        guard
            let list = decode(
                part, { d2i_X509_EXTENSIONS(nil, $0, $1) }, free: { copenssl_sk_X509_EXTENSION_pop_free($0) })
        else { return false }
        defer { copenssl_sk_X509_EXTENSION_pop_free(list) }
        for index in 0..<copenssl_sk_X509_EXTENSION_num(list) {
            guard X509_add_ext(certificate, copenssl_sk_X509_EXTENSION_value(list, index), -1) == 1 else {
                return false
            }
        }
        return true
    }
}

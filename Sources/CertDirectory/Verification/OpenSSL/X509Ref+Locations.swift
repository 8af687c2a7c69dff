internal import COpenSSL

/// Where a certificate says its issuer's certificates and its CRLs are published.
struct PublicationPoints: Sendable, Hashable {
    /// URIs (`ldap://`, `http://`), in certificate order.
    var urls: [String] = []
    /// Directory entries named as distribution points or CRL issuers, RFC 4514 strings.
    var entries: [String] = []

    var isEmpty: Bool { urls.isEmpty && entries.isEmpty }
}

extension X509Ref {
    /// The subject and issuer names as compared by `X509_NAME_cmp(3)` (RFC 5280 §7.1).
    func issuerMatches(subjectOf other: X509Ref) -> Bool {
        X509_NAME_cmp(X509_get_issuer_name(pointer), X509_get_subject_name(other.pointer)) == 0
    }

    /// True when the certificate names itself as issuer (self-issued, RFC 5280 §3.2).
    var isSelfIssued: Bool { issuerMatches(subjectOf: self) }

    /// True when `issuer`'s subject key identifier matches this certificate's
    /// authority key identifier, or either is absent (RFC 5280 §4.2.1.1; RFC 4158 §3.5.12).
    func keyIdentifierAllows(issuer: X509Ref) -> Bool {
        guard let akid = X509_get0_authority_key_id(pointer), let skid = X509_get0_subject_key_id(issuer.pointer) else {
            return true
        }
        return ASN1_OCTET_STRING_cmp(akid, skid) == 0
    }

    /// The cRLDistributionPoints (RFC 5280 §4.2.1.13), or with `freshest`, the
    /// freshestCRL extension that points to delta CRLs (§4.2.1.15). A
    /// distribution point's fullName gives URIs and directoryNames; a
    /// nameRelativeToIssuer gives the issuer's DN plus that RDN; a cRLIssuer
    /// (an indirect CRL) gives that issuer's entry.
    func crlDistributionPoints(freshest: Bool = false) -> PublicationPoints {
        var points = PublicationPoints()
        let nid = freshest ? NID_freshest_crl : NID_crl_distribution_points
        guard let raw = X509_get_ext_d2i(pointer, nid, nil, nil) else {
            OpenSSLErrorQueue.clear()
            return points
        }
        let stack = OpaquePointer(raw)
        defer { CRL_DIST_POINTS_free(stack) }
        for index in 0..<OPENSSL_sk_num(stack) {
            guard let dp = OPENSSL_sk_value(stack, index)?.assumingMemoryBound(to: DIST_POINT.self).pointee else {
                continue
            }
            if let distpoint = dp.distpoint {
                if distpoint.pointee.type == 0, let full = distpoint.pointee.name.fullname {
                    Self.collect(generalNames: full, into: &points)
                } else if distpoint.pointee.type == 1 {
                    // nameRelativeToCRLIssuer: the RDN is appended to the CRL issuer's
                    // name, the cRLIssuer when given, else the certificate's issuer
                    // (RFC 5280 §4.2.1.13). DIST_POINT_set_dpname joins them into
                    // dpname, which CRL_DIST_POINTS_free releases with the rest.
                    if distpoint.pointee.dpname == nil {
                        let base = dp.CRLissuer.flatMap(Self.firstDirectoryName) ?? X509_get_issuer_name(pointer)
                        DIST_POINT_set_dpname(distpoint, base)
                    }
                    if let dn = distpoint.pointee.dpname { points.entries.append(Self.rfc4514(dn)) }
                }
            }
            if let issuers = dp.CRLissuer {
                var crlIssuers = PublicationPoints()
                Self.collect(generalNames: issuers, into: &crlIssuers)
                points.entries += crlIssuers.entries
            }
        }
        return points
    }

    /// The caIssuers URIs of authorityInfoAccess (RFC 5280 §4.2.2.1).
    var caIssuersURLs: [String] { accessURLs(NID_ad_ca_issuers) }

    /// The OCSP responder URIs of authorityInfoAccess (id-ad-ocsp, RFC 6960 §3.1, RFC 5280 §4.2.2.1).
    var ocspResponderURLs: [String] { accessURLs(NID_ad_OCSP) }

    private func accessURLs(_ method: Int32) -> [String] {
        guard let raw = X509_get_ext_d2i(pointer, NID_info_access, nil, nil) else {
            OpenSSLErrorQueue.clear()
            return []
        }
        let stack = OpaquePointer(raw)
        defer { AUTHORITY_INFO_ACCESS_free(stack) }
        var points = PublicationPoints()
        for index in 0..<OPENSSL_sk_num(stack) {
            guard let description = OPENSSL_sk_value(stack, index)?.assumingMemoryBound(to: ACCESS_DESCRIPTION.self),
                OBJ_obj2nid(description.pointee.method) == method,
                let location = description.pointee.location
            else { continue }
            Self.collect(name: location, into: &points)
        }
        return points.urls
    }

    /// The first directoryName among `generalNames`, owned by them.
    private static func firstDirectoryName(_ generalNames: OpaquePointer) -> OpaquePointer? {
        for index in 0..<OPENSSL_sk_num(generalNames) {
            guard let name = OPENSSL_sk_value(generalNames, index)?.assumingMemoryBound(to: GENERAL_NAME.self) else {
                continue
            }
            var type: Int32 = 0
            if let value = GENERAL_NAME_get0_value(name, &type), type == GEN_DIRNAME { return OpaquePointer(value) }
        }
        return nil
    }

    private static func collect(generalNames: OpaquePointer, into points: inout PublicationPoints) {
        for index in 0..<OPENSSL_sk_num(generalNames) {
            guard let name = OPENSSL_sk_value(generalNames, index)?.assumingMemoryBound(to: GENERAL_NAME.self) else {
                continue
            }
            collect(name: name, into: &points)
        }
    }

    private static func collect(name: UnsafeMutablePointer<GENERAL_NAME>, into points: inout PublicationPoints) {
        var type: Int32 = 0
        guard let value = GENERAL_NAME_get0_value(name, &type) else { return }
        switch type {
        case GEN_URI:
            let string = value.assumingMemoryBound(to: ASN1_STRING.self)
            guard let data = ASN1_STRING_get0_data(string) else { return }
            let bytes = UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(string)))
            points.urls.append(String(decoding: bytes, as: UTF8.self))
        case GEN_DIRNAME:
            points.entries.append(rfc4514(OpaquePointer(value)))
        default:
            break
        }
    }
}

import Foundation

/// The CRL of one verified issuer, as the signature-only route of a bulk check uses it.
enum IssuerCRL: Sendable {
    /// Leaves with these distribution points under this issuer: a serial
    /// number lookup in `crl` gives OpenSSL's full-path verdict.
    case lookup(CRLRef, origin: String)
    /// Something about the CRLs or the path above needs OpenSSL's full path for every leaf.
    case fullPath
}

/// The ``IssuerCRL`` per issuer, distribution points and instant, for one checker's lifetime.
final class IssuerCRLMemo: @unchecked Sendable {
    // @unchecked: every access holds the lock.
    struct Key: Hashable {
        var issuer: [UInt8]
        var points: PublicationPoints
        var time: Date
    }
    private let lock = NSLock()
    private var memo: [Key: IssuerCRL] = [:]

    subscript(key: Key) -> IssuerCRL? {
        get { lock.withLock { memo[key] } }
        set { lock.withLock { memo[key] = newValue } }
    }
}

extension CertificateChecker {
    /// The revocation status of `leaf`, whose path was settled by its
    /// signature under the verified `issuer`, as OpenSSL's full path with CRL
    /// checking would give it; `nil` sends the leaf to ``check(_:purpose:address:intermediates:at:)``.
    ///
    /// For the first leaf of an issuer and set of distribution points, the
    /// CRLs are gathered as for any check and OpenSSL verifies that leaf's path
    /// with them (the issuer's own status on its issuer's CRL included). When
    /// that path is good or only the leaf is revoked, and exactly one CRL of
    /// the issuer was found, signed by it and complete
    /// (``CRLRef/coversEveryCertificateOfItsIssuer``), every later leaf of the
    /// same issuer and distribution points is looked up in that CRL by serial
    /// number: the one fact of OpenSSL's verdict that differs between them.
    /// OCSP, delta CRLs and any other shape of CRL keep the full path.
    func issuerCRLStatus(
        of leaf: X509Ref, issuer: X509Ref, intermediates: [X509Ref], at time: Date
    ) async -> (status: RevocationStatus, source: String, reason: Finding?)? {
        guard revocation != .off, validator.policy.revocationSources.order == [.crl],
            leaf.crlDistributionPoints(freshest: true).isEmpty
        else { return nil }
        let key = IssuerCRLMemo.Key(issuer: issuer.der, points: leaf.crlDistributionPoints(), time: time)
        var state = issuerCRLs[key]
        if state == nil {
            state = await settleIssuerCRL(leaf: leaf, issuer: issuer, intermediates: intermediates, at: time)
            issuerCRLs[key] = state
        }
        guard case .lookup(let crl, let origin) = state else { return nil }
        guard crl.lists(leaf) else { return (.good, origin, nil) }
        // OpenSSL's own words for X509_V_ERR_CERT_REVOKED at depth 0, as the full path reports them.
        let reason = "certificate revoked (for \(leaf.subjectRFC4514), issued by \(leaf.issuerRFC4514))"
        return (.revoked, origin, Finding(.revoked, reason))
    }

    private func settleIssuerCRL(leaf: X509Ref, issuer: X509Ref, intermediates: [X509Ref], at time: Date) async
        -> IssuerCRL
    {
        let gathered = await gather(leaf: leaf, local: intermediates)
        let own = gathered.crls.filter { leaf.issuerMatches(crlOf: $0) }
        guard own.count == 1, let crl = own.first, crl.isSigned(by: issuer), crl.coversEveryCertificateOfItsIssuer,
            let origin = gathered.crlOrigins[ObjectIdentifier(crl)]
        else { return .fullPath }
        switch validator.trustStore.verify(leaf: leaf, intermediates: gathered.pool, crls: gathered.crls, at: time) {
        case .good:
            return crl.lists(leaf) ? .fullPath : .lookup(crl, origin: origin)
        case .revoked(_, let depth) where depth == 0:
            return crl.lists(leaf) ? .lookup(crl, origin: origin) : .fullPath
        default:
            return .fullPath
        }
    }
}

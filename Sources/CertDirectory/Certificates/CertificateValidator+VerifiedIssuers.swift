public import Foundation
import SwiftASN1
import X509

/// A CA certificate whose own path to an anchor OpenSSL verified at the
/// evaluation instant of a bulk check.
struct VerifiedIssuer: Sendable {
    let certificate: ParsedCertificate
    /// Certificates on its path, itself to the anchor.
    let pathLength: Int
}

/// What a bulk check knows before its first leaf: every certificate OpenSSL
/// could take as an issuer (the anchors and the given authorities), and for
/// those whose path was verified, that path.
struct VerifiedIssuers: Sendable {
    struct Candidate: Sendable {
        let x509: X509Ref
        let verified: VerifiedIssuer?
    }

    let candidates: [Candidate]
    /// SHA-256 of the authorities: another certificate at hand could be the
    /// issuer OpenSSL picks, so its presence sends a leaf to OpenSSL.
    let known: Set<String>
    /// SHA-256 of the trust anchors: a leaf that is itself an anchor ends its
    /// own path in OpenSSL (length 1), so it goes to OpenSSL.
    var anchors: Set<String> = []

    static let none = VerifiedIssuers(candidates: [], known: [])

    /// How many authorities and anchors have a verified path.
    var count: Int { candidates.count { $0.verified != nil } }
    /// How many of the authorities given (not counting the anchors) have a verified path.
    var verifiedAuthorities: Int {
        candidates.count { candidate in candidate.verified.map { known.contains($0.certificate.sha256) } ?? false }
    }
    /// True when the certificate with this SHA-256 (an anchor or an authority) has a verified path.
    func isVerified(_ sha256: String) -> Bool { candidates.contains { $0.verified?.certificate.sha256 == sha256 } }
    var isEmpty: Bool { count == 0 }
}

extension CertificateValidator {
    /// A validator for one instant that knows which of `authorities` have a
    /// valid path to an anchor at `time`, so that a bulk check verifies each
    /// intermediate's path once instead of once per leaf.
    ///
    /// A leaf issued by such an authority is then checked by its signature
    /// alone (swift-crypto), when OpenSSL's full path would be exactly leaf →
    /// that authority → its verified path and nothing on it could refuse the
    /// leaf (see ``pathThroughVerifiedIssuer(_:intermediates:)``). Every other
    /// leaf gets `X509_verify_cert` with the configured anchors only, as
    /// without this call. An authority counts only when its own dates are
    /// valid, its path carries no name, policy or RFC 3779 constraints and
    /// every pathLenConstraint above it leaves room for it
    /// (``TrustStore/issuerPath(of:intermediates:at:)``).
    ///
    /// The trust anchors are promoted the same way, so that a leaf issued
    /// directly by an anchor (as in many directories) is settled by its
    /// signature too: OpenSSL verifies the anchor as a path of its own (its
    /// dates, no constraints) and it must pass the same issuer rules.
    public func promotingVerifiedCAs(_ authorities: [ParsedCertificate], at time: Date) -> CertificateValidator {
        let pool = authorities.compactMap(\.x509)
        let anchors = trustAnchors.compactMap { der -> (ParsedCertificate?, X509Ref)? in
            guard let x509 = X509Ref(der: der) else { return nil }
            return (try? ParsedCertificate(der: der), x509)
        }
        var candidates: [VerifiedIssuers.Candidate] = []
        let issuers =
            anchors.map { (certificate: $0.0, x509: $0.1, anchor: true) }
            + authorities.compactMap { a in a.x509.map { (certificate: a, x509: $0, anchor: false) } }
        for (certificate, x509, anchor) in issuers {
            var verified: VerifiedIssuer?
            // An anchor counts only as a path of its own: OpenSSL ends a leaf's path at the first
            // anchor, but verifying the anchor itself may climb on through certificates at hand
            // (x509-limbo's root-and-intermediate-swapped).
            if let certificate, Self.maySignAlone(certificate, x509),
                let path = trustStore.issuerPath(of: x509, intermediates: pool, at: time), path.maySignLeaves,
                !anchor || path.length == 1
            {
                verified = VerifiedIssuer(certificate: certificate, pathLength: path.length)
            }
            candidates.append(VerifiedIssuers.Candidate(x509: x509, verified: verified))
        }
        var verified = VerifiedIssuers(candidates: candidates, known: Set(authorities.map(\.sha256)))
        verified.anchors = Set(anchors.compactMap { $0.0?.sha256 })
        guard !verified.isEmpty else { return self }
        return CertificateValidator(trustAnchors: trustAnchors, policy: policy, verifiedIssuers: verified)
    }

    /// The path length when `certificate` is issued by a verified issuer and
    /// its signature verifies with that issuer's key; `nil` leaves the question
    /// to `X509_verify_cert`, which also gives the reason for a refusal.
    ///
    /// The conditions make OpenSSL's path exactly leaf → issuer → the issuer's
    /// verified path, with no check on it that could fail for the leaf (RFC
    /// 5280 §6.1.3; the validity dates aside, which the validator judges
    /// itself): no certificate at hand besides the known authorities; the
    /// leaf passes OpenSSL's own leaf rules on its keyless view
    /// (`X509Ref.passesLeafRules`); exactly one known certificate is a possible
    /// issuer by OpenSSL's test (`X509_check_issued`), and it is verified. The
    /// signature, a BIT STRING without unused bits, is then checked by
    /// swift-crypto with that issuer's key (§6.1.3 (a)(1)), over the signed
    /// bytes, with the outer algorithm, which equals the inner one (§4.1.1.2).
    /// - Parameter intermediates: The certificates at hand for this leaf;
    ///   `nil` for the authorities given to `promotingVerifiedCAs` alone.
    func pathThroughVerifiedIssuer(_ certificate: ParsedCertificate, intermediates: [ParsedCertificate]? = nil)
        -> Int?
    {
        verifiedIssuer(of: certificate, intermediates: intermediates)?.pathLength
    }

    /// ``pathThroughVerifiedIssuer(_:intermediates:)`` with the issuer that settled it.
    func verifiedIssuer(of certificate: ParsedCertificate, intermediates: [ParsedCertificate]? = nil)
        -> (pathLength: Int, issuer: VerifiedIssuer)?
    {
        guard !verifiedIssuers.isEmpty, certificate.verifiableInSwift, let fields = certificate.signedFields,
            fields.signatureWholeOctets
        else { return nil }
        if let intermediates, !intermediates.allSatisfy({ verifiedIssuers.known.contains($0.sha256) }) {
            return nil
        }
        if verifiedIssuers.anchors.contains(certificate.sha256) { return nil }
        guard let view = X509Ref.keyless(certificate.der, fields: fields), view.passesLeafRules else {
            return nil
        }
        let possible = verifiedIssuers.candidates.filter { $0.x509.mayHaveIssued(view) }
        guard possible.count == 1, let issuer = possible[0].verified else { return nil }
        let leaf = certificate.view
        guard issuer.certificate.view.publicKey.isValidSignature(leaf.signature, for: leaf) else { return nil }
        return (issuer.pathLength + 1, issuer)
    }

    /// An issuer whose key swift-crypto holds (so an EC key on a named curve,
    /// never explicit parameters, which OpenSSL refuses above a leaf), a CA by
    /// OpenSSL's own reading too (`X509_check_ca`: an anchor at the top of a
    /// path is otherwise held to less), whose keyUsage (if any) allows
    /// keyCertSign (RFC 5280 §4.2.1.3), as OpenSSL's `check_issued` requires.
    private static func maySignAlone(_ issuer: ParsedCertificate, _ x509: X509Ref) -> Bool {
        guard issuer.verifiableInSwift, issuer.isCA, x509.isCertificateAuthority else { return false }
        do {
            return try issuer.view.extensions.keyUsage?.keyCertSign ?? true
        } catch {
            return false
        }
    }
}

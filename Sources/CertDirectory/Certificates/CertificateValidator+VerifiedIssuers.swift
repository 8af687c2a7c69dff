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

    static let none = VerifiedIssuers(candidates: [], known: [])

    /// How many authorities have a verified path.
    var count: Int { candidates.count { $0.verified != nil } }
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
    public func promotingVerifiedCAs(_ authorities: [ParsedCertificate], at time: Date) -> CertificateValidator {
        let pool = authorities.compactMap(\.x509)
        var candidates = trustAnchors.compactMap { X509Ref(der: $0) }.map {
            VerifiedIssuers.Candidate(x509: $0, verified: nil)
        }
        for authority in authorities {
            guard let x509 = authority.x509 else { continue }
            var verified: VerifiedIssuer?
            if Self.maySignAlone(authority),
                let path = trustStore.issuerPath(of: x509, intermediates: pool, at: time), path.maySignLeaves
            {
                verified = VerifiedIssuer(certificate: authority, pathLength: path.length)
            }
            candidates.append(VerifiedIssuers.Candidate(x509: x509, verified: verified))
        }
        let issuers = VerifiedIssuers(candidates: candidates, known: Set(authorities.map(\.sha256)))
        guard !issuers.isEmpty else { return self }
        return CertificateValidator(trustAnchors: trustAnchors, policy: policy, verifiedIssuers: issuers)
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
        guard !verifiedIssuers.isEmpty, certificate.verifiableInSwift, let fields = certificate.signedFields,
            fields.signatureWholeOctets
        else { return nil }
        if let intermediates, !intermediates.allSatisfy({ verifiedIssuers.known.contains($0.sha256) }) {
            return nil
        }
        guard let view = X509Ref.keyless(certificate.der, fields: fields), view.passesLeafRules else {
            return nil
        }
        let possible = verifiedIssuers.candidates.filter { $0.x509.mayHaveIssued(view) }
        guard possible.count == 1, let issuer = possible[0].verified else { return nil }
        let leaf = certificate.view
        guard issuer.certificate.view.publicKey.isValidSignature(leaf.signature, for: leaf) else { return nil }
        return issuer.pathLength + 1
    }

    /// An issuer whose key swift-crypto holds, a CA whose keyUsage (if any)
    /// allows keyCertSign (RFC 5280 §4.2.1.3), as OpenSSL's `check_issued` requires.
    private static func maySignAlone(_ issuer: ParsedCertificate) -> Bool {
        guard issuer.verifiableInSwift, issuer.isCA else { return false }
        do {
            return try issuer.view.extensions.keyUsage?.keyCertSign ?? true
        } catch {
            return false
        }
    }
}

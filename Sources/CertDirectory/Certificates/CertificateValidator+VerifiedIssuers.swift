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

extension CertificateValidator {
    /// A validator that also trusts those of `authorities` that themselves have
    /// a valid path to an anchor at `time`, so that a bulk check verifies each
    /// intermediate once instead of once per leaf. The verdicts are the same as
    /// with the full path at that instant; use the result only for that instant.
    /// An authority is promoted only when nothing on its path could refuse a
    /// certificate below it that the authority alone would accept: its own
    /// validity at `time`, no name or policy constraints, and for an
    /// `X509_verify_cert` anchor, no pathLenConstraint above it tighter than its
    /// own (``TrustStore/issuerPath(of:intermediates:at:)``).
    ///
    /// A leaf issued directly by such an authority is then checked by its
    /// signature alone (swift-crypto), where the path OpenSSL would build is
    /// exactly leaf → authority and nothing else on it can refuse the leaf;
    /// see ``pathThroughVerifiedIssuer(_:)``. Any other leaf goes to OpenSSL.
    public func promotingVerifiedCAs(_ authorities: [ParsedCertificate], at time: Date) -> CertificateValidator {
        let pool = authorities.compactMap(\.x509)
        var promoted: [[UInt8]] = []
        var issuers: [VerifiedIssuer] = []
        for authority in authorities where authority.isCA {
            // Each one's whole path to a configured anchor, so its constraints are all seen.
            guard let x509 = authority.x509, let path = trustStore.issuerPath(of: x509, intermediates: pool, at: time)
            else { continue }
            if path.mayAnchor { promoted.append(authority.der) }
            if path.maySignLeaves && Self.maySignAlone(authority) {
                issuers.append(VerifiedIssuer(certificate: authority, pathLength: path.length))
            }
        }
        guard !promoted.isEmpty || !issuers.isEmpty else { return self }
        return CertificateValidator(
            trustAnchors: trustAnchors + promoted, policy: policy, verifiedIssuers: verifiedIssuers + issuers)
    }

    /// The path length when `certificate` is issued by a verified issuer and
    /// its signature verifies with that issuer's key; `nil` leaves the question
    /// to `X509_verify_cert`, which also gives the reason for a refusal.
    ///
    /// The conditions make OpenSSL's path exactly leaf → issuer with no other
    /// check that could fail for the leaf (RFC 5280 §6.1.3, validity dates
    /// aside, which the validator judges itself): the issuer's name equals the
    /// leaf's issuer name byte for byte (§4.1.2.4), the authority key
    /// identifier, if any, names the issuer's subject key identifier (§4.2.1.1),
    /// and the leaf's extensions pass OpenSSL's own rules: each one it knows
    /// decodes, each critical one is supported (§4.2). The signature is
    /// checked by swift-crypto with the issuer's key (§6.1.3 (a)(1)).
    func pathThroughVerifiedIssuer(_ certificate: ParsedCertificate) -> Int? {
        guard !verifiedIssuers.isEmpty, certificate.verifiableInSwift else { return nil }
        let leaf = certificate.certificate
        // Self-issued certificates get OpenSSL's loop and anchor rules.
        guard leaf.issuer != leaf.subject else { return nil }
        let candidates = verifiedIssuers.filter { $0.certificate.certificate.subject == leaf.issuer }
        guard !candidates.isEmpty else { return nil }
        if let extensions = certificate.extensionsDER, !X509Ref.extensionsAcceptable(extensions) { return nil }
        let authority: AuthorityKeyIdentifier?
        do {
            authority = try leaf.extensions.authorityKeyIdentifier
        } catch {
            return nil
        }
        // An AKI naming the issuer's issuer and serial: OpenSSL's comparison decides.
        if authority?.authorityCertIssuer != nil || authority?.authorityCertSerialNumber != nil { return nil }
        for issuer in candidates {
            let issuerCertificate = issuer.certificate.certificate
            if let keyIdentifier = authority?.keyIdentifier {
                guard let own = try? issuerCertificate.extensions.subjectKeyIdentifier,
                    own.keyIdentifier == keyIdentifier
                else { continue }
            }
            if issuerCertificate.publicKey.isValidSignature(leaf.signature, for: leaf) {
                return issuer.pathLength + 1
            }
        }
        return nil
    }

    /// An issuer whose key swift-crypto holds, a CA whose keyUsage (if any)
    /// allows keyCertSign (RFC 5280 §4.2.1.3), as OpenSSL's `check_issued` requires.
    private static func maySignAlone(_ issuer: ParsedCertificate) -> Bool {
        guard issuer.verifiableInSwift, issuer.isCA else { return false }
        do {
            return try issuer.certificate.extensions.keyUsage?.keyCertSign ?? true
        } catch {
            return false
        }
    }
}

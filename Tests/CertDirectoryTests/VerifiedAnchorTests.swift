import CertDirectoryTestSupport
import Crypto
import Foundation
import Testing

@testable import CertDirectory

/// Export's signature-only route for leaves issued directly by a trust anchor:
/// the anchor is promoted like a verified intermediate, and its leaves must get
/// exactly the verdict (reasons, fitness, path length) of OpenSSL's full path.
/// Each case builds the anchor and the leaf byte by byte (`RawCertificate`).
@Suite("Verified anchors: a leaf issued by the trust anchor gets OpenSSL's full verdict")
struct VerifiedAnchorTests {
    let time = TestPKI.referenceTime
    let rootKey = Signer.newP256()
    let leafKey = Signer.newP256()
    let rootName = RawDER.name(RawDER.cn(RawDER.utf8("anchor root")))
    let alice = AddressExpectation(address: MailAddress("alice@example.com")!)

    func anchor(
        extensions: [[UInt8]]? = nil, key: Signer? = nil, modify: (inout RawCertificate) -> Void = { _ in }
    ) throws -> [UInt8] {
        let key = key ?? rootKey
        var certificate = RawCertificate(
            issuer: rootName, subject: rootName, key: key, signer: key,
            extensions: extensions
                ?? [
                    RawDER.basicConstraints(ca: true), RawDER.caKeyUsage,
                    RawDER.subjectKeyIdentifier(key.keyIdentifier),
                ])
        modify(&certificate)
        return try certificate.signed(by: key)
    }

    /// A leaf for alice issued by the root's name, signed by `signer` (the root's key unless given).
    func leaf(signer: Signer? = nil, keyIdentifier: Bool = true, extra: [[UInt8]] = []) throws -> [UInt8] {
        let signer = signer ?? rootKey
        return try RawCertificate(
            issuer: rootName, subject: RawDER.name(RawDER.cn(RawDER.utf8("alice"))), key: leafKey, signer: signer,
            extensions: [
                RawDER.basicConstraints(ca: false), RawDER.keyAgreementUsage, RawDER.emailProtection,
                RawDER.email("alice@example.com"),
            ] + (keyIdentifier ? [RawDER.authorityKeyIdentifier(signer.keyIdentifier)] : []) + extra
        ).signed(by: signer)
    }

    struct Outcome {
        var full: ValidationResult
        var promoted: ValidationResult
        var shortcut: Int?
        var anchorVerified: Bool
        var summary: String {
            "full: \(full.reasons) \(String(describing: full.pathLength)); promoted: \(promoted.reasons) "
                + "\(String(describing: promoted.pathLength)); shortcut: \(String(describing: shortcut))"
        }
    }

    /// Export's check (anchors and `intermediates` promoted) against the full path.
    func outcome(_ leaf: [UInt8], anchors: [[UInt8]], intermediates: [[UInt8]] = []) throws -> Outcome {
        let leaf = try ParsedCertificate(der: leaf)
        let authorities = try intermediates.map { try ParsedCertificate(der: $0) }
        let validator = CertificateValidator(trustAnchors: anchors)
        let promoted = validator.promotingVerifiedCAs(authorities, at: time)
        let first = try ParsedCertificate(der: anchors[0])
        return Outcome(
            full: validator.validate(leaf, purpose: .encrypt, address: alice, intermediates: authorities, at: time),
            promoted: promoted.validate(leaf, purpose: .encrypt, address: alice, intermediates: authorities, at: time),
            shortcut: promoted.pathThroughVerifiedIssuer(leaf, intermediates: authorities),
            anchorVerified: promoted.verifiedIssuers.isVerified(first.sha256))
    }

    func expectAgreement(_ outcome: Outcome, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.full == outcome.promoted, "\(outcome.summary)", sourceLocation: sourceLocation)
    }

    @Test("a good leaf under the anchor is settled by its signature: fit, path length 2, as OpenSSL finds")
    func goodLeaf() throws {
        let outcome = try outcome(leaf(), anchors: [anchor()])
        #expect(outcome.anchorVerified)
        #expect(outcome.shortcut == 2)
        #expect(outcome.full.isFit, "\(outcome.summary)")
        #expect(outcome.full.pathLength == 2)
        expectAgreement(outcome)
    }

    @Test("a leaf under the anchor's name signed by another key is untrusted on both routes")
    func forged() throws {
        let outcome = try outcome(leaf(signer: Signer.newP256(), keyIdentifier: false), anchors: [anchor()])
        #expect(outcome.shortcut == nil)
        #expect(outcome.full.reasons.map(\.code) == [.untrusted])
        #expect(outcome.promoted.reasons.first?.message.contains("signature failure") == true)
        expectAgreement(outcome)
    }

    @Test("an expired anchor is not promoted; its leaf gets OpenSSL's refusal")
    func expiredAnchor() throws {
        let root = try anchor { $0.notAfter = RawDER.utcTime(time - 86_400) }
        let outcome = try outcome(leaf(), anchors: [root])
        #expect(!outcome.anchorVerified)
        #expect(outcome.shortcut == nil)
        #expect(outcome.full.reasons.map(\.code) == [.untrusted])
        expectAgreement(outcome)
    }

    @Test("an anchor with an unknown critical extension is not promoted")
    func unknownCritical() throws {
        let root = try anchor(extensions: [
            RawDER.basicConstraints(ca: true), RawDER.caKeyUsage, RawDER.subjectKeyIdentifier(rootKey.keyIdentifier),
            RawDER.ext(RawDER.oid(1, 3, 6, 1, 4, 1, 99999, 3), critical: true, RawDER.null),
        ])
        let outcome = try outcome(leaf(), anchors: [root])
        #expect(!outcome.anchorVerified)
        #expect(outcome.full.reasons.map(\.code) == [.untrusted])
        expectAgreement(outcome)
    }

    @Test("an anchor with name constraints is not promoted; a leaf outside them is refused on both routes")
    func nameConstrained() throws {
        let constraints = RawDER.ext(
            RawDER.oid(2, 5, 29, 30), critical: true,
            RawDER.sequence(RawDER.tlv(0xa0, RawDER.sequence(RawDER.tlv(0x81, Array("example.org".utf8))))))
        let root = try anchor(extensions: [
            RawDER.basicConstraints(ca: true), RawDER.caKeyUsage, RawDER.subjectKeyIdentifier(rootKey.keyIdentifier),
            constraints,
        ])
        let outcome = try outcome(leaf(), anchors: [root])
        #expect(!outcome.anchorVerified)
        #expect(outcome.shortcut == nil)
        #expect(outcome.full.reasons.map(\.code) == [.untrusted])
        expectAgreement(outcome)
    }

    @Test(
        "an anchor that may not sign certificates is not promoted",
        arguments: ["digitalSignature only", "cA FALSE", "no basicConstraints (v3)", "v1"])
    func notASigner(which: String) throws {
        let ski = RawDER.subjectKeyIdentifier(rootKey.keyIdentifier)
        let root: [UInt8] =
            switch which {
            case "digitalSignature only":
                try anchor(extensions: [RawDER.basicConstraints(ca: true), RawDER.digitalSignatureUsage, ski])
            case "cA FALSE": try anchor(extensions: [RawDER.basicConstraints(ca: false), RawDER.caKeyUsage, ski])
            case "no basicConstraints (v3)": try anchor(extensions: [RawDER.caKeyUsage, ski])
            default: try anchor(extensions: []) { $0.version = [] }
            }
        let outcome = try outcome(leaf(keyIdentifier: which != "v1"), anchors: [root])
        #expect(!outcome.anchorVerified)
        #expect(outcome.shortcut == nil)
        expectAgreement(outcome)
    }

    @Test("two anchors that could both have issued the leaf leave it to OpenSSL")
    func twoPossibleIssuers() throws {
        let rekeyed = Signer.newP256()
        let outcome = try outcome(leaf(keyIdentifier: false), anchors: [anchor(), anchor(key: rekeyed)])
        #expect(outcome.anchorVerified)
        #expect(outcome.shortcut == nil)
        #expect(outcome.full.isFit, "\(outcome.summary)")
        expectAgreement(outcome)
    }

    @Test("a leaf that is itself a trust anchor ends its own path in OpenSSL: left to OpenSSL")
    func leafIsAnchor() throws {
        let leaf = try leaf()
        let outcome = try outcome(leaf, anchors: [anchor(), leaf])
        #expect(outcome.anchorVerified)
        #expect(outcome.shortcut == nil)
        expectAgreement(outcome)
    }

    @Test(
        "an anchor whose own issuer is at hand is not promoted: OpenSSL ends the leaf's path at the anchor (limbo's root-and-intermediate-swapped)"
    )
    func anchorWithIssuerAtHand() throws {
        let topKey = Signer.newP256()
        let topName = RawDER.name(RawDER.cn(RawDER.utf8("anchor top")))
        let top = try RawCertificate(
            issuer: topName, subject: topName, key: topKey, signer: topKey,
            extensions: [
                RawDER.basicConstraints(ca: true), RawDER.caKeyUsage, RawDER.subjectKeyIdentifier(topKey.keyIdentifier),
            ]
        ).signed(by: topKey)
        let anchor = try RawCertificate(
            issuer: topName, subject: rootName, key: rootKey, signer: topKey,
            extensions: [
                RawDER.basicConstraints(ca: true), RawDER.caKeyUsage,
                RawDER.subjectKeyIdentifier(rootKey.keyIdentifier),
                RawDER.authorityKeyIdentifier(topKey.keyIdentifier),
            ]
        ).signed(by: topKey)
        let outcome = try outcome(leaf(), anchors: [anchor], intermediates: [top])
        #expect(!outcome.anchorVerified)
        #expect(outcome.shortcut == nil)
        #expect(outcome.full.pathLength == 2, "\(outcome.summary)")
        expectAgreement(outcome)
    }

    @Test("the bulk sample's shape: a P-256 leaf under a P-384 anchor is settled by its signature")
    func otherCurveAnchor() throws {
        let key = Signer.p384(P384.Signing.PrivateKey())
        let root = try anchor(key: key)
        let outcome = try outcome(leaf(signer: key), anchors: [root])
        #expect(outcome.anchorVerified)
        #expect(outcome.shortcut == 2)
        #expect(outcome.full.isFit, "\(outcome.summary)")
        expectAgreement(outcome)
    }
}

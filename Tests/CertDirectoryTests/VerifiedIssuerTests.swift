import CertDirectoryTestSupport
import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

@testable import CertDirectory

/// The bulk check (export) promotes verified intermediates and checks a leaf
/// below one by its signature alone. These tests hold its verdicts equal to a
/// full `X509_verify_cert` path for every case where the two could differ.
@Suite("Verified intermediates: the signature-only check agrees with OpenSSL's full path")
struct VerifiedIssuerTests {
    let time = TestPKI.referenceTime
    let rootKey = P256.Signing.PrivateKey()
    let intermediateKey = P256.Signing.PrivateKey()
    let leafKey = P256.Signing.PrivateKey()
    let rootName = try! DistinguishedName { CommonName("verified-issuer root") }
    let intermediateName = try! DistinguishedName { CommonName("verified-issuer intermediate") }
    let alice = AddressExpectation(address: MailAddress("alice@example.com")!)

    func issue(
        subject: DistinguishedName, key: P256.Signing.PrivateKey, issuer: DistinguishedName,
        issuerKey: P256.Signing.PrivateKey, _ extensions: [Certificate.Extension], notAfter: Date? = nil
    ) throws -> ParsedCertificate {
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey), notValidBefore: time - 86_400 * 30,
            notValidAfter: notAfter ?? time + 86_400 * 365, issuer: issuer, subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256, extensions: try Certificate.Extensions(extensions),
            issuerPrivateKey: .init(issuerKey))
        return try ParsedCertificate(der: TestPKI.der(certificate))
    }

    func ca(pathLength: Int? = nil, extra: [Certificate.Extension] = []) throws -> [Certificate.Extension] {
        try [
            Certificate.Extension(BasicConstraints.isCertificateAuthority(maxPathLength: pathLength), critical: true),
            Certificate.Extension(KeyUsage(keyCertSign: true, cRLSign: true), critical: true),
        ] + extra
    }

    func root(pathLength: Int? = nil, extra: [Certificate.Extension] = []) throws -> ParsedCertificate {
        try issue(
            subject: rootName, key: rootKey, issuer: rootName, issuerKey: rootKey,
            ca(pathLength: pathLength, extra: extra))
    }

    func intermediate(notAfter: Date? = nil) throws -> ParsedCertificate {
        try issue(
            subject: intermediateName, key: intermediateKey, issuer: rootName, issuerKey: rootKey,
            ca(
                pathLength: 0,
                extra: [
                    Certificate.Extension(
                        SubjectKeyIdentifier(hash: .init(intermediateKey.publicKey)), critical: false)
                ]), notAfter: notAfter)
    }

    func leaf(
        keyIdentifier: ArraySlice<UInt8>? = nil, extra: [Certificate.Extension] = [],
        signedBy key: P256.Signing.PrivateKey? = nil
    ) throws -> ParsedCertificate {
        let identifier = keyIdentifier ?? SubjectKeyIdentifier(hash: .init(intermediateKey.publicKey)).keyIdentifier
        return try issue(
            subject: try DistinguishedName { CommonName("alice") }, key: leafKey, issuer: intermediateName,
            issuerKey: key ?? intermediateKey,
            [
                Certificate.Extension(BasicConstraints.notCertificateAuthority, critical: true),
                Certificate.Extension(KeyUsage(keyAgreement: true), critical: true),
                Certificate.Extension(try ExtendedKeyUsage([.emailProtection]), critical: false),
                Certificate.Extension(SubjectAlternativeNames([.rfc822Name("alice@example.com")]), critical: false),
                Certificate.Extension(AuthorityKeyIdentifier(keyIdentifier: identifier), critical: false),
            ] + extra)
    }

    /// The verdict through the promoted intermediate, and through the full path by OpenSSL.
    func verdicts(_ leaf: ParsedCertificate, root: ParsedCertificate, intermediate: ParsedCertificate) -> (
        promoted: ValidationResult, full: ValidationResult, shortcut: Int?
    ) {
        let validator = CertificateValidator(trustAnchors: [root.der])
        let promoted = validator.promotingVerifiedCAs([intermediate], at: time)
        return (
            // As export calls it: the local intermediates at hand as well.
            promoted.validate(leaf, purpose: .encrypt, address: alice, intermediates: [intermediate], at: time),
            validator.validate(leaf, purpose: .encrypt, address: alice, intermediates: [intermediate], at: time),
            promoted.pathThroughVerifiedIssuer(leaf, intermediates: [intermediate])
        )
    }

    @Test("a good leaf is settled by its signature alone: fit, path length 3, as OpenSSL finds")
    func goodLeaf() throws {
        let outcome = try verdicts(leaf(), root: root(), intermediate: intermediate())
        #expect(outcome.shortcut == 3)
        #expect(outcome.promoted.isFit)
        #expect(outcome.full.isFit)
        #expect(outcome.promoted.pathLength == outcome.full.pathLength)
    }

    @Test("a tampered leaf fails its signature check and gets OpenSSL's own verdict")
    func tampered() throws {
        var der = try leaf().der
        // A byte inside the subject's CN "alice" becomes "blice": the signature no longer covers it.
        let cn = Array("alice".utf8)
        let at = try #require((0..<der.count - cn.count).first { Array(der[$0..<$0 + cn.count]) == cn })
        der[at] = UInt8(ascii: "b")
        let tampered = try ParsedCertificate(der: der)
        let outcome = try verdicts(tampered, root: root(), intermediate: intermediate())
        #expect(outcome.shortcut == nil)
        #expect(outcome.promoted.reasons.map(\.code) == [.untrusted])
        #expect(outcome.full.reasons.map(\.code) == [.untrusted])
        #expect(outcome.promoted.reasons.first?.message.contains("signature failure") == true)
        #expect(outcome.promoted.reasons == outcome.full.reasons)
    }

    @Test("a leaf signed by another key under the same issuer name is untrusted")
    func wrongKey() throws {
        let forged = try leaf(signedBy: P256.Signing.PrivateKey())
        let outcome = try verdicts(forged, root: root(), intermediate: intermediate())
        #expect(outcome.shortcut == nil)
        #expect(outcome.promoted.reasons.map(\.code) == [.untrusted])
        #expect(outcome.full.reasons.map(\.code) == [.untrusted])
    }

    @Test("an unknown critical extension goes to OpenSSL, which refuses it")
    func unknownCritical() throws {
        let odd = Certificate.Extension(oid: [1, 3, 6, 1, 4, 1, 99999, 1], critical: true, value: [0x05, 0x00])
        let outcome = try verdicts(leaf(extra: [odd]), root: root(), intermediate: intermediate())
        #expect(outcome.shortcut == nil)
        #expect(outcome.promoted.reasons.map(\.code) == [.untrusted])
        #expect(outcome.full.reasons.map(\.code) == [.untrusted])
        #expect(outcome.promoted.reasons.first?.message.contains("unhandled critical extension") == true)
    }

    @Test("an authority key identifier naming another key goes to OpenSSL")
    func otherKeyIdentifier() throws {
        let outcome = try verdicts(
            leaf(keyIdentifier: [1, 2, 3, 4]), root: root(), intermediate: intermediate())
        #expect(outcome.shortcut == nil)
        #expect(outcome.promoted.isFit == outcome.full.isFit)
    }

    @Test("a root's pathLenConstraint 0 leaves no room below the intermediate: not promoted, leaf refused as in full")
    func pathLengthExhausted() throws {
        let root = try root(pathLength: 0)
        let intermediate = try intermediate()
        let validator = CertificateValidator(trustAnchors: [root.der])
        #expect(validator.promotingVerifiedCAs([intermediate], at: time).verifiedIssuers.verifiedAuthorities == 0)
        let outcome = try verdicts(leaf(), root: root, intermediate: intermediate)
        #expect(outcome.shortcut == nil)
        #expect(outcome.full.reasons.map(\.code) == [.untrusted])
        #expect(outcome.promoted.reasons.map(\.code) == [.untrusted])
    }

    @Test("an expired intermediate is not promoted: its leaves are untrusted, as on the full path")
    func expiredIntermediate() throws {
        let root = try root()
        let expired = try intermediate(notAfter: time - 86_400)
        let validator = CertificateValidator(trustAnchors: [root.der])
        let promoted = validator.promotingVerifiedCAs([expired], at: time)
        #expect(promoted.verifiedIssuers.verifiedAuthorities == 0)
        #expect(promoted.trustAnchors == validator.trustAnchors)
        let outcome = try verdicts(leaf(), root: root, intermediate: expired)
        #expect(outcome.shortcut == nil)
        #expect(outcome.full.reasons.map(\.code) == [.untrusted])
        #expect(outcome.promoted.reasons.map(\.code) == [.untrusted])
    }

    @Test("name constraints above the intermediate keep every leaf on OpenSSL's full path")
    func nameConstrainedRoot() throws {
        let constraints = try Certificate.Extension(
            NameConstraints(permittedEmailAddresses: ["example.org"]), critical: true)
        let root = try root(extra: [constraints])
        let outcome = try verdicts(leaf(), root: root, intermediate: intermediate())
        #expect(outcome.shortcut == nil)
        // alice@example.com is outside the permitted example.org.
        #expect(outcome.full.reasons.map(\.code) == [.untrusted])
        #expect(outcome.promoted.reasons.map(\.code) == [.untrusted])
    }

    @Test(
        "key and digest facts from swift-certificates equal OpenSSL's",
        arguments: ["p256", "p384", "rsa2048", "rsa3072"])
    func keyFacts(kind: String) throws {
        let pki = try TestPKI()
        let key: TestPKI.LeafKey =
            switch kind {
            case "p256": .p256
            case "p384": .p384
            case "rsa2048": .rsa(bits: 2048)
            default: .rsa(bits: 3072)
            }
        let parsed = try ParsedCertificate(der: pki.leaf(key: key, keyUsage: nil))
        #expect(parsed.verifiableInSwift)
        let x509 = try #require(parsed.x509)
        let info = x509.publicKeyInfo
        #expect(parsed.key == KeyDescription(algorithm: info.algorithm.rawValue, bits: info.bits, curve: info.curve))
        #expect(parsed.signatureDigest == x509.signatureDigest)
        #expect(parsed.subject == x509.subjectRFC4514)
        #expect(parsed.issuer == x509.issuerRFC4514)
    }

    /// Every PKITS end-entity certificate, checked as export checks it (its
    /// CAs promoted first) and by OpenSSL's full path with all CAs at hand:
    /// the same reasons, word for word, for each, and the signature-only path
    /// taken for many.
    @Test(
        "NIST PKITS: promoted intermediates and the signature-only check agree with the full path for every leaf",
        .enabled(if: PKITSDirectory.isAvailable, "\(PKITSDirectory.unavailableReason)"))
    func pkitsAgreement() throws {
        let folder = try PKITSDirectory.require().data + "/certs"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".crt") }.sorted()
        var parsed: [(name: String, certificate: ParsedCertificate)] = []
        for name in names {
            let der = try Array(Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))
            if let certificate = try? ParsedCertificate(der: der) { parsed.append((name, certificate)) }
        }
        let anchor = try #require(parsed.first { $0.name == "TrustAnchorRootCertificate.crt" }).certificate
        let authorities = parsed.filter { $0.certificate.isCA && $0.name != "TrustAnchorRootCertificate.crt" }
            .map(\.certificate)
        let leaves = parsed.filter { !$0.certificate.isCA }
        // Inside every PKITS certificate's validity except the deliberately expired and not-yet-valid ones.
        let time = Date(timeIntervalSince1970: 1_704_067_200)  // 2024-01-01
        let validator = CertificateValidator(trustAnchors: [anchor.der])
        let promoted = validator.promotingVerifiedCAs(authorities, at: time)
        #expect(promoted.verifiedIssuers.verifiedAuthorities > 0)
        #expect(promoted.verifiedIssuers.isVerified(anchor.sha256))
        var disagreements: [String] = []
        var settledBySignature = 0
        for (name, leaf) in leaves {
            let full = validator.validate(leaf, purpose: .verify, address: nil, intermediates: authorities, at: time)
            let fast = promoted.validate(leaf, purpose: .verify, address: nil, intermediates: authorities, at: time)
            if promoted.pathThroughVerifiedIssuer(leaf) != nil { settledBySignature += 1 }
            if full.reasons != fast.reasons || full.isFit != fast.isFit {
                disagreements.append("\(name): full \(full.reasons), promoted \(fast.reasons)")
            }
        }
        #expect(leaves.count > 200)
        #expect(disagreements.isEmpty, "\(disagreements.joined(separator: "\n"))")
        #expect(settledBySignature > 50, "only \(settledBySignature) leaves took the signature-only check")
    }
}

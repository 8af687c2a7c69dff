import CertDirectoryTestSupport
import Crypto
import Foundation
import SwiftASN1
import Testing
import X509
import _CryptoExtras

@testable import CertDirectory

/// Hand-written DER, for certificates swift-certificates will not build
/// (malformed or unusual encodings the promoted check must not accept).
enum RawDER {
    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [tag]
        if content.count < 0x80 {
            out.append(UInt8(content.count))
        } else {
            var length: [UInt8] = []
            var remaining = content.count
            while remaining > 0 {
                length.insert(UInt8(remaining & 0xff), at: 0)
                remaining >>= 8
            }
            out.append(0x80 | UInt8(length.count))
            out += length
        }
        return out + content
    }

    static func sequence(_ parts: [UInt8]...) -> [UInt8] { tlv(0x30, parts.flatMap { $0 }) }
    static func sequence(of parts: [[UInt8]]) -> [UInt8] { tlv(0x30, parts.flatMap { $0 }) }
    static func set(_ parts: [UInt8]...) -> [UInt8] { tlv(0x31, parts.flatMap { $0 }) }

    static func oid(_ arcs: UInt...) -> [UInt8] {
        var content: [UInt8] = []
        let values = [arcs[0] * 40 + arcs[1]] + arcs.dropFirst(2)
        for value in values {
            var chunk: [UInt8] = [UInt8(value & 0x7f)]
            var rest = value >> 7
            while rest > 0 {
                chunk.insert(UInt8(rest & 0x7f) | 0x80, at: 0)
                rest >>= 7
            }
            content += chunk
        }
        return tlv(0x06, content)
    }

    /// A small INTEGER, two's complement, minimal.
    static func integer(_ value: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        var rest = value
        repeat {
            bytes.insert(UInt8(truncatingIfNeeded: rest), at: 0)
            rest >>= 8
        } while !(rest == 0 && bytes[0] & 0x80 == 0) && !(rest == -1 && bytes[0] & 0x80 != 0)
        return tlv(0x02, bytes)
    }

    /// A non-negative INTEGER from big-endian magnitude bytes.
    static func unsignedInteger(_ magnitude: [UInt8]) -> [UInt8] {
        var bytes = Array(magnitude.drop { $0 == 0 })
        if bytes.isEmpty { bytes = [0] }
        if bytes[0] & 0x80 != 0 { bytes.insert(0, at: 0) }
        return tlv(0x02, bytes)
    }

    static func boolean(_ value: Bool) -> [UInt8] { tlv(0x01, [value ? 0xff : 0x00]) }
    static func octets(_ bytes: [UInt8]) -> [UInt8] { tlv(0x04, bytes) }
    static func bits(_ bytes: [UInt8], unused: UInt8 = 0) -> [UInt8] { tlv(0x03, [unused] + bytes) }
    static func utf8(_ text: String) -> [UInt8] { tlv(0x0c, Array(text.utf8)) }
    static func printable(_ text: String) -> [UInt8] { tlv(0x13, Array(text.utf8)) }
    static func explicit(_ number: UInt8, _ content: [UInt8]) -> [UInt8] { tlv(0xa0 | number, content) }
    static let null: [UInt8] = [0x05, 0x00]

    /// UTCTime YYMMDDHHMMSSZ.
    static func utcTime(_ date: Date) -> [UInt8] {
        tlv(0x17, Array(timeDigits(date).dropFirst(2).utf8) + [UInt8(ascii: "Z")])
    }

    /// GeneralizedTime YYYYMMDDHHMMSS, then `suffix` (e.g. "Z", ".5Z").
    static func generalizedTime(_ date: Date, suffix: String = "Z") -> [UInt8] {
        tlv(0x18, Array((timeDigits(date) + suffix).utf8))
    }

    private static func timeDigits(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d%02d%02d%02d%02d%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    // MARK: Names

    static func attribute(_ type: [UInt8], _ value: [UInt8]) -> [UInt8] { sequence(type, value) }
    static func cn(_ value: [UInt8]) -> [UInt8] { attribute(oid(2, 5, 4, 3), value) }
    /// A Name of one single-valued RDN per attribute.
    static func name(_ attributes: [UInt8]...) -> [UInt8] { sequence(of: attributes.map { set($0) }) }

    // MARK: Extensions

    static func ext(_ type: [UInt8], critical: Bool = false, _ value: [UInt8]) -> [UInt8] {
        sequence(type, critical ? boolean(true) : [], octets(value))
    }
    static func basicConstraints(ca: Bool, pathLength: Int? = nil, critical: Bool = true) -> [UInt8] {
        ext(
            oid(2, 5, 29, 19), critical: critical,
            sequence((ca ? boolean(true) : []) + (pathLength.map(integer) ?? [])))
    }
    static func keyUsage(_ bytes: [UInt8], unused: UInt8, critical: Bool = true) -> [UInt8] {
        ext(oid(2, 5, 29, 15), critical: critical, bits(bytes, unused: unused))
    }
    /// keyCertSign and cRLSign.
    static let caKeyUsage = keyUsage([0x06], unused: 1)
    static let keyAgreementUsage = keyUsage([0x08], unused: 3)
    static let digitalSignatureUsage = keyUsage([0x80], unused: 7)
    static func subjectKeyIdentifier(_ identifier: [UInt8]) -> [UInt8] {
        ext(oid(2, 5, 29, 14), octets(identifier))
    }
    static func authorityKeyIdentifier(_ identifier: [UInt8]) -> [UInt8] {
        ext(oid(2, 5, 29, 35), sequence(tlv(0x80, identifier)))
    }
    static func email(_ address: String) -> [UInt8] {
        ext(oid(2, 5, 29, 17), sequence(tlv(0x81, Array(address.utf8))))
    }
    static let emailProtection = ext(oid(2, 5, 29, 37), sequence(oid(1, 3, 6, 1, 5, 5, 7, 3, 4)))
}

/// A private key of any kind the tests sign with, and its SubjectPublicKeyInfo.
enum Signer {
    case p256(P256.Signing.PrivateKey)
    case p384(P384.Signing.PrivateKey)
    case p521(P521.Signing.PrivateKey)
    case ed25519(Curve25519.Signing.PrivateKey)
    case rsa(_RSA.Signing.PrivateKey)

    static func newP256() -> Signer { .p256(P256.Signing.PrivateKey()) }

    var spki: [UInt8] {
        switch self {
        case .p256(let key): Array(key.publicKey.derRepresentation)
        case .p384(let key): Array(key.publicKey.derRepresentation)
        case .p521(let key): Array(key.publicKey.derRepresentation)
        case .ed25519(let key):
            RawDER.sequence(
                RawDER.sequence(RawDER.oid(1, 3, 101, 112)), RawDER.bits(Array(key.publicKey.rawRepresentation)))
        case .rsa(let key): Array(key.publicKey.derRepresentation)
        }
    }

    /// SHA-1 of the key bits, as a subject key identifier.
    var keyIdentifier: [UInt8] { Array(Insecure.SHA1.hash(data: spki)) }

    /// The usual AlgorithmIdentifier for this key.
    var algorithm: [UInt8] {
        switch self {
        case .p256: RawDER.sequence(RawDER.oid(1, 2, 840, 10045, 4, 3, 2))
        case .p384: RawDER.sequence(RawDER.oid(1, 2, 840, 10045, 4, 3, 3))
        case .p521: RawDER.sequence(RawDER.oid(1, 2, 840, 10045, 4, 3, 4))
        case .ed25519: RawDER.sequence(RawDER.oid(1, 3, 101, 112))
        case .rsa: RawDER.sequence(RawDER.oid(1, 2, 840, 113549, 1, 1, 11), RawDER.null)
        }
    }

    func sign(_ tbs: [UInt8], rsaSHA1: Bool = false) throws -> [UInt8] {
        switch self {
        case .p256(let key): Array(try key.signature(for: tbs).derRepresentation)
        case .p384(let key): Array(try key.signature(for: tbs).derRepresentation)
        case .p521(let key): Array(try key.signature(for: tbs).derRepresentation)
        case .ed25519(let key): Array(try key.signature(for: tbs))
        case .rsa(let key):
            rsaSHA1
                ? Array(
                    try key.signature(for: Insecure.SHA1.hash(data: tbs), padding: .insecurePKCS1v1_5).rawRepresentation
                )
                : Array(try key.signature(for: SHA256.hash(data: tbs), padding: .insecurePKCS1v1_5).rawRepresentation)
        }
    }
}

/// A TBSCertificate assembled field by field, then signed.
struct RawCertificate {
    var version: [UInt8] = RawDER.explicit(0, RawDER.integer(2))
    var serial: [UInt8] = RawDER.unsignedInteger((0..<8).map { _ in UInt8.random(in: 1...0x7f) })
    var innerAlgorithm: [UInt8]
    /// `nil`: the same as ``innerAlgorithm``.
    var outerAlgorithm: [UInt8]?
    var issuer: [UInt8]
    var notBefore: [UInt8]
    var notAfter: [UInt8]
    var subject: [UInt8]
    var spki: [UInt8]
    var extensions: [[UInt8]]

    init(
        issuer: [UInt8], subject: [UInt8], key: Signer, signer: Signer, extensions: [[UInt8]],
        time: Date = TestPKI.referenceTime
    ) {
        self.innerAlgorithm = signer.algorithm
        self.issuer = issuer
        self.subject = subject
        self.spki = key.spki
        self.extensions = extensions
        self.notBefore = RawDER.utcTime(time - 86_400 * 30)
        self.notAfter = RawDER.utcTime(time + 86_400 * 365)
    }

    var tbs: [UInt8] {
        RawDER.sequence(
            version, serial, innerAlgorithm, issuer, RawDER.sequence(notBefore, notAfter), subject, spki,
            extensions.isEmpty ? [] : RawDER.explicit(3, RawDER.sequence(of: extensions)))
    }

    func assemble(signature: [UInt8], unusedBits: UInt8 = 0) -> [UInt8] {
        RawDER.sequence(tbs, outerAlgorithm ?? innerAlgorithm, RawDER.bits(signature, unused: unusedBits))
    }

    func signed(by signer: Signer, rsaSHA1: Bool = false) throws -> [UInt8] {
        assemble(signature: try signer.sign(tbs, rsaSHA1: rsaSHA1))
    }
}

/// Attacks on the bulk check's shortcuts (promoted intermediates and the
/// signature-only check of a leaf below one): each builds a certificate and
/// its CAs and holds the promoted verdict (what `export` gives) to the full
/// `X509_verify_cert` path with every CA as an intermediate (what `resolve`
/// gives): the same untrusted-or-not, the same usable-or-not.
@Suite("Verified intermediates under attack: the promoted verdict equals the full path's")
struct VerifiedIssuerAttackTests {
    let time = TestPKI.referenceTime
    let rootKey = Signer.newP256()
    let intermediateKey = Signer.newP256()
    let leafKey = Signer.newP256()
    let rootName = RawDER.name(RawDER.cn(RawDER.utf8("attack root")))
    let intermediateName = RawDER.name(RawDER.cn(RawDER.utf8("attack intermediate")))
    let alice = AddressExpectation(address: MailAddress("alice@example.com")!)

    var root: [UInt8] {
        get throws {
            try RawCertificate(
                issuer: rootName, subject: rootName, key: rootKey, signer: rootKey,
                extensions: [
                    RawDER.basicConstraints(ca: true), RawDER.caKeyUsage,
                    RawDER.subjectKeyIdentifier(rootKey.keyIdentifier),
                ]
            ).signed(by: rootKey)
        }
    }

    /// A CA below the root (or `issuer`), with a subject key identifier unless `keyIdentifier` is false.
    func intermediate(
        key: Signer? = nil, name: [UInt8]? = nil, issuer: (name: [UInt8], key: Signer)? = nil,
        keyIdentifier: Bool = true, extensions: [[UInt8]]? = nil, modify: (inout RawCertificate) -> Void = { _ in }
    ) throws -> [UInt8] {
        let key = key ?? intermediateKey
        let issuer = issuer ?? (rootName, rootKey)
        var certificate = RawCertificate(
            issuer: issuer.name, subject: name ?? intermediateName, key: key, signer: issuer.key,
            extensions: extensions
                ?? ([RawDER.basicConstraints(ca: true), RawDER.caKeyUsage]
                    + (keyIdentifier ? [RawDER.subjectKeyIdentifier(key.keyIdentifier)] : [])))
        modify(&certificate)
        return try certificate.signed(by: issuer.key)
    }

    /// A leaf for alice below the intermediate: critical basicConstraints cA FALSE, keyAgreement,
    /// emailProtection, her rfc822Name, and an AKI naming `signer`'s key.
    func leafTemplate(
        signer: Signer? = nil, issuer: [UInt8]? = nil, subject: [UInt8]? = nil, extra: [[UInt8]] = [],
        keyIdentifier: Bool = true
    ) -> RawCertificate {
        let signer = signer ?? intermediateKey
        return RawCertificate(
            issuer: issuer ?? intermediateName, subject: subject ?? RawDER.name(RawDER.cn(RawDER.utf8("alice"))),
            key: leafKey, signer: signer,
            extensions: [
                RawDER.basicConstraints(ca: false), RawDER.keyAgreementUsage, RawDER.emailProtection,
                RawDER.email("alice@example.com"),
            ] + (keyIdentifier ? [RawDER.authorityKeyIdentifier(signer.keyIdentifier)] : []) + extra)
    }

    struct Verdicts {
        var full: ValidationResult
        var promoted: ValidationResult
        var shortcut: Int?
        var verifiedIssuers: Int
        var untrustedFull: Bool { full.reasons.contains { $0.code == .untrusted } }
        var untrustedPromoted: Bool { promoted.reasons.contains { $0.code == .untrusted } }
        var summary: String {
            "full: \(full.reasons); promoted: \(promoted.reasons); shortcut: \(String(describing: shortcut))"
        }
    }

    /// `export` (CAs promoted, then the leaf) against `resolve` (the full path with every CA).
    func verdicts(
        _ leaf: [UInt8], anchors: [[UInt8]]? = nil, cas: [[UInt8]]? = nil, purpose: Purpose = .encrypt,
        address: AddressExpectation?? = .none
    ) throws -> Verdicts {
        let leaf = try ParsedCertificate(der: leaf)
        let authorities = try (cas ?? [intermediate()]).map { try ParsedCertificate(der: $0) }
        let validator = CertificateValidator(trustAnchors: try anchors ?? [root])
        let promoted = validator.promotingVerifiedCAs(authorities, at: time)
        let address: AddressExpectation? = address ?? alice
        return Verdicts(
            full: validator.validate(leaf, purpose: purpose, address: address, intermediates: authorities, at: time),
            promoted: promoted.validate(leaf, purpose: purpose, address: address, intermediates: authorities, at: time),
            shortcut: promoted.pathThroughVerifiedIssuer(leaf, intermediates: authorities),
            verifiedIssuers: promoted.verifiedIssuers.verifiedAuthorities)
    }

    func expectAgreement(_ verdicts: Verdicts, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            verdicts.untrustedFull == verdicts.untrustedPromoted, "\(verdicts.summary)", sourceLocation: sourceLocation)
        #expect(verdicts.full.isFit == verdicts.promoted.isFit, "\(verdicts.summary)", sourceLocation: sourceLocation)
        // Word for word: a refused leaf gets OpenSSL's own reason on both paths.
        #expect(
            verdicts.full.reasons == verdicts.promoted.reasons, "\(verdicts.summary)", sourceLocation: sourceLocation)
    }

    // MARK: The builder itself

    @Test("baseline: a hand-built leaf takes the signature-only check and is fit on both paths")
    func baseline() throws {
        let outcome = try verdicts(leafTemplate().signed(by: intermediateKey))
        #expect(outcome.verifiedIssuers == 1)
        #expect(outcome.shortcut == 3)
        #expect(outcome.full.isFit, "\(outcome.summary)")
        #expect(outcome.promoted.isFit, "\(outcome.summary)")
    }

    // MARK: Malformed signatures and encodings

    @Test("a signature BIT STRING with unused bits (OpenSSL refuses it) is untrusted on both paths")
    func signatureUnusedBits() throws {
        let template = leafTemplate()
        var signature = try intermediateKey.sign(template.tbs)
        // One unused bit needs the last signature byte's low bit clear (DER); re-sign until it is.
        while signature.last! & 1 != 0 { signature = try intermediateKey.sign(template.tbs) }
        let outcome = try verdicts(template.assemble(signature: signature, unusedBits: 1))
        #expect(outcome.untrustedFull, "\(outcome.summary)")
        expectAgreement(outcome)
    }

    @Test("a GeneralizedTime notAfter with fractional seconds (OpenSSL: format error) gets the full verdict")
    func fractionalSeconds() throws {
        var template = leafTemplate()
        template.notAfter = RawDER.generalizedTime(time + 86_400 * 365, suffix: ".5Z")
        let outcome = try verdicts(template.signed(by: intermediateKey))
        expectAgreement(outcome)
    }

    @Test("a GeneralizedTime notAfter before 2050 (plain) gets the full verdict")
    func generalizedTimeBefore2050() throws {
        var template = leafTemplate()
        template.notAfter = RawDER.generalizedTime(time + 86_400 * 365)
        let outcome = try verdicts(template.signed(by: intermediateKey))
        expectAgreement(outcome)
    }

    @Test("a subject UTF8String that is not UTF-8 (OpenSSL cannot read the certificate) gets the full verdict")
    func invalidUTF8Subject() throws {
        let subject = RawDER.name(RawDER.cn(RawDER.tlv(0x0c, [0x61, 0xff, 0x62])))
        let outcome = try verdicts(leafTemplate(subject: subject).signed(by: intermediateKey))
        expectAgreement(outcome)
    }

    @Test("a subject BMPString of odd length gets the full verdict")
    func oddBMPStringSubject() throws {
        let subject = RawDER.name(RawDER.cn(RawDER.tlv(0x1e, [0x00, 0x61, 0x00])))
        let outcome = try verdicts(leafTemplate(subject: subject).signed(by: intermediateKey))
        expectAgreement(outcome)
    }

    @Test("a high-S ECDSA signature: both paths accept it alike")
    func highS() throws {
        let template = leafTemplate()
        guard case .p256(let key) = intermediateKey else { return }
        let raw = Array(try key.signature(for: template.tbs).rawRepresentation)
        // s' = n - s, the other valid signature for the same r.
        let n: [UInt8] = [
            0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
        ]
        let s = Array(raw[32...])
        var flipped = [UInt8](repeating: 0, count: 32)
        var borrow = 0
        for i in (0..<32).reversed() {
            var difference = Int(n[i]) - Int(s[i]) - borrow
            borrow = difference < 0 ? 1 : 0
            if difference < 0 { difference += 256 }
            flipped[i] = UInt8(difference)
        }
        let signature = RawDER.sequence(
            RawDER.unsignedInteger(Array(raw[..<32])), RawDER.unsignedInteger(flipped))
        let outcome = try verdicts(template.assemble(signature: signature))
        expectAgreement(outcome)
    }

    @Test("an ECDSA signature with a non-minimal INTEGER is untrusted on both paths")
    func nonMinimalSignatureInteger() throws {
        let template = leafTemplate()
        guard case .p256(let key) = intermediateKey else { return }
        let raw = Array(try key.signature(for: template.tbs).rawRepresentation)
        let r = RawDER.tlv(0x02, [0x00, 0x00] + raw[..<32])
        let signature = RawDER.sequence(r, RawDER.unsignedInteger(Array(raw[32...])))
        let outcome = try verdicts(template.assemble(signature: signature))
        #expect(outcome.untrustedPromoted, "\(outcome.summary)")
        expectAgreement(outcome)
    }

    @Test("inner and outer signature algorithms differ: untrusted on both paths")
    func algorithmMismatch() throws {
        var template = leafTemplate()
        template.outerAlgorithm = RawDER.sequence(RawDER.oid(1, 2, 840, 10045, 4, 3, 3))
        let outcome = try verdicts(template.signed(by: intermediateKey))
        #expect(outcome.shortcut == nil)
        #expect(outcome.untrustedPromoted, "\(outcome.summary)")
        expectAgreement(outcome)
    }

    @Test("ecdsa-with-SHA256 with NULL parameters gets the full verdict")
    func ecdsaNullParameters() throws {
        var template = leafTemplate()
        template.innerAlgorithm = RawDER.sequence(RawDER.oid(1, 2, 840, 10045, 4, 3, 2), RawDER.null)
        let outcome = try verdicts(template.signed(by: intermediateKey))
        expectAgreement(outcome)
    }

    @Test("a v1 leaf (no extensions) gets the full verdict")
    func v1Leaf() throws {
        var template = leafTemplate()
        template.version = []
        template.extensions = []
        let outcome = try verdicts(template.signed(by: intermediateKey), address: .some(nil))
        expectAgreement(outcome)
    }

    @Test("a v2 leaf with extensions gets the full verdict")
    func v2LeafWithExtensions() throws {
        var template = leafTemplate()
        template.version = RawDER.explicit(0, RawDER.integer(1))
        let outcome = try verdicts(template.signed(by: intermediateKey))
        expectAgreement(outcome)
    }

    // MARK: Names

    @Test(
        "a leaf whose subject equals its issuer for OpenSSL, not byte for byte, gets the full verdict",
        arguments: ["case", "printable", "whitespace"])
    func selfIssuedForOpenSSL(variant: String) throws {
        let value: [UInt8] =
            switch variant {
            case "case": RawDER.utf8("ATTACK Intermediate")
            case "printable": RawDER.printable("attack intermediate")
            default: RawDER.utf8(" attack   intermediate ")
            }
        let outcome = try verdicts(
            leafTemplate(subject: RawDER.name(RawDER.cn(value))).signed(by: intermediateKey))
        expectAgreement(outcome)
    }

    @Test(
        "a leaf naming its issuer in another case or string type reaches the promoted CA through OpenSSL",
        arguments: ["case", "printable"])
    func issuerNameVariant(variant: String) throws {
        let value = variant == "case" ? RawDER.utf8("Attack Intermediate") : RawDER.printable("attack intermediate")
        let outcome = try verdicts(leafTemplate(issuer: RawDER.name(RawDER.cn(value))).signed(by: intermediateKey))
        // OpenSSL's name comparison matches the promoted CA, as on the full path.
        #expect(outcome.shortcut == 3)
        #expect(!outcome.untrustedFull, "\(outcome.summary)")
        expectAgreement(outcome)
    }

    @Test("a self-issued leaf (byte-equal names) is left to OpenSSL")
    func selfIssuedLeaf() throws {
        let outcome = try verdicts(leafTemplate(subject: intermediateName).signed(by: intermediateKey))
        #expect(outcome.shortcut == nil)
        expectAgreement(outcome)
    }

    @Test("a multi-valued RDN out of DER order in the leaf's issuer: swift-certificates refuses the certificate")
    func multiValuedRDNOrder() throws {
        let cnValue = RawDER.cn(RawDER.utf8("attack intermediate"))
        let org = RawDER.attribute(RawDER.oid(2, 5, 4, 10), RawDER.utf8("attack"))
        // DER sorts SET OF by encoding: org (30 0d …) before cn (30 1a …).
        let unsorted = RawDER.sequence(RawDER.set(cnValue, org))
        let der = try leafTemplate(issuer: unsorted).signed(by: intermediateKey)
        #expect(throws: CertificateParseError.self) { try ParsedCertificate(der: der) }
    }

    @Test("a multi-valued RDN in the intermediate's name, matched byte for byte")
    func multiValuedRDN() throws {
        let cnValue = RawDER.cn(RawDER.utf8("attack intermediate"))
        let org = RawDER.attribute(RawDER.oid(2, 5, 4, 10), RawDER.utf8("attack"))
        let sorted = RawDER.sequence(RawDER.set(org, cnValue))
        let outcome = try verdicts(
            leafTemplate(issuer: sorted).signed(by: intermediateKey), cas: [try intermediate(name: sorted)])
        #expect(outcome.shortcut == 3)
        expectAgreement(outcome)
    }

    // MARK: Extensions OpenSSL judges while caching them

    @Test(
        "a proxyCertInfo extension (OpenSSL refuses proxy certificates) gets the full verdict",
        arguments: [false, true])
    func proxyCertificate(critical: Bool) throws {
        let info = RawDER.ext(
            RawDER.oid(1, 3, 6, 1, 5, 5, 7, 1, 14), critical: critical,
            RawDER.sequence(RawDER.sequence(RawDER.oid(1, 3, 6, 1, 5, 5, 7, 21, 1))))
        let outcome = try verdicts(leafTemplate(extra: [info]).signed(by: intermediateKey))
        #expect(outcome.untrustedFull, "\(outcome.summary)")
        expectAgreement(outcome)
    }

    @Test("an empty keyUsage (OpenSSL marks the certificate invalid) gets the full verdict")
    func emptyKeyUsage() throws {
        var template = leafTemplate()
        template.extensions[1] = RawDER.keyUsage([], unused: 0)
        let outcome = try verdicts(template.signed(by: intermediateKey), purpose: .verify, address: .some(nil))
        expectAgreement(outcome)
    }

    @Test("a negative pathLenConstraint on a leaf gets the full verdict")
    func negativePathLength() throws {
        var template = leafTemplate()
        template.extensions[0] = RawDER.basicConstraints(ca: false, pathLength: -1)
        let outcome = try verdicts(template.signed(by: intermediateKey))
        expectAgreement(outcome)
    }

    @Test("a pathLenConstraint without cA on a leaf gets the full verdict")
    func pathLengthWithoutCA() throws {
        var template = leafTemplate()
        template.extensions[0] = RawDER.basicConstraints(ca: false, pathLength: 0)
        let outcome = try verdicts(template.signed(by: intermediateKey))
        expectAgreement(outcome)
    }

    @Test("an empty extendedKeyUsage gets the full verdict")
    func emptyExtendedKeyUsage() throws {
        var template = leafTemplate()
        template.extensions[2] = RawDER.ext(RawDER.oid(2, 5, 29, 37), RawDER.sequence())
        let outcome = try verdicts(template.signed(by: intermediateKey))
        expectAgreement(outcome)
    }

    @Test(
        "a duplicated extension: swift-certificates refuses the certificate, so no check accepts it",
        arguments: ["san", "basicConstraints", "keyUsage", "aki", "unknown"])
    func duplicateExtension(which: String) throws {
        var template = leafTemplate()
        let duplicate: [UInt8] =
            switch which {
            case "san": RawDER.email("alice@example.com")
            case "basicConstraints": RawDER.basicConstraints(ca: false)
            case "keyUsage": RawDER.keyAgreementUsage
            case "aki": RawDER.authorityKeyIdentifier(intermediateKey.keyIdentifier)
            default: RawDER.ext(RawDER.oid(1, 3, 6, 1, 4, 1, 99999, 2), RawDER.null)
            }
        template.extensions.append(duplicate)
        if which == "unknown" { template.extensions.append(duplicate) }
        let der = try template.signed(by: intermediateKey)
        #expect(throws: CertificateParseError.self) { try ParsedCertificate(der: der) }
    }

    @Test("RFC 3779 IP address blocks on a leaf below a CA without them (OpenSSL: unnested resource)")
    func rfc3779Addresses() throws {
        // IPAddrBlocks: IPv4, 10.0.0.0/8.
        let blocks = RawDER.sequence(
            RawDER.sequence(RawDER.octets([0x00, 0x01]), RawDER.sequence(RawDER.bits([10]))))
        let ext = RawDER.ext(RawDER.oid(1, 3, 6, 1, 5, 5, 7, 1, 7), critical: false, blocks)
        let outcome = try verdicts(leafTemplate(extra: [ext]).signed(by: intermediateKey))
        expectAgreement(outcome)
    }

    @Test("RFC 3779 AS identifiers on a leaf below a CA without them (OpenSSL: unnested resource)")
    func rfc3779ASIdentifiers() throws {
        let identifiers = RawDER.sequence(RawDER.explicit(0, RawDER.sequence(RawDER.integer(64496))))
        let ext = RawDER.ext(RawDER.oid(1, 3, 6, 1, 5, 5, 7, 1, 8), critical: false, identifiers)
        let outcome = try verdicts(leafTemplate(extra: [ext]).signed(by: intermediateKey))
        expectAgreement(outcome)
    }

    @Test(
        "critical extensions OpenSSL supports but swift-certificates does not model on a leaf",
        arguments: ["nameConstraints", "policyConstraints", "policies", "inhibitAnyPolicy", "policyMappings"])
    func criticalSupported(which: String) throws {
        let ext: [UInt8] =
            switch which {
            case "nameConstraints":
                RawDER.ext(
                    RawDER.oid(2, 5, 29, 30), critical: true,
                    RawDER.sequence(RawDER.tlv(0xa0, RawDER.sequence(RawDER.tlv(0x81, Array("example.com".utf8))))))
            case "policyConstraints":
                RawDER.ext(RawDER.oid(2, 5, 29, 36), critical: true, RawDER.sequence(RawDER.tlv(0x80, [0])))
            case "policies":
                RawDER.ext(
                    RawDER.oid(2, 5, 29, 32), critical: true,
                    RawDER.sequence(RawDER.sequence(RawDER.oid(2, 5, 29, 32, 0))))
            case "inhibitAnyPolicy":
                RawDER.ext(RawDER.oid(2, 5, 29, 54), critical: true, RawDER.integer(0))
            default:
                RawDER.ext(
                    RawDER.oid(2, 5, 29, 33), critical: true,
                    RawDER.sequence(RawDER.sequence(RawDER.oid(1, 2, 3, 4), RawDER.oid(1, 2, 3, 5))))
            }
        let outcome = try verdicts(leafTemplate(extra: [ext]).signed(by: intermediateKey))
        expectAgreement(outcome)
    }

    @Test(
        "malformed non-critical extensions OpenSSL decodes: left to OpenSSL",
        arguments: ["crlDistributionPoints", "certificatePolicies", "authorityInfoAccess", "subjectKeyIdentifier"])
    func malformedNonCritical(which: String) throws {
        let garbage = RawDER.sequence(RawDER.integer(5))
        let type: [UInt8] =
            switch which {
            case "crlDistributionPoints": RawDER.oid(2, 5, 29, 31)
            case "certificatePolicies": RawDER.oid(2, 5, 29, 32)
            case "authorityInfoAccess": RawDER.oid(1, 3, 6, 1, 5, 5, 7, 1, 1)
            default: RawDER.oid(2, 5, 29, 14)
            }
        let outcome = try verdicts(leafTemplate(extra: [RawDER.ext(type, garbage)]).signed(by: intermediateKey))
        // OpenSSL decodes CRL distribution points and key identifiers when it reads a certificate, so
        // those go to X509_verify_cert; it does not look at policies or AIA here, so the leaf may take the
        // signature-only check. Either way, the verdicts must agree.
        if which == "crlDistributionPoints" || which == "subjectKeyIdentifier" { #expect(outcome.shortcut == nil) }
        expectAgreement(outcome)
    }

    @Test("an AKI naming the issuer's issuer and serial is left to OpenSSL")
    func akiIssuerSerial() throws {
        var template = leafTemplate(keyIdentifier: false)
        template.extensions.append(
            RawDER.ext(
                RawDER.oid(2, 5, 29, 35),
                RawDER.sequence(
                    RawDER.tlv(0xa1, RawDER.tlv(0xa4, rootName)), RawDER.tlv(0x82, [0x01]))))
        let outcome = try verdicts(template.signed(by: intermediateKey))
        #expect(outcome.shortcut == nil)
        expectAgreement(outcome)
    }

    // MARK: Issuers

    @Test("two intermediates with the same name and different keys, leaf without AKI signed by the second")
    func sameNameDifferentKeys() throws {
        let otherKey = Signer.newP256()
        let first = try intermediate(keyIdentifier: false)
        let second = try intermediate(key: otherKey, keyIdentifier: false)
        let leaf = try leafTemplate(signer: otherKey, keyIdentifier: false).signed(by: otherKey)
        let outcome = try verdicts(leaf, cas: [first, second])
        expectAgreement(outcome)
        let reversed = try verdicts(leaf, cas: [second, first])
        expectAgreement(reversed)
    }

    @Test("two intermediates with the same name, key identifier and different keys")
    func sameNameSameKeyIdentifier() throws {
        let otherKey = Signer.newP256()
        let shared = intermediateKey.keyIdentifier
        let first = try intermediate(
            keyIdentifier: false,
            extensions: [
                RawDER.basicConstraints(ca: true), RawDER.caKeyUsage, RawDER.subjectKeyIdentifier(shared),
            ])
        let second = try intermediate(
            key: otherKey,
            extensions: [
                RawDER.basicConstraints(ca: true), RawDER.caKeyUsage, RawDER.subjectKeyIdentifier(shared),
            ])
        var template = leafTemplate(signer: otherKey, keyIdentifier: false)
        template.extensions.append(RawDER.authorityKeyIdentifier(shared))
        let outcome = try verdicts(template.signed(by: otherKey), cas: [first, second])
        expectAgreement(outcome)
    }

    @Test("the same CA name and key twice, one copy from an unknown root listed first")
    func crossCertifiedCopy() throws {
        let strangerKey = Signer.newP256()
        let strangerName = RawDER.name(RawDER.cn(RawDER.utf8("stranger root")))
        let copy = try intermediate(issuer: (strangerName, strangerKey))
        let outcome = try verdicts(leafTemplate().signed(by: intermediateKey), cas: [copy, try intermediate()])
        expectAgreement(outcome)
    }

    @Test("a trust anchor with the intermediate's name and another key (a mimic) in the store")
    func anchorMimic() throws {
        let mimicKey = Signer.newP256()
        let mimic = try RawCertificate(
            issuer: intermediateName, subject: intermediateName, key: mimicKey, signer: mimicKey,
            extensions: [RawDER.basicConstraints(ca: true), RawDER.caKeyUsage]
        ).signed(by: mimicKey)
        let outcome = try verdicts(
            leafTemplate(keyIdentifier: false).signed(by: intermediateKey), anchors: [try root, mimic])
        expectAgreement(outcome)
    }

    @Test("an intermediate without keyCertSign: untrusted on both paths")
    func intermediateWithoutKeyCertSign() throws {
        let ca = try intermediate(extensions: [
            RawDER.basicConstraints(ca: true), RawDER.digitalSignatureUsage,
            RawDER.subjectKeyIdentifier(intermediateKey.keyIdentifier),
        ])
        let outcome = try verdicts(leafTemplate().signed(by: intermediateKey), cas: [ca])
        #expect(outcome.shortcut == nil)
        #expect(outcome.untrustedFull)
        expectAgreement(outcome)
    }

    @Test("an intermediate that is not a CA but may sign certificates: untrusted on both paths")
    func intermediateNotCA() throws {
        let ca = try intermediate(extensions: [
            RawDER.basicConstraints(ca: false), RawDER.caKeyUsage,
            RawDER.subjectKeyIdentifier(intermediateKey.keyIdentifier),
        ])
        let outcome = try verdicts(leafTemplate().signed(by: intermediateKey), cas: [ca])
        #expect(outcome.untrustedFull)
        expectAgreement(outcome)
    }

    @Test("an intermediate with keyUsage but no basicConstraints: untrusted on both paths")
    func intermediateWithoutBasicConstraints() throws {
        let ca = try intermediate(extensions: [
            RawDER.caKeyUsage, RawDER.subjectKeyIdentifier(intermediateKey.keyIdentifier),
        ])
        let outcome = try verdicts(leafTemplate().signed(by: intermediateKey), cas: [ca])
        expectAgreement(outcome)
    }

    @Test("a v1 intermediate: untrusted on both paths")
    func v1Intermediate() throws {
        let ca = try intermediate(extensions: []) { $0.version = [] }
        let outcome = try verdicts(leafTemplate(keyIdentifier: false).signed(by: intermediateKey), cas: [ca])
        expectAgreement(outcome)
    }

    @Test("a not-yet-valid intermediate is not promoted")
    func notYetValidIntermediate() throws {
        let ca = try intermediate { $0.notBefore = RawDER.utcTime(time + 86_400) }
        let outcome = try verdicts(leafTemplate().signed(by: intermediateKey), cas: [ca])
        #expect(outcome.verifiedIssuers == 0)
        #expect(outcome.untrustedFull)
        expectAgreement(outcome)
    }

    @Test("an intermediate with an unknown critical extension is not promoted")
    func intermediateUnknownCritical() throws {
        let ca = try intermediate(extensions: [
            RawDER.basicConstraints(ca: true), RawDER.caKeyUsage,
            RawDER.subjectKeyIdentifier(intermediateKey.keyIdentifier),
            RawDER.ext(RawDER.oid(1, 3, 6, 1, 4, 1, 99999, 3), critical: true, RawDER.null),
        ])
        let outcome = try verdicts(leafTemplate().signed(by: intermediateKey), cas: [ca])
        #expect(outcome.verifiedIssuers == 0)
        expectAgreement(outcome)
    }

    @Test("an intermediate with RFC 3779 addresses below a root without them is not promoted")
    func intermediateRFC3779() throws {
        let blocks = RawDER.sequence(
            RawDER.sequence(RawDER.octets([0x00, 0x01]), RawDER.sequence(RawDER.bits([10]))))
        let ca = try intermediate(extensions: [
            RawDER.basicConstraints(ca: true), RawDER.caKeyUsage,
            RawDER.subjectKeyIdentifier(intermediateKey.keyIdentifier),
            RawDER.ext(RawDER.oid(1, 3, 6, 1, 5, 5, 7, 1, 7), blocks),
        ])
        let outcome = try verdicts(leafTemplate().signed(by: intermediateKey), cas: [ca])
        expectAgreement(outcome)
    }

    @Test("a self-issued intermediate (key rollover) below the real one")
    func selfIssuedIntermediate() throws {
        let newKey = Signer.newP256()
        let rollover = try intermediate(key: newKey, issuer: (intermediateName, intermediateKey))
        let outcome = try verdicts(
            leafTemplate(signer: newKey).signed(by: newKey), cas: [try intermediate(), rollover])
        expectAgreement(outcome)
    }

    @Test("a leaf below two levels of intermediates, the lower one's pathLen exhausted above")
    func twoLevels() throws {
        let lowerKey = Signer.newP256()
        let lowerName = RawDER.name(RawDER.cn(RawDER.utf8("attack lower")))
        let upper = try intermediate(extensions: [
            RawDER.basicConstraints(ca: true, pathLength: 0), RawDER.caKeyUsage,
            RawDER.subjectKeyIdentifier(intermediateKey.keyIdentifier),
        ])
        let lower = try intermediate(key: lowerKey, name: lowerName, issuer: (intermediateName, intermediateKey))
        let leaf = try leafTemplate(signer: lowerKey, issuer: lowerName).signed(by: lowerKey)
        let outcome = try verdicts(leaf, cas: [upper, lower])
        #expect(outcome.untrustedFull)
        expectAgreement(outcome)
    }

    // MARK: Other key types

    @Test("issuers of every key type swift-crypto holds", arguments: ["p384", "p521", "ed25519", "rsa"])
    func keyTypes(kind: String) throws {
        let key: Signer =
            switch kind {
            case "p384": .p384(P384.Signing.PrivateKey())
            case "p521": .p521(P521.Signing.PrivateKey())
            case "ed25519": .ed25519(Curve25519.Signing.PrivateKey())
            default: .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048))
            }
        let ca = try intermediate(key: key)
        let good = try verdicts(leafTemplate(signer: key).signed(by: key), cas: [ca])
        #expect(good.shortcut == 3, "\(good.summary)")
        expectAgreement(good)
        // The same leaf with one byte of the subject changed.
        var tampered = leafTemplate(signer: key)
        let signature = try key.sign(tampered.tbs)
        tampered.subject = RawDER.name(RawDER.cn(RawDER.utf8("blice")))
        let bad = try verdicts(tampered.assemble(signature: signature), cas: [ca])
        #expect(bad.untrustedPromoted)
        expectAgreement(bad)
    }

    @Test("an RSA issuer's sha1WithRSAEncryption signature")
    func sha1WithRSA() throws {
        let key = Signer.rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048))
        let ca = try intermediate(key: key)
        var template = leafTemplate(signer: key)
        template.innerAlgorithm = RawDER.sequence(RawDER.oid(1, 2, 840, 113549, 1, 1, 5), RawDER.null)
        let outcome = try verdicts(template.signed(by: key, rsaSHA1: true), cas: [ca])
        expectAgreement(outcome)
    }

    @Test("an RSA signature one byte shorter than the modulus (leading zero dropped)")
    func shortRSASignature() throws {
        let key = Signer.rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048))
        let ca = try intermediate(key: key)
        var template = leafTemplate(signer: key)
        var signature = try key.sign(template.tbs)
        while signature.first != 0 {
            template.serial = RawDER.unsignedInteger((0..<8).map { _ in UInt8.random(in: 1...0x7f) })
            signature = try key.sign(template.tbs)
        }
        let outcome = try verdicts(template.assemble(signature: Array(signature.dropFirst())), cas: [ca])
        expectAgreement(outcome)
    }

    @Test("an RSA key's AlgorithmIdentifier without NULL parameters on the leaf signature")
    func rsaAbsentParameters() throws {
        let key = Signer.rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048))
        let ca = try intermediate(key: key)
        var template = leafTemplate(signer: key)
        template.innerAlgorithm = RawDER.sequence(RawDER.oid(1, 2, 840, 113549, 1, 1, 11))
        let outcome = try verdicts(template.signed(by: key), cas: [ca])
        expectAgreement(outcome)
    }

    // MARK: Second round: the OpenSSL path with promoted anchors, and variants

    /// A leaf the signature-only check leaves to OpenSSL although OpenSSL accepts it:
    /// it names its issuer in another case (OpenSSL compares names case-insensitively).
    func leafForOpenSSL(signer: Signer) throws -> [UInt8] {
        try leafTemplate(
            signer: signer, issuer: RawDER.name(RawDER.cn(RawDER.utf8("Attack Intermediate"))), keyIdentifier: false
        ).signed(by: signer)
    }

    @Test("same-name CAs, a leaf left to OpenSSL: the promoted anchors must pick the issuer the full path picks")
    func sameNameThroughAnchors() throws {
        let otherKey = Signer.newP256()
        let first = try intermediate(keyIdentifier: false)
        let second = try intermediate(key: otherKey, keyIdentifier: false)
        for (signer, cas) in [
            (otherKey, [first, second]), (otherKey, [second, first]), (intermediateKey, [first, second]),
            (intermediateKey, [second, first]),
        ] {
            // Several runs: the store's order of equal names is not fixed.
            for _ in 0..<4 {
                let outcome = try verdicts(try leafForOpenSSL(signer: signer), cas: cas)
                #expect(outcome.shortcut == nil)
                expectAgreement(outcome)
            }
        }
    }

    @Test("a cross-certified copy listed first, a leaf left to OpenSSL")
    func crossCertifiedCopyThroughAnchors() throws {
        let strangerKey = Signer.newP256()
        let strangerName = RawDER.name(RawDER.cn(RawDER.utf8("stranger root")))
        let copy = try intermediate(issuer: (strangerName, strangerKey))
        let outcome = try verdicts(try leafForOpenSSL(signer: intermediateKey), cas: [copy, try intermediate()])
        #expect(outcome.shortcut == nil)
        expectAgreement(outcome)
    }

    @Test("an expired copy of the intermediate listed first: OpenSSL prefers the valid one, as the shortcut does")
    func expiredCopyFirst() throws {
        let expired = try intermediate { $0.notAfter = RawDER.utcTime(time - 86_400) }
        let leaf = try leafTemplate().signed(by: intermediateKey)
        let outcome = try verdicts(leaf, cas: [expired, try intermediate()])
        #expect(!outcome.untrustedFull, "\(outcome.summary)")
        expectAgreement(outcome)
        let throughOpenSSL = try verdicts(
            try leafForOpenSSL(signer: intermediateKey), cas: [expired, try intermediate()])
        expectAgreement(throughOpenSSL)
    }

    @Test("a proxy certificate without subjectAltName (OpenSSL: proxy certificates not allowed)")
    func proxyWithoutAltName() throws {
        var template = leafTemplate()
        template.extensions.remove(at: 3)
        template.extensions.append(
            RawDER.ext(
                RawDER.oid(1, 3, 6, 1, 5, 5, 7, 1, 14), critical: true,
                RawDER.sequence(RawDER.sequence(RawDER.oid(1, 3, 6, 1, 5, 5, 7, 21, 1)))))
        let outcome = try verdicts(template.signed(by: intermediateKey), address: .some(nil))
        #expect(outcome.untrustedFull, "\(outcome.summary)")
        expectAgreement(outcome)
    }

    /// IPAddrBlocks for IPv4 with one prefix, or `inherit`.
    func ipBlocks(_ prefix: [UInt8]?, critical: Bool = false) -> [UInt8] {
        let choice = prefix.map { RawDER.sequence(RawDER.bits($0)) } ?? RawDER.null
        return RawDER.ext(
            RawDER.oid(1, 3, 6, 1, 5, 5, 7, 1, 7), critical: critical,
            RawDER.sequence(RawDER.sequence(RawDER.octets([0x00, 0x01]), choice)))
    }

    @Test(
        "RFC 3779 resources along the whole path",
        arguments: [("explicit", true), ("inherit", true), ("outside", false)])
    func rfc3779Chain(intermediateBlocks: String, leafInside: Bool) throws {
        let root = try RawCertificate(
            issuer: rootName, subject: rootName, key: rootKey, signer: rootKey,
            extensions: [RawDER.basicConstraints(ca: true), RawDER.caKeyUsage, ipBlocks([10])]
        ).signed(by: rootKey)
        let blocks = intermediateBlocks == "inherit" ? ipBlocks(nil) : ipBlocks([10])
        let ca = try intermediate(extensions: [
            RawDER.basicConstraints(ca: true), RawDER.caKeyUsage,
            RawDER.subjectKeyIdentifier(intermediateKey.keyIdentifier), blocks,
        ])
        // 10.1.0.0/16 inside 10/8, or 11.0.0.0/8 outside.
        let leafBlocks = ipBlocks(leafInside && intermediateBlocks != "outside" ? [10, 1] : [11])
        let leaf = try leafTemplate(extra: [leafBlocks]).signed(by: intermediateKey)
        let outcome = try verdicts(leaf, anchors: [root], cas: [ca])
        expectAgreement(outcome)
        let throughOpenSSL = try verdicts(
            try leafTemplate(
                issuer: RawDER.name(RawDER.cn(RawDER.utf8("Attack Intermediate"))), extra: [leafBlocks]
            ).signed(by: intermediateKey), anchors: [root], cas: [ca])
        expectAgreement(throughOpenSSL)
    }

    @Test("an ECDSA signature with trailing bytes inside the BIT STRING is untrusted on both paths")
    func signatureTrailingBytes() throws {
        let template = leafTemplate()
        let signature = try intermediateKey.sign(template.tbs) + [0x00, 0x00]
        let outcome = try verdicts(template.assemble(signature: signature))
        #expect(outcome.untrustedPromoted, "\(outcome.summary)")
        expectAgreement(outcome)
    }

    @Test("a P-256 issuer signing with ecdsa-with-SHA384 and SHA512", arguments: [3, 4])
    func p256WithLargerHash(hash: UInt) throws {
        guard case .p256(let key) = intermediateKey else { return }
        var template = leafTemplate()
        template.innerAlgorithm = RawDER.sequence(RawDER.oid(1, 2, 840, 10045, 4, 3, hash))
        let digest: [UInt8] =
            hash == 3
            ? Array(try key.signature(for: SHA384.hash(data: template.tbs)).derRepresentation)
            : Array(try key.signature(for: SHA512.hash(data: template.tbs)).derRepresentation)
        let outcome = try verdicts(template.assemble(signature: digest))
        #expect(outcome.shortcut == 3)
        expectAgreement(outcome)
    }

    @Test("a notBefore with fractional seconds too")
    func fractionalNotBefore() throws {
        var template = leafTemplate()
        template.notBefore = RawDER.generalizedTime(time - 86_400, suffix: ".25Z")
        let outcome = try verdicts(template.signed(by: intermediateKey))
        expectAgreement(outcome)
    }

    @Test("unusual serial numbers and versions", arguments: ["zero", "negative", "long", "v4"])
    func serialsAndVersions(which: String) throws {
        var template = leafTemplate()
        switch which {
        case "zero": template.serial = RawDER.integer(0)
        case "negative": template.serial = RawDER.integer(-5)
        case "long": template.serial = RawDER.unsignedInteger([UInt8](repeating: 0x71, count: 30))
        default: template.version = RawDER.explicit(0, RawDER.integer(3))
        }
        let der = try template.signed(by: intermediateKey)
        guard let leaf = try? ParsedCertificate(der: der) else { return }  // refused outright: by both
        _ = leaf
        expectAgreement(try verdicts(der))
    }

    // MARK: Third round: candidates OpenSSL's path building takes but X509_check_issued refuses

    /// The intermediate's name and key (or `key`), signed by the root, with keyUsage digitalSignature only.
    func copyWithoutKeyCertSign(key: Signer? = nil) throws -> [UInt8] {
        let key = key ?? intermediateKey
        return try intermediate(
            key: key,
            extensions: [
                RawDER.basicConstraints(ca: true), RawDER.digitalSignatureUsage,
                RawDER.subjectKeyIdentifier(key.keyIdentifier),
            ])
    }

    @Test(
        "a copy of the intermediate without keyCertSign listed first: OpenSSL's path building takes it",
        arguments: [true, false])
    func copyWithoutKeyCertSignFirst(copyFirst: Bool) throws {
        let copy = try copyWithoutKeyCertSign()
        let good = try intermediate()
        let outcome = try verdicts(
            try leafTemplate().signed(by: intermediateKey), cas: copyFirst ? [copy, good] : [good, copy])
        expectAgreement(outcome)
    }

    @Test("a trust anchor with the intermediate's name, another key and no keyCertSign", arguments: [true, false])
    func anchorMimicWithoutKeyCertSign(selfSigned: Bool) throws {
        let mimicKey = Signer.newP256()
        let strangerKey = Signer.newP256()
        let mimic = try RawCertificate(
            issuer: selfSigned ? intermediateName : RawDER.name(RawDER.cn(RawDER.utf8("stranger"))),
            subject: intermediateName, key: mimicKey, signer: selfSigned ? mimicKey : strangerKey,
            extensions: [RawDER.basicConstraints(ca: true), RawDER.digitalSignatureUsage]
        ).signed(by: selfSigned ? mimicKey : strangerKey)
        let outcome = try verdicts(
            leafTemplate(keyIdentifier: false).signed(by: intermediateKey), anchors: [try root, mimic])
        expectAgreement(outcome)
    }

    @Test("a trust anchor holding the intermediate's own name and key, without keyCertSign")
    func anchorCopyWithoutKeyCertSign() throws {
        let outcome = try verdicts(
            leafTemplate().signed(by: intermediateKey), anchors: [try root, try copyWithoutKeyCertSign()])
        expectAgreement(outcome)
    }

    // MARK: Chain length

    @Test("a leaf one below the longest path OpenSSL builds (verify depth 100)", arguments: [100, 101])
    func depthLimit(levels: Int) throws {
        var cas: [[UInt8]] = []
        var issuer = (name: rootName, key: rootKey)
        for level in 1...levels {
            let key = Signer.newP256()
            let name = RawDER.name(RawDER.cn(RawDER.utf8("attack level \(level)")))
            cas.append(try intermediate(key: key, name: name, issuer: issuer))
            issuer = (name, key)
        }
        let leaf = try leafTemplate(signer: issuer.key, issuer: issuer.name).signed(by: issuer.key)
        let outcome = try verdicts(leaf, cas: cas)
        expectAgreement(outcome)
    }

    // MARK: Signature encodings

    @Test("an RSA signature one byte longer than the modulus (a leading zero byte added)")
    func longRSASignature() throws {
        let key = Signer.rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048))
        let ca = try intermediate(key: key)
        let template = leafTemplate(signer: key)
        let outcome = try verdicts(template.assemble(signature: [0] + (try key.sign(template.tbs))), cas: [ca])
        expectAgreement(outcome)
    }

    @Test(
        "P-384, P-521 and RSA issuers signing with another digest",
        arguments: [("p384", 2), ("p384", 4), ("p521", 2), ("p521", 3), ("rsa", 12), ("rsa", 13)])
    func otherDigests(kind: String, hash: UInt) throws {
        var template: RawCertificate
        let signature: [UInt8]
        let ca: [UInt8]
        switch kind {
        case "p384":
            let key = P384.Signing.PrivateKey()
            ca = try intermediate(key: .p384(key))
            template = leafTemplate(signer: .p384(key))
            template.innerAlgorithm = RawDER.sequence(RawDER.oid(1, 2, 840, 10045, 4, 3, hash))
            signature =
                hash == 2
                ? Array(try key.signature(for: SHA256.hash(data: template.tbs)).derRepresentation)
                : Array(try key.signature(for: SHA512.hash(data: template.tbs)).derRepresentation)
        case "p521":
            let key = P521.Signing.PrivateKey()
            ca = try intermediate(key: .p521(key))
            template = leafTemplate(signer: .p521(key))
            template.innerAlgorithm = RawDER.sequence(RawDER.oid(1, 2, 840, 10045, 4, 3, hash))
            signature =
                hash == 2
                ? Array(try key.signature(for: SHA256.hash(data: template.tbs)).derRepresentation)
                : Array(try key.signature(for: SHA384.hash(data: template.tbs)).derRepresentation)
        default:
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            ca = try intermediate(key: .rsa(key))
            template = leafTemplate(signer: .rsa(key))
            template.innerAlgorithm = RawDER.sequence(RawDER.oid(1, 2, 840, 113549, 1, 1, hash), RawDER.null)
            signature =
                hash == 12
                ? Array(
                    try key.signature(for: SHA384.hash(data: template.tbs), padding: .insecurePKCS1v1_5)
                        .rawRepresentation)
                : Array(
                    try key.signature(for: SHA512.hash(data: template.tbs), padding: .insecurePKCS1v1_5)
                        .rawRepresentation)
        }
        let outcome = try verdicts(template.assemble(signature: signature), cas: [ca])
        expectAgreement(outcome)
    }

    @Test("a leaf signed with an algorithm of another key type than the issuer's", arguments: ["rsa", "ed25519"])
    func foreignAlgorithm(kind: String) throws {
        let key: Signer =
            kind == "rsa" ? .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048)) : .ed25519(.init())
        let ca = try intermediate(key: key)
        var template = leafTemplate(signer: key)
        template.innerAlgorithm = RawDER.sequence(RawDER.oid(1, 2, 840, 10045, 4, 3, 2))
        let outcome = try verdicts(template.signed(by: key), cas: [ca])
        expectAgreement(outcome)
    }

    // MARK: Fields the keyless view lacks

    @Test("unique identifiers on the leaf", arguments: ["v2", "v3", "v1"])
    func uniqueIdentifiers(version: String) throws {
        var template = leafTemplate()
        switch version {
        case "v1": template.version = []
        case "v2": template.version = RawDER.explicit(0, RawDER.integer(1))
        default: break
        }
        if version != "v3" { template.extensions = [] }
        // issuerUniqueID [1] and subjectUniqueID [2], IMPLICIT BIT STRINGs, after the key.
        template.spki += RawDER.tlv(0x81, [0x00, 0x01, 0x02]) + RawDER.tlv(0x82, [0x03, 0xa0])
        let der = try template.signed(by: intermediateKey)
        guard (try? ParsedCertificate(der: der)) != nil else { return }
        expectAgreement(try verdicts(der, address: .some(nil)))
    }

    @Test("an AKI with the key identifier and the issuer's issuer and serial, all matching")
    func akiFullMatch() throws {
        var serial: [UInt8] = []
        let ca = try intermediate { serial = $0.serial }
        var template = leafTemplate(keyIdentifier: false)
        template.extensions.append(
            RawDER.ext(
                RawDER.oid(2, 5, 29, 35),
                RawDER.sequence(
                    RawDER.tlv(0x80, intermediateKey.keyIdentifier), RawDER.tlv(0xa1, RawDER.tlv(0xa4, rootName)),
                    RawDER.tlv(0x82, Array(serial.dropFirst(2))))))
        let outcome = try verdicts(template.signed(by: intermediateKey), cas: [ca])
        expectAgreement(outcome)
    }
}

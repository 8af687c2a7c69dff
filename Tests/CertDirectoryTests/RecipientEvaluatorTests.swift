import CertDirectoryTestSupport
import Foundation
import Testing
import X509

@testable import CertDirectory

/// The choice among entries and candidates, on entries built in the test.
@Suite("Choosing among entries: owners, aliases, ambiguity")
struct RecipientEvaluatorTests {
    let pki: TestPKI
    let evaluator: RecipientEvaluator

    init() throws {
        pki = try TestPKI()
        evaluator = RecipientEvaluator(
            validator: CertificateValidator(trustAnchors: [pki.rootDER]), intermediates: [], time: TestPKI.referenceTime
        )
    }

    func entry(_ dn: String, mail: String?, proxy: [String] = [], certificates: [[UInt8]] = []) -> LDAPEntry {
        var attributes: [LDAPEntry.Attribute] = []
        if let mail { attributes.append(.init(description: "mail", values: [Array(mail.utf8)])) }
        if !proxy.isEmpty {
            attributes.append(.init(description: "proxyAddresses", values: proxy.map { Array($0.utf8) }))
        }
        if !certificates.isEmpty {
            attributes.append(.init(description: "userCertificate;binary", values: certificates))
        }
        return LDAPEntry(dn: dn, attributes: attributes)
    }

    /// The local checks, then the pipeline's one choice, without the network (revocation off).
    func evaluate(_ address: String, _ entries: [LDAPEntry], strict: Bool = false) async throws -> Resolution {
        let validator = CertificateValidator(
            trustAnchors: [pki.rootDER], policy: ValidationPolicy(strictLocalPart: strict))
        let set = RecipientEvaluator(validator: validator, intermediates: [], time: TestPKI.referenceTime)
            .evaluate(address: address, entries: entries, referrals: [], uri: "ldap://test")
        return try await Choice(checker: nil, revocation: .off, intermediates: [], memo: VerdictMemo())
            .make(set, at: TestPKI.referenceTime).resolution
    }

    @Test("an alias on another entry never captures an address its owner holds as mail")
    func aliasCannotHijack() async throws {
        let owner = entry("uid=owner", mail: "nocert@example.com")
        let hijacker = entry(
            "uid=hijack", mail: "hijack@example.com", proxy: ["smtp:nocert@example.com"],
            certificates: [try pki.leaf(san: ["hijack@example.com"])])
        let resolution = try await evaluate("nocert@example.com", [hijacker, owner])
        #expect(resolution.status == .noUsableCertificate)
        #expect(resolution.entries == ["uid=owner"])
        #expect(resolution.chosen == nil)
    }

    @Test("an alias alone still resolves to the primary address's certificate, with a note")
    func aliasOnly() async throws {
        let der = try pki.leaf(san: ["primary@example.com"])
        let holder = entry(
            "uid=primary", mail: "primary@example.com", proxy: ["SMTP:primary@example.com", "smtp:alias@example.com"],
            certificates: [der])
        let resolution = try await evaluate("alias@example.com", [holder])
        #expect(resolution.status == .ok)
        #expect(resolution.warnings.map(\.code).contains(.aliasAddress))
    }

    @Test("--strict-local-part: a lookup that differs in case from the mail value is not an alias")
    func strictLocalPart() async throws {
        let alice = entry(
            "uid=alice", mail: "alice@example.com", certificates: [try pki.leaf(san: ["alice@example.com"])])
        #expect(try await evaluate("ALICE@example.com", [alice]).status == .ok)
        let strict = try await evaluate("ALICE@example.com", [alice], strict: true)
        #expect(strict.status == .noUsableCertificate)
        #expect(strict.candidates.first?.reasons.map(\.code) == [.addressMismatch])
        #expect(!strict.warnings.map(\.code).contains(.aliasAddress))
    }

    @Test("two owners: ambiguous, unless exactly one has a fit certificate")
    func ambiguity() async throws {
        let fit = entry("uid=one", mail: "twin@example.com", certificates: [try pki.leaf(san: ["twin@example.com"])])
        let alsoFit = entry(
            "uid=two", mail: "twin@example.com", certificates: [try pki.leaf(san: ["twin@example.com"])])
        let none = entry("uid=three", mail: "twin@example.com")
        #expect(try await evaluate("twin@example.com", [fit, alsoFit]).status == .ambiguous)
        #expect(try await evaluate("twin@example.com", [none, fit]).status == .ok)
        #expect(
            try await evaluate("twin@example.com", [none, entry("uid=four", mail: "twin@example.com")]).status
                == .ambiguous
        )
    }

    @Test("a path check put off for the network check is settled for every candidate it did not reach")
    func pendingPathSettled() async throws {
        let other = try TestPKI(name: "unrelated root")
        let stranger = try pki.leaf(san: ["twin@example.com"], issuedBy: other)
        let fit = try pki.leaf(san: ["twin@example.com"])
        // Two owners, one holding only a certificate without a path: the entry rule reads the
        // local path verdict, so the other entry answers; the refused one keeps OpenSSL's reason.
        let resolution = try await evaluate(
            "twin@example.com",
            [
                entry("uid=one", mail: "twin@example.com", certificates: [stranger]),
                entry("uid=two", mail: "twin@example.com", certificates: [fit]),
            ])
        #expect(resolution.status == .ok)
        #expect(resolution.chosen?.certificate?.der == fit)
        let expected = CertificateValidator(trustAnchors: [pki.rootDER]).validate(
            try ParsedCertificate(der: stranger), purpose: .encrypt,
            address: AddressExpectation(address: try #require(MailAddress("twin@example.com"))), intermediates: [],
            at: TestPKI.referenceTime)
        let refused = try #require(resolution.candidates.first { $0.certificate?.der == stranger })
        #expect(refused.reasons.map(\.code) == [.untrusted])
        #expect(refused.reasons == expected.reasons)
        #expect(resolution.candidates.allSatisfy { $0.pendingPath == nil })
        // One entry: a candidate never network-checked (offline here) keeps the same reason.
        let alone = try await evaluate(
            "twin@example.com", [entry("uid=one", mail: "twin@example.com", certificates: [stranger])])
        #expect(alone.status == .noUsableCertificate)
        #expect(alone.candidates.first?.reasons == expected.reasons)
    }

    @Test("the same entry returned twice is one entry")
    func duplicateDN() async throws {
        let alice = entry(
            "uid=alice", mail: "alice@example.com", certificates: [try pki.leaf(san: ["alice@example.com"])])
        #expect(try await evaluate("alice@example.com", [alice, alice]).status == .ok)
    }

    @Test("the renewal wins over the certificate it replaces; an expired one is refused")
    func choice() async throws {
        let time = TestPKI.referenceTime
        let old = try pki.leaf(notBefore: time - 86_400 * 300, notAfter: time + 86_400 * 10)
        let renewal = try pki.leaf(notBefore: time - 86_400, notAfter: time + 86_400 * 700)
        let expired = try pki.leaf(notBefore: time - 86_400 * 800, notAfter: time - 86_400)
        let alice = entry("uid=alice", mail: "alice@example.com", certificates: [expired, old, renewal])
        let resolution = try await evaluate("alice@example.com", [alice])
        #expect(resolution.chosen?.certificate?.der == renewal)
        #expect(resolution.candidates.filter(\.isFit).count == 2)
    }
}

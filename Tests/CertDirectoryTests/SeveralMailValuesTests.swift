import CertDirectoryTestSupport
import Foundation
import Testing
import X509

@testable import CertDirectory

/// RFC 4524 `mail` is multi-valued: the choice on one entry with two values, built in the test.
@Suite("Several mail values on one entry")
struct SeveralMailValuesTests {
    let pki: TestPKI

    init() throws { pki = try TestPKI() }

    func entry(mail: [String], certificates: [[UInt8]]) -> LDAPEntry {
        LDAPEntry(
            dn: "uid=two,dc=example",
            attributes: [
                .init(description: "mail", values: mail.map { Array($0.utf8) }),
                .init(description: "userCertificate;binary", values: certificates),
            ])
    }

    func resolve(_ address: String, _ entry: LDAPEntry, strict: Bool = false) async -> Resolution {
        let validator = CertificateValidator(
            trustAnchors: [pki.rootDER], policy: ValidationPolicy(strictLocalPart: strict))
        let set = RecipientEvaluator(validator: validator, intermediates: [], time: TestPKI.referenceTime)
            .evaluate(address: address, entries: [entry], referrals: [], uri: "ldap://test")
        return await Choice(checker: nil, revocation: .off, intermediates: [], memo: VerdictMemo())
            .make(set, at: TestPKI.referenceTime).resolution
    }

    @Test("the certificate naming the asked address wins over a newer one naming the other value")
    func askedAddressWins() async throws {
        let first = try pki.leaf(san: ["first@example.com"], notBefore: TestPKI.referenceTime - 86_400 * 10)
        let second = try pki.leaf(san: ["second@example.com"], notBefore: TestPKI.referenceTime - 86_400)
        let two = entry(mail: ["first@example.com", "second@example.com"], certificates: [first, second])
        let asFirst = await resolve("first@example.com", two)
        #expect(asFirst.status == .ok)
        #expect(asFirst.chosen?.certificate?.der == first)
        let asSecond = await resolve("Second@example.com", two)
        #expect(asSecond.chosen?.certificate?.der == second)
    }

    @Test("a certificate naming only another mail value: accepted with other-mail-value, refused when strict")
    func otherValueOnly() async throws {
        let first = try pki.leaf(san: ["first@example.com"])
        let two = entry(mail: ["first@example.com", "second@example.com"], certificates: [first])
        let loose = await resolve("second@example.com", two)
        #expect(loose.status == .ok)
        #expect(loose.chosen?.warnings.map(\.code) == [.otherMailValue])
        let strict = await resolve("second@example.com", two, strict: true)
        #expect(strict.status == .noUsableCertificate)
        #expect(strict.candidates.first?.reasons.map(\.code) == [.otherMailValue])
        // One mail value only: the old rule, a mismatch.
        let one = await resolve("second@example.com", entry(mail: ["second@example.com"], certificates: [first]))
        #expect(one.candidates.first?.reasons.map(\.code) == [.addressMismatch])
    }
}

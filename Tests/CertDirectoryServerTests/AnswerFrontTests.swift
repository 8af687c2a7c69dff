import CertDirectoryTestSupport
import Foundation
import Testing

@testable import CertDirectory
@testable import CertDirectoryServer

/// The in-memory front keeps an answer only while its verdict would be the
/// same: inside the candidates' date boundaries, within its lifetime, and
/// before the nextUpdate of the revocation data the verdict was judged by.
@Suite("Answer front")
struct AnswerFrontTests {
    let certificate: ParsedCertificate

    init() throws {
        certificate = try ParsedCertificate(der: try TestPKI().leaf(san: ["alice@example.com"]))
    }

    func answer(revocationDataValidUntil: Date?) -> AddressAnswer {
        var candidate = Candidate(
            certificate: certificate, sha256: certificate.sha256,
            source: ValueSource(uri: "ldap://127.0.0.1/", dn: "uid=alice", attribute: "userCertificate", index: 0),
            reasons: [], warnings: [])
        candidate.revocation = .good
        candidate.revocationDataValidUntil = revocationDataValidUntil
        let resolution = Resolution(
            address: "alice@example.com", status: .ok, chosen: candidate, candidates: [candidate])
        return AddressAnswer(resolution, maxAge: 60)
    }

    @Test("an answer is not served past the nextUpdate of its revocation data, though its lifetime runs on")
    func revocationDataBoundsTheAnswer() {
        let front = AnswerFront(capacity: 10, lifetime: 60)
        let now = TestPKI.referenceTime
        front.store(answer(revocationDataValidUntil: now + 10), for: "alice@example.com", evaluatedAt: now)
        #expect(front.answer(for: "alice@example.com", now: now + 9) != nil)
        #expect(front.answer(for: "alice@example.com", now: now + 11) == nil)
    }

    @Test("without revocation data only the lifetime and the certificate's dates bound it")
    func lifetimeBoundsTheAnswer() {
        let front = AnswerFront(capacity: 10, lifetime: 60)
        let now = TestPKI.referenceTime
        front.store(answer(revocationDataValidUntil: nil), for: "alice@example.com", evaluatedAt: now)
        #expect(front.answer(for: "alice@example.com", now: now + 59) != nil)
        #expect(front.answer(for: "alice@example.com", now: now + 61) == nil)
    }
}

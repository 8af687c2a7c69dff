import CertDirectoryTestSupport
import Foundation
import Testing

@testable import CertDirectory

/// OCSP (RFC 6960) through ``CertificateChecker`` against real responders on
/// 127.0.0.1, ports from the OS: `openssl ocsp -index` (scripts/ocsp-responder.py)
/// for good, revoked and unknown answers, and the test suite's own responder
/// (Fixtures/ocsp-fault-responder.py, Python `cryptography`) for the answers
/// `openssl ocsp` will not give. The PKI is Fixtures/ocsp-pki.py, made once the
/// responders run: an intermediate (issuer.pem) signs the certificates and the
/// answers; the root's CRL (served by the fault responder) covers the root and
/// the intermediate, and nothing but OCSP speaks for the certificates below.
@Suite("OCSP against real responders", .serialized)
final class OCSPTests {
    let folder: URL
    let openssl: PortFileServer
    let faults: PortFileServer

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("certdir-ocsp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let base = folder
        let file = { (name: String) in base.appendingPathComponent(name).path }
        openssl = try PortFileServer(
            script: "scripts/ocsp-responder.py",
            [
                "--index", file("index.txt"), "--ca", file("issuer.pem"), "--rsigner", file("issuer.pem"),
                "--rkey", file("issuer.key"),
            ])
        faults = try PortFileServer(script: "Tests/certdirTests/Fixtures/ocsp-fault-responder.py", [folder.path])
        let fixtures = CertDirProcess.repository.appendingPathComponent("Tests/certdirTests/Fixtures")
        let made = try runTool(
            "python3", [fixtures.appendingPathComponent("ocsp-pki.py").path, folder.path, faults.url + "crl"])
        #expect(made.status == 0, "ocsp-pki.py: \(made.stderr)")
    }

    deinit {
        openssl.stop()
        faults.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    struct Checked {
        var result: ValidationResult
        var consulted: [String]
        var failed: [String]
    }

    func check(
        _ stem: String, responder: String, order: [RevocationSource] = [.ocsp, .crl], nonce: OCSPNoncePolicy = .send,
        mode: RevocationMode = .prefer, at time: Date = Date(), twice: Bool = false
    ) async throws -> Checked {
        let root = try CertificateFile.load(path: folder.appendingPathComponent("root.pem").path)
        var policy = ValidationPolicy()
        policy.revocationSources = RevocationSources(order: order, ocspResponder: responder, ocspNonce: nonce)
        let checker = CertificateChecker(
            validator: CertificateValidator(trustAnchors: root.map(\.der), policy: policy), directory: nil,
            revocation: mode, networkTimeout: .seconds(5))
        let certificate = try #require(
            try CertificateFile.load(path: folder.appendingPathComponent("\(stem).pem").path).first)
        let issuer = try CertificateFile.load(path: folder.appendingPathComponent("issuer.pem").path)
        var checked = await checker.check(
            certificate, purpose: .encrypt, address: nil, intermediates: issuer, at: time)
        if twice {
            checked = await checker.check(
                certificate, purpose: .encrypt, address: nil, intermediates: issuer, at: time)
        }
        let consulted = await checker.consultedSources()
        await checker.close()
        return Checked(result: checked.result, consulted: consulted, failed: checked.failedSources)
    }

    func codes(_ findings: [Finding]) -> Set<ReasonCode> { Set(findings.map(\.code)) }

    @Test("openssl ocsp: good is good, named by its responder; revoked is refused; unknown is never good")
    func opensslAnswers() async throws {
        let good = try await check("good", responder: openssl.url)
        #expect(good.result.revocation == .good)
        #expect(good.result.isFit, "\(good.result.reasons)")
        #expect(good.result.revocationSource == "ocsp \(openssl.url)")

        let revoked = try await check("revoked", responder: openssl.url)
        #expect(revoked.result.revocation == .revoked)
        #expect(codes(revoked.result.reasons).contains(.revoked))
        #expect(revoked.result.revocationSource == "ocsp \(openssl.url)")

        for mode in [RevocationMode.prefer, .require] {
            let unknown = try await check("unknown", responder: openssl.url, mode: mode)
            #expect(unknown.result.revocation == .unknown)
            let finding = (unknown.result.reasons + unknown.result.warnings).first { $0.code == .revocationUnknown }
            #expect(
                finding?.message.contains("does not know the certificate") == true, "\(String(describing: finding))")
            // require refuses; prefer accepts with the warning.
            #expect(unknown.result.isFit == (mode == .prefer))
            #expect(
                codes(mode == .require ? unknown.result.reasons : unknown.result.warnings).contains(.revocationUnknown))
        }
    }

    @Test("without a nonce the request is short enough for GET (RFC 6960 A.1), and openssl answers it")
    func getRequest() async throws {
        let good = try await check("good", responder: openssl.url, nonce: .off)
        #expect(good.result.revocation == .good)
    }

    @Test(
        "answers that verify count: issuer-signed, delegated responder with id-kp-OCSPSigning, revoked by the issuer",
        arguments: [("good", RevocationStatus.good), ("delegated", .good), ("revoked", .revoked), ("nononce", .good)])
    func acceptedAnswers(_ mode: String, _ expected: RevocationStatus) async throws {
        let asked = Date()
        let checked = try await check("good", responder: faults.url + mode + "/")
        #expect(checked.result.revocation == expected, "\(checked.result.warnings) \(checked.result.reasons)")
        #expect(checked.result.revocationSource == "ocsp \(faults.url)\(mode)/")
        // The answer's nextUpdate (an hour after it was made), not the root CRL's year, bounds
        // how long the book may keep this verdict.
        let validUntil = try #require(checked.result.revocationDataValidUntil)
        #expect(validUntil > asked.addingTimeInterval(3000) && validUntil < Date().addingTimeInterval(3700))
    }

    @Test(
        "an answer that fails a rule is unknown, never good nor revoked; require refuses it, prefer warns",
        arguments: [
            ("noeku", "signer is not accepted"), ("missigned", "signer is not accepted"),
            ("malformed", "not an OCSP response"), ("html", "not an OCSP response"), ("trylater", "trylater"),
            ("stale", "not current"), ("future", "not current"), ("nonext", "not current"),
            ("mismatch", "no matching CertID"), ("wrongnonce", "nonce"), ("redirect", "HTTP status 302"),
            ("huge", "answer over"),
        ])
    func refusedAnswers(_ mode: String, _ why: String) async throws {
        for revocation in [RevocationMode.prefer, .require] {
            let checked = try await check("good", responder: faults.url + mode + "/", mode: revocation)
            #expect(checked.result.revocation == .unknown, "\(mode): \(checked.result.revocation)")
            #expect(!codes(checked.result.reasons).contains(.revoked))
            let findings = revocation == .require ? checked.result.reasons : checked.result.warnings
            let finding = findings.first { $0.code == .revocationUnknown }
            #expect(finding?.message.contains(why) == true, "\(mode): \(String(describing: finding))")
            #expect(checked.result.isFit == (revocation == .prefer))
        }
    }

    @Test("a response without the nonce is accepted by default and refused under --ocsp-nonce require")
    func nonceRequired() async throws {
        let sent = try await check("good", responder: faults.url + "nononce/", nonce: .send)
        #expect(sent.result.revocation == .good)
        let required = try await check("good", responder: faults.url + "nononce/", nonce: .require, mode: .require)
        #expect(required.result.revocation == .unknown)
        #expect(required.result.reasons.contains { $0.code == .revocationUnknown && $0.message.contains("nonce") })
        // openssl ocsp echoes the nonce: accepted under require.
        let echoed = try await check("good", responder: openssl.url, nonce: .require)
        #expect(echoed.result.revocation == .good)
    }

    @Test("--at: a revocation after the evaluation time does not count; one before it does; good stays good")
    func evaluationTime() async throws {
        // The fault responder says revoked an hour ago.
        let before = try await check("good", responder: faults.url + "revoked/", at: Date().addingTimeInterval(-7200))
        #expect(before.result.revocation == .unknown)
        #expect(before.result.warnings.contains { $0.message.contains("after the evaluation time") })
        let after = try await check("good", responder: faults.url + "revoked/", at: Date())
        #expect(after.result.revocation == .revoked)
        let past = try await check("good", responder: openssl.url, at: Date().addingTimeInterval(-86_400))
        #expect(past.result.revocation == .good)
    }

    @Test("crl alone never asks the responder; crl,ocsp asks it when the CRL cannot decide")
    func sourceOrder() async throws {
        let crlOnly = try await check("good", responder: openssl.url, order: [.crl])
        #expect(!crlOnly.consulted.contains { $0.hasPrefix("ocsp") })
        #expect(crlOnly.result.revocation == .unknown)
        let crlFirst = try await check("good", responder: openssl.url, order: [.crl, .ocsp])
        #expect(crlFirst.consulted.contains("ocsp \(openssl.url)"))
        #expect(crlFirst.result.revocation == .good)
        #expect(crlFirst.result.revocationSource == "ocsp \(openssl.url)")
    }

    @Test("a responder that is down leaves the status unknown with the reason; its answer is asked once")
    func responderDown() async throws {
        let down = try await check("good", responder: "http://127.0.0.1:1/", twice: true)
        #expect(down.result.revocation == .unknown)
        #expect(down.consulted.filter { $0.hasPrefix("ocsp") }.count == 1)
        #expect(down.failed.contains { $0.hasPrefix("ocsp http://127.0.0.1:1/") })
        // A verified answer is reused (and judged again) by the same checker.
        let reused = try await check("good", responder: openssl.url, twice: true)
        #expect(reused.result.revocation == .good)
        #expect(reused.result.revocationSource?.hasPrefix("ocsp \(openssl.url) (cached until ") == true)
        #expect(reused.consulted.filter { $0.hasPrefix("ocsp") }.count == 1)
    }
}

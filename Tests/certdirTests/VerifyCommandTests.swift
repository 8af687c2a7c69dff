import CertDirectoryTestSupport
import Foundation
import Testing

/// `certdir verify` on single PKITS messages: a tampered message, a revoked signer.
@Suite(
    "certdir verify: verdicts and exit codes",
    .enabled(if: PKITSDirectory.isAvailable, "\(PKITSDirectory.unavailableReason)"))
struct VerifyCommandTests {
    func verify(_ message: String, _ extra: [String] = []) throws -> CertDirProcess.Outcome {
        let pkits = try PKITSDirectory.require()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("verify-\(UUID().uuidString).eml")
        try message.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        return try CertDirProcess.run(
            [
                "verify", "--uri", pkits.uri, "--base", pkits.base, "--trust-anchor",
                pkits.data + "/certs/TrustAnchorRootCertificate.crt", "--revocation", "require", "--format", "json",
            ] + extra + [file.path])
    }

    func message(_ name: String) throws -> String {
        try String(contentsOfFile: PKITSDirectory.require().data + "/smime/" + name, encoding: .utf8)
    }

    @Test("a valid message exits 0; the same message with its body changed is invalid (bad-signature), exit 1")
    func tampered() throws {
        let original = try message("SignedValidSignaturesTest1.eml")
        let good = try verify(original)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("\"valid\":true"))
        #expect(good.stdout.contains("\"revocation\":\"good\""))
        let changed = original.replacingOccurrences(of: "sample signed message", with: "sample forged message")
        #expect(changed != original)
        let bad = try verify(changed)
        #expect(bad.status == 1, "\(bad.stderr)")
        #expect(bad.stdout.contains("\"code\":\"bad-signature\""))
    }

    @Test("a revoked signer is invalid with reason revoked")
    func revokedSigner() throws {
        let outcome = try verify(message("SignedInvalidRevokedEETest3.eml"))
        #expect(outcome.status == 1, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("\"code\":\"revoked\""))
    }
}

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

    @Test(
        "a message that is not S/MIME signed is invalid with not-signed (not bad-signature); an unreadable file is 66")
    func notSigned() throws {
        let plain = try verify("From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n")
        #expect(plain.status == 1, "\(plain.stderr)")
        #expect(plain.stdout.contains("\"code\":\"not-signed\""), "\(plain.stdout)")
        #expect(!plain.stdout.contains("bad-signature"))
        let missing = try CertDirProcess.run(["verify", "--revocation", "off", "/nonexistent/message.eml"])
        #expect(missing.status == 66, "\(missing.stderr)")
    }

    @Test("a revoked signer is invalid with reason revoked")
    func revokedSigner() throws {
        let outcome = try verify(message("SignedInvalidRevokedEETest3.eml"))
        #expect(outcome.status == 1, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("\"code\":\"revoked\""))
    }

    @Test("an opaque message (application/pkcs7-mime; smime-type=signed-data) verifies, with its smime-type")
    func opaque() throws {
        let pkits = try PKITSDirectory.require()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("verify-opaque-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // PKITS ships each end entity's key; its PKCS#12 password is "password".
        let source = pkits.data + "/pkcs12/ValidCertificatePathTest1EE.p12"
        let pem = folder.appendingPathComponent("signer.pem").path
        let exported = try runTool(
            "openssl", ["pkcs12", "-in", source, "-nodes", "-passin", "pass:password", "-out", pem])
        #expect(exported.status == 0, "\(exported.stderr)")
        let body = folder.appendingPathComponent("body.txt")
        try "Content-Type: text/plain\r\n\r\nopaque signed text\r\n".write(to: body, atomically: true, encoding: .utf8)
        let signed = try runTool(
            "openssl",
            [
                "cms", "-sign", "-nodetach", "-binary", "-in", body.path, "-signer", pem, "-from",
                "sender@testcertificates.gov", "-subject", "opaque",
            ])
        #expect(signed.status == 0, "\(signed.stderr)")
        let message = String(decoding: signed.stdout, as: UTF8.self)
        #expect(message.contains("smime-type=signed-data"))
        let outcome = try verify(message)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("\"valid\":true"))
    }

    @Test("--format json lines match schema/verification.schema.json")
    func jsonSchema() throws {
        let outcome = try verify(message("SignedValidSignaturesTest1.eml"))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = FileManager.default.temporaryDirectory.appendingPathComponent("verify-\(UUID().uuidString).jsonl")
        try outcome.stdout.write(to: lines, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: lines) }
        let check = """
            import json, sys, jsonschema, referencing
            folder, lines = sys.argv[1:]
            schemas = [json.load(open(f"{folder}/{n}.schema.json")) for n in ("resolution", "verification")]
            registry = referencing.Registry().with_resources(
                [(s["$id"], referencing.Resource.from_contents(s)) for s in schemas])
            validator = jsonschema.Draft202012Validator(schemas[1], registry=registry)
            records = [json.loads(l) for l in open(lines) if l.strip()]
            assert records, "no output"
            for record in records:
                validator.validate(record)
            """
        let schema = CertDirProcess.repository.appendingPathComponent("schema").path
        let result = try runTool("python3", ["-c", check, schema, lines.path])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test("directory unreachable: require exits 75 (retry later), prefer accepts with a warning naming the source")
    func unreachable() throws {
        let pkits = try PKITSDirectory.require()
        let arguments = [
            "verify", "--uri", "ldap://127.0.0.1:1", "--base", pkits.base, "--network-timeout", "2", "--trust-anchor",
            pkits.data + "/certs/TrustAnchorRootCertificate.crt",
            pkits.data + "/smime/SignedValidSignaturesTest1.eml",
        ]
        let required = try CertDirProcess.run(arguments + ["--revocation", "require"])
        #expect(required.status == 75, "\(required.stderr)")
        #expect(required.stdout.contains("invalid (revocation-unknown)"))
        let preferred = try CertDirProcess.run(arguments)
        #expect(preferred.status == 0, "\(preferred.stderr)")
        #expect(preferred.stderr.contains("warning: unable to get certificate CRL"))
        #expect(preferred.stderr.contains("ldap://127.0.0.1:1"))
    }
}

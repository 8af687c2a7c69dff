import CertDirectoryTestSupport
import Foundation
import Testing

@testable import CertDirectory

@Suite("JSON output shape and the shared reason codes")
struct ResolutionJSONTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func object(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test("an ok resolution has the contract's fields and formats")
    func okShape() throws {
        let pki = try TestPKI()
        let certificate = try ParsedCertificate(
            der: pki.leaf(notBefore: TestPKI.referenceTime, notAfter: TestPKI.referenceTime + 3600))
        let source = ValueSource(
            uri: "ldaps://127.0.0.1:13636", dn: "uid=a,dc=x", attribute: "userCertificate;binary", index: 0)
        let candidate = Candidate(
            certificate: certificate, sha256: certificate.sha256, source: source, reasons: [], warnings: [])
        let refused = Candidate(
            certificate: nil, sha256: String(repeating: "0", count: 64), source: source,
            reasons: [Finding(.malformedValue, "junk")], warnings: [])
        let line = ResolutionJSON.line(
            Resolution(
                address: "alice@example.com", status: .ok, chosen: candidate, candidates: [candidate, refused],
                entries: ["uid=a,dc=x"]))
        #expect(!line.contains("\n"))
        let json = try object(line)
        #expect(Set(json.keys) == ["address", "status", "certificate", "candidates", "warnings", "entries"])
        #expect(json["status"] as? String == "ok")
        let cert = try #require(json["certificate"] as? [String: Any])
        #expect(Set(cert.keys) == ["sha256", "subject", "issuer", "serial", "notBefore", "notAfter", "pem", "source"])
        #expect(cert["sha256"] as? String == certificate.sha256)
        #expect((cert["sha256"] as? String)?.range(of: "^[0-9a-f]{64}$", options: .regularExpression) != nil)
        #expect((cert["serial"] as? String)?.range(of: "^[0-9a-f]+$", options: .regularExpression) != nil)
        #expect(cert["notBefore"] as? String == "2026-09-21T14:13:20Z")
        #expect(cert["notAfter"] as? String == "2026-09-21T15:13:20Z")
        #expect(cert["subject"] as? String == "CN=test leaf")
        #expect(cert["issuer"] as? String == "CN=certdir test root,O=certdir tests")
        #expect((cert["pem"] as? String)?.hasPrefix("-----BEGIN CERTIFICATE-----\n") == true)
        let certSource = try #require(cert["source"] as? [String: Any])
        #expect(certSource["attribute"] as? String == "userCertificate;binary")
        let candidates = try #require(json["candidates"] as? [[String: Any]])
        #expect(candidates.map { $0["accepted"] as? Bool } == [true, false])
        let reasons = try #require(candidates[1]["reasons"] as? [[String: String]])
        #expect(reasons == [["code": "malformed-value", "message": "junk"]])
    }

    @Test("a resolution without a choice writes certificate: null")
    func nullCertificate() throws {
        let json = try object(ResolutionJSON.line(Resolution(address: "nobody@example.com", status: .notFound)))
        #expect(json["certificate"] is NSNull)
        #expect(json["status"] as? String == "not-found")
    }

    @Test("schema/reason-codes.json lists exactly the ReasonCode cases")
    func reasonCodesPublished() throws {
        let data = try Data(contentsOf: Self.repository.appendingPathComponent("schema/reason-codes.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let codes = try #require(json["codes"] as? [String: String])
        #expect(Set(codes.keys) == Set(ReasonCode.allCases.map(\.rawValue)))
    }

    @Test("the JSON Schema's status and code enums match the library")
    func schemaEnums() throws {
        let data = try Data(contentsOf: Self.repository.appendingPathComponent("schema/resolution.schema.json"))
        let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let properties = try #require(schema["properties"] as? [String: Any])
        let status = try #require((properties["status"] as? [String: Any])?["enum"] as? [String])
        #expect(Set(status) == Set(ResolutionStatus.allCases.map(\.rawValue) + [GroupJSON.status]))
        let defs = try #require(schema["$defs"] as? [String: Any])
        let code = try #require((defs["code"] as? [String: Any])?["enum"] as? [String])
        #expect(Set(code) == Set(ReasonCode.allCases.map(\.rawValue)))
    }

    @Test("a hand-built JSON line escapes quotes, backslashes and control characters and reads back exactly")
    func jsonLineEscaping() throws {
        let hostile = [
            "CN=\"quoted\",O=a\\b", "tab\tnew\nline\rcr", "bell\u{07}nul\u{00}esc\u{1b}[31m", "ümlaut ✉️ 𝄞",
            "slash/kept", "",
        ]
        for value in hostile {
            var line = JSONLine()
            line.field("v", value)
            line.field("none", nil)
            line.field("list", objects: [value, value]) { object, text in object.field("t", text) }
            let parsed = try #require(
                try JSONSerialization.jsonObject(with: Data(line.closed.utf8)) as? [String: Any])
            #expect(parsed["v"] as? String == value)
            #expect(parsed["none"] is NSNull)
            #expect((parsed["list"] as? [[String: String]])?.map { $0["t"] } == [value, value])
            #expect(!line.closed.contains("\u{1b}") && !line.closed.contains("\n"))
        }
    }
}

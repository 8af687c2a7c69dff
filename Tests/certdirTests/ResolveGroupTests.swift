import CertDirectoryTestSupport
import Foundation
import Testing

/// `certdir resolve` and mail groups of the sample directory (scripts/gen-sample.py).
extension ResolveCommandTests {
    func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test("a group address answers status group with a hint and 67, never no-usable-certificate")
    func groupWithoutExpansion() throws {
        let outcome = try CertDirProcess.run(common + ["--format", "json", "team@example.com", "alice@example.com"])
        #expect(outcome.status == 67)
        let lines = try jsonLines(outcome.stdout)
        #expect(lines.count == 2)
        #expect(lines[0]["status"] as? String == "group")
        #expect(lines[0]["members"] == nil)
        #expect(lines[1]["status"] as? String == "ok")
        #expect(outcome.stderr.contains("--expand-groups"))
    }

    @Test("--expand-groups: one resolution object per member, nested and looped lists expanded once")
    func expandGroups() throws {
        let outcome = try CertDirProcess.run(common + ["--format", "json", "--expand-groups", "team@example.com"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let line = try #require(try jsonLines(outcome.stdout).first)
        #expect(line["status"] as? String == "group")
        let members = try #require(line["members"] as? [[String: Any]])
        #expect(
            members.compactMap { $0["address"] as? String } == [
                "alice@example.com", "ec@example.com", "dual@example.com", "outlook@example.com",
            ])
        #expect(members.allSatisfy { $0["status"] as? String == "ok" })
        let pem = try CertDirProcess.run(common + ["--expand-groups", "unique-list@example.com"])
        #expect(pem.status == 0, "\(pem.stderr)")
        #expect(pem.stdout.components(separatedBy: "-----BEGIN CERTIFICATE-----").count == 3)
    }

    @Test("--expand-groups with a member lacking a certificate: 67, the member and the list named")
    func expandBrokenGroup() throws {
        let outcome = try CertDirProcess.run(
            common + ["--format", "json", "--expand-groups", "broken-list@example.com"])
        #expect(outcome.status == 67)
        let line = try #require(try jsonLines(outcome.stdout).first)
        let members = try #require(line["members"] as? [[String: Any]])
        #expect(members.map { $0["status"] as? String } == ["ok", "no-usable-certificate"])
        #expect(outcome.stderr.contains("nocert@example.com (member of broken-list@example.com)"))
    }
}

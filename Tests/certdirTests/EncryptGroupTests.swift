import CertDirectoryTestSupport
import Foundation
import Testing

/// `certdir encrypt` to mail groups of the sample directory (scripts/gen-sample.py).
extension EncryptCommandTests {
    @Test("a nested, looped list: one envelope that exactly the members' keys open")
    func nestedList() throws {
        let output = folder.appendingPathComponent("team.eml")
        let outcome = try CertDirProcess.run(
            common + ["--out", output.path], stdin: "From: x@example.com\nTo: team@example.com\nSubject: s\n\nhi list\n"
        )
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("team@example.com is a list: 4 members"))
        for member in ["alice@example.com", "ec@example.com", "dual@example.com", "outlook@example.com"] {
            #expect(try open(output, as: member) == (0, "\r\nhi list\r\n"), "\(member)")
        }
        #expect(try open(output, as: "p7only@example.com").status != 0, "a non-member opened the list's message")
        let infos = try runTool("openssl", ["cms", "-cmsout", "-print", "-in", output.path])
        let text = String(decoding: infos.stdout, as: UTF8.self)
        #expect(text.components(separatedBy: "d.ktri").count + text.components(separatedBy: "d.kari").count - 2 == 4)
    }

    @Test("a groupOfUniqueNames list, one uniqueMember with a #'…'B UID")
    func uniqueMembers() throws {
        let output = folder.appendingPathComponent("unique.eml")
        let outcome = try CertDirProcess.run(
            common + ["--out", output.path], stdin: "To: unique-list@example.com\nSubject: s\n\nhi\n")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try open(output, as: "ec@example.com").status == 0)
        #expect(try open(output, as: "p7only@example.com").status == 0)
        #expect(try open(output, as: "alice@example.com").status != 0)
    }

    @Test("a list with a member lacking a certificate writes nothing, exits 67 and names the member and the list")
    func listFailClosed() throws {
        let output = folder.appendingPathComponent("broken.eml")
        let outcome = try CertDirProcess.run(
            common + ["--out", output.path], stdin: "To: broken-list@example.com\nSubject: s\n\nhi\n")
        #expect(outcome.status == 67)
        #expect(outcome.stderr.contains("nocert@example.com"))
        #expect(outcome.stderr.contains("member of broken-list@example.com"))
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test("nesting deeper than --group-depth fails closed, naming the nested group")
    func depthLimit() throws {
        let outcome = try CertDirProcess.run(
            common + ["--group-depth", "1"], stdin: "To: team@example.com\nSubject: s\n\nhi\n")
        #expect(outcome.status == 67)
        #expect(outcome.stderr.contains("cn=subteam"))
        #expect(outcome.stderr.contains("deeper than 1"))
        #expect(outcome.stdout.isEmpty)
        let size = try CertDirProcess.run(
            common + ["--group-size", "2"], stdin: "To: team@example.com\nSubject: s\n\nhi\n")
        #expect(size.status == 67)
        #expect(size.stderr.contains("more than 2 members"))
    }

    @Test("a Bcc list: each member gets a separate copy")
    func bccList() throws {
        let copies = folder.appendingPathComponent("bcc-list")
        try FileManager.default.createDirectory(at: copies, withIntermediateDirectories: true)
        let output = folder.appendingPathComponent("bcc-list.eml")
        let outcome = try CertDirProcess.run(
            common + ["--bcc-dir", copies.path, "--out", output.path],
            stdin: "To: alice@example.com\nBcc: unique-list@example.com\nSubject: s\n\nhi\n")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try open(output, as: "ec@example.com").status != 0)
        #expect(try open(copies.appendingPathComponent("ec@example.com.eml"), as: "ec@example.com").status == 0)
        #expect(
            try open(copies.appendingPathComponent("p7only@example.com.eml"), as: "p7only@example.com").status == 0)
        #expect(
            try open(copies.appendingPathComponent("p7only@example.com.eml"), as: "ec@example.com").status != 0)
    }
}

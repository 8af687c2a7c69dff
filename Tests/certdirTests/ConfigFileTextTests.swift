import CertDirectoryTestSupport
import Foundation
import Testing

/// A table header whose name starts with neither a bare-key character nor a
/// quote (`[é]`, `[#]`, a control character) made toml++
/// (inside TOMLKit) fail an assertion and abort certdir; found by the
/// fuzz-config target (Fixtures/fuzz-config-crash-6605de1c.toml is its first
/// input: invalid UTF-8 after `[`, read as U+FFFD; the second began the name
/// with 0x03, the third a lone `[` line, the fourth carriage returns after `[`). Now it is bad configuration (78).
@Suite("Config file text that toml++ does not survive")
struct ConfigFileTextTests {
    func resolve(withConfig bytes: [UInt8]) throws -> CertDirProcess.Outcome {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certdir-cfg-\(UUID().uuidString).toml")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try CertDirProcess.run(["resolve", "--config", file.path, "alice@example.com"])
    }

    @Test("the fuzzer's crashing input is refused with exit 78 and the line")
    func fuzzerInput() throws {
        let input = try Data(
            contentsOf: CertDirProcess.repository.appendingPathComponent(
                "Tests/certdirTests/Fixtures/fuzz-config-crash-6605de1c.toml"))
        let outcome = try resolve(withConfig: Array(input))
        #expect(outcome.status == 78, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("line 7 is not a table header"), "\(outcome.stderr)")
    }

    @Test(
        "every malformed table header is refused, not a crash",
        arguments: [
            "[é]\n", "[ é]\n", "[[é]]\n", "  [\té]\n", "[😀.x]\n", "[\u{FFFD}]\n", "[#]\n", "[.x]\n", "[=]\n",
            "[\u{03}irectories.corp]\n", "[\u{7F}]\n", "uri = \"ldap://x\"\r\n[\u{301}a]\r\n", "[\n\n[\"i[ = 30\n",
            "[ \n",
        ])
    func headers(_ text: String) throws {
        let outcome = try resolve(withConfig: Array(text.utf8))
        #expect(outcome.status == 78, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("is not a table header"), "\(outcome.stderr)")
    }

    @Test("well-formed headers pass to TOMLKit: quoted non-ASCII names, dotted names, comments, CRLF")
    func wellFormed() throws {
        let text = "[directories.\"é\" . 'x'] # comment\r\nuri = \"ldap://x\"\r\n[[ a-b_1 ]]\r\n"
        let outcome = try resolve(withConfig: Array(text.utf8))
        #expect(!outcome.stderr.contains("is not a table header"), "\(outcome.stderr)")
    }

    @Test("a quoted non-ASCII table name is still TOMLKit's to judge (an unknown key here)")
    func quoted() throws {
        let outcome = try resolve(withConfig: Array("[\"é\"]\nuri = \"ldap://x\"\n".utf8))
        #expect(outcome.status == 78, "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("is not a table header"), "\(outcome.stderr)")
    }

    /// toml++ asserted on these values (issue 21): `}` or NEL, LINE or
    /// PARAGRAPH SEPARATOR where an array expects a value (the fuzz-config
    /// target's `intermediates = [}/etc"]` and `intermediates = [<NEL>etc/cerem"]`), a date
    /// and `T` with no time, a date, a space and one digit. Each is refused
    /// with 78 and its line, and certdir does not abort (134).
    @Test(
        "values toml++ does not survive are refused with 78 and their line",
        arguments: [
            ("intermediates = [}/etc\"]\n", 1), ("key = [}", 1), ("uri = \"x\"\nd = [1, }\n", 2),
            ("d = [ # c\n\n  }\n", 3), ("d = {a = [}]}\n", 1), ("d = [[1], [\u{A0}}]]\n", 1),
            ("a = \"\"\"\n\n\"\"\"\nd = 1979-05-27t:\n", 4), ("uri =1979-05-27TT720::00\n", 1),
            ("d = [1979-05-27T]\n", 1), ("d = 1979-05-27 1\n", 1), ("d = 1979--5-27 1 \n", 1),
            ("d = [1979_-05-27 1]\n", 1), ("uri = \"x\"\nintermediates = [\u{85}etc/cerem\"]\n", 2),
            ("d = [1,\u{2028}]\n", 1), ("d = [\u{2029}", 1), ("3csua=3csa-b;-r= 3#sa-b\n", 1),
        ])
    func values(_ text: String, line: Int) throws {
        let outcome = try resolve(withConfig: Array(text.utf8))
        #expect(outcome.status == 78, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("is not valid TOML: line \(line):"), "\(outcome.stderr)")
    }

    /// The scan knows strings and comments: brackets, braces and dates in
    /// them, nested arrays on their own lines and valid date-times pass to
    /// TOMLKit, and their values reach the settings.
    @Test("brackets in strings and comments, nested arrays and valid dates are not refused")
    func validShapes() throws {
        let text = #"""
            base = "dc=[}"
            intermediates = [ "/a", # c ]
              "/b" ] # [}
            bind-dn = """cn=x
            [}"""
            [directories.x]
            uri = ['''[}''', "ldap://y"]
            dates = [
            [1979-05-27T07:32:00Z, 1979-05-27 07:32:00, 1979-05-27],
            ]
            """#
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certdir-cfg-\(UUID().uuidString).toml")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let outcome = try CertDirProcess.run(["config", "show", "--config", file.path])
        // TOMLKit parsed it all: the one refusal is for the unknown setting `dates`.
        #expect(outcome.status == 78, "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("is not valid TOML"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("unknown setting dates"), "\(outcome.stderr)")
        let valid = text.components(separatedBy: "dates = [")[0]
        try Data(valid.utf8).write(to: file)
        let shown = try CertDirProcess.run(["config", "show", "--config", file.path])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("dc=[}"), "\(shown.stdout)")
    }
}

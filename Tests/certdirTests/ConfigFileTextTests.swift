import CertDirectoryTestSupport
import Foundation
import Testing

/// A table header whose name starts with neither a bare-key character nor a
/// quote (`[é]`, `[#]`, a control character) made toml++
/// (inside TOMLKit) fail an assertion and abort certdir; found by the
/// fuzz-config target (Fixtures/fuzz-config-crash-6605de1c.toml is its first
/// input: invalid UTF-8 after `[`, read as U+FFFD; the second began the name
/// with 0x03). Now it is bad configuration (78).
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
        #expect(outcome.stderr.contains("line 7: a table name must start with an ASCII letter"), "\(outcome.stderr)")
    }

    @Test(
        "every header whose name starts with neither a bare-key character nor a quote is refused, not a crash",
        arguments: [
            "[é]\n", "[ é]\n", "[[é]]\n", "  [\té]\n", "[😀.x]\n", "[\u{FFFD}]\n", "[#]\n", "[.x]\n", "[=]\n",
            "[\u{03}irectories.corp]\n", "[\u{7F}]\n", "uri = \"ldap://x\"\r\n[\u{301}a]\r\n",
        ])
    func headers(_ text: String) throws {
        let outcome = try resolve(withConfig: Array(text.utf8))
        #expect(outcome.status == 78, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("a table name must start with an ASCII letter"), "\(outcome.stderr)")
    }

    @Test("a quoted non-ASCII table name is still TOMLKit's to judge (an unknown key here)")
    func quoted() throws {
        let outcome = try resolve(withConfig: Array("[\"é\"]\nuri = \"ldap://x\"\n".utf8))
        #expect(outcome.status == 78, "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("a table name must start"), "\(outcome.stderr)")
    }
}

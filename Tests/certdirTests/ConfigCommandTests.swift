import CertDirectoryTestSupport
import Foundation
import Testing

/// Flags over the config file over libldap's configuration, `config show` and `config check`,
/// against the real test directory.
@Suite(
    "certdir config: precedence, show and check",
    .enabled(if: TestDirectory.isAvailable, "\(TestDirectory.unavailableReason)"))
struct ConfigCommandTests {
    let directory: TestDirectory
    let sample: SampleManifest

    init() throws {
        directory = try TestDirectory.require()
        sample = try directory.sample()
    }

    /// A config file that binds as the reader with the right password from a file; returns XDG_CONFIG_HOME.
    private func configHome(_ extra: String = "") throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certdir-xdg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("certdir"), withIntermediateDirectories: true)
        let toml = """
            trust-anchors = ["\(sample.path(sample.trustAnchor))"]
            intermediates = ["\(sample.path(sample.intermediate))"]
            uri = "\(directory.ldapsURI)"
            base = "\(directory.base)"
            tls-ca-file = "\(directory.tlsCAFile)"
            bind-dn = "\(directory.readerDN)"
            password-file = "\(directory.readerPasswordFile)"
            \(extra)
            """
        try toml.write(to: folder.appendingPathComponent("certdir/config.toml"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test("--password-env on the command line wins over the config file's password-file: a wrong one is refused (77)")
    func passwordEnvFlagWins() throws {
        let home = try configHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let environment = ["XDG_CONFIG_HOME": home.path, "CERTDIR_TEST_PW": "wrong"]
        let baseline = try CertDirProcess.run(["resolve", "alice@example.com"], environment: environment)
        #expect(baseline.status == 0, "\(baseline.stderr)")
        let wrong = try CertDirProcess.run(
            ["resolve", "--password-env", "CERTDIR_TEST_PW", "alice@example.com"], environment: environment)
        #expect(wrong.status == 77, "the config file's password was used: \(wrong.stderr)")
        let right = try CertDirProcess.run(
            ["resolve", "--password-env", "CERTDIR_TEST_PW", "alice@example.com"],
            environment: ["XDG_CONFIG_HOME": home.path, "CERTDIR_TEST_PW": directory.readerPassword])
        #expect(right.status == 0, "\(right.stderr)")
    }

    @Test(
        "--password-file on the command line with the config file's bind-dn is used, not refused as needing --bind-dn")
    func passwordFileFlagWithConfigBindDN() throws {
        let home = try configHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let file = home.appendingPathComponent("wrong.pw")
        try "not the password\n".write(to: file, atomically: true, encoding: .utf8)
        let outcome = try CertDirProcess.run(
            ["resolve", "--password-file", file.path, "alice@example.com"], environment: ["XDG_CONFIG_HOME": home.path])
        #expect(outcome.status == 77, "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("not the password"))
        let alone = try CertDirProcess.run(["resolve", "--password-file", file.path, "alice@example.com"])
        #expect(alone.status == 64 && alone.stderr.contains("bind DN"), "\(alone.stderr)")
    }

    @Test("config show names each setting's origin and never prints the password")
    func show() throws {
        let home = try configHome("[directories.alt]\nbase = \"ou=nowhere\"\n")
        defer { try? FileManager.default.removeItem(at: home) }
        let config = home.appendingPathComponent("certdir/config.toml").path
        let outcome = try CertDirProcess.run(
            ["config", "show", "--format", "json", "--directory", "alt", "--timeout", "5", "--password-env", "PW"],
            environment: ["XDG_CONFIG_HOME": home.path, "PW": directory.readerPassword])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(!outcome.stdout.contains(directory.readerPassword))
        var rows: [String: [String: Any]] = [:]
        for line in outcome.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            rows[try #require(object["setting"] as? String)] = object
        }
        #expect(rows["timeout"]?["origin"] as? String == "flag")
        #expect(rows["timeout"]?["value"] as? Double == 5)
        #expect(rows["base"]?["value"] as? String == "ou=nowhere")
        #expect(rows["base"]?["source"] as? String == "\(config) [directories.alt]")
        #expect(rows["uri"]?["value"] as? [String] == [directory.ldapsURI])
        #expect(rows["uri"]?["source"] as? String == config)
        #expect(rows["password"]?["value"] as? String == "environment variable PW")
        #expect(rows["password"]?["origin"] as? String == "flag")
        #expect(rows["min-rsa-bits"]?["origin"] as? String == "default")
        #expect(!outcome.stdout.contains("\\/"), "slashes are not escaped")
        let text = try CertDirProcess.run(["config", "show"], environment: ["XDG_CONFIG_HOME": home.path])
        #expect(text.stdout.contains("password = file \(directory.readerPasswordFile)  (config-file \(config))"))
    }

    @Test("config show reports libldap's own configuration (LDAPURI) as the origin of the URI")
    func showLibldap() throws {
        let outcome = try CertDirProcess.run(
            ["config", "show"], environment: ["LDAPNOINIT": "", "LDAPURI": directory.ldapURI, "LDAPBASE": "dc=x"])
        #expect(outcome.stdout.contains("uri = \(directory.ldapURI)  (environment LDAPURI)"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("base = dc=x  (environment LDAPBASE)"), "\(outcome.stdout)")
    }

    @Test("config check reports each step and exits as resolve would")
    func check() throws {
        let home = try configHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let good = try CertDirProcess.run(["config", "check"], environment: ["XDG_CONFIG_HOME": home.path])
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout.contains("\(directory.ldapsURI): connect, simple bind as \(directory.readerDN): ok"))
        #expect(good.stdout.contains("root DSE: naming contexts: ") && good.stdout.contains(directory.base))
        #expect(good.stdout.contains("test search: base \(directory.base) found"), "\(good.stdout)")
        let refused = try CertDirProcess.run(
            ["config", "check", "--password-env", "PW"], environment: ["XDG_CONFIG_HOME": home.path, "PW": "wrong"])
        #expect(refused.status == 77, "\(refused.stdout)")
        #expect(refused.stdout.contains("failed (exit 77)"))
        let missingBase = try CertDirProcess.run(
            ["config", "check", "--base", "ou=nowhere,\(directory.base)"], environment: ["XDG_CONFIG_HOME": home.path])
        #expect(missingBase.status == 78, "\(missingBase.stdout)")
        let down = try CertDirProcess.run(
            ["config", "check", "--uri", "ldaps://127.0.0.1:9", "--uri", directory.ldapsURI],
            environment: ["XDG_CONFIG_HOME": home.path])
        #expect(down.status == 75, "\(down.stdout)")
        #expect(down.stdout.contains("\(directory.ldapsURI): test search: base"), "every URI is checked")
    }
}

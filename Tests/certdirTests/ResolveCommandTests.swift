import CertDirectoryTestSupport
import Foundation
import Testing

/// Runs the built `certdir` binary against the real test directory and checks
/// output and exit status, as a mail pipeline would see them.
@Suite(
    "certdir resolve: output and exit codes",
    .enabled(if: TestDirectory.isAvailable, "\(TestDirectory.unavailableReason)"))
struct ResolveCommandTests {
    let directory: TestDirectory
    let sample: SampleManifest

    init() throws {
        directory = try TestDirectory.require()
        sample = try directory.sample()
    }

    var common: [String] {
        [
            "resolve", "--uri", directory.ldapURI, "--base", directory.base, "--trust-anchor",
            sample.path(sample.trustAnchor), "--intermediates", sample.path(sample.intermediate),
        ]
    }

    func sha256(of person: String) -> String? { sample.people.first { $0.query == person }?.sha256 }

    @Test("PEM on stdout in the order of the addresses; exit 0")
    func pemInOrder() throws {
        let outcome = try CertDirProcess.run(common + ["dual@example.com", "alice@example.com"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.components(separatedBy: "-----BEGIN CERTIFICATE-----").count == 3)
        let files = try pemBlocks(outcome.stdout).map(sha256Hex)
        #expect(files == [sha256(of: "dual@example.com"), sha256(of: "alice@example.com")])
    }

    @Test("--format der --out writes <sha256>.der files and nothing on stdout")
    func derFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certdir-der-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try CertDirProcess.run(common + ["--format", "der", "--out", folder.path, "ec@example.com"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.isEmpty)
        let expected = try #require(sha256(of: "ec@example.com"))
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(names == ["\(expected).der"])
        let der = try Data(contentsOf: folder.appendingPathComponent("\(expected).der"))
        #expect(sha256Hex(Array(der)) == expected)
    }

    @Test("--out - is stdout: DER bytes of the chosen certificate, no folder named '-'")
    func derToStdout() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certdir-dash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try CertDirProcess.run(
            ["-c", "cd \(folder.path) && \"$0\" \"$@\" > alice.der"] + [CertDirProcess.executable.path] + common
                + ["--format", "der", "--out", "-", "alice@example.com"], shell: true)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let der = try Data(contentsOf: folder.appendingPathComponent("alice.der"))
        #expect(sha256Hex(Array(der)) == sha256(of: "alice@example.com"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("-").path))
    }

    @Test("--from naming a file that cannot be read exits 66, as every unreadable input")
    func unreadableFrom() throws {
        let outcome = try CertDirProcess.run(common + ["--from", "/nonexistent/addresses.txt"])
        #expect(outcome.status == 66, "\(outcome.stderr)")
    }

    @Test("--version names certdir, OpenSSL and libldap")
    func version() throws {
        let outcome = try CertDirProcess.run(["--version"])
        #expect(outcome.status == 0)
        let lines = outcome.stdout.split(separator: "\n")
        #expect(lines.count == 3 && lines[0].hasPrefix("certdir "), "\(outcome.stdout)")
        #expect(lines.count == 3 && lines[1].hasPrefix("OpenSSL 3."), "\(outcome.stdout)")
        #expect(lines.count == 3 && lines[2].hasPrefix("OpenLDAP 2."), "\(outcome.stdout)")
    }

    @Test("--from reads addresses from stdin, after those on the command line")
    func addressesFromStdin() throws {
        let outcome = try CertDirProcess.run(
            common + ["--format", "json", "--from", "-", "alice@example.com"],
            stdin: "# recipients\nec@example.com\n\n  dual@example.com  \n")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let addresses = outcome.stdout.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["address"] as? String
        }
        #expect(addresses == ["alice@example.com", "ec@example.com", "dual@example.com"])
    }

    @Test("--format json writes one object per address")
    func jsonLines() throws {
        let outcome = try CertDirProcess.run(common + ["--format", "json", "alice@example.com", "nobody@example.com"])
        #expect(outcome.status == 67)
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        let objects = try lines.map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.map { $0["status"] as? String } == ["ok", "not-found"])
        #expect((objects[0]["certificate"] as? [String: Any])?["sha256"] as? String == sha256(of: "alice@example.com"))
    }

    @Test("--explain names every candidate and its reasons on stderr")
    func explain() throws {
        let outcome = try CertDirProcess.run(common + ["--explain", "dual@example.com", "weakrsa@example.com"])
        #expect(outcome.status == 67)
        #expect(outcome.stderr.contains("[CHOSEN]"))
        #expect(outcome.stderr.contains("key-usage: RSA key without keyEncipherment"))
        #expect(outcome.stderr.contains("weak-key: RSA-1024"))
        // The sample PKI publishes its CRLs in the directory (host-less ldap:/// distribution points).
        #expect(outcome.stderr.contains("revocation: good"))
        #expect(!outcome.stderr.contains("revocation-unknown"))
    }

    @Test(
        "exit status per outcome",
        arguments: [
            (["alice@example.com"], 0),
            (["nobody@example.com"], 67),
            (["twins@example.com"], 67),
            (["untrusted@example.com"], 67),
            (["not an address"], 65),
            (["alice@example.com", "not an address", "nobody@example.com"], 67),  // 67 wins over 65
        ] as [([String], Int32)])
    func exitStatus(_ addresses: [String], _ expected: Int32) throws {
        let outcome = try CertDirProcess.run(common + addresses)
        #expect(outcome.status == expected, "\(outcome.stderr)")
    }

    @Test("an unreachable directory exits 75 and names it")
    func unreachable() throws {
        let outcome = try CertDirProcess.run([
            "resolve", "--uri", "ldap://127.0.0.1:9", "--base", "dc=x", "a@example.com",
        ])
        #expect(outcome.status == 75)
        #expect(outcome.stderr.contains("ldap://127.0.0.1:9"))
    }

    @Test("a refused bind exits 77")
    func refusedBind() throws {
        let outcome = try CertDirProcess.run(
            [
                "resolve", "--uri", directory.ldapsURI, "--base", directory.base, "--tls-ca-file", directory.tlsCAFile,
                "--bind-dn", directory.readerDN, "--password-env", "CERTDIR_TEST_PW", "alice@example.com",
            ],
            environment: ["CERTDIR_TEST_PW": "wrong"])
        #expect(outcome.status == 77, "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("wrong"))
    }

    @Test("a password over plain LDAP is refused before sending: exit 78")
    func plaintextBind() throws {
        let outcome = try CertDirProcess.run(
            common + [
                "--bind-dn", directory.readerDN, "--password-file", directory.readerPasswordFile, "alice@example.com",
            ])
        #expect(outcome.status == 78)
        #expect(outcome.stderr.contains("--allow-plaintext-bind"))
    }

    @Test("StartTLS with a bind as the reader works")
    func startTLSBind() throws {
        let outcome = try CertDirProcess.run(
            common + [
                "--starttls", "--tls-ca-file", directory.tlsCAFile, "--bind-dn", directory.readerDN, "--password-file",
                directory.readerPasswordFile, "alice@example.com",
            ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
    }

    @Test("the CA file and URI from libldap's own configuration (LDAPTLS_CACERT, LDAPURI, LDAPBASE) apply")
    func libldapDefaults() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("certdir-home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let outcome = try CertDirProcess.run(
            [
                "resolve", "--trust-anchor", sample.path(sample.trustAnchor), "--intermediates",
                sample.path(sample.intermediate), "alice@example.com",
            ],
            environment: [
                "LDAPNOINIT": "", "HOME": home.path, "LDAPCONF": "/dev/null", "LDAPURI": directory.ldapsURI,
                "LDAPBASE": directory.base, "LDAPTLS_CACERT": directory.tlsCAFile,
            ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
    }

    @Test("a closed port is reported as unreachable, not as a TLS failure")
    func closedPort() throws {
        let outcome = try CertDirProcess.run([
            "resolve", "--uri", "ldaps://127.0.0.1:9", "--base", "dc=x", "a@example.com",
        ])
        #expect(outcome.status == 75)
        #expect(outcome.stderr.contains("server down"))
        #expect(!outcome.stderr.contains("TLS"))
    }

    @Test("a TLS failure exits 75 with its reason")
    func tlsFailure() throws {
        let outcome = try CertDirProcess.run(
            [
                "resolve", "--uri", directory.badTLS.expired, "--tls-ca-file", directory.tlsCAFile, "--base", "dc=x",
                "a@example.com",
            ])
        #expect(outcome.status == 75)
        #expect(outcome.stderr.contains("the server certificate has expired"))
    }

    @Test("a search base that does not exist is bad configuration: exit 78")
    func badBase() throws {
        let outcome = try CertDirProcess.run(
            ["resolve", "--uri", directory.ldapURI, "--base", "dc=nowhere,dc=invalid", "alice@example.com"])
        #expect(outcome.status == 78, "\(outcome.stderr)")
    }

    @Test(
        "usage errors exit 64",
        arguments: [
            ["resolve"], ["resolve", "--format", "der", "a@example.com"],
            ["resolve", "--at", "yesterday", "a@example.com"],
        ])
    func usage(_ arguments: [String]) throws {
        #expect(try CertDirProcess.run(arguments).status == 64)
    }

    @Test("the GC-style port with base \"\" and --global-catalog implied by nothing else")
    func globalCatalog() throws {
        let outcome = try CertDirProcess.run(
            [
                "resolve", "--uri", directory.gcURI, "--global-catalog", "--trust-anchor",
                sample.path(sample.trustAnchor), "--intermediates", sample.path(sample.intermediate),
                "alice@example.com",
            ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
    }

    @Test("a config file names the directory and trust anchors")
    func configFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certdir-xdg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("certdir"), withIntermediateDirectories: true)
        let toml = """
            default-directory = "test"
            trust-anchors = ["\(sample.path(sample.trustAnchor))"]
            intermediates = ["\(sample.path(sample.intermediate))"]

            [directories.test]
            uri = ["ldap://127.0.0.1:9", "\(directory.ldapsURI)"]
            base = "\(directory.base)"
            tls-ca-file = "\(directory.tlsCAFile)"
            """
        try toml.write(to: folder.appendingPathComponent("certdir/config.toml"), atomically: true, encoding: .utf8)
        let outcome = try CertDirProcess.run(
            ["resolve", "--explain", "alice@example.com"], environment: ["XDG_CONFIG_HOME": folder.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("failed over"))
        #expect(outcome.stderr.contains("answered by \(directory.ldapsURI)"))
        try "uri = 3\n".write(
            to: folder.appendingPathComponent("certdir/config.toml"), atomically: true, encoding: .utf8)
        #expect(
            try CertDirProcess.run(["resolve", "a@example.com"], environment: ["XDG_CONFIG_HOME": folder.path]).status
                == 78)
    }

    private func pemBlocks(_ text: String) throws -> [[UInt8]] {
        text.components(separatedBy: "-----BEGIN CERTIFICATE-----").dropFirst().compactMap { block in
            let body = block.components(separatedBy: "-----END CERTIFICATE-----")[0]
            return Data(base64Encoded: body, options: .ignoreUnknownCharacters).map(Array.init)
        }
    }
}

/// Servers that misbehave: certdir must end within its timeouts, with bounded memory.
@Suite(
    "certdir resolve against misbehaving servers",
    .enabled(if: TestDirectory.isAvailable, "\(TestDirectory.unavailableReason)"))
struct MisbehavingServerTests {
    @Test("an ldaps:// server that never completes the handshake times out and fails over")
    func blackhole() throws {
        let server = try FakeServer(mode: "blackhole")
        defer { server.stop() }
        let started = Date()
        let outcome = try CertDirProcess.run([
            "resolve", "--uri", server.ldapsURI, "--base", "dc=x", "--network-timeout", "1", "--timeout", "1",
            "a@example.com",
        ])
        #expect(outcome.status == 75)
        #expect(outcome.stderr.contains("timed out"))
        #expect(Date().timeIntervalSince(started) < 15)
    }

    @Test("a server that streams entries without end is cut off: ambiguous, exit 67, in bounded time")
    func flood() throws {
        let directory = try TestDirectory.require()
        let sample = try directory.sample()
        let alice = try #require(sample.people.first { $0.query == "alice@example.com" }?.sha256)
        let server = try FakeServer(mode: "flood", certificate: sample.path("keys/\(alice).crt"))
        defer { server.stop() }
        let started = Date()
        let outcome = try CertDirProcess.run([
            "resolve", "--uri", server.uri, "--base", "dc=example,dc=com", "--timeout", "5", "--format", "json",
            "alice@example.com",
        ])
        #expect(outcome.status == 67, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("\"status\":\"ambiguous\""))
        #expect(Date().timeIntervalSince(started) < 15)
    }

    @Test(
        "an extendedResponse in place of the operation's own response (Samba's answer to an unsupported critical control) ends the operation at once"
    )
    func extendedResponse() throws {
        let server = try FakeServer(mode: "extended")
        defer { server.stop() }
        let started = Date()
        let outcome = try CertDirProcess.run([
            "resolve", "--uri", server.uri, "--base", "dc=example,dc=com", "--timeout", "20", "alice@example.com",
        ])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("result code 12 (critical control not supported)"), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("timed out"), "\(outcome.stderr)")
        #expect(Date().timeIntervalSince(started) < 10)
    }
}

/// Bad input around a lookup: each gets a precise message and the right status, never a crash.
@Suite("certdir resolve: hostile input", .enabled(if: TestDirectory.isAvailable, "\(TestDirectory.unavailableReason)"))
struct HostileInputTests {
    let directory: TestDirectory
    let sample: SampleManifest

    init() throws {
        directory = try TestDirectory.require()
        sample = try directory.sample()
    }

    var common: [String] {
        [
            "resolve", "--uri", directory.ldapURI, "--base", directory.base, "--trust-anchor",
            sample.path(sample.trustAnchor), "--intermediates", sample.path(sample.intermediate),
        ]
    }

    @Test("a stdout that cannot be written exits 74, not a crash")
    func fullDisk() throws {
        let outcome = try CertDirProcess.run(
            ["-c", "exec \"$0\" \"$@\" > /dev/full"] + [CertDirProcess.executable.path] + common + [
                "alice@example.com"
            ], shell: true)
        #expect(outcome.status == 74, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("cannot write to standard output"))
    }

    @Test(
        "config values outside the flags' ranges are bad configuration",
        arguments: [
            "timeout = inf", "timeout = -5", "network-timeout = 1e300", "min-rsa-bits = 0", "min-rsa-bits = 1024.9",
            "timeout = nan",
        ])
    func configRanges(_ line: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certdir-cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("certdir"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try (line + "\n").write(
            to: folder.appendingPathComponent("certdir/config.toml"), atomically: true, encoding: .utf8)
        let outcome = try CertDirProcess.run(
            common + ["alice@example.com"], environment: ["XDG_CONFIG_HOME": folder.path])
        #expect(outcome.status == 78, "\(outcome.stderr)")
    }

    @Test("an empty password is refused before anything is sent")
    func emptyPassword() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("certdir-empty-\(UUID().uuidString)")
        try "\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let fromFile = try CertDirProcess.run(
            [
                "resolve", "--uri", directory.ldapsURI, "--base", directory.base, "--tls-ca-file", directory.tlsCAFile,
                "--bind-dn", directory.readerDN, "--password-file", file.path, "alice@example.com",
            ])
        #expect(fromFile.status == 78, "\(fromFile.stderr)")
        #expect(fromFile.stderr.contains("unauthenticated bind"))
    }

    @Test(
        "a missing --tls-ca-file is bad configuration with a clear message", arguments: ["/nonexistent/ca.pem", "/tmp"])
    func missingCAFile(_ path: String) throws {
        let outcome = try CertDirProcess.run(common + ["--tls-ca-file", path, "alice@example.com"])
        #expect(outcome.status == 78)
        #expect(outcome.stderr.contains("--tls-ca-file \(path): not a readable file"))
    }

    @Test("a malformed PEM trust anchor is reported without echoing the file")
    func malformedPEM() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("certdir-bad-\(UUID().uuidString).pem")
        try "-----BEGIN CERTIFICATE-----\npassword=hunter2\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let outcome = try CertDirProcess.run([
            "resolve", "--uri", directory.ldapURI, "--base", directory.base, "--trust-anchor", file.path,
            "alice@example.com",
        ])
        #expect(outcome.status == 78)
        #expect(!outcome.stderr.contains("hunter2"))
    }

    @Test("directory data cannot write control characters to the terminal")
    func terminalInjection() throws {
        let ldif = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certdir-evil-\(UUID().uuidString).ldif")
        let dn = "cn=x\ncertdir: spoof@example.com: ok \u{1b}[31mRED,ou=people,dc=example,dc=com"
        let text = """
            dn:: \(Data(dn.utf8).base64EncodedString())
            objectClass: inetOrgPerson
            cn:: \(Data("x\ncertdir: spoof@example.com: ok \u{1b}[31mRED".utf8).base64EncodedString())
            sn: x
            mail: spoof@example.com

            """
        try text.write(to: ldif, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: ldif) }
        let scratch = try ScratchDirectory(ldifs: [ldif.path])
        defer { scratch.stop() }
        for flags in [[], ["--explain"]] {
            let outcome = try CertDirProcess.run(
                ["resolve", "--uri", scratch.info.ldapURI, "--base", "dc=example,dc=com"] + flags + [
                    "spoof@example.com"
                ])
            #expect(outcome.status == 67, "\(outcome.stderr)")
            #expect(!outcome.stderr.contains("\u{1b}"))
            #expect(!outcome.stderr.contains("\ncertdir: spoof@example.com: ok"))
        }
    }
}

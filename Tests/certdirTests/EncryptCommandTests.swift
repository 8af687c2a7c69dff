import CertDirectoryTestSupport
import Foundation
import Testing

/// `certdir encrypt` against the real directory, opened again by `openssl cms -decrypt`.
@Suite(
    "certdir encrypt: round trips through openssl cms -decrypt",
    .enabled(if: TestDirectory.isAvailable, "\(TestDirectory.unavailableReason)"))
struct EncryptCommandTests {
    let directory: TestDirectory
    let sample: SampleManifest
    let folder: URL

    init() throws {
        directory = try TestDirectory.require()
        sample = try directory.sample()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("certdir-encrypt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    var common: [String] {
        [
            "encrypt", "--uri", directory.ldapURI, "--base", directory.base, "--trust-anchor",
            sample.path(sample.trustAnchor), "--intermediates", sample.path(sample.intermediate),
        ]
    }

    static let eightBit = """
        From: Sender <sender@example.com>
        To: RCPTS
        Bcc: p7only@example.com
        Subject: Grüße
        Date: Sun, 29 Nov 2026 12:00:00 +0000
        Message-ID: <test-1@example.com>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: 8bit

        Grüße aus Köln – ünïcödé body.
        Second line.

        """

    static let multipart = """
        From: Sender <sender@example.com>
        To: RCPTS
        Subject: report attached
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="b1"

        --b1
        Content-Type: text/plain; charset=us-ascii

        See the attachment.
        --b1
        Content-Type: application/octet-stream; name="data.bin"
        Content-Transfer-Encoding: base64
        Content-Disposition: attachment; filename="data.bin"

        AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=
        --b1--

        """

    /// The sample people used as recipients: RSA and EC, from userCertificate and PKCS#7.
    static let mixedFive = [
        "alice@example.com", "ec@example.com", "dual@example.com", "p7only@example.com", "outlook@example.com",
    ]

    func keyPair(for address: String) throws -> (key: String, cert: String) {
        let chosen = try #require(sample.people.first { $0.query == address }?.sha256)
        let record = try #require(sample.certificates.first { $0.sha256 == chosen })
        let key = try #require(record.key)
        return (sample.path(key), sample.path("keys/\(chosen).crt"))
    }

    func decrypt(_ file: URL, as address: String) throws -> String {
        let (key, cert) = try keyPair(for: address)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["cms", "-decrypt", "-binary", "-in", file.path, "-inkey", key, "-recip", cert]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "openssl cms -decrypt as \(address)")
        return String(decoding: data, as: UTF8.self)
    }

    /// The inner entity certdir must have encrypted: content fields, empty line, body, all CRLF.
    func expectedInner(_ message: String) -> String {
        let parts = message.components(separatedBy: "\n\n")
        let contentFields = parts[0].split(separator: "\n").filter { $0.lowercased().hasPrefix("content-") }
        let body = parts.dropFirst().joined(separator: "\n\n")
        return (contentFields.joined(separator: "\n") + "\n\n" + body).replacingOccurrences(of: "\n", with: "\r\n")
    }

    @Test(
        "every recipient recovers the inner entity byte for byte",
        arguments: ["aes256-cbc", "aes128-gcm", "aes256-gcm"], [["alice@example.com"], ["ec@example.com"], mixedFive])
    func roundTrip(cipher: String, recipients: [String]) throws {
        for (name, template) in [("8bit", Self.eightBit), ("multipart", Self.multipart)] {
            let message = template.replacingOccurrences(of: "RCPTS", with: recipients.joined(separator: ", "))
            let output = folder.appendingPathComponent("\(cipher)-\(recipients.count)-\(name).eml")
            let outcome = try CertDirProcess.run(
                common + ["--bcc-visible", "--cipher", cipher, "--out", output.path], stdin: message)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let encrypted = try String(contentsOf: output, encoding: .utf8)
            let type = cipher == "aes256-cbc" ? "enveloped-data" : "authEnveloped-data"
            #expect(encrypted.contains("Content-Type: application/pkcs7-mime; smime-type=\(type); name=\"smime.p7m\""))
            #expect(encrypted.contains("Content-Disposition: attachment; filename=\"smime.p7m\""))
            #expect(!encrypted.contains("Grüße aus"))
            for recipient in recipients {
                #expect(try decrypt(output, as: recipient) == expectedInner(message), "\(recipient) \(name) \(cipher)")
            }
        }
    }

    @Test("routing headers stay unchanged and in order; Bcc and the content headers leave the outside")
    func headers() throws {
        let message = Self.eightBit.replacingOccurrences(of: "RCPTS", with: "alice@example.com")
        let outcome = try CertDirProcess.run(common + ["--to", "alice@example.com"], stdin: message)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let header = outcome.stdout.components(separatedBy: "\n\n")[0]
        let lines = header.split(separator: "\n").map(String.init)
        #expect(
            Array(lines.prefix(5)) == [
                "From: Sender <sender@example.com>", "To: alice@example.com", "Subject: Grüße",
                "Date: Sun, 29 Nov 2026 12:00:00 +0000", "Message-ID: <test-1@example.com>",
            ])
        #expect(!header.contains("Bcc"))
        #expect(!header.contains("charset=utf-8"))
        #expect(lines.filter { $0.hasPrefix("MIME-Version") }.count == 1)
    }

    @Test("with --bcc-visible, Bcc recipients are encrypted to in the shared copy, and --self adds the sender")
    func bccAndSelf() throws {
        let message = "From: alice@example.com\nTo: ec@example.com\nBcc: dual@example.com\nSubject: s\n\nhello\n"
        let output = folder.appendingPathComponent("bcc.eml")
        let outcome = try CertDirProcess.run(
            common + ["--bcc-visible", "--self", "alice@example.com", "--out", output.path], stdin: message)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        for recipient in ["ec@example.com", "dual@example.com", "alice@example.com"] {
            #expect(try decrypt(output, as: recipient) == "\r\nhello\r\n")
        }
    }

    @Test("gpgsm opens it too (RSA, PKCS #1 v1.5, AES-256-CBC: what gpgsm 2.2 supports)")
    func gpgsm() throws {
        let home = folder.appendingPathComponent("gnupg")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        chmod(home.path, 0o700)
        try "allow-loopback-pinentry\n".write(
            to: home.appendingPathComponent("gpg-agent.conf"), atomically: true, encoding: .utf8)
        defer { _ = try? runTool("env", ["GNUPGHOME=\(home.path)", "gpgconf", "--kill", "gpg-agent"]) }
        let (key, cert) = try keyPair(for: "alice@example.com")
        let p12 = folder.appendingPathComponent("alice.p12").path
        // gpgsm 2.2 reads only the legacy PKCS #12 algorithms.
        let exported = try runTool(
            "openssl",
            [
                "pkcs12", "-export", "-inkey", key, "-in", cert, "-passout", "pass:", "-certpbe", "PBE-SHA1-3DES",
                "-keypbe", "PBE-SHA1-3DES", "-macalg", "sha1", "-out", p12,
            ])
        #expect(exported.status == 0, "\(exported.stderr)")
        // gpgsm has no --passphrase: it took `--passphrase ""` as --passphrase-fd and read
        // whatever its inherited standard input held, which failed under load ("decryption
        // failed ... shrouded_key_bag"). The empty passphrase goes in on a pipe: one line.
        let loopback = ["--batch", "--pinentry-mode", "loopback", "--passphrase-fd", "0"]
        let emptyPassphrase = Data("\n".utf8)
        let imported = try runTool(
            "env", ["GNUPGHOME=\(home.path)", "gpgsm"] + loopback + ["--import", p12], stdin: emptyPassphrase)
        #expect(imported.status == 0, "\(imported.stderr)")
        let outcome = try CertDirProcess.run(
            common + ["--to", "alice@example.com"], stdin: "To: alice@example.com\n\nhello gpgsm\n")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let base64 = outcome.stdout.components(separatedBy: "\n\n").dropFirst().joined(separator: "\n\n")
        let p7m = folder.appendingPathComponent("message.p7m")
        try #require(Data(base64Encoded: base64, options: .ignoreUnknownCharacters)).write(to: p7m)
        let decrypted = try runTool(
            "env", ["GNUPGHOME=\(home.path)", "gpgsm"] + loopback + ["--disable-crl-checks", "--decrypt", p7m.path],
            stdin: emptyPassphrase)
        #expect(decrypted.status == 0, "\(decrypted.stderr)")
        #expect(String(decoding: decrypted.stdout, as: UTF8.self) == "\r\nhello gpgsm\r\n")
    }

    @Test("RSA-OAEP key transport opens with openssl")
    func oaep() throws {
        let output = folder.appendingPathComponent("oaep.eml")
        let outcome = try CertDirProcess.run(
            common + ["--key-transport", "rsa-oaep", "--to", "alice@example.com", "--out", output.path],
            stdin: "To: alice@example.com\n\nsecret\n")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try decrypt(output, as: "alice@example.com") == "\r\nsecret\r\n")
    }

    @Test("--recipient-cert adds a recipient without lookup, after the same checks")
    func recipientCert() throws {
        let (_, cert) = try keyPair(for: "ec@example.com")
        let output = folder.appendingPathComponent("file.eml")
        let outcome = try CertDirProcess.run(
            [
                "encrypt", "--trust-anchor", sample.path(sample.trustAnchor), "--intermediates",
                sample.path(sample.intermediate),
                "--recipient-cert", cert, "--body-only", "--out", output.path,
            ],
            stdin: "Content-Type: text/plain\n\nbody only\n")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try decrypt(output, as: "ec@example.com") == "Content-Type: text/plain\r\n\r\nbody only\r\n")
        let untrusted = try #require(sample.certificates.first { $0.address == "untrusted@example.com" })
        let refused = try CertDirProcess.run(
            [
                "encrypt", "--trust-anchor", sample.path(sample.trustAnchor), "--recipient-cert",
                sample.path("keys/\(untrusted.sha256).crt"), "--body-only",
            ],
            stdin: "Content-Type: text/plain\n\nx\n")
        #expect(refused.status == 67)
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderr.contains("untrusted"))
    }

    @Test("one good and one unknown recipient: nothing written, each failure named, exit 67")
    func failClosed() throws {
        let output = folder.appendingPathComponent("never.eml")
        let outcome = try CertDirProcess.run(
            common + ["--out", output.path],
            stdin: "To: alice@example.com, nobody@example.com, weakrsa@example.com\n\nx\n")
        #expect(outcome.status == 67)
        #expect(!FileManager.default.fileExists(atPath: output.path))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains("never") }.isEmpty)
        #expect(outcome.stderr.contains("nobody@example.com: not-found"))
        #expect(outcome.stderr.contains("weakrsa@example.com"))
        #expect(outcome.stderr.contains("weak-key"))
        let toStdout = try CertDirProcess.run(common, stdin: "To: alice@example.com, nobody@example.com\n\nx\n")
        #expect(toStdout.status == 67)
        #expect(toStdout.stdout.isEmpty)
    }

    @Test("a directory that is down exits 75 and writes nothing")
    func directoryDown() throws {
        let outcome = try CertDirProcess.run(
            ["encrypt", "--uri", "ldap://127.0.0.1:9", "--base", directory.base], stdin: "To: alice@example.com\n\nx\n")
        #expect(outcome.status == 75)
        #expect(outcome.stdout.isEmpty)
    }

    @Test("input that is not a message exits 65; no recipients exits 65")
    func badInput() throws {
        #expect(try CertDirProcess.run(common, stdin: "this is not a header\n\nbody").status == 65)
        #expect(try CertDirProcess.run(common, stdin: "Subject: no recipients\n\nbody").status == 65)
    }
}

import CertDirectoryTestSupport
import Foundation
import Testing

/// certdir as an after-queue content filter (pipe(8)) of a real Postfix (scripts/postfix-instance:
/// a private instance on loopback with its own configuration and queue), delivering into Maildirs.
extension EncryptCommandTests {
    /// A running private Postfix whose filter runs `certdir encrypt` against the sample directory.
    struct Postfix {
        let folder: URL
        let port: Int
        let uriFile: URL

        var script: String { CertDirProcess.repository.appendingPathComponent("scripts/postfix-instance").path }
        var instance: String { folder.appendingPathComponent("pf").path }

        init(folder base: URL, certdir common: [String]) throws {
            folder = base.appendingPathComponent("postfix-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            chmod(base.path, 0o755)
            chmod(folder.path, 0o755)
            var ports: [Int] = []
            var candidate = 20_000 + Int.random(in: 0..<20_000)
            while ports.count < 2 {
                if !ScratchDirectory.portInUse(candidate) { ports.append(candidate) }
                candidate += 1
            }
            port = ports[0]
            uriFile = folder.appendingPathComponent("uri")
            let uriIndex = try #require(common.firstIndex(of: "--uri"))
            try common[uriIndex + 1].write(to: uriFile, atomically: true, encoding: .utf8)
            chmod(uriFile.path, 0o644)
            var arguments = common
            arguments.removeSubrange(uriIndex...(uriIndex + 1))
            // The sample lives in a folder only root may enter: nobody gets copies of the anchors.
            for (index, argument) in arguments.enumerated()
            where argument == "--trust-anchor" || argument == "--intermediates" {
                let copy = folder.appendingPathComponent("\(index).pem")
                try FileManager.default.copyItem(atPath: arguments[index + 1], toPath: copy.path)
                chmod(copy.path, 0o644)
                arguments[index + 1] = copy.path
            }
            // The filter runs as nobody with pipe(8)'s bare environment: no address book, no user config.
            let quoted = arguments.map { "'\($0)'" }.joined(separator: " ")
            let reinject =
                "import smtplib, sys; s = smtplib.SMTP('127.0.0.1', \(ports[1])); "
                + "s.sendmail(sys.argv[1], [sys.argv[2]], open(sys.argv[3], 'rb').read()); s.quit()"
            let filter = folder.appendingPathComponent("filter")
            try """
            #!/bin/sh
            tmp=$(mktemp) || exit 75
            trap 'rm -f "$tmp"' EXIT
            LDAPNOINIT=1 \(CertDirProcess.executable.path) \(quoted) --uri "$(cat '\(uriFile.path)')" \\
              --no-address-book --envelope-recipient "$2" --bcc-visible --out "$tmp" || exit $?
            python3 -c "\(reinject)" "$1" "$2" "$tmp" || exit 75

            """.write(to: filter, atomically: true, encoding: .utf8)
            chmod(filter.path, 0o755)
            let started = try runTool(script, ["start", instance, "\(ports[0])", "\(ports[1])", filter.path])
            #expect(started.status == 0, "\(started.stderr)")
        }

        func stop() { _ = try? runTool(script, ["stop", instance]) }

        func send(from sender: String, to recipients: [String], _ message: String) throws {
            let code =
                "import smtplib, sys; s = smtplib.SMTP('127.0.0.1', \(port)); "
                + "s.sendmail(sys.argv[1], sys.argv[2].split(','), sys.stdin.buffer.read()); s.quit()"
            let sent = try runTool(
                "python3", ["-c", code, sender, recipients.joined(separator: ",")],
                stdin: Data(message.replacingOccurrences(of: "\n", with: "\r\n").utf8))
            #expect(sent.status == 0, "\(sent.stderr)")
        }

        /// The messages delivered to `user`'s Maildir, waiting up to a minute for `count` of them.
        func mailbox(_ user: String, count: Int = 1) -> [URL] {
            let new = URL(fileURLWithPath: instance).appendingPathComponent("mail/\(user)/new")
            var files: [URL] = []
            for _ in 0..<600 {
                files = (try? FileManager.default.contentsOfDirectory(at: new, includingPropertiesForKeys: nil)) ?? []
                if files.count >= count { break }
                usleep(100_000)
            }
            return files
        }

        var log: String {
            (try? String(contentsOf: URL(fileURLWithPath: instance + "/maillog"), encoding: .utf8)) ?? ""
        }

        /// Waits up to a minute for a line of the mail log containing every one of `words`.
        func waitForLog(_ words: [String]) -> Bool {
            for _ in 0..<600 {
                if log.split(separator: "\n").contains(where: { line in words.allSatisfy { line.contains($0) } }) {
                    return true
                }
                usleep(100_000)
            }
            return false
        }
    }

    @Test(
        "Postfix pipe(8) filter: each recipient opens only their copy; no certificate bounces; down defers, then delivers",
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/postfix")
                || ProcessInfo.processInfo.environment["CI"] == "true"))
    func postfix() throws {
        let postfix = try Postfix(folder: folder, certdir: common)
        defer { postfix.stop() }

        // Encrypted delivery; the Bcc recipient (in the envelope only) gets a separate copy.
        try postfix.send(
            from: "sender@example.com", to: ["alice@example.com", "dual@example.com"],
            "From: sender@example.com\nTo: alice@example.com\nSubject: via postfix\n\nhello from postfix\n")
        let alice = try #require(postfix.mailbox("alice").first, "\(postfix.log)")
        let dual = try #require(postfix.mailbox("dual").first, "\(postfix.log)")
        #expect(try open(alice, as: "alice@example.com") == (0, "\r\nhello from postfix\r\n"))
        #expect(try open(dual, as: "dual@example.com") == (0, "\r\nhello from postfix\r\n"))
        #expect(try open(alice, as: "dual@example.com").status != 0, "the Bcc recipient opened the To copy")
        #expect(try open(dual, as: "alice@example.com").status != 0, "the To recipient opened the Bcc copy")
        #expect(!(try String(contentsOf: alice, encoding: .utf8)).contains("hello from postfix"))

        // No certificate: 67 bounces, and the bounce says why.
        try postfix.send(
            from: "sender@example.com", to: ["nocert@example.com"],
            "From: sender@example.com\nTo: nocert@example.com\nSubject: x\n\nx\n")
        let bounce = try #require(postfix.mailbox("sender").first, "\(postfix.log)")
        let bounceText = try String(contentsOf: bounce, encoding: .utf8)
        #expect(bounceText.contains("nocert@example.com"))
        #expect(bounceText.contains("no usable certificate") || bounceText.contains("no-usable-certificate"))
        #expect(postfix.mailbox("nocert", count: 0).isEmpty)

        // The directory down: 75 defers; once it answers again, a queue flush delivers.
        let uri = try String(contentsOf: postfix.uriFile, encoding: .utf8)
        try "ldap://127.0.0.1:9".write(to: postfix.uriFile, atomically: true, encoding: .utf8)
        try postfix.send(
            from: "sender@example.com", to: ["ec@example.com"],
            "From: sender@example.com\nTo: ec@example.com\nSubject: later\n\nlater\n")
        #expect(postfix.waitForLog(["to=<ec@example.com>", "status=deferred"]), "\(postfix.log)")
        #expect(postfix.mailbox("ec", count: 0).isEmpty)
        try uri.write(to: postfix.uriFile, atomically: true, encoding: .utf8)
        let flushed = try runTool(postfix.script, ["flush", postfix.instance])
        #expect(flushed.status == 0, "\(flushed.stderr)")
        let ec = try #require(postfix.mailbox("ec").first, "\(postfix.log)")
        #expect(try open(ec, as: "ec@example.com") == (0, "\r\nlater\r\n"))
    }
}

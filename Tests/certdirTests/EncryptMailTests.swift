import CertDirectoryTestSupport
import Foundation
import Testing

/// Mail-system behaviour of `certdir encrypt`: blind Bcc copies, Resent-*,
/// envelope recipients, line endings and already-encrypted input.
extension EncryptCommandTests {
    /// `openssl cms -decrypt` as `address`: the exit status and the plaintext.
    func open(_ file: URL, as address: String) throws -> (status: Int32, text: String) {
        let (key, cert) = try keyPair(for: address)
        let result = try runTool(
            "openssl", ["cms", "-decrypt", "-binary", "-in", file.path, "-inkey", key, "-recip", cert])
        return (result.status, String(decoding: result.stdout, as: UTF8.self))
    }

    @Test("a Bcc recipient cannot open the To/Cc copy and opens its own copy from --bcc-dir")
    func bccBlind() throws {
        let message =
            "From: alice@example.com\nTo: ec@example.com\nCc: outlook@example.com\n"
            + "Bcc: dual@example.com, p7only@example.com\nSubject: s\n\nhello\n"
        let output = folder.appendingPathComponent("shared.eml")
        let copies = folder.appendingPathComponent("bcc")
        try FileManager.default.createDirectory(at: copies, withIntermediateDirectories: true)
        let outcome = try CertDirProcess.run(
            common + ["--self", "alice@example.com", "--bcc-dir", copies.path, "--out", output.path], stdin: message)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let shared = try String(contentsOf: output, encoding: .utf8)
        #expect(!shared.contains("Bcc"))
        for reader in ["ec@example.com", "outlook@example.com", "alice@example.com"] {
            #expect(try open(output, as: reader) == (0, "\r\nhello\r\n"), "\(reader)")
        }
        for blind in ["dual@example.com", "p7only@example.com"] {
            #expect(try open(output, as: blind).status != 0, "\(blind) opened the shared copy")
            let copy = copies.appendingPathComponent("\(blind).eml")
            #expect(try open(copy, as: blind) == (0, "\r\nhello\r\n"), "\(blind)")
            #expect(try open(copy, as: "alice@example.com").status == 0, "--self opens every copy")
            #expect(try open(copy, as: "ec@example.com").status != 0, "a To recipient opened a Bcc copy")
            let other = blind == "dual@example.com" ? "p7only@example.com" : "dual@example.com"
            #expect(try open(copy, as: other).status != 0, "one Bcc recipient opened another's copy")
            #expect(!(try String(contentsOf: copy, encoding: .utf8)).contains("Bcc"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: copies.path).count == 2)
    }

    @Test("Bcc without --bcc-dir is refused (64, nothing written) unless --bcc-visible accepts the disclosure")
    func bccChoice() throws {
        let message = "From: alice@example.com\nTo: ec@example.com\nBcc: dual@example.com\nSubject: s\n\nhello\n"
        let output = folder.appendingPathComponent("refused.eml")
        let refused = try CertDirProcess.run(common + ["--out", output.path], stdin: message)
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("--bcc-dir") && refused.stderr.contains("--bcc-visible"))
        #expect(!FileManager.default.fileExists(atPath: output.path))
        let visible = try CertDirProcess.run(common + ["--bcc-visible", "--out", output.path], stdin: message)
        #expect(visible.status == 0, "\(visible.stderr)")
        #expect(try open(output, as: "dual@example.com").status == 0)
        #expect(try open(output, as: "ec@example.com").status == 0)
    }

    @Test("a Bcc recipient without a certificate: no copy at all is written, 67")
    func bccFailClosed() throws {
        let copies = folder.appendingPathComponent("bcc-none")
        try FileManager.default.createDirectory(at: copies, withIntermediateDirectories: true)
        let output = folder.appendingPathComponent("none.eml")
        let outcome = try CertDirProcess.run(
            common + ["--bcc-dir", copies.path, "--out", output.path],
            stdin: "To: ec@example.com\nBcc: dual@example.com, nocert@example.com\n\nx\n")
        #expect(outcome.status == 67)
        #expect(outcome.stderr.contains("nocert@example.com"))
        #expect(!FileManager.default.fileExists(atPath: output.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: copies.path).isEmpty)
    }

    @Test("CRLF in, CRLF out with no bare LF; LF in, LF out with no CR; the inner entity is CRLF either way")
    func lineEndings() throws {
        let lf =
            "From: alice@example.com\nTo: alice@example.com\nSubject: s\nContent-Type: text/plain\n\nline 1\nline 2\n"
        for crlf in [true, false] {
            let message = crlf ? lf.replacingOccurrences(of: "\n", with: "\r\n") : lf
            let output = folder.appendingPathComponent("endings-\(crlf).eml")
            let outcome = try CertDirProcess.run(common + ["--out", output.path], stdin: message)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let bytes = try [UInt8](Data(contentsOf: output))
            let lineFeeds = bytes.indices.filter { bytes[$0] == 0x0a }
            #expect(lineFeeds.count > 10)
            let bare = lineFeeds.filter { $0 == 0 || bytes[$0 - 1] != 0x0d }
            if crlf {
                #expect(bare.isEmpty, "\(bare.count) bare LF of \(lineFeeds.count)")
            } else {
                #expect(!bytes.contains(0x0d))
            }
            #expect(
                try open(output, as: "alice@example.com").text == "Content-Type: text/plain\r\n\r\nline 1\r\nline 2\r\n"
            )
        }
    }

    @Test("already encrypted mail passes through unchanged but for Bcc and Resent-Bcc; --reencrypt wraps it")
    func alreadyEncrypted() throws {
        let first = try CertDirProcess.run(
            common + ["--to", "alice@example.com"], stdin: "From: ec@example.com\nTo: alice@example.com\n\nsecret\n")
        #expect(first.status == 0, "\(first.stderr)")
        let withBcc = first.stdout.replacingOccurrences(
            of: "To: alice@example.com\n",
            with: "To: alice@example.com\nBcc: ec@example.com\nResent-Bcc: x@example.com\n")
        #expect(withBcc != first.stdout)
        let passed = try CertDirProcess.run(common, stdin: withBcc)
        #expect(passed.status == 0, "\(passed.stderr)")
        #expect(passed.stdout == first.stdout)
        #expect(passed.stderr.contains("already S/MIME encrypted"))
        let output = folder.appendingPathComponent("twice.eml")
        let again = try CertDirProcess.run(
            common + ["--reencrypt", "--to", "ec@example.com", "--out", output.path], stdin: first.stdout)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try open(output, as: "ec@example.com").text.contains("smime-type=enveloped-data"))
    }

    @Test("the topmost Resent block chooses the recipients; one without a destination is 65")
    func resent() throws {
        let message = """
            Resent-From: alice@example.com
            Resent-Date: Mon, 7 Dec 2026 10:00:00 +0000
            Resent-To: ec@example.com
            Resent-Bcc: dual@example.com
            Resent-From: alice@example.com
            Resent-Date: Sun, 6 Dec 2026 10:00:00 +0000
            Resent-To: nocert@example.com
            From: alice@example.com
            To: outlook@example.com
            Subject: s

            resent body

            """
        let output = folder.appendingPathComponent("resent.eml")
        let copies = folder.appendingPathComponent("resent-bcc")
        try FileManager.default.createDirectory(at: copies, withIntermediateDirectories: true)
        let outcome = try CertDirProcess.run(
            common + ["--bcc-dir", copies.path, "--out", output.path], stdin: message)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try open(output, as: "ec@example.com").status == 0)
        #expect(try open(output, as: "outlook@example.com").status != 0)
        #expect(try open(output, as: "dual@example.com").status != 0)
        #expect(try open(copies.appendingPathComponent("dual@example.com.eml"), as: "dual@example.com").status == 0)
        #expect(!(try String(contentsOf: output, encoding: .utf8)).contains("Resent-Bcc"))
        let malformed = try CertDirProcess.run(
            common,
            stdin: "Resent-From: alice@example.com\nResent-Date: Mon, 7 Dec 2026 10:00:00 +0000\n"
                + "To: ec@example.com\n\nx\n")
        #expect(malformed.status == 65)
        #expect(malformed.stderr.contains("Resent"))
    }

    @Test("--envelope-recipient: the envelope is the list, and those not in To/Cc get Bcc copies")
    func envelopeRecipients() throws {
        let message = "From: alice@example.com\nTo: ec@example.com, outlook@example.com\nSubject: s\n\nhi\n"
        let output = folder.appendingPathComponent("envelope.eml")
        let copies = folder.appendingPathComponent("envelope-bcc")
        try FileManager.default.createDirectory(at: copies, withIntermediateDirectories: true)
        let arguments = ["--envelope-recipient", "ec@example.com", "--envelope-recipient", "dual@example.com"]
        #expect(try CertDirProcess.run(common + arguments, stdin: message).status == 64)
        let outcome = try CertDirProcess.run(
            common + arguments + ["--bcc-dir", copies.path, "--out", output.path], stdin: message)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try open(output, as: "ec@example.com").status == 0)
        #expect(try open(output, as: "outlook@example.com").status != 0, "not an envelope recipient here")
        #expect(try open(output, as: "dual@example.com").status != 0)
        #expect(try open(copies.appendingPathComponent("dual@example.com.eml"), as: "dual@example.com").status == 0)
    }
}

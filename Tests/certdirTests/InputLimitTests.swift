import CertDirectoryTestSupport
import Foundation
import Testing

/// Every input certdir reads has a size cap and a clear exit code (65 data,
/// 78 configuration), a named pipe is read with a timeout, and a `--from`
/// list must be UTF-8 (a leading byte order mark is skipped). No directory is
/// needed: the inputs are read before any connection (port 1 never answers).
@Suite("certdir inputs: size caps, pipes, encodings")
struct InputLimitTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("certdir-inputs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    let nowhere = ["--uri", "ldap://127.0.0.1:1", "--base", "dc=example,dc=com"]
    var bind: [String] { nowhere + ["--bind-dn", "cn=reader,dc=example,dc=com", "--allow-plaintext-bind"] }

    @Test(
        "an endless input is refused at its cap with the contract's code",
        arguments: [
            (["resolve", "--password-file", "/dev/zero", "a@example.com"], 78, "64 KiB"),
            (["resolve", "--config", "/dev/zero", "a@example.com"], 78, "1 MiB"),
            (["resolve", "--from", "/dev/zero"], 65, "64 MiB"),
            (["encrypt", "--in", "/dev/zero", "--to", "a@example.com"], 65, "256 MiB"),
        ])
    func endlessInput(arguments: [String], status: Int32, cap: String) throws {
        var full = [arguments[0]] + bind + Array(arguments.dropFirst())
        if !arguments.contains("--password-file") { full = [arguments[0]] + nowhere + Array(arguments.dropFirst()) }
        let outcome = try CertDirProcess.run(full)
        #expect(outcome.status == status, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("larger than \(cap)"), "\(outcome.stderr)")
    }

    @Test("a FIFO nobody writes to fails after the pipe timeout instead of blocking forever")
    func silentFIFO() throws {
        let fifo = folder.appendingPathComponent("pw").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let started = ContinuousClock.now
        let outcome = try CertDirProcess.run(
            ["resolve"] + bind + ["--password-file", fifo, "a@example.com"], environment: ["CERTDIR_PIPE_TIMEOUT": "1"])
        #expect(outcome.status == 78, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("sent nothing for 1 s"), "\(outcome.stderr)")
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    @Test("a FIFO with a writer (as <(pass show x) gives) is read: the bind is tried (75), not refused")
    func writtenFIFO() throws {
        let fifo = folder.appendingPathComponent("pw").path
        let arguments = (["resolve"] + bind + ["--password-file", fifo, "a@example.com"]).map { "'\($0)'" }
        let outcome = try CertDirProcess.run(
            [
                "-c",
                "mkfifo '\(fifo)' && (sleep 0.3; echo secret > '\(fifo)') & CERTDIR_PIPE_TIMEOUT=20 '\(CertDirProcess.executable.path)' \(arguments.dropFirst(0).joined(separator: " "))",
            ], shell: true)
        #expect(outcome.status == 75, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("bind as cn=reader"), "\(outcome.stderr)")
    }

    @Test("invalid UTF-8 in --from is malformed input (65) naming the line; nothing is looked up")
    func invalidUTF8() throws {
        let list = folder.appendingPathComponent("list").path
        try Data([UInt8]("a@example.com\n".utf8) + [0xFF, 0xFE, 0x40, 0x78, 0x0A]).write(to: URL(fileURLWithPath: list))
        let outcome = try CertDirProcess.run(["resolve"] + nowhere + ["--from", list])
        #expect(outcome.status == 65, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("line 2: not valid UTF-8"), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("Can't contact"), "\(outcome.stderr)")
    }
}

/// A byte order mark before the first address of `--from` is skipped, so the address is found.
@Suite(
    "certdir resolve --from with a BOM", .enabled(if: TestDirectory.isAvailable, "\(TestDirectory.unavailableReason)"))
struct AddressListBOMTests {
    @Test("a leading BOM is skipped")
    func leadingBOM() throws {
        let directory = try TestDirectory.require()
        let sample = try directory.sample()
        let outcome = try CertDirProcess.run(
            [
                "resolve", "--uri", directory.ldapURI, "--base", directory.base, "--trust-anchor",
                sample.path(sample.trustAnchor), "--intermediates", sample.path(sample.intermediate), "--format",
                "json",
                "--from", "-",
            ], stdin: "\u{FEFF}alice@example.com\r\nec@example.com\r\n")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("\"address\":\"alice@example.com\""), "\(outcome.stdout)")
    }
}

public import Foundation

/// A `certdir serve` running in the background for a test: started with
/// `posix_spawn(3)` (as ``ProcessRunner`` does), its stderr kept in a file,
/// stopped with SIGTERM.
public final class ServeProcess: @unchecked Sendable {
    // @unchecked: `pid` and `exitStatus` are set by the test that owns the process, one call at a time.
    /// The port the server listens on, chosen by the system (`--listen 127.0.0.1:0`).
    public private(set) var port = 0
    public let folder: URL
    public private(set) var pid: pid_t = 0
    public private(set) var exitStatus: Int32?

    /// The server's base URL, `http://127.0.0.1:PORT`.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// Starts `certdir serve --listen 127.0.0.1:0 --port-file … arguments…` with `LDAPNOINIT=1`, no
    /// user configuration, and an address book of its own (in ``folder``, unless the arguments name
    /// one), then waits up to `timeout` seconds for the port file: the system picks the port and
    /// the server reports it once it listens, so no port is reserved, released and raced for.
    /// - Throws: ``TestDirectoryMissing`` when it cannot start or never listens (its stderr in the message).
    public init(arguments: [String], timeout: TimeInterval = 60) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("certdir-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        environment["LDAPNOINIT"] = "1"
        environment["XDG_CONFIG_HOME"] = "/nonexistent-certdir-test"
        environment["XDG_DATA_HOME"] = folder.path
        environment["CERTDIR_ADDRESS_BOOK"] = nil
        let portFile = folder.appendingPathComponent("port")
        pid = try ProcessRunner.spawn(
            CertDirProcess.executable.path,
            ["serve", "--listen", "127.0.0.1:0", "--port-file", portFile.path] + arguments,
            environment: environment, stdin: "/dev/null", stdout: folder.appendingPathComponent("stdout").path,
            stderr: folder.appendingPathComponent("stderr").path)
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            // The file is written whole (renamed into place), so a port read here is complete.
            if let text = try? String(contentsOf: portFile, encoding: .utf8),
                let bound = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), bound > 0
            {
                port = bound
                break
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid || Date() > deadline {
                if Date() > deadline { kill(pid, SIGKILL) }
                exitStatus = status
                throw TestDirectoryMissing(description: "certdir serve did not start: \(log)")
            }
            usleep(20_000)
        }
    }

    /// What the server wrote on stderr so far (its log).
    public var log: String {
        (try? String(contentsOf: folder.appendingPathComponent("stderr"), encoding: .utf8)) ?? ""
    }

    /// Sends SIGTERM and waits up to `timeout` seconds for the exit (then SIGKILL).
    /// - Returns: The exit status (128 + signal when killed by one).
    @discardableResult
    public func stop(timeout: TimeInterval = 30) -> Int32 {
        if let exitStatus { return exitStatus }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) != pid {
            if Date() > deadline {
                kill(pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                break
            }
            usleep(20_000)
        }
        let signal = status & 0x7f
        let code = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        exitStatus = code
        return code
    }

    /// Stops the server if still running and removes its folder.
    public func remove() {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }
}

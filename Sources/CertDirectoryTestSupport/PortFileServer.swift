import Foundation

/// A fixture server that binds 127.0.0.1 on a port the OS chooses and writes
/// that port to the file given by `--port-file` (scripts/ocsp-responder.py,
/// Tests/certdirTests/Fixtures/ocsp-fault-responder.py). Stopped by ``stop()``.
public final class PortFileServer: Sendable {
    public let port: Int
    private let pid: pid_t

    /// - Parameters:
    ///   - script: A Python script, relative to the repository.
    ///   - arguments: Its arguments; `--port-file FILE` is appended.
    public init(script: String, _ arguments: [String]) throws {
        let portFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certdir-port-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: portFile) }
        let path = CertDirProcess.repository.appendingPathComponent(script).path
        pid = try ProcessRunner.spawnBackground(
            URL(fileURLWithPath: "/usr/bin/python3"), [path] + arguments + ["--port-file", portFile.path])
        var found: Int?
        for _ in 0..<600 {
            if let text = try? String(contentsOf: portFile, encoding: .utf8),
                let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                found = port
                break
            }
            usleep(50_000)
        }
        guard let found else {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            throw TestDirectoryMissing(description: "\(script) did not report its port within 30 s")
        }
        port = found
    }

    public var url: String { "http://127.0.0.1:\(port)/" }

    public func stop() {
        // SIGKILL: a child spawned from a dispatch thread inherits its blocked SIGTERM.
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}

import Foundation
import Synchronization

/// A misbehaving LDAP server (`Tests/certdirTests/Fixtures/fake-ldap-server.py`)
/// on a free loopback port, for fault tests. Stopped by ``stop()``.
public final class FakeServer: Sendable {
    public let port: Int
    private let pid: pid_t
    /// Hands each server its own port even when tests start them at the same moment.
    private static let nextPort = Mutex(0)

    /// - Parameter mode: `blackhole` or `flood` (see the script).
    /// - Parameter script: Another fixture taking `PORT MODE`, e.g. `fake-ad-group-server.py` (mode: the member count).
    public init(mode: String, certificate: String? = nil, script: String = "fake-ldap-server.py") throws {
        var chosen = 0
        repeat {
            chosen =
                18_000
                + Self.nextPort.withLock { value in
                    value = (value + 1) % 900
                    return value
                }
        } while ScratchDirectory.portInUse(chosen)
        port = chosen
        let script = CertDirProcess.repository.appendingPathComponent("Tests/certdirTests/Fixtures/\(script)")
        pid = try ProcessRunner.spawnBackground(
            URL(fileURLWithPath: "/usr/bin/python3"),
            [script.path, String(port), mode] + (certificate.map { [$0] } ?? []))
        for _ in 0..<100 where !ScratchDirectory.portInUse(port) { usleep(50_000) }
    }

    public var uri: String { "ldap://127.0.0.1:\(port)" }
    public var ldapsURI: String { "ldaps://127.0.0.1:\(port)" }

    public func stop() {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}

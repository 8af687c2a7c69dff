public import Foundation
import Synchronization

/// A throw-away slapd of its own, for tests that stop, kill or modify a
/// directory and so must not touch the shared test directory. Started with
/// `scripts/test-directory` on its own ports.
public final class ScratchDirectory: Sendable {
    public let folder: URL
    public let info: TestDirectory
    private static let nextSlot = Mutex(0)

    /// Starts slapd with `ldifs` loaded; ports are 17000 + 10·n for the n-th scratch directory.
    public init(ldifs: [String]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("certdir-scratch-\(UUID().uuidString)")
        // Skip slots another process still holds (for example a run that was killed).
        var base = 0
        repeat {
            let slot = Self.nextSlot.withLock { value in
                value += 1
                return value
            }
            base = 17_000 + 10 * (slot % 400)
        } while (base..<base + 6).contains(where: Self.portInUse)
        let ports = [
            "LDAP_PORT": base, "LDAPS_PORT": base + 1, "GC_PORT": base + 2, "BAD_UNTRUSTED_PORT": base + 3,
            "BAD_EXPIRED_PORT": base + 4, "BAD_HOST_PORT": base + 5,
        ].mapValues(String.init)
        try Self.script(["start", folder.path] + ldifs, environment: ports)
        let data = try Data(contentsOf: folder.appendingPathComponent("certdir-test.json"))
        info = try JSONDecoder().decode(TestDirectory.self, from: data)
    }

    /// Stops slapd and removes its folder.
    public func stop() {
        try? Self.script(["stop", folder.path], environment: [:])
        try? FileManager.default.removeItem(at: folder)
    }

    /// The slapd process id, for tests that kill it.
    public var pid: Int32? {
        let path = folder.appendingPathComponent("run/slapd.pid").path
        return (try? String(contentsOfFile: path, encoding: .utf8)).flatMap {
            Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    public var adminPassword: String {
        (try? String(contentsOf: folder.appendingPathComponent("run/admin.pw"), encoding: .utf8)) ?? ""
    }

    static func script(_ arguments: [String], environment: [String: String]) throws {
        let result = try ProcessRunner.run(
            CertDirProcess.repository.appendingPathComponent("scripts/test-directory"), arguments,
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, stdin: nil)
        guard result.status == 0 else {
            throw TestDirectoryMissing(
                description: "test-directory \(arguments.joined(separator: " ")) failed: "
                    + String(decoding: result.stderr + result.stdout, as: UTF8.self))
        }
    }

    /// True when something accepts TCP connections on 127.0.0.1:`port`.
    public static func portInUse(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0
    }
}

/// Runs a helper program (openssl, ldapmodify, python3) found on PATH.
public func runTool(_ executable: String, _ arguments: [String], stdin: Data? = nil) throws -> (
    status: Int32, stdout: Data, stderr: String
) {
    let result = try ProcessRunner.run(
        URL(fileURLWithPath: "/usr/bin/env"), [executable] + arguments, environment: nil, stdin: stdin)
    return (result.status, result.stdout, String(decoding: result.stderr, as: UTF8.self))
}

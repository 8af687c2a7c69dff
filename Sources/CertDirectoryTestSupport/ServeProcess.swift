public import Foundation

/// A `certdir serve` running in the background for a test: started with
/// `posix_spawn(3)` (as ``ProcessRunner`` does), its stderr kept in a file,
/// stopped with SIGTERM.
public final class ServeProcess: @unchecked Sendable {
    // @unchecked: `pid` and `exitStatus` are set by the test that owns the process, one call at a time.
    public let port: Int
    public let folder: URL
    public private(set) var pid: pid_t = 0
    public private(set) var exitStatus: Int32?

    /// The server's base URL, `http://127.0.0.1:PORT`.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// Starts `certdir serve --listen 127.0.0.1:PORT arguments…` with `LDAPNOINIT=1`, no user
    /// configuration, and an address book of its own (in ``folder``, unless the arguments name one),
    /// then waits up to `timeout` seconds for the port to accept connections.
    /// - Throws: ``TestDirectoryMissing`` when it cannot start or never listens (its stderr in the message).
    public init(port: Int, arguments: [String], timeout: TimeInterval = 60) throws {
        self.port = port
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("certdir-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        environment["LDAPNOINIT"] = "1"
        environment["XDG_CONFIG_HOME"] = "/nonexistent-certdir-test"
        environment["XDG_DATA_HOME"] = folder.path
        environment["CERTDIR_ADDRESS_BOOK"] = nil
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(
            &actions, 1, folder.appendingPathComponent("stdout").path, O_WRONLY | O_CREAT, 0o600)
        posix_spawn_file_actions_addopen(
            &actions, 2, folder.appendingPathComponent("stderr").path, O_WRONLY | O_CREAT, 0o600)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let executable = CertDirProcess.executable.path
        let argv = ([executable, "serve", "--listen", "127.0.0.1:\(port)"] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            throw TestDirectoryMissing(description: "cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        let deadline = Date().addingTimeInterval(timeout)
        while !ScratchDirectory.portInUse(port) {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid || Date() > deadline {
                if Date() > deadline { kill(pid, SIGKILL) }
                exitStatus = status
                throw TestDirectoryMissing(description: "certdir serve did not start: \(log)")
            }
            usleep(50_000)
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

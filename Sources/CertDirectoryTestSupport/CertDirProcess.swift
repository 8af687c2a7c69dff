public import Foundation

/// Runs the built `certdir` executable, as a user or a mail pipeline would,
/// and captures its output and exit status.
public struct CertDirProcess {
    public struct Outcome: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// The repository root, found from this source file's location.
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `.build/debug/certdir` (or `CERTDIR_BINARY`).
    public static var executable: URL {
        if let explicit = ProcessInfo.processInfo.environment["CERTDIR_BINARY"] {
            return URL(fileURLWithPath: explicit)
        }
        return repository.appendingPathComponent(".build/debug/certdir")
    }

    /// Runs `certdir arguments…` with `LDAPNOINIT=1`, so that no `~/.ldaprc` leaks in,
    /// `XDG_CONFIG_HOME` pointing nowhere, so that no user config file does, and
    /// `XDG_DATA_HOME` in a new folder removed afterwards, so that each run has an empty address book.
    /// - Parameter shell: Run `/bin/sh` with `arguments` instead of certdir (for redirections).
    /// - Parameter launcher: A command that runs certdir, e.g. `ip netns exec NS` for a directory
    ///   in its own network namespace (``ADDirectory``); empty runs certdir directly.
    public static func run(
        _ arguments: [String], environment extra: [String: String] = [:], stdin: String? = nil, shell: Bool = false,
        launcher: [String] = []
    ) throws -> Outcome {
        var environment = ProcessInfo.processInfo.environment
        environment["LDAPNOINIT"] = "1"
        environment["XDG_CONFIG_HOME"] = environment["CERTDIR_TEST_XDG"] ?? "/nonexistent-certdir-test"
        // A fresh, private address book for each run unless the test names one,
        // so that no answer cached by one test serves another.
        let dataHome = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certdir-data-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dataHome) }
        environment["XDG_DATA_HOME"] = dataHome.path
        environment["CERTDIR_ADDRESS_BOOK"] = nil
        // An empty value removes the variable (e.g. LDAPNOINIT, to let libldap read its configuration).
        for (key, value) in extra { environment[key] = value.isEmpty ? nil : value }
        let program = shell ? URL(fileURLWithPath: "/bin/sh") : executable
        let command = launcher.isEmpty ? [program.path] + arguments : launcher + [program.path] + arguments
        let result = try ProcessRunner.run(
            URL(fileURLWithPath: command[0]), Array(command.dropFirst()), environment: environment,
            stdin: stdin.map { Data($0.utf8) })
        return Outcome(
            status: result.status, stdout: String(decoding: result.stdout, as: UTF8.self),
            stderr: String(decoding: result.stderr, as: UTF8.self))
    }
}

/// Runs a process to completion with `posix_spawn(3)` and `waitpid(2)`.
///
/// Foundation's `Process.waitUntilExit` was seen to hang here when several
/// tests launched processes at once, so tests spawn directly. Standard input,
/// output and error are temporary files, so no pipe can fill up and block the
/// child.
enum ProcessRunner {
    /// Starts a process in the background with output discarded; the caller reaps it.
    static func spawnBackground(_ executable: URL, _ arguments: [String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable.path, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw TestDirectoryMissing(
                description: "cannot start \(executable.path): \(String(cString: strerror(spawned)))")
        }
        return pid
    }

    static func run(_ executable: URL, _ arguments: [String], environment: [String: String]?, stdin: Data?) throws -> (
        status: Int32, stdout: Data, stderr: Data
    ) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certdir-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("stdin").path
        let output = folder.appendingPathComponent("stdout").path
        let errors = folder.appendingPathComponent("stderr").path
        try (stdin ?? Data()).write(to: URL(fileURLWithPath: input))

        let pid = try spawn(
            executable.path, arguments, environment: environment ?? ProcessInfo.processInfo.environment,
            stdin: input, stdout: output, stderr: errors)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED/WEXITSTATUS are macros: decode the wait status by hand.
        let signal = status & 0x7f
        let code = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        let out = (try? Data(contentsOf: URL(fileURLWithPath: output))) ?? Data()
        let err = (try? Data(contentsOf: URL(fileURLWithPath: errors))) ?? Data()
        return (code, out, err)
    }

    /// Starts `executable` with `arguments`, `environment`, and its standard
    /// input, output and error opened on the three paths (output files are
    /// created or truncated, mode 0600); the caller reaps it.
    /// - Throws: ``TestDirectoryMissing`` when it cannot start.
    static func spawn(
        _ executable: String, _ arguments: [String], environment: [String: String], stdin: String, stdout: String,
        stderr: String
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        // The child must not inherit this process's blocked signals: a slapd started
        // with SIGTERM blocked would never stop.
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
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            throw TestDirectoryMissing(description: "cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        return pid
    }
}

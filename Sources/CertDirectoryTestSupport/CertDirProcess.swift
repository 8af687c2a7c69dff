public import Foundation

/// Runs the built `certdir` executable, as a user or a mail pipeline would,
/// and captures its output and exit status.
public struct CertDirProcess {
    public struct Outcome: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// `.build/debug/certdir` (or `CERTDIR_BINARY`), found from this source file's location.
    public static var executable: URL {
        if let explicit = ProcessInfo.processInfo.environment["CERTDIR_BINARY"] {
            return URL(fileURLWithPath: explicit)
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/certdir")
    }

    /// Runs `certdir arguments…` with `LDAPNOINIT=1`, so that no `~/.ldaprc` leaks in,
    /// and `XDG_CONFIG_HOME` pointing nowhere, so that no user config file does.
    public static func run(_ arguments: [String], environment extra: [String: String] = [:], stdin: String? = nil)
        throws -> Outcome
    {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LDAPNOINIT"] = "1"
        environment["XDG_CONFIG_HOME"] = environment["CERTDIR_TEST_XDG"] ?? "/nonexistent-certdir-test"
        // An empty value removes the variable (e.g. LDAPNOINIT, to let libldap read its configuration).
        for (key, value) in extra { environment[key] = value.isEmpty ? nil : value }
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Drain stderr on another thread while reading stdout, so that neither pipe can fill up and block the child.
        let errBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errData = errBox.data
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}

private final class DataBox: @unchecked Sendable {
    // Written once by the reader thread before `group.leave()`, read after `group.wait()`.
    var data = Data()
}

import CertDirectory
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads the bind password from a file, an environment variable, or a prompt
/// on the terminal, never from the command line (argv is visible to every
/// user through `ps`).
enum PasswordSource {
    static func read(file: String?, environmentVariable: String?, bindDN: String) throws -> Secret {
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CLIError(.config, "cannot read password file \(file)")
            }
            let text = String(decoding: data, as: UTF8.self)
            return Secret(
                String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""))
        }
        if let variable = environmentVariable {
            guard let value = ProcessInfo.processInfo.environment[variable] else {
                throw CLIError(.config, "environment variable \(variable) is not set")
            }
            return Secret(value)
        }
        guard isatty(STDIN_FILENO) == 1 else {
            throw CLIError(
                .usage, "--bind-dn needs a password: give --password-file or --password-env (stdin is not a terminal)")
        }
        guard let entered = getpass("Password for \(bindDN): ") else {
            throw CLIError(.usage, "no password entered")
        }
        return Secret(String(cString: entered))
    }
}

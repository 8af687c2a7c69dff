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
    static func read(_ source: SettingLayers.PasswordSource, bindDN: String) throws -> Secret {
        if case .file(let file) = source {
            let bytes: [UInt8]
            do {
                bytes = try InputFile.read(path: file)
            } catch {
                throw CLIError(.config, "--password-file: \(error)")
            }
            // The first line, without its line ending (CRLF too).
            let line = bytes.prefix { $0 != 0x0a }
            let text = String(decoding: line.last == 0x0d ? line.dropLast() : line, as: UTF8.self)
            return try nonEmpty(Secret(text), bindDN: bindDN)
        }
        if case .environment(let variable) = source {
            guard let value = ProcessInfo.processInfo.environment[variable] else {
                throw CLIError(.config, "environment variable \(variable) is not set")
            }
            return try nonEmpty(Secret(value), bindDN: bindDN)
        }
        guard isatty(STDIN_FILENO) == 1 else {
            throw CLIError(
                .usage, "--bind-dn needs a password: give --password-file or --password-env (stdin is not a terminal)")
        }
        guard let entered = getpass("Password for \(bindDN): ") else {
            throw CLIError(.usage, "no password entered")
        }
        return try nonEmpty(Secret(String(cString: entered)), bindDN: bindDN)
    }

    /// A DN with an empty password is an unauthenticated bind (RFC 4513 §5.1.2):
    /// some servers treat it as anonymous, so it is refused rather than sent.
    private static func nonEmpty(_ secret: Secret, bindDN: String) throws -> Secret {
        guard !secret.value.isEmpty else {
            throw CLIError(.config, "the password for \(bindDN) is empty (an unauthenticated bind, RFC 4513 §5.1.2)")
        }
        return secret
    }
}

import ArgumentParser
import CertDirectory
import Foundation

/// Where a PKCS#12 file's password comes from: a file, an environment
/// variable, or a prompt on the terminal; never from argv.
struct PKCS12PasswordOptions: ParsableArguments {
    @Option(name: .customLong("p12-password-file"), help: "Read the PKCS#12 password from this file (first line).")
    var file: String?

    @Option(name: .customLong("p12-password-env"), help: "Read the PKCS#12 password from this environment variable.")
    var environmentVariable: String?

    func validate() throws {
        if file != nil && environmentVariable != nil {
            throw ValidationError("give --p12-password-file or --p12-password-env, not both")
        }
    }

    /// The password for the PKCS#12 file `path`. An empty password is allowed.
    /// - Throws: `CLIError` (78) for an unreadable file or unset variable; (64)
    ///   when a prompt is needed but stdin is not a terminal.
    func read(for path: String) throws -> Secret {
        if let file {
            let bytes: [UInt8]
            do {
                bytes = try InputFile.read(path: file, limit: InputFile.passwordLimit)
            } catch {
                throw CLIError(.config, "--p12-password-file: \(error)")
            }
            let line = bytes.prefix { $0 != 0x0a }
            return Secret(String(decoding: line.last == 0x0d ? line.dropLast() : line, as: UTF8.self))
        }
        if let environmentVariable {
            guard let value = ProcessInfo.processInfo.environment[environmentVariable] else {
                throw CLIError(.config, "environment variable \(environmentVariable) is not set")
            }
            return Secret(value)
        }
        guard isatty(STDIN_FILENO) == 1, let entered = getpass("Password for \(path): ") else {
            throw CLIError(
                .usage, "\(path) is PKCS#12: give --p12-password-file or --p12-password-env (stdin is not a terminal)")
        }
        return Secret(String(cString: entered))
    }
}

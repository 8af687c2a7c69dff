import Foundation

/// Unbuffered writes to stdout and stderr: each call is one `write(2)`, so a
/// pipeline sees complete records and nothing is lost if the process dies.
enum Console {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Prints `certdir: message` on stderr.
    static func fail(_ message: String) {
        error("certdir: \(message)\n")
    }
}

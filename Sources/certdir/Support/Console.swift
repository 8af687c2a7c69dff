import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Unbuffered writes to stdout and stderr: each call is one `write(2)` loop, so
/// a pipeline sees complete records and nothing is lost if the process dies.
enum Console {
    /// Writes to stdout.
    /// - Throws: ``CLIError`` with status 74 when stdout cannot be written
    ///   (disk full, closed pipe): the caller must not report success.
    static func out(_ text: String) throws {
        guard writeAll(STDOUT_FILENO, text) else {
            throw CLIError(.ioError, "cannot write to standard output: \(String(cString: strerror(errno)))")
        }
    }

    /// Writes bytes (DER) to stdout, as ``out(_:)``.
    static func out(bytes: [UInt8]) throws {
        guard writeAll(STDOUT_FILENO, bytes[...]) else {
            throw CLIError(.ioError, "cannot write to standard output: \(String(cString: strerror(errno)))")
        }
    }

    /// Writes to stderr; a failure there has nowhere to be reported and is ignored.
    static func error(_ text: String) {
        _ = writeAll(STDERR_FILENO, text)
    }

    /// Prints `certdir: message` on stderr, one line, control characters escaped.
    static func fail(_ message: String) {
        error("certdir: \(message.terminalSafe)\n")
    }

    private static func writeAll(_ descriptor: Int32, _ text: String) -> Bool {
        writeAll(descriptor, Array(text.utf8)[...])
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: ArraySlice<UInt8>) -> Bool {
        var bytes = bytes
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            bytes = bytes.dropFirst(written)
        }
        return true
    }
}

extension String {
    /// The text with control characters (C0, DEL, C1) shown as `\u{…}` escapes,
    /// for directory data (DNs, server messages) written to a terminal: an entry
    /// must not be able to forge lines or send escape sequences.
    var terminalSafe: String {
        var out = ""
        for scalar in unicodeScalars {
            if scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value) {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

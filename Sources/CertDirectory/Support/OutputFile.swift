import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes an output file so that no reader ever finds half of it.
///
/// A regular file (or a path that does not exist yet) is written to a
/// temporary file beside it (`mkstemp(3)`, mode 0600), flushed with `fsync(2)`
/// and renamed over the target; on failure the temporary file is removed and
/// the target is untouched. A character device (`/dev/null`), a FIFO or a
/// socket is written straight through: renaming over a device would replace it.
/// `-` means standard output.
public enum OutputFile {
    /// Calls `body` with a descriptor to write to, then commits the file.
    /// - Throws: ``OutputFileError`` naming the path, or whatever `body` throws.
    public static func replace(path: String, _ body: (Int32) throws -> Void) throws {
        if path == "-" {
            try body(STDOUT_FILENO)
            return
        }
        var info = stat()
        if stat(path, &info) == 0 {
            let type = info.st_mode & S_IFMT
            if type == S_IFDIR { throw OutputFileError(path: path, reason: "is a folder") }
            if type != S_IFREG {
                let descriptor = open(path, O_WRONLY | O_CLOEXEC)
                guard descriptor >= 0 else {
                    throw OutputFileError(path: path, reason: String(cString: strerror(errno)))
                }
                defer { close(descriptor) }
                try body(descriptor)
                return
            }
        }
        let url = URL(fileURLWithPath: path)
        var template = Array(
            url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).XXXXXX").path.utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw OutputFileError(path: path, reason: String(cString: strerror(errno))) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        do {
            try body(descriptor)
            guard fsync(descriptor) == 0 else {
                throw OutputFileError(path: path, reason: String(cString: strerror(errno)))
            }
            close(descriptor)
            guard rename(temporary, path) == 0 else {
                throw OutputFileError(path: path, reason: String(cString: strerror(errno)))
            }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
    }
}

/// An output file that cannot be written.
public struct OutputFileError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "cannot write \(path): \(reason)" }
}

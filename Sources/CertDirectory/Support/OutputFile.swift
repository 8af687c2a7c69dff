import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An output file that no reader ever finds half-written.
///
/// A regular file (or a path that does not exist yet) is written to a
/// temporary file beside it (`mkstemp(3)`: mode 0600, or with `public` the
/// mode a new file gets under the umask, as a shell redirection would give
/// it, for certificates, which are public); ``commit()``
/// flushes it with `fsync(2)` and renames it over the target, ``discard()``
/// removes it and leaves the target untouched. The temporary file is in
/// ``StagingRegistry`` until then, so a signal handler can remove it. A character device (`/dev/null`), a FIFO or a
/// socket is written straight through: renaming over a device would replace
/// it. `-` means standard output. Writes are buffered (64 KiB).
public final class OutputFile {
    public let path: String
    /// The descriptor being written: the temporary file, the device, or stdout.
    public let descriptor: Int32
    private let temporary: String?
    private var buffer: [UInt8] = []
    private var finished = false

    /// Opens the output.
    /// - Throws: ``OutputFileError`` naming the path (a folder, no permission…).
    /// - Parameter public: The output is public (certificates): give it the umask's mode, not 0600.
    public init(path: String, public isPublic: Bool = false) throws {
        self.path = path
        if path == "-" {
            descriptor = STDOUT_FILENO
            temporary = nil
            return
        }
        // Follows a symbolic link, as open(2) would: a link to /dev/null is a device.
        if let type = try? FileManager.default.attributesOfItem(
            atPath: URL(fileURLWithPath: path).resolvingSymlinksInPath().path)[.type]
            as? FileAttributeType
        {
            if type == .typeDirectory { throw OutputFileError(path: path, reason: "is a folder") }
            if type != .typeRegular && type != .typeSymbolicLink {
                descriptor = open(path, O_WRONLY | O_CLOEXEC)
                guard descriptor >= 0 else { throw OutputFileError(path: path, errno: errno) }
                temporary = nil
                return
            }
        }
        let url = URL(fileURLWithPath: path)
        var template = Array(
            url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).XXXXXX").path.utf8CString)
        descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw OutputFileError(path: path, errno: errno) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        self.temporary = temporary
        StagingRegistry.register(temporary)
        // mkstemp creates 0600; a public output gets the mode any new file would.
        if isPublic { fchmod(descriptor, 0o666 & ~Self.umask) }
    }

    /// The process's file-mode creation mask (read once: umask(2) can only be read by setting it).
    static let umask: mode_t = readUmask()

    deinit {
        if !finished { discard() }
    }

    /// True when the output goes to a temporary file that ``commit()`` renames.
    public var isStaged: Bool { temporary != nil }

    /// Appends bytes (buffered).
    /// - Throws: ``OutputFileError`` when the write fails (disk full, broken pipe).
    public func write(_ bytes: some Collection<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 65_536 { try flush() }
    }

    public func write(_ text: String) throws { try write(text.utf8) }

    /// Writes out the buffer.
    public func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let written = buffer[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw OutputFileError(path: path, errno: errno)
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs and renames the temporary file over the target.
    public func commit() throws {
        try flush()
        finished = true
        guard let temporary else {
            if descriptor != STDOUT_FILENO { close(descriptor) }
            return
        }
        defer { close(descriptor) }
        guard StagingRegistry.claim(temporary) else {
            unlink(temporary)
            throw OutputFileError(path: path, reason: "interrupted by a signal")
        }
        guard fsync(descriptor) == 0 else {
            let code = errno
            unlink(temporary)
            throw OutputFileError(path: path, errno: code)
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw OutputFileError(path: path, errno: code)
        }
    }

    /// Drops everything written; the target keeps its old content (or stays absent).
    public func discard() {
        finished = true
        buffer.removeAll()
        if let temporary {
            close(descriptor)
            unlink(temporary)
            StagingRegistry.unregister(temporary)
        } else if descriptor != STDOUT_FILENO {
            close(descriptor)
        }
    }

    /// Writes `bytes` to `path` and commits; on error the target is untouched.
    public static func write(_ bytes: [UInt8], to path: String, public isPublic: Bool = false) throws {
        let output = try OutputFile(path: path, public: isPublic)
        do {
            try output.write(bytes)
            try output.commit()
        } catch {
            output.discard()
            throw error
        }
    }

    /// Opens `path`, lets `body` write to the descriptor, then commits; discards on error.
    public static func replace(path: String, _ body: (Int32) throws -> Void) throws {
        let output = try OutputFile(path: path)
        do {
            try body(output.descriptor)
            try output.commit()
        } catch {
            output.discard()
            throw error
        }
    }
}

/// umask(2) can be read only by setting it: set a strict mask, then put the old one back.
private func readUmask() -> mode_t {
    let mask = umask(0o077)
    _ = umask(mask)
    return mask
}

/// An output file that cannot be written.
public struct OutputFileError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    init(path: String, errno code: Int32) {
        self.init(path: path, reason: String(cString: strerror(code)))
    }

    public var description: String { "cannot write \(path): \(reason)" }
}

import Foundation

#if canImport(Glibc)
    import Glibc
    // `struct stat` is sometimes attributed to CoreFoundation's clang module (whichever module map
    // claimed <sys/stat.h> first); importing it too keeps `st_mode` visible either way
    // (MemberImportVisibility), so the build does not depend on compile order.
    import CoreFoundation
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a whole input (a file, or standard input) straight into one byte
/// array with `read(2)`, without an intermediate `Data` copy.
///
/// Every input has a size cap, so an endless one (`/dev/zero`) is refused
/// once the cap is passed instead of filling memory. A named pipe (a FIFO, or
/// `<(command)` in a shell) is read with a timeout: when no writer sends
/// anything for ``pipeTimeout`` seconds, the read fails instead of blocking
/// forever. Standard input is not timed: a mail pipeline feeds it at its pace.
public enum InputFile {
    /// The most a password file may hold (64 KiB).
    public static let passwordLimit = 64 << 10
    /// The most a configuration file may hold (1 MiB).
    public static let configurationLimit = 1 << 20
    /// The most a certificate file may hold (16 MiB): far above any real bundle.
    public static let certificateLimit = 16 << 20
    /// The most a list of addresses may hold (64 MiB: over a million addresses).
    public static let addressListLimit = 64 << 20
    /// The most a mail message may hold (256 MiB), to verify, harvest or encrypt.
    public static let messageLimit = 256 << 20
    /// Seconds a named pipe may stay silent before its read fails (30, or `CERTDIR_PIPE_TIMEOUT`).
    public static let pipeTimeout: Double =
        ProcessInfo.processInfo.environment["CERTDIR_PIPE_TIMEOUT"].flatMap(Double.init).map { max(0.01, $0) } ?? 30

    /// - Parameters:
    ///   - path: A file, or `nil` or `-` for standard input.
    ///   - limit: The most bytes accepted; a longer input (or an endless one such
    ///     as `/dev/zero`) is refused once the limit is passed.
    /// - Throws: ``InputFileError`` naming the input.
    public static func read(path: String?, limit: Int) throws -> [UInt8] {
        let name = path ?? "stdin"
        let descriptor: Int32
        var timed = false
        var capacity = 1 << 16
        if let path, path != "-" {
            var status = stat()
            if stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFIFO {
                // Non-blocking, so that a FIFO nobody opens for writing cannot block open(2).
                descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
                timed = true
            } else {
                descriptor = open(path, O_RDONLY | O_CLOEXEC)
                if (status.st_mode & S_IFMT) == S_IFREG { capacity = min(Int(status.st_size), limit) + 1 }
            }
            guard descriptor >= 0 else { throw InputFileError(path: name, reason: String(cString: strerror(errno))) }
        } else {
            descriptor = STDIN_FILENO
        }
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(capacity)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            if timed { try waitForData(descriptor, name: name) }
            let count = chunk.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw InputFileError(path: name, reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > limit {
                throw InputFileError(
                    path: name, reason: "larger than \(describe(limit)), more than this input may hold",
                    exceedsLimit: true)
            }
        }
        return bytes
    }

    /// Waits until the pipe has data or its writer closed it, at most ``pipeTimeout`` seconds.
    /// On Linux a FIFO that has never had a writer does not report a hang-up, so this also
    /// waits for the writer to appear.
    private static func waitForData(_ descriptor: Int32, name: String) throws {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let deadline = ContinuousClock.now + .milliseconds(Int(pipeTimeout * 1000))
        while true {
            let left = deadline - ContinuousClock.now
            let milliseconds = max(
                0, Int(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            let ready = poll(&entry, 1, Int32(min(milliseconds, Int(Int32.max))))
            if ready > 0 { return }
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 { throw InputFileError(path: name, reason: String(cString: strerror(errno))) }
            throw InputFileError(
                path: name,
                reason: "a pipe that sent nothing for \(describeSeconds(pipeTimeout)) (is anything writing to it?)")
        }
    }

    static func describe(_ limit: Int) -> String {
        limit >= 1 << 20 && limit % (1 << 20) == 0 ? "\(limit >> 20) MiB" : "\(limit >> 10) KiB"
    }

    static func describeSeconds(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}

/// An input that cannot be read.
public struct InputFileError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    /// The input was readable but longer than its limit (malformed input, not a missing file).
    public var exceedsLimit = false
    public var description: String { "cannot read \(path): \(reason)" }
}

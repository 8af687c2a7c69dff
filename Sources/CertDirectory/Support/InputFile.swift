import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a whole input (a file, or standard input) straight into one byte
/// array with `read(2)`, without an intermediate `Data` copy.
public enum InputFile {
    /// The most a certificate file may hold (16 MiB): far above any real bundle.
    public static let certificateLimit = 16 << 20
    /// The most a mail message may hold when it is only verified or harvested (256 MiB).
    public static let messageLimit = 256 << 20

    /// - Parameters:
    ///   - path: A file, or `nil` or `-` for standard input.
    ///   - limit: The most bytes accepted; a longer input (or an endless one such
    ///     as `/dev/zero`) is refused once the limit is passed. `nil` reads all.
    /// - Throws: ``InputFileError`` naming the input.
    public static func read(path: String?, limit: Int? = nil) throws -> [UInt8] {
        let name = path ?? "stdin"
        let descriptor: Int32
        if let path, path != "-" {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw InputFileError(path: name, reason: String(cString: strerror(errno))) }
        } else {
            descriptor = STDIN_FILENO
        }
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }
        var capacity = 1 << 16
        if let path, path != "-", let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            attributes[.type] as? FileAttributeType == .typeRegular, let size = attributes[.size] as? Int
        {
            capacity = size + 1
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(capacity)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw InputFileError(path: name, reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if let limit, bytes.count > limit {
                throw InputFileError(
                    path: name, reason: "larger than \(limit >> 20) MiB, more than this input may hold",
                    exceedsLimit: true)
            }
        }
        return bytes
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

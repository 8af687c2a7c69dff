import Foundation

/// `--format pem-dir` / `der-dir`: a folder with one file per certificate,
/// named `<sha256>.pem` or `<sha256>.der`.
///
/// A new folder is staged beside the target and renamed into place by
/// ``finish()``. An existing folder is never swapped out or emptied: it must
/// be empty unless merging was asked for, and then the files are staged in a
/// hidden folder inside it and each renamed into place, adding or replacing
/// only `<sha256>.pem|der` files; the folder keeps its other files and its
/// mode. Files and new folders get the modes the umask gives (certificates
/// are public). The staging folder is in ``StagingRegistry`` until it is gone.
public final class CertificateFolderSink: ExportSink {
    public enum Encoding: String, Sendable { case pem, der }

    private let target: URL
    private let staging: URL
    private let encoding: Encoding
    /// True when the target folder existed: files are moved into it one by one.
    private let intoExisting: Bool

    /// - Parameter merge: Add to an existing folder that is not empty.
    /// - Throws: ``FolderNotEmptyError`` for a non-empty folder without `merge`;
    ///   ``OutputFileError`` when the target is not a folder or cannot be staged.
    public init(path: String, encoding: Encoding, merge: Bool = false) throws {
        target = URL(fileURLWithPath: path)
        self.encoding = encoding
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        intoExisting = manager.fileExists(atPath: path, isDirectory: &isFolder)
        if intoExisting {
            guard isFolder.boolValue else { throw OutputFileError(path: path, reason: "exists and is not a folder") }
            let contents: [String]
            do {
                contents = try manager.contentsOfDirectory(atPath: path)
            } catch {
                throw OutputFileError(path: path, reason: "cannot list the folder: \(error.localizedDescription)")
            }
            if !contents.isEmpty && !merge { throw FolderNotEmptyError(path: path, entries: contents.count) }
            staging = target.appendingPathComponent(".certdir-staging-\(UUID().uuidString)")
        } else {
            staging = target.deletingLastPathComponent().appendingPathComponent(
                ".\(target.lastPathComponent).\(UUID().uuidString)")
        }
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw OutputFileError(path: path, reason: "cannot create a staging folder: \(error.localizedDescription)")
        }
        StagingRegistry.register(staging.path)
    }

    public func record(_ record: ExportRecord) throws {
        guard let certificate = record.certificate else { return }
        let url = staging.appendingPathComponent("\(certificate.sha256).\(encoding.rawValue)")
        let bytes = encoding == .pem ? Array(certificate.pem.utf8) : certificate.der
        try Self.create(url.path, bytes)
    }

    public func finish() throws {
        let manager = FileManager.default
        guard StagingRegistry.claim(staging.path) else {
            throw OutputFileError(path: target.path, reason: "interrupted by a signal")
        }
        if intoExisting {
            let names: [String]
            do {
                names = try manager.contentsOfDirectory(atPath: staging.path)
            } catch {
                throw OutputFileError(path: staging.path, reason: error.localizedDescription)
            }
            for name in names {
                // rename(2) replaces an older file of the same name atomically.
                guard rename(staging.appendingPathComponent(name).path, target.appendingPathComponent(name).path) == 0
                else { throw OutputFileError(path: target.appendingPathComponent(name).path, errno: errno) }
            }
            try? manager.removeItem(at: staging)
        } else {
            guard rename(staging.path, target.path) == 0 else { throw OutputFileError(path: target.path, errno: errno) }
        }
    }

    public func discard() {
        try? FileManager.default.removeItem(at: staging)
        StagingRegistry.unregister(staging.path)
    }

    /// Writes a new file with the umask's mode; a short write (disk full) is an error.
    private static func create(_ path: String, _ bytes: [UInt8]) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw OutputFileError(path: path, errno: errno) }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw OutputFileError(path: path, errno: errno)
            }
            offset += written
        }
    }
}

/// A folder target that already holds files, when merging was not asked for:
/// nothing in it is touched.
public struct FolderNotEmptyError: Error, Sendable, CustomStringConvertible {
    public let path: String
    /// How many files and folders it holds.
    public let entries: Int
    public var description: String { "\(path) is a folder that is not empty (\(entries) entries); nothing was written" }
}

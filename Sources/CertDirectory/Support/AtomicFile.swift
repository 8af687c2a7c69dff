public import Foundation

/// Writes files so that a reader never sees half of one: the bytes go to a
/// temporary file beside the target, which is flushed and then renamed over
/// it (`rename(2)` is atomic within one file system).
public enum AtomicFile {
    /// Writes `bytes` to `url` atomically, creating the parent folder if needed.
    /// - Throws: The underlying file-system error; the target is then unchanged
    ///   and the temporary file removed.
    public static func write(_ bytes: [UInt8], to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try Data(bytes).write(to: temporary, options: [.withoutOverwriting])
            if rename(temporary.path, url.path) != 0 {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}

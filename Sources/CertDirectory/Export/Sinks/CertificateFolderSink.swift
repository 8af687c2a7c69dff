import Foundation

/// `--format pem-dir` / `der-dir`: a folder with one file per certificate,
/// named `<sha256>.pem` or `<sha256>.der`.
///
/// The files go to a temporary folder beside the target, which ``finish()``
/// renames into place (an existing target folder is swapped out and removed).
public final class CertificateFolderSink: ExportSink {
    public enum Encoding: String, Sendable { case pem, der }

    private let target: URL
    private let staging: URL
    private let encoding: Encoding

    public init(path: String, encoding: Encoding) throws {
        target = URL(fileURLWithPath: path)
        self.encoding = encoding
        staging = target.deletingLastPathComponent().appendingPathComponent(
            ".\(target.lastPathComponent).\(UUID().uuidString)")
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue {
            throw OutputFileError(path: path, reason: "exists and is not a folder")
        }
        do {
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw OutputFileError(path: path, reason: "cannot create a folder beside it: \(error.localizedDescription)")
        }
    }

    public func record(_ record: ExportRecord) throws {
        guard let certificate = record.certificate else { return }
        let url = staging.appendingPathComponent("\(certificate.sha256).\(encoding.rawValue)")
        let bytes = encoding == .pem ? Array(certificate.pem.utf8) : certificate.der
        guard FileManager.default.createFile(atPath: url.path, contents: Data(bytes)) else {
            throw OutputFileError(path: url.path, reason: "cannot create the file")
        }
    }

    public func finish() throws {
        let manager = FileManager.default
        if manager.fileExists(atPath: target.path) {
            let old = target.deletingLastPathComponent().appendingPathComponent(
                ".\(target.lastPathComponent).old-\(UUID().uuidString)")
            try manager.moveItem(at: target, to: old)
            try manager.moveItem(at: staging, to: target)
            try? manager.removeItem(at: old)
        } else {
            try manager.moveItem(at: staging, to: target)
        }
    }

    public func discard() { try? FileManager.default.removeItem(at: staging) }
}

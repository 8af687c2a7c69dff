import CertDirectoryTestSupport
import Foundation
import Testing

@testable import CertDirectory

/// The address book says who writes to whom: private, wherever it is put.
@Suite("address book file modes")
struct AddressBookModeTests {
    @Test("a new book and its -wal and -shm files are 0600 under a 022 umask, at any path")
    func privateModes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certdir-bookmode-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("book.sqlite").path
        let old = umask(0o022)
        defer { umask(old) }
        let pki = try TestPKI()
        let book = try AddressBook(path: path)
        try book.add(
            [try ParsedCertificate(der: pki.leaf(san: ["alice@example.com"]))], to: "alice@example.com",
            origin: .import, detail: "test", at: Date())
        for file in [path, path + "-wal", path + "-shm"] {
            let mode = try #require(FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
            #expect(mode == 0o600, "\(file): \(String(mode, radix: 8))")
        }
        _ = book
    }
}

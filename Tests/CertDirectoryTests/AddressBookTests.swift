import CertDirectoryTestSupport
import Foundation
import GRDB
import Testing

@testable import CertDirectory

@Suite("address book store: schema, migrations, identity, replay")
struct AddressBookTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("certdir-abook-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func path(_ name: String = "book.sqlite") -> String { folder.appendingPathComponent(name).path }

    @Test("schema/addressbook.sql is exactly the frozen v1 migration")
    func referenceSchema() throws {
        let text = try String(
            contentsOf: Self.repository.appendingPathComponent("schema/addressbook.sql"), encoding: .utf8)
        let statements = text.split(separator: "\n", omittingEmptySubsequences: false).drop {
            $0.hasPrefix("--") || $0.isEmpty
        }
        #expect(statements.joined(separator: "\n") == AddressBookSchema.version1 + "\n")
    }

    @Test("a new book is migrated once; reopening applies nothing and keeps the data")
    func migrateAndReopen() throws {
        let pki = try TestPKI()
        let leaf = try ParsedCertificate(der: pki.leaf(san: ["alice@example.com"]))
        do {
            let book = try AddressBook(path: path())
            try book.add([leaf], to: "Alice@Example.com", origin: .import, detail: "test", at: Date())
        }
        let again = try AddressBook(path: path())
        let contacts = try again.contacts()
        #expect(contacts.map(\.address) == ["alice@example.com"])
        #expect(contacts.first?.certificates.map(\.certificate.sha256) == [leaf.sha256])
        let migrations = try again.database.read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
        }
        #expect(migrations == ["v1"])
        let id = try again.database.read { db in try Int32.fetchOne(db, sql: "PRAGMA application_id") }
        #expect(id == AddressBookSchema.applicationID)
        let journal = try again.database.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
    }

    @Test("a book from a newer certdir (an unknown migration) is refused, not rewritten")
    func newerBook() throws {
        do {
            let book = try AddressBook(path: path())
            try book.database.write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99')") }
        }
        #expect(throws: AddressBookError.self) { try AddressBook(path: path()) }
        do {
            _ = try AddressBook(path: path())
        } catch let error as AddressBookError {
            #expect(error.kind == .newer)
            #expect(error.description.contains(path()))
        }
    }

    @Test("an empty file becomes a book; a text file is damaged (SQLITE_NOTADB)")
    func emptyAndText() throws {
        FileManager.default.createFile(atPath: path("empty.sqlite"), contents: Data())
        #expect(try AddressBook(path: path("empty.sqlite")).contacts().isEmpty)
        FileManager.default.createFile(
            atPath: path("text.sqlite"), contents: Data(String(repeating: "not sqlite\n", count: 200).utf8))
        do {
            _ = try AddressBook(path: path("text.sqlite"))
            Issue.record("a text file opened as a book")
        } catch let error as AddressBookError {
            guard case .corrupt = error.kind else {
                Issue.record("expected corrupt, got \(error.kind)")
                return
            }
        }
    }

    @Test("the default location follows XDG_DATA_HOME, then HOME")
    func defaultPath() {
        #expect(
            AddressBook.defaultPath(environment: ["XDG_DATA_HOME": "/x/data", "HOME": "/h"])
                == "/x/data/certdir/addressbook.sqlite")
        #expect(
            AddressBook.defaultPath(environment: ["XDG_DATA_HOME": "relative", "HOME": "/h"])
                == "/h/.local/share/certdir/addressbook.sqlite")
        #expect(AddressBook.defaultPath(environment: ["HOME": "/h"]) == "/h/.local/share/certdir/addressbook.sqlite")
    }

    @Test("vCard lines fold at 75 octets with CRLF and a space, never inside a UTF-8 character")
    func vcardFolding() {
        let folded = VCard.fold("FN:" + String(repeating: "é", count: 60))
        let lines = folded.components(separatedBy: "\r\n").dropLast()
        #expect(lines.allSatisfy { $0.utf8.count <= 75 })
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(
            lines.enumerated().map { $0.offset == 0 ? $0.element : String($0.element.dropFirst()) }.joined() == "FN:"
                + String(repeating: "é", count: 60))
        // A semicolon stays as is in a single text value such as FN (RFC 6350 §3.4).
        #expect(VCard.escape("Doe, Jane; PhD\\") == "Doe\\, Jane; PhD\\\\")
        // vCard 3.0 escapes it in every text value (RFC 2426 §4), and EDS cuts FN at a bare one.
        #expect(VCard.escape("Doe, Jane; PhD", version: .v3) == "Doe\\, Jane\\; PhD")
    }
}

public import Foundation
import GRDB

/// The local address book: contacts, their certificates, and the directory
/// lookups made for them, in one SQLite file in WAL mode.
///
/// One value may be shared by many tasks; several processes may use the same
/// file at once (writes are serialised by SQLite, waiting up to
/// ``busyTimeout``). The file is never recreated or overwritten when it
/// cannot be read: opening fails with ``AddressBookError``.
public final class AddressBook: Sendable {
    /// The database file.
    public let path: String
    let database: DatabaseQueue
    /// Keeps the stored negative answers under their limit.
    let negativeBound: NegativeBound

    /// How long a writer waits for another process's transaction, in seconds: long enough for a
    /// concurrent batch's write on a loaded machine (10 s lost one of two 500-address runs in CI).
    public static let busyTimeout: TimeInterval = 30

    /// Opens the book at `path`, creating the file and its folder (mode 0700) if absent.
    /// - Throws: ``AddressBookError`` when the file is not a certdir address
    ///   book, is corrupt, comes from a newer certdir, or cannot be created.
    /// - Parameter negativeLimit: The most negative answers kept (``defaultNegativeLimit``); the oldest go first.
    public init(path: String, negativeLimit: Int = AddressBook.defaultNegativeLimit) throws {
        self.path = path
        negativeBound = NegativeBound(limit: negativeLimit)
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty && !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw AddressBookError(
                    path: path, kind: .unusable("cannot create its folder: \(error.localizedDescription)"))
            }
        }
        // Created 0600 before SQLite sees it: SQLite would create it 0644 under
        // the umask, and gives its -wal and -shm files the database file's mode.
        // The book holds who writes to whom: private, wherever it is.
        let created = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if created >= 0 { close(created) }
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        // One connection (a queue, not a pool): a command does a few short
        // transactions, and each extra connection costs start-up time. WAL is set
        // after the identity check (it rewrites the file header, which a foreign
        // file must never see), and not with `journalMode = .wal`, which also writes
        // a dummy transaction at every open for a pool's readers. NORMAL cannot
        // corrupt the file in WAL mode (SQLite, PRAGMA synchronous).
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        configuration.label = "certdir.addressbook"
        configuration.foreignKeysEnabled = true
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            try Self.checkIdentity(database, path: path)
            try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
            try Self.migrate(database)
        } catch let error as AddressBookError {
            throw error
        } catch {
            throw AddressBookError(path: path, error)
        }
    }

    /// `$XDG_DATA_HOME/certdir/addressbook.sqlite`, else `~/.local/share/certdir/addressbook.sqlite`
    /// (XDG Base Directory Specification).
    public static func defaultPath(environment: [String: String]) -> String {
        let dataHome =
            environment["XDG_DATA_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
        return dataHome + "/certdir/addressbook.sqlite"
    }

    /// Refuses a SQLite file that another program owns: one with tables but not our application id
    /// (the v1 migration sets it in the same transaction that creates the tables).
    private static func checkIdentity(_ database: DatabaseQueue, path: String) throws {
        let (id, tables) = try database.read { db in
            (
                try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0,
                // grdb_migrations alone is a new book that another process is migrating right now.
                try Int.fetchOne(
                    db,
                    sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name != 'grdb_migrations'")
                    ?? 0
            )
        }
        if id != AddressBookSchema.applicationID && (id != 0 || tables > 0) {
            throw AddressBookError(path: path, kind: .foreign)
        }
    }

    private static func migrate(_ database: DatabaseQueue) throws {
        let migrator = AddressBookSchema.migrator
        let (superseded, complete) = try database.read { db in
            (try migrator.hasBeenSuperseded(db), try migrator.hasCompletedMigrations(db))
        }
        if superseded { throw AddressBookError(path: database.path, kind: .newer) }
        // A current book is only read: no write transaction, so no WAL frames and no fsync on open.
        guard !complete else { return }
        do {
            try migrator.migrate(database)
        } catch {
            // Another process may have applied the same migration between our
            // check and our write; then the book is complete and fine.
            guard try database.read(migrator.hasCompletedMigrations) else { throw error }
        }
    }

    /// Runs `body` in a write transaction, mapping SQLite failures to ``AddressBookError``.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try database.write(body)
        } catch let error as DatabaseError {
            throw AddressBookError(path: path, error)
        }
    }

    /// Runs `body` in a read transaction, mapping SQLite failures to ``AddressBookError``.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try database.read(body)
        } catch let error as DatabaseError {
            throw AddressBookError(path: path, error)
        }
    }
}

/// The address book file cannot be used. Its message names the file and how
/// to start over; certdir never recreates it by itself.
public struct AddressBookError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// SQLite says the file is damaged or not a database.
        case corrupt(String)
        /// A SQLite database of some other program.
        case foreign
        /// Written by a newer certdir, with migrations this one does not know.
        case newer
        /// Another process held the book locked for longer than ``AddressBook/busyTimeout``: try again later.
        case busy
        /// Cannot be opened, read or written (permissions, disk full).
        case unusable(String)
    }

    public let path: String
    public let kind: Kind

    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    init(path: String, _ error: any Error) {
        self.path = path
        guard let error = error as? DatabaseError else {
            kind = .unusable("\(error)")
            return
        }
        switch error.resultCode {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            kind = .corrupt(error.message ?? "\(error.resultCode)")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            kind = .busy
        default:
            kind = .unusable(error.message ?? "\(error.resultCode)")
        }
    }

    public var description: String {
        let rebuild = "move it aside (mv \(path) \(path).broken) and certdir starts a new, empty book"
        switch kind {
        case .corrupt(let reason):
            return "address book \(path) is damaged (\(reason)); \(rebuild)"
        case .foreign:
            return
                "\(path) is a SQLite database but not a certdir address book; give another --address-book, or \(rebuild)"
        case .newer:
            return "address book \(path) was written by a newer certdir; use that version, or \(rebuild)"
        case .busy:
            return
                "address book \(path) stayed locked by another process for \(Int(AddressBook.busyTimeout)) s; try again"
        case .unusable(let reason):
            return "address book \(path) cannot be used: \(reason)"
        }
    }
}

public import Foundation
import GRDB
import Synchronization

/// The bound on negative answers (not found, no usable certificate,
/// ambiguous) the book keeps: random unknown addresses sent to `serve` must
/// not grow it without limit. Past ``limit`` rows, the oldest are deleted.
///
/// Counting the rows is a table scan, so the count is taken once every
/// `limit / 1000` new negative answers (every one for a limit under 1000):
/// the book may pass the limit by that many rows, no more.
final class NegativeBound: Sendable {
    let limit: Int
    private let sinceCheck = Mutex(0)

    init(limit: Int) { self.limit = max(1, limit) }

    /// Notes `added` new negative answers; true when it is time to count.
    func due(after added: Int) -> Bool {
        guard added > 0 else { return false }
        let every = max(1, limit / 1000)
        return sinceCheck.withLock { count in
            count += added
            guard count >= every else { return false }
            count = 0
            return true
        }
    }
}

extension AddressBook {
    /// The default bound on stored negative answers.
    public static let defaultNegativeLimit = 100_000

    /// Deletes the oldest negative answers past the bound, in the caller's transaction.
    /// - Parameter added: How many negative answers the caller just stored.
    func boundNegatives(_ db: Database, added: Int) throws {
        guard negativeBound.due(after: added) else { return }
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM lookup WHERE status != 'ok'") ?? 0
        guard count > negativeBound.limit else { return }
        try db.execute(
            sql: """
                DELETE FROM lookup WHERE rowid IN (
                    SELECT rowid FROM lookup WHERE status != 'ok' ORDER BY looked_up_at, rowid LIMIT ?)
                """,
            arguments: [count - negativeBound.limit])
    }

    /// Removes negative answers older than `negativeTTL` at `time`: they would be asked again anyway.
    /// - Returns: How many were removed.
    /// - Throws: ``AddressBookError``.
    public func pruneNegatives(olderThan negativeTTL: TimeInterval, at time: Date) throws -> Int {
        try write { db in
            try db.execute(
                sql: "DELETE FROM lookup WHERE status != 'ok' AND looked_up_at < ?",
                arguments: [time.timeIntervalSince1970 - negativeTTL])
            return db.changesCount
        }
    }

    /// How many negative answers the book holds.
    public func negativeCount() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM lookup WHERE status != 'ok'") ?? 0 }
    }
}

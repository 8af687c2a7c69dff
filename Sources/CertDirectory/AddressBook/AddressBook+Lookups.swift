import Foundation
import GRDB

/// A directory answer as the book keeps it: the entries, every candidate and
/// its verdict, so that a later use re-checks dates without a signature
/// verification and replays the same choice.
struct StoredLookup: Codable, Sendable {
    struct Entry: Codable, Sendable {
        var dn: String
        var addresses: [String]
        var candidates: [StoredCandidate]
    }

    struct StoredCandidate: Codable, Sendable {
        var sha256: String
        var uri: String
        var attribute: String
        var index: Int
        /// Reasons apart from the validity dates, which are judged again at each use.
        var reasons: [Finding]
        var warnings: [Finding]
        var primary: String?
        var malformed: Bool
        /// The revocation outcome when it was stored; a revoked certificate's `revoked` reason is kept too.
        var revocation: RevocationStatus
        /// The source that decided it (`ocsp <url>`, `crl <url>`); absent in rows written before it was kept.
        var revocationSource: String? = nil
        /// The earliest nextUpdate of the CRLs that revocation outcome was decided with; the
        /// answer is not reused past it (absent in answers stored before it was recorded).
        var revocationDataValidUntil: Date? = nil
    }

    var entries: [Entry]
    var warnings: [Finding]
}

/// A lookup read back from the book.
struct CachedLookup: Sendable {
    var address: String
    var directory: String
    var checks: String
    var time: Date
    var status: ResolutionStatus
    var detail: StoredLookup
    var certificates: [String: ParsedCertificate]

    var isPositive: Bool { status == .ok }

    /// The earliest nextUpdate of the CRLs behind the stored revocation outcomes, if any.
    var revocationDataValidUntil: Date? {
        detail.entries.flatMap(\.candidates).compactMap(\.revocationDataValidUntil).min()
    }
}

extension AddressBook {
    /// Codes re-derived at every use rather than stored.
    static let timeDependent: Set<ReasonCode> = [.expired, .notYetValid]

    /// Stores each answer from `directory`, replacing the previous one for its
    /// address, and files the answering entry's certificates under the contact;
    /// one transaction for all. Errors are not stored: a failed search says
    /// nothing about the address.
    func record(_ resolutions: [Resolution], directory: String, uri: String, checks: String, at now: Date) throws {
        try write { db in
            for resolution in resolutions where resolution.status != .error {
                try Self.record(db, resolution, directory: directory, uri: uri, checks: checks, at: now)
            }
            try boundNegatives(db, added: resolutions.count { $0.status != .error && $0.status != .ok })
        }
    }

    private static func record(
        _ db: Database, _ resolution: Resolution, directory: String, uri: String, checks: String, at now: Date
    ) throws {
        // The final candidates, after the network checks (path discovery, revocation)
        // that run once the entries were checked, grouped by entry as checked.
        let detail = StoredLookup(
            entries: resolution.checkedEntries.map { entry in
                StoredLookup.Entry(
                    dn: entry.dn, addresses: entry.addresses,
                    candidates: resolution.candidates.filter { $0.source.dn == entry.dn }.map { candidate in
                        StoredLookup.StoredCandidate(
                            sha256: candidate.sha256, uri: candidate.source.uri, attribute: candidate.source.attribute,
                            index: candidate.source.index,
                            reasons: candidate.reasons.filter { !Self.timeDependent.contains($0.code) },
                            warnings: candidate.warnings, primary: candidate.primaryAddress?.description,
                            malformed: candidate.certificate == nil, revocation: candidate.revocation,
                            revocationSource: candidate.revocationSource,
                            revocationDataValidUntil: candidate.revocationDataValidUntil)
                    })
            }, warnings: resolution.warningsBeforeChoice)
        let json = String(decoding: try JSONEncoder().encode(detail), as: UTF8.self)
        try db.execute(
            sql: """
                INSERT INTO lookup (address, directory, checks, looked_up_at, status, detail) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(address, directory) DO UPDATE SET checks = excluded.checks,
                    looked_up_at = excluded.looked_up_at, status = excluded.status, detail = excluded.detail
                """,
            arguments: [
                BookAddress.normalise(resolution.address), directory, checks, now.timeIntervalSince1970,
                resolution.status.rawValue, json,
            ])
        // Every certificate of the answer is kept, so that a replay has them all
        // (path intermediates too, to re-check a chain offline).
        for certificate in resolution.candidates.compactMap(\.certificate) {
            try Self.storeCertificate(db, certificate)
        }
        // They are filed under the contact of the entry that answered: the chosen
        // certificate's entry, or the only entry.
        let dn =
            resolution.chosen?.source.dn
            ?? (resolution.checkedEntries.count == 1 ? resolution.checkedEntries[0].dn : nil)
        guard let entry = resolution.checkedEntries.first(where: { $0.dn == dn }) else { return }
        let contact = try Self.upsertContact(
            db, address: resolution.address, origin: .directory,
            displayName: resolution.chosen?.certificate?.commonName, aliases: entry.addresses,
            directory: (uri, entry.dn), at: now)
        for candidate in resolution.candidates where candidate.source.dn == entry.dn {
            guard let certificate = candidate.certificate, !certificate.isCA else { continue }
            try Self.link(
                db, certificate, contact: contact, origin: .directory, detail: "\(uri) \(entry.dn)", at: now)
        }
    }

    /// The stored answers for `addresses` from `directory`, with their certificates; one read transaction.
    /// - Parameter anyDirectory: Without an answer from `directory`, take the newest from any
    ///   directory (for `--offline`, which names no directory to trust more than another).
    func lookups(_ addresses: [String], directory: String, anyDirectory: Bool = false) throws -> [CachedLookup?] {
        try read { db in
            try addresses.map { try Self.lookup(db, address: $0, directory: directory, anyDirectory: anyDirectory) }
        }
    }

    private static func lookup(_ db: Database, address: String, directory: String, anyDirectory: Bool) throws
        -> CachedLookup?
    {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM lookup WHERE address = ? AND (directory = ? OR ?)
                    ORDER BY directory = ? DESC, looked_up_at DESC LIMIT 1
                    """,
                arguments: [BookAddress.normalise(address), directory, anyDirectory, directory]),
            let status = ResolutionStatus(rawValue: row["status"]),
            let detail = try? JSONDecoder().decode(StoredLookup.self, from: Data((row["detail"] as String).utf8))
        else { return nil }
        let wanted = Set(detail.entries.flatMap { $0.candidates.filter { !$0.malformed }.map(\.sha256) })
        let certificates = try Self.certificates(db, wanted)
        // An answer whose certificates are no longer all held cannot be replayed faithfully: a miss.
        guard certificates.count == wanted.count else { return nil }
        return CachedLookup(
            address: row["address"], directory: row["directory"], checks: row["checks"],
            time: Date(timeIntervalSince1970: row["looked_up_at"]), status: status, detail: detail,
            certificates: certificates)
    }
}

public import Foundation
import GRDB

extension AddressBook {
    /// Adds `certificates` to the contact `address` (created if new), or
    /// refreshes their last-seen time if already held. Idempotent.
    /// - Parameters:
    ///   - detail: The directory URI and DN, the message, or the file.
    ///   - capabilities: DER SMIMECapabilities seen with them in signed mail.
    ///   - preferred: The sha256 of the certificate named by SMIMEEncryptionKeyPreference.
    /// - Throws: ``AddressBookError``.
    public func add(
        _ certificates: [ParsedCertificate], to address: String, origin: CertificateOrigin, detail: String?,
        displayName: String? = nil, aliases: [String] = [], capabilities: [UInt8]? = nil, preferred: String? = nil,
        at now: Date
    ) throws {
        try write { db in
            let contact = try Self.upsertContact(
                db, address: address, origin: origin, displayName: displayName, aliases: aliases, directory: nil,
                at: now)
            for certificate in certificates {
                try Self.link(
                    db, certificate, contact: contact, origin: origin, detail: detail, capabilities: capabilities,
                    preferred: preferred == certificate.sha256, at: now)
            }
        }
    }

    /// Every contact with its certificates, ordered by address.
    /// - Throws: ``AddressBookError``.
    public func contacts() throws -> [BookContact] {
        try read { db in try Self.fetchContacts(db, whereClause: "", arguments: []) }
    }

    /// The contact for `address` (any case), or `nil`.
    /// - Throws: ``AddressBookError``.
    public func contact(_ address: String) throws -> BookContact? {
        try read { db in
            try Self.fetchContacts(db, whereClause: "WHERE c.address = ?", arguments: [BookAddress.normalise(address)])
                .first
        }
    }

    /// Removes a contact, its links and lookups, and certificates no other contact holds.
    /// - Returns: Whether the contact existed.
    /// - Throws: ``AddressBookError``.
    @discardableResult
    public func removeContact(_ address: String) throws -> Bool {
        let key = BookAddress.normalise(address)
        return try write { db in
            try db.execute(sql: "DELETE FROM lookup WHERE address = ?", arguments: [key])
            try db.execute(sql: "DELETE FROM contact WHERE address = ?", arguments: [key])
            let removed = db.changesCount > 0
            try Self.dropOrphans(db)
            return removed
        }
    }

    /// Removes one certificate from every contact and every cached lookup.
    /// - Parameter sha256: Lowercase hex of the DER (any case accepted).
    /// - Returns: Whether the book held it.
    /// - Throws: ``AddressBookError``.
    @discardableResult
    public func removeCertificate(sha256: String) throws -> Bool {
        let key = sha256.lowercased()
        return try write { db in
            try db.execute(sql: "DELETE FROM certificate WHERE sha256 = ?", arguments: [key])
            let removed = db.changesCount > 0
            // A lookup that offered it must be asked again, not replayed without it.
            try db.execute(sql: "DELETE FROM lookup WHERE instr(detail, ?) > 0", arguments: [key])
            return removed
        }
    }

    /// Removes certificates that expired before `time`, then contacts left with
    /// neither certificates nor a cached lookup.
    /// - Returns: How many certificates and contacts were removed.
    /// - Throws: ``AddressBookError``.
    public func prune(at time: Date) throws -> (certificates: Int, contacts: Int) {
        try write { db in
            let cutoff = time.timeIntervalSince1970
            let expired = try String.fetchAll(
                db, sql: "SELECT sha256 FROM certificate WHERE not_after < ?", arguments: [cutoff])
            for sha256 in expired {
                try db.execute(sql: "DELETE FROM certificate WHERE sha256 = ?", arguments: [sha256])
                try db.execute(sql: "DELETE FROM lookup WHERE instr(detail, ?) > 0", arguments: [sha256])
            }
            try db.execute(
                sql: """
                    DELETE FROM contact WHERE id NOT IN (SELECT contact_id FROM contact_certificate)
                    AND address NOT IN (SELECT address FROM lookup)
                    """)
            return (expired.count, db.changesCount)
        }
    }

    // MARK: - Shared statements

    static func upsertContact(
        _ db: Database, address: String, origin: CertificateOrigin, displayName: String?, aliases: [String],
        directory: (uri: String, dn: String)?, at now: Date
    ) throws -> Int64 {
        let key = BookAddress.normalise(address)
        var seen: Set = [key]
        let unique = aliases.map(BookAddress.normalise).filter { seen.insert($0).inserted }
        let aliasJSON = String(decoding: try JSONEncoder().encode(unique), as: UTF8.self)
        let time = now.timeIntervalSince1970
        // A directory entry is the authority for a contact's names; mail and
        // imports only fill in what is missing.
        try db.execute(
            sql: """
                INSERT INTO contact (address, display_name, aliases, origin, directory_uri, dn, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(address) DO UPDATE SET
                    display_name = CASE WHEN excluded.origin = 'directory' OR display_name IS NULL
                                   THEN coalesce(excluded.display_name, display_name) ELSE display_name END,
                    aliases = CASE WHEN excluded.origin = 'directory' THEN excluded.aliases ELSE aliases END,
                    origin = CASE WHEN excluded.origin = 'directory' THEN 'directory' ELSE origin END,
                    directory_uri = coalesce(excluded.directory_uri, directory_uri),
                    dn = coalesce(excluded.dn, dn),
                    updated_at = excluded.updated_at
                """,
            arguments: [key, displayName, aliasJSON, origin.rawValue, directory?.uri, directory?.dn, time, time])
        return try Int64.fetchOne(db, sql: "SELECT id FROM contact WHERE address = ?", arguments: [key])!
    }

    static func link(
        _ db: Database, _ certificate: ParsedCertificate, contact: Int64, origin: CertificateOrigin, detail: String?,
        capabilities: [UInt8]? = nil, preferred: Bool = false, at now: Date
    ) throws {
        try storeCertificate(db, certificate)
        try db.execute(
            sql: """
                INSERT INTO contact_certificate (contact_id, sha256, origin, origin_detail, first_seen, last_seen,
                    smime_capabilities, encryption_preference)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(contact_id, sha256) DO UPDATE SET
                    last_seen = max(last_seen, excluded.last_seen),
                    origin_detail = coalesce(excluded.origin_detail, origin_detail),
                    smime_capabilities = coalesce(excluded.smime_capabilities, smime_capabilities),
                    encryption_preference = max(encryption_preference, excluded.encryption_preference)
                """,
            arguments: [
                contact, certificate.sha256, origin.rawValue, detail, now.timeIntervalSince1970,
                now.timeIntervalSince1970, capabilities.map { Data($0) }, preferred,
            ])
    }

    static func storeCertificate(_ db: Database, _ certificate: ParsedCertificate) throws {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO certificate (sha256, der, subject, issuer, serial, not_before, not_after, key_usage)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                certificate.sha256, Data(certificate.der), certificate.subject, certificate.issuer, certificate.serial,
                certificate.notBefore.timeIntervalSince1970, certificate.notAfter.timeIntervalSince1970,
                certificate.usageSummary,
            ])
    }

    /// Certificates by sha256; a stored DER that no longer parses is left out.
    static func certificates(_ db: Database, _ sha256s: some Collection<String>) throws -> [String: ParsedCertificate] {
        var found: [String: ParsedCertificate] = [:]
        for sha256 in Set(sha256s) {
            guard
                let der = try Data.fetchOne(
                    db, sql: "SELECT der FROM certificate WHERE sha256 = ?", arguments: [sha256])
            else { continue }
            found[sha256] = try? ParsedCertificate(der: Array(der))
        }
        return found
    }

    private static func dropOrphans(_ db: Database) throws {
        // Certificates that a stored answer still names stay, or that answer could not be replayed.
        try db.execute(
            sql: """
                DELETE FROM certificate WHERE sha256 NOT IN (SELECT sha256 FROM contact_certificate)
                AND NOT EXISTS (SELECT 1 FROM lookup WHERE instr(lookup.detail, certificate.sha256) > 0)
                """)
    }

    private static func fetchContacts(_ db: Database, whereClause: String, arguments: StatementArguments) throws
        -> [BookContact]
    {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT c.id, c.address, c.display_name, c.aliases, c.origin, c.directory_uri, c.dn,
                       l.sha256, l.origin AS cert_origin, l.origin_detail, l.first_seen, l.last_seen,
                       l.smime_capabilities, l.encryption_preference, cert.der
                FROM contact c
                LEFT JOIN contact_certificate l ON l.contact_id = c.id
                LEFT JOIN certificate cert ON cert.sha256 = l.sha256
                \(whereClause)
                ORDER BY c.address, l.first_seen
                """, arguments: arguments)
        var contacts: [BookContact] = []
        var lastID: Int64?
        for row in rows {
            let id: Int64 = row["id"]
            if id != lastID {
                lastID = id
                let aliases = (row["aliases"] as String?).flatMap {
                    try? JSONDecoder().decode([String].self, from: Data($0.utf8))
                }
                contacts.append(
                    BookContact(
                        address: row["address"], displayName: row["display_name"], aliases: aliases ?? [],
                        origin: CertificateOrigin(rawValue: row["origin"]) ?? .import,
                        directoryURI: row["directory_uri"],
                        dn: row["dn"], certificates: []))
            }
            guard let der: Data = row["der"], let parsed = try? ParsedCertificate(der: Array(der)) else { continue }
            let capabilities: Data? = row["smime_capabilities"]
            contacts[contacts.count - 1].certificates.append(
                BookCertificate(
                    certificate: parsed, origin: CertificateOrigin(rawValue: row["cert_origin"]) ?? .import,
                    originDetail: row["origin_detail"], firstSeen: Date(timeIntervalSince1970: row["first_seen"]),
                    lastSeen: Date(timeIntervalSince1970: row["last_seen"]),
                    smimeCapabilities: capabilities.map(Array.init),
                    encryptionPreference: row["encryption_preference"]))
        }
        return contacts
    }
}

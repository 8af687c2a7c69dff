import Foundation

/// `--format jsonl`: one JSON object per distinct certificate (or malformed
/// value), as published in `schema/export-record.schema.json`: sha256,
/// subject, issuer, serial, notBefore, notAfter, status, revocation (and
/// revocationSource when one decided), reasons, and
/// `entries` (dn, mail, attribute of every entry holding it).
///
/// Records are written as they are found. A certificate met again on another
/// entry after its line was written is noted in memory (duplicates are rare);
/// ``finish()`` then rewrites the staged file once, merging those entries.
public final class JSONLinesSink: ExportSink {
    private let path: String
    private let staging: OutputFile
    private let stagingPath: String
    private var extraHolders: [String: [ExportRecord.Holder]] = [:]
    /// Issuer names as printed, by their DER: a directory's certificates come
    /// from a few CAs, and printing a name costs about 12 µs.
    private var issuerNames: [ArraySlice<UInt8>: String] = [:]

    public init(path: String) throws {
        self.path = path
        stagingPath =
            FileManager.default.temporaryDirectory.appendingPathComponent("certdir-jsonl-\(UUID().uuidString)").path
        staging = try OutputFile(path: stagingPath)
    }

    public func record(_ record: ExportRecord) throws {
        try staging.write(Line(record, issuer: record.certificate.map(issuerName)).text)
    }

    private func issuerName(of certificate: ParsedCertificate) -> String {
        guard let der = certificate.issuerDER else { return certificate.issuer }
        if let known = issuerNames[der] { return known }
        if issuerNames.count >= 1024 { issuerNames.removeAll() }
        let name = certificate.issuer
        issuerNames[der] = name
        return name
    }

    public func holder(_ holder: ExportRecord.Holder, of sha256: String) throws {
        extraHolders[sha256, default: []].append(holder)
    }

    public func finish() throws {
        defer { try? FileManager.default.removeItem(atPath: stagingPath) }
        try staging.commit()
        let output = try OutputFile(path: path, public: true)
        do {
            guard let input = FileHandle(forReadingAtPath: stagingPath) else {
                throw OutputFileError(path: stagingPath, reason: "cannot read the staged records")
            }
            defer { try? input.close() }
            var pending: [UInt8] = []
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                pending += chunk
                var start = 0
                while let newline = pending[start...].firstIndex(of: 0x0a) {
                    try output.write(try merged(Array(pending[start...newline])))
                    start = newline + 1
                }
                pending.removeFirst(start)
            }
            try output.commit()
        } catch {
            output.discard()
            throw error
        }
    }

    public func discard() {
        staging.discard()
        try? FileManager.default.removeItem(atPath: stagingPath)
    }

    /// A staged line, with the entries of later duplicates added when there are any.
    private func merged(_ line: [UInt8]) throws -> [UInt8] {
        // Each line starts with its sha256 (written first, lowercase hex), so
        // only the lines of duplicates are decoded again.
        let prefix = Array(#"{"sha256":""#.utf8)
        guard !extraHolders.isEmpty, line.starts(with: prefix), line.count > prefix.count + 64,
            extraHolders[String(decoding: line[prefix.count..<prefix.count + 64], as: UTF8.self)] != nil,
            var record = try? JSONDecoder().decode(Line.self, from: Data(line)),
            let extra = extraHolders[record.sha256]
        else { return line }
        record.entries += extra.map(Line.Holder.init)
        return Array(record.text.utf8)
    }

    struct Line: Decodable {
        struct Holder: Decodable {
            var dn: String
            var mail: String?
            var attribute: String

            init(_ holder: ExportRecord.Holder) {
                dn = holder.dn
                mail = holder.mail
                attribute = holder.attribute
            }
        }

        var sha256: String
        var subject: String?
        var issuer: String?
        var serial: String?
        var notBefore: String?
        var notAfter: String?
        var status: String
        var revocation: String?
        var revocationSource: String?
        var reasons: [Finding]
        var entries: [Holder]

        /// - Parameter issuer: The certificate's issuer as printed (from the sink's cache).
        init(_ record: ExportRecord, issuer: String?) {
            sha256 = record.sha256
            subject = record.certificate?.subject
            self.issuer = issuer
            serial = record.certificate?.serial
            notBefore = record.certificate.map { RFC3339.format($0.notBefore) }
            notAfter = record.certificate.map { RFC3339.format($0.notAfter) }
            status = record.status.rawValue
            revocation = record.certificate == nil ? nil : record.revocation.rawValue
            revocationSource = record.revocationSource
            reasons = record.reasons
            entries = record.holders.map(Holder.init)
        }

        /// The record as one JSON line, in the schema's field order.
        var text: String {
            var line = JSONLine()
            line.field("sha256", sha256)
            line.field("subject", subject)
            line.field("issuer", issuer)
            line.field("serial", serial)
            line.field("notBefore", notBefore)
            line.field("notAfter", notAfter)
            line.field("status", status)
            if let revocation { line.field("revocation", revocation) }
            if let revocationSource { line.field("revocationSource", revocationSource) }
            line.field("reasons", objects: reasons) { object, finding in
                object.field("code", finding.code.rawValue)
                object.field("message", finding.message)
            }
            line.field("entries", objects: entries) { object, holder in
                object.field("dn", holder.dn)
                if let mail = holder.mail { object.field("mail", mail) }
                object.field("attribute", holder.attribute)
            }
            return line.closed + "\n"
        }

        enum CodingKeys: String, CodingKey {
            case sha256, subject, issuer, serial, notBefore, notAfter, status, revocation, revocationSource, reasons,
                entries
        }
    }
}

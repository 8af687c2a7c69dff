import Foundation

/// One checked certificate (or malformed value) of an entry.
struct CheckedItem: Sendable {
    var sha256: String
    /// The first 8 bytes of the digest, the de-duplication key.
    var key: UInt64
    var certificate: ParsedCertificate?
    var attribute: String
    var status: ExportRecord.Status
    var reasons: [Finding]
}

/// One entry after its values were parsed and checked.
struct CheckedEntry: Sendable {
    var dn: String
    var mail: String?
    var items: [CheckedItem]
    /// Each raw certificate value, with whether it holds a usable certificate (for LDIF).
    var values: [(attribute: String, value: [UInt8], usable: Bool)]
}

/// Parses and checks the entries of one page, spread over the processor cores.
struct PageChecker: Sendable {
    let validator: CertificateValidator
    let intermediates: [ParsedCertificate]
    let time: Date
    let uri: String

    /// Entries per child task: small enough that the cores finish a page
    /// together, large enough that a task's overhead does not count.
    static let chunkSize = 25

    func check(_ entries: [LDAPEntry]) async -> [CheckedEntry] {
        let chunks = stride(from: 0, to: entries.count, by: Self.chunkSize).map {
            Array(entries[$0..<min(entries.count, $0 + Self.chunkSize)])
        }
        return await withTaskGroup(of: (Int, [CheckedEntry]).self) { group in
            for (index, chunk) in chunks.enumerated() {
                group.addTask { (index, chunk.map(checkEntry)) }
            }
            var parts = [[CheckedEntry]](repeating: [], count: chunks.count)
            for await (index, checked) in group { parts[index] = checked }
            return parts.flatMap { $0 }
        }
    }

    /// Checks every certificate of an entry for the entry's primary address.
    func checkEntry(_ entry: LDAPEntry) -> CheckedEntry {
        let values = EntryValues(entry: entry, uri: uri)
        let address = values.primaryAddress.flatMap(MailAddress.init)
        // The entry's other mail values (RFC 4524): a certificate naming one is the entry's too.
        let otherMail = values.mail.dropFirst().compactMap(MailAddress.init)
        let pool = intermediates + values.certificates.map(\.certificate).filter(\.isCA)
        var items: [CheckedItem] = []
        var usableSHA = Set<String>()
        for found in values.certificates {
            let certificate = found.certificate
            var reasons: [Finding]
            if let address {
                reasons =
                    validator.validate(
                        certificate, purpose: .encrypt,
                        address: AddressExpectation(address: address, otherMail: otherMail),
                        intermediates: pool,
                        at: time
                    ).reasons
            } else {
                reasons =
                    validator.validate(certificate, purpose: .encrypt, address: nil, intermediates: pool, at: time)
                    .reasons
                if !certificate.isCA { reasons.append(Finding(.addressMismatch, "the entry has no mail address")) }
            }
            if reasons.isEmpty { usableSHA.insert(certificate.sha256) }
            items.append(
                CheckedItem(
                    sha256: certificate.sha256, key: Self.key(certificate.sha256), certificate: certificate,
                    attribute: found.source.attribute, status: reasons.isEmpty ? .usable : .unusable, reasons: reasons))
        }
        for bad in values.malformed {
            items.append(
                CheckedItem(
                    sha256: bad.sha256, key: Self.key(bad.sha256), certificate: nil, attribute: bad.source.attribute,
                    status: .unusable, reasons: [Finding(.malformedValue, bad.reason)]))
        }
        let raw = values.rawValues.map { value in
            (attribute: value.attribute, value: value.value, usable: value.sha256s.contains { usableSHA.contains($0) })
        }
        return CheckedEntry(dn: entry.dn, mail: values.primaryAddress, items: items, values: raw)
    }

    static func key(_ sha256: String) -> UInt64 {
        UInt64(sha256.prefix(16), radix: 16) ?? 0
    }
}

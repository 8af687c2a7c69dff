import CertDirectory
import Foundation
import NIOConcurrencyHelpers

/// Certificates by their RFC 4387 search keys and subject CommonName, for
/// queries that are not by address. Filled by a full export of the directory
/// (``IndexBuilder``) and by every certificate an address lookup returns.
final class CertificateIndex: Sendable {
    struct Item: Sendable {
        let certificate: ParsedCertificate
        /// Fit for encrypting to its holder's address when it was checked
        /// (the export's verdict, or the address lookup's).
        let usable: Bool
    }

    private struct Tables {
        var items: [String: Item] = [:]
        var byHash: [SearchQuery.HashAttribute: [[UInt8]: [String]]] = [:]
        var byName: [String: [String]] = [:]
    }

    private let tables = NIOLockedValueBox(Tables())

    var count: Int { tables.withLockedValue { $0.items.count } }

    /// Adds or updates certificates; a certificate already known keeps its keys,
    /// and a `usable` verdict replaces an earlier one.
    func insert(_ items: [Item]) {
        let keyed = items.map { ($0, CertificateHashes($0.certificate)) }
        tables.withLockedValue { tables in
            for (item, hashes) in keyed {
                let sha = item.certificate.sha256
                if tables.items[sha] == nil {
                    for (attribute, digest) in hashes.values {
                        tables.byHash[attribute, default: [:]][digest, default: []].append(sha)
                    }
                    if let name = item.certificate.commonName { tables.byName[name, default: []].append(sha) }
                }
                tables.items[sha] = item
            }
        }
    }

    /// Certificates whose `attribute` hashes to `digest`.
    func find(_ attribute: SearchQuery.HashAttribute, _ digest: [UInt8]) -> [Item] {
        tables.withLockedValue { tables in
            (tables.byHash[attribute]?[digest] ?? []).compactMap { tables.items[$0] }
        }
    }

    /// Certificates whose subject CommonName is exactly `name`.
    func find(name: String) -> [Item] {
        tables.withLockedValue { tables in (tables.byName[name] ?? []).compactMap { tables.items[$0] } }
    }

    /// Of `items`, those to serve at `now`: all with `purpose=any`; else the usable
    /// ones whose validity dates still hold (RFC 5280 §4.1.2.5), judged at each use.
    static func served(_ items: [Item], everyCertificate: Bool, now: Date) -> [ParsedCertificate] {
        items.filter { item in
            everyCertificate || (item.usable && now >= item.certificate.notBefore && now <= item.certificate.notAfter)
        }.map(\.certificate)
    }
}

/// Collects an export's certificates into a ``CertificateIndex``.
final class IndexSink: ExportSink {
    private var items: [CertificateIndex.Item] = []
    private let index: CertificateIndex

    init(into index: CertificateIndex) { self.index = index }

    func record(_ record: ExportRecord) throws {
        guard let certificate = record.certificate else { return }
        items.append(.init(certificate: certificate, usable: record.status == .usable))
        if items.count >= 500 { flush() }
    }

    func finish() throws { flush() }
    func discard() { flush() }

    private func flush() {
        index.insert(items)
        items.removeAll(keepingCapacity: true)
    }
}

import Foundation

/// Active Directory's range retrieval of a multi-valued attribute
/// (MS-ADTS 3.1.1.3.1.3.3): at most MaxValRange values per answer, returned as
/// `member;range=0-1499`; the client asks `member;range=1500-…` until a range
/// ends in `*`. AD does so even for a plain `member` request; Samba only when
/// the request names a range, so the first read asks for one.
enum MemberRange {
    /// A returned `member;range=LOW-HIGH` description: HIGH is nil for `*` (the last range).
    struct Range: Equatable {
        let low: Int
        let high: Int?
    }

    /// Parses the `range=` option of an attribute description; nil when it has none.
    static func range(in description: String) -> Range? {
        for option in description.split(separator: ";").dropFirst() {
            let lower = option.lowercased()
            guard lower.hasPrefix("range=") else { continue }
            let bounds = lower.dropFirst("range=".count).split(separator: "-", maxSplits: 1)
            guard bounds.count == 2, let low = Int(bounds[0]) else { return nil }
            if bounds[1] == "*" { return Range(low: low, high: nil) }
            guard let high = Int(bounds[1]), high >= low else { return nil }
            return Range(low: low, high: high)
        }
        return nil
    }

    /// Every `member` value of `group`, reading further ranges from the server
    /// while the last one returned does not end in `*`.
    static func allValues(of group: LDAPEntry, connection: LDAPConnection, window: Int) async throws -> [String] {
        var values: [String] = []
        var seen = Set<String>()
        var entry = group
        var rounds = 0
        while true {
            var next: Int?
            for attribute in entry.attributes(ofType: "member") {
                for value in attribute.values {
                    if let dn = String(validating: value, as: UTF8.self), seen.insert(dn.lowercased()).inserted {
                        values.append(dn)
                    }
                }
                if let range = range(in: attribute.description), let high = range.high {
                    next = max(next ?? 0, high + 1)
                }
            }
            // A range ending in `*` anywhere in this answer means the list is complete.
            if entry.attributes(ofType: "member").contains(where: { range(in: $0.description)?.high == nil }) {
                next = nil
            }
            guard let start = next else { return values }
            rounds += 1
            // A server that never ends its ranges must not keep us forever.
            guard rounds <= 100_000 else { throw MemberRangeError(group: group.dn) }
            let request = SearchRequest(
                base: group.dn, scope: .base, filter: .present("objectClass"),
                attributes: ["member;range=\(start)-\(start + window - 1)"])
            guard let further = try await connection.search(request).entries.first else {
                throw MemberRangeError(group: group.dn)
            }
            entry = further
        }
    }

    /// A `uniqueMember` value without its optional `#'0101'B` UID (RFC 4517 §3.3.21: NameAndOptionalUID).
    static func withoutUID(_ value: String) -> String {
        guard value.hasSuffix("'B"), let hash = value.range(of: "#'", options: .backwards) else { return value }
        let bits = value[hash.upperBound..<value.index(value.endIndex, offsetBy: -2)]
        guard bits.allSatisfy({ $0 == "0" || $0 == "1" }) else { return value }
        return String(value[..<hash.lowerBound])
    }
}

/// A group's ranged `member` values could not be read to the end.
public struct MemberRangeError: Error, Sendable, CustomStringConvertible {
    public let group: String
    public var description: String { "the ranged member values of \(group) could not be read to the end" }
}

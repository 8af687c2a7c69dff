import Foundation

/// The JSON form of an address that names a mail group: the fields of a
/// resolution (no certificate of its own) with `"status": "group"`, and, when
/// expanded, `"members"`: one resolution object per member, and
/// `"memberFailures"`: the members that could not be read or have no address.
public enum GroupJSON {
    /// The `status` of a group's object, beside the ``ResolutionStatus`` values.
    public static let status = "group"

    /// One line of JSON without a trailing newline.
    /// - Parameter members: The members' resolutions; `nil` when the group was not expanded.
    public static func line(_ expansion: GroupExpansion, members: [Resolution]?) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(Record(expansion, members: members))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    struct Record: Encodable {
        let expansion: GroupExpansion
        let members: [ResolutionJSON.Record]?

        init(_ expansion: GroupExpansion, members: [Resolution]?) {
            self.expansion = expansion
            self.members = members?.map(ResolutionJSON.Record.init)
        }

        struct Failure: Encodable {
            let member: String
            let group: String
            let reason: String
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(expansion.address, forKey: .address)
            try container.encode(GroupJSON.status, forKey: .status)
            try container.encodeNil(forKey: .certificate)
            try container.encode([String](), forKey: .candidates)
            try container.encode([Finding](), forKey: .warnings)
            try container.encode([expansion.dn], forKey: .entries)
            guard let members else { return }
            try container.encode(members, forKey: .members)
            try container.encode(
                expansion.failures.map { Failure(member: $0.member, group: $0.group, reason: $0.reason) },
                forKey: .memberFailures)
        }

        enum CodingKeys: String, CodingKey {
            case address, status, certificate, candidates, warnings, entries, members, memberFailures
        }
    }
}

public import Logging

/// Bounds on a group expansion.
public struct GroupLimits: Sendable, Hashable {
    /// Nesting levels followed below the group asked for (1 = its direct members only).
    public var depth: Int
    /// Distinct member entries read in one expansion, nested groups included.
    public var size: Int
    /// Values of `member` asked for per request (`member;range=0-(W-1)`, MS-ADTS 3.1.1.3.1.3.3).
    public var rangeWindow: Int

    public init(depth: Int = 10, size: Int = 10_000, rangeWindow: Int = 1_500) {
        self.depth = depth
        self.size = size
        self.rangeWindow = rangeWindow
    }
}

/// What one mail group expanded to.
public struct GroupExpansion: Sendable {
    /// A member that cannot be encrypted to through this group, and why.
    public struct Failure: Sendable, CustomStringConvertible {
        /// The member's DN (or the group's own DN when the group itself failed).
        public let member: String
        /// The DN of the group it came through.
        public let group: String
        public let reason: String

        public var description: String { "\(member) (member of \(group)): \(reason)" }
    }

    /// The address asked for.
    public let address: String
    /// The group entry's DN.
    public let dn: String
    /// The members' mail addresses, each once, in directory order, nested groups expanded.
    public internal(set) var members: [String] = []
    /// Members that could not be read or have no address, and limits reached.
    public internal(set) var failures: [Failure] = []
}

/// Expands mail groups (distribution lists) to their members' addresses,
/// before the addresses go through the one resolution pipeline like any To
/// address. Recognised: `groupOfNames`/`member`, `groupOfUniqueNames`/
/// `uniqueMember` (without the optional `#'…'B` UID), Active Directory's
/// `group`, and `groupOfURLs` where the server evaluates `memberURL` into
/// `member` (OpenLDAP's dynlist). Nested groups are followed, each DN once, so
/// a loop ends; a group whose members cannot be read fails closed.
public struct GroupExpander: Sendable {
    public let directory: DirectorySettings
    public let limits: GroupLimits
    public var logger: Logger

    public init(directory: DirectorySettings, limits: GroupLimits = GroupLimits(), logger: Logger) {
        self.directory = directory
        self.limits = limits
        self.logger = logger
    }

    static let groupClasses: Set<String> = ["groupofnames", "groupofuniquenames", "group", "groupofurls"]

    /// The expansion of each address whose entry is a group; other addresses are absent.
    /// - Throws: ``DirectoryUnavailableError`` and the errors of a failed connection, as ``Resolver``.
    public func expand(_ addresses: [String]) async throws -> [String: GroupExpansion] {
        guard !addresses.isEmpty else { return [:] }
        return try await DirectoryConnector.withConnection(directory, logger: logger) { connection, _ in
            let base = try await DirectoryConnector.base(directory, for: connection)
            var result: [String: GroupExpansion] = [:]
            for address in addresses where result[address.lowercased()] == nil {
                guard MailAddress(address) != nil else { continue }
                let request = SearchRequest(
                    base: base, scope: .sub,
                    filter: .and([
                        .or(Self.groupClasses.sorted().map { .equal("objectClass", $0) }),
                        RecipientSearch.filter(for: address),
                    ]),
                    attributes: attributes(from: 0), sizeLimit: 2)
                guard let entry = try? await connection.search(request).entries.first else { continue }
                var walk = Walk(limits: limits, connection: connection, expander: self)
                var expansion = GroupExpansion(address: address, dn: entry.dn)
                await walk.expand(entry, depth: 1, into: &expansion)
                result[address.lowercased()] = expansion
            }
            return result
        }
    }

    /// What a member read asks for: enough to tell a group from a person.
    func attributes(from start: Int) -> [String] {
        ["objectClass", "mail", "member", "member;range=\(start)-\(start + limits.rangeWindow - 1)", "uniqueMember"]
    }

    static func isGroup(_ entry: LDAPEntry) -> Bool {
        entry.strings("objectClass").contains { groupClasses.contains($0.lowercased()) }
    }
}

/// One expansion's state: the DNs already met and the members found.
private struct Walk {
    let limits: GroupLimits
    let connection: LDAPConnection
    let expander: GroupExpander
    var visited = Set<String>()
    var seenAddresses = Set<String>()
    var read = 0

    init(limits: GroupLimits, connection: LDAPConnection, expander: GroupExpander) {
        self.limits = limits
        self.connection = connection
        self.expander = expander
    }

    mutating func expand(_ group: LDAPEntry, depth: Int, into expansion: inout GroupExpansion) async {
        visited.insert(group.dn.lowercased())
        let memberDNs: [String]
        do {
            memberDNs = try await members(of: group)
        } catch {
            expansion.failures.append(
                .init(member: group.dn, group: group.dn, reason: "members cannot be read: \(error)"))
            return
        }
        guard !memberDNs.isEmpty else {
            // A Global Catalog holds member only for universal groups; an ACL may hide it.
            expansion.failures.append(
                .init(member: group.dn, group: group.dn, reason: "the directory returned no members for this group"))
            return
        }
        for dn in memberDNs where visited.insert(dn.lowercased()).inserted {
            read += 1
            guard read <= limits.size else {
                expansion.failures.append(
                    .init(member: dn, group: group.dn, reason: "more than \(limits.size) members; nothing beyond"))
                return
            }
            let entry: LDAPEntry
            do {
                let request = SearchRequest(
                    base: dn, scope: .base, filter: .present("objectClass"), attributes: expander.attributes(from: 0))
                guard let found = try await connection.search(request).entries.first else {
                    expansion.failures.append(.init(member: dn, group: group.dn, reason: "the entry cannot be read"))
                    continue
                }
                entry = found
            } catch {
                expansion.failures.append(
                    .init(member: dn, group: group.dn, reason: "the entry cannot be read: \(error)"))
                continue
            }
            if GroupExpander.isGroup(entry) {
                guard depth < limits.depth else {
                    expansion.failures.append(
                        .init(member: dn, group: group.dn, reason: "groups nested deeper than \(limits.depth) levels"))
                    continue
                }
                await expand(entry, depth: depth + 1, into: &expansion)
            } else if let mail = entry.strings("mail").first {
                if seenAddresses.insert(mail.lowercased()).inserted { expansion.members.append(mail) }
            } else {
                expansion.failures.append(.init(member: dn, group: group.dn, reason: "the member has no mail address"))
            }
        }
    }

    /// `member` (all ranges), `uniqueMember` without its UID.
    func members(of group: LDAPEntry) async throws -> [String] {
        var members = try await MemberRange.allValues(of: group, connection: connection, window: limits.rangeWindow)
        members += group.strings("uniqueMember").map(MemberRange.withoutUID)
        return members
    }
}

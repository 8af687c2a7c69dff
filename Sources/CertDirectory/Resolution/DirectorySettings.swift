/// Which directory to ask, and where in it to search.
public struct DirectorySettings: Sendable {
    /// One configuration per URI, in failover order: when one server is
    /// unreachable (connect failure, timeout, TLS failure), the next is tried.
    public var servers: [LDAPConfiguration]
    /// The search base. `nil` means: the DN in the URI, else `""` on a Global
    /// Catalog, else libldap's default (`BASE` in ldap.conf, `LDAPBASE`).
    public var base: String?
    /// The endpoint is an Active Directory Global Catalog (also implied by
    /// ports 3268/3269): base `""` spans the forest, and it is read-only.
    public var globalCatalog: Bool
    /// How many searches may be outstanding at once on the connection. The default is 32.
    public var maxOutstandingSearches: Int

    public init(
        servers: [LDAPConfiguration], base: String? = nil, globalCatalog: Bool = false, maxOutstandingSearches: Int = 32
    ) {
        self.servers = servers
        self.base = base
        self.globalCatalog = globalCatalog
        self.maxOutstandingSearches = maxOutstandingSearches
    }
}

/// No configured directory server could be reached.
public struct DirectoryUnavailableError: Error, Sendable, CustomStringConvertible {
    /// Each URI tried, with why it failed, in order.
    public let attempts: [LDAPError]

    public var description: String {
        "no directory server could be used: " + attempts.map(\.description).joined(separator: "; ")
    }
}

/// Neither the options, the URI nor ldap.conf give a search base.
public struct MissingBaseError: Error, Sendable, CustomStringConvertible {
    public let uri: String
    public var description: String {
        "no search base for \(uri): neither the settings, a DN in the URI, nor BASE in ldap.conf give one"
    }
}

/// The text given as an address is not an RFC 5322 addr-spec.
public struct MalformedAddressError: Error, Sendable, CustomStringConvertible {
    public let address: String
    /// Why the address is refused: its syntax, or an invalid internationalised domain.
    public let problem: MailAddressError

    public init(address: String) {
        self.address = address
        do {
            _ = try MailAddress.parse(address)
            problem = .syntax
        } catch {
            problem = error
        }
    }

    public var description: String {
        switch problem {
        case .syntax: "not a mail address (RFC 5322 addr-spec): \(address.debugDescription)"
        case .invalidDomain: "\(address.debugDescription): \(problem)"
        }
    }

    /// The findings a refused address carries: `invalid-domain` for an IDNA2008 refusal.
    public var findings: [Finding] {
        if case .invalidDomain(let why) = problem { return [Finding(.invalidDomain, why)] }
        return []
    }

    /// The settled answer for the address.
    static func settled(_ address: String, warnings: [Finding] = []) -> Resolution {
        let error = MalformedAddressError(address: address)
        return Resolution(address: address, status: .error, warnings: warnings + error.findings, error: error)
    }
}

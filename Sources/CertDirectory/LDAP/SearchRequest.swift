/// The scope of a search (RFC 4511 §4.5.1.2).
public enum SearchScope: String, Sendable, Hashable, CaseIterable {
    /// Only the base entry.
    case base
    /// The immediate children of the base entry.
    case one
    /// The base entry and everything below it.
    case sub
}

/// A search operation as a value (RFC 4511 §4.5.1).
public struct SearchRequest: Sendable, Hashable {
    /// The base DN. An empty string is the root: on a Global Catalog, the whole forest.
    public var base: String
    public var scope: SearchScope
    public var filter: LDAPFilter
    /// Attribute descriptions to return; empty means all user attributes.
    public var attributes: [String]
    /// Server-side limit on entries returned; 0 means no client-requested limit.
    public var sizeLimit: Int
    /// Server-side time limit in seconds (not a network timeout); 0 means none.
    public var timeLimit: Int

    public init(
        base: String, scope: SearchScope = .sub, filter: LDAPFilter, attributes: [String] = [], sizeLimit: Int = 0,
        timeLimit: Int = 0
    ) {
        self.base = base
        self.scope = scope
        self.filter = filter
        self.attributes = attributes
        self.sizeLimit = sizeLimit
        self.timeLimit = timeLimit
    }
}

/// What a search returned: its entries, and the referrals and search
/// references the server sent instead of data. Referrals are reported,
/// never followed.
public struct SearchResult: Sendable {
    public var entries: [LDAPEntry]
    /// LDAP URLs from search result references and from a referral result (RFC 4511 §4.1.10, §4.5.3).
    public var referrals: [String]
    /// The result code of the searchResultDone; `.success` or `.referral` here, others throw.
    public var code: LDAPResultCode
    public var diagnosticMessage: String?
    /// For a paged search: the cookie for the next page, empty on the last page,
    /// `nil` when the server sent no paged-results response control.
    public var pageCookie: [UInt8]?

    public init(
        entries: [LDAPEntry], referrals: [String], code: LDAPResultCode, diagnosticMessage: String?,
        pageCookie: [UInt8]? = nil
    ) {
        self.entries = entries
        self.referrals = referrals
        self.code = code
        self.diagnosticMessage = diagnosticMessage
        self.pageCookie = pageCookie
    }
}

/// One page request of the simple paged-results control (RFC 2696 §2).
struct PageRequest: Sendable {
    /// Entries per page; 0 asks the server to abandon the paged search (RFC 2696 §3).
    var size: Int
    /// The server's cookie from the previous page; empty for the first.
    var cookie: [UInt8]
}

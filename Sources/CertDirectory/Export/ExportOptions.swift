public import Foundation

/// What to export and how. The search base comes from ``DirectorySettings/base``
/// (or the URI, the Global Catalog rule, ldap.conf), as for lookups.
public struct ExportOptions: Sendable {
    public var scope: SearchScope
    /// An administrator's filter, ANDed with ``defaultFilter``.
    public var filter: LDAPFilter?
    /// Entries per page (RFC 2696). The default is 500; Active Directory caps it at 1,000.
    public var pageSize: Int
    /// Keep only usable certificates.
    public var onlyUsable: Bool
    /// The evaluation instant for every check.
    public var time: Date
    /// How revocation is checked, as in `resolve`: each certificate's path
    /// against its CRLs (fetched once per issuer and cached for the run), and
    /// its OCSP responder only when the validator's
    /// ``ValidationPolicy/revocationSources`` name OCSP. ``RevocationMode/off``
    /// marks every record ``RevocationStatus/notChecked``.
    public var revocation: RevocationMode

    public init(
        scope: SearchScope = .sub, filter: LDAPFilter? = nil, pageSize: Int = 500,
        onlyUsable: Bool = false, time: Date = Date(), revocation: RevocationMode = .prefer
    ) {
        self.scope = scope
        self.filter = filter
        self.pageSize = pageSize
        self.onlyUsable = onlyUsable
        self.time = time
        self.revocation = revocation
    }

    /// Entries that carry any certificate attribute, in either spelling.
    public static let defaultFilter = LDAPFilter.or(RecipientSearch.certificateAttributes.map { .present($0) })

    /// ``defaultFilter``, ANDed with ``filter`` when one is given.
    public var effectiveFilter: LDAPFilter {
        guard let filter else { return Self.defaultFilter }
        return .and([Self.defaultFilter, filter])
    }
}

/// Counts an export reports as it goes and at the end.
public struct ExportProgress: Sendable {
    public var pages = 0
    public var entries = 0
    /// Distinct certificates seen (usable plus unusable).
    public var certificates = 0
    /// Distinct values that are not certificates (``ReasonCode/malformedValue``); not among ``certificates``.
    public var malformed = 0
    /// Values seen again on another entry or attribute, after the first.
    public var duplicates = 0
    public var usable = 0
    public var unusable = 0
    /// Certificates per reason code, over the unusable ones.
    public var reasons: [ReasonCode: Int] = [:]
    public var referrals: [String] = []
    /// Distinct certificates per revocation outcome (``RevocationStatus``).
    public var revocation: [RevocationStatus: Int] = [:]
    /// The revocation sources asked, in order; empty under ``RevocationMode/off``.
    public var revocationSources: [RevocationSource] = []
}

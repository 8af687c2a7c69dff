/// The outcome for one address.
public enum ResolutionStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// One certificate fit for encrypting to the address was chosen.
    case ok
    /// No entry has this address in `mail` or as an `smtp:` proxy address.
    case notFound = "not-found"
    /// An entry was found but none of its certificates is fit.
    case noUsableCertificate = "no-usable-certificate"
    /// Two or more entries have the address, and not exactly one of them has a fit certificate.
    case ambiguous
    /// The directory could not answer for this address.
    case error
}

/// What was found for one address, and why the choice fell as it did.
public struct Resolution: Sendable {
    /// The address as asked.
    public var address: String
    public var status: ResolutionStatus
    /// The chosen certificate (``ResolutionStatus/ok`` only).
    public var chosen: Candidate?
    /// Every certificate looked at, chosen and refused, in directory order.
    public var candidates: [Candidate]
    public var warnings: [Finding]
    /// DNs of the entries that matched.
    public var entries: [String]
    /// The directory failure behind ``ResolutionStatus/error``.
    public var error: (any Error & Sendable)?
    /// The candidates grouped by entry, as checked; what the address book stores.
    var checkedEntries: [EntryCandidates] = []
    /// ``warnings`` as they stood before the choice added its own.
    var warningsBeforeChoice: [Finding] = []

    public init(
        address: String, status: ResolutionStatus, chosen: Candidate? = nil, candidates: [Candidate] = [],
        warnings: [Finding] = [], entries: [String] = [], error: (any Error & Sendable)? = nil
    ) {
        self.address = address
        self.status = status
        self.chosen = chosen
        self.candidates = candidates
        self.warnings = warnings
        self.entries = entries
        self.error = error
    }

    init(
        address: String, status: ResolutionStatus, candidates: [Candidate] = [], warnings: [Finding],
        entries: [String] = [],
        checkedEntries: [EntryCandidates], warningsBeforeChoice: [Finding]
    ) {
        self.init(address: address, status: status, candidates: candidates, warnings: warnings, entries: entries)
        self.checkedEntries = checkedEntries
        self.warningsBeforeChoice = warningsBeforeChoice
    }
}

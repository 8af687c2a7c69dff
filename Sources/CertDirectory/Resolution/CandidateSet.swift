/// What the sources found for one address, before the network checks and the
/// choice: the entries with their locally checked candidates (from the
/// directory, or replayed from the address book), certificates the address
/// book holds from signed mail or imports, and the findings so far.
///
/// Sources produce it; only ``Choice`` turns it into a ``Resolution``, once.
struct CandidateSet: Sendable {
    var address: String
    /// The entries that matched, each with its candidates checked by ``CertificateValidator``.
    var entries: [EntryCandidates] = []
    /// Findings made before the choice (referrals, aliases ignored, malformed values, book notes).
    var warnings: [Finding] = []
    /// Certificates harvested from signed mail or imported, checked locally; they
    /// serve only when no entry's certificate is fit.
    var held: [Candidate] = []
    /// An outcome the sources settled without a choice: an error (malformed
    /// address, failed search, directory down) or too many entries. Held
    /// certificates may still serve after an error.
    var settled: Resolution?
    /// True when this answer came from the directory now (the book records it).
    var fromDirectory = false

    init(address: String, entries: [EntryCandidates] = [], warnings: [Finding] = [], fromDirectory: Bool = false) {
        self.address = address
        self.entries = entries
        self.warnings = warnings
        self.fromDirectory = fromDirectory
    }

    init(settled: Resolution, fromDirectory: Bool = false) {
        self.address = settled.address
        self.warnings = settled.warnings
        self.settled = settled
        self.fromDirectory = fromDirectory
    }
}

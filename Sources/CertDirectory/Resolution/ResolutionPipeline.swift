import Foundation

/// The one road to a certificate, for every caller (`resolve`, `encrypt`,
/// `serve`, the address book's replay):
///
/// 1. **Sources** give each address a ``CandidateSet``: the address book's
///    fresh answer (``BookStage``), else the directory (``DirectorySource``: a
///    fresh connection or the ``DirectoryPool``), else, when the directory
///    fails, the book's stale answer; the certificates the book holds from
///    signed mail and imports are read only when ``Choice`` needs them. Every
///    candidate has had the local checks (``CertificateValidator``).
/// 2. **Checks and choice**, once per address (``Choice``): network checks
///    (path discovery, revocation under the resolver's ``RevocationMode``) on
///    the candidates about to be chosen, one verdict per certificate per run.
/// 3. The directory's answers are recorded in the book.
///
/// A later source (group expansion) adds a ``CandidateSet`` producer; a later
/// check (OCSP) goes into ``CertificateChecker``, which ``Choice`` runs.
struct ResolutionPipeline: Sendable {
    let resolver: Resolver
    let source: any DirectorySource
    /// `nil`: no address book.
    let book: BookStage?

    /// - Parameters:
    ///   - time: The evaluation instant for every check (`--at`).
    ///   - now: The wall clock, against which the book's answer ages are measured.
    func resolve(_ addresses: [String], at time: Date, now: Date) async throws -> ResolveReport {
        var sets = [CandidateSet?](repeating: nil, count: addresses.count)
        var report = ResolveReport(uri: nil, failedOver: [], results: [])
        let cached = try book?.cachedAnswers(addresses) ?? Array(repeating: nil, count: addresses.count)
        if let book {
            for index in addresses.indices {
                sets[index] = book.fresh(cached[index], address: addresses[index], at: time, now: now)
            }
        }
        let pending = sets.indices.filter { sets[$0] == nil }
        var directoryDown = false
        if let book, book.policy.mode == .offline {
            for index in pending { sets[index] = book.missing(addresses[index]) }
        } else if !pending.isEmpty {
            do {
                let answer = try await source.gather(pending.map { addresses[$0] }, at: time)
                report.uri = answer.uri
                report.failedOver = answer.failedOver
                for (index, set) in zip(pending, answer.sets) {
                    if let book, let settled = set.settled, settled.status == .error, let error = settled.error,
                        !(error is MalformedAddressError)
                    {
                        sets[index] = book.fallback(
                            cached[index], address: addresses[index], at: time, now: now, error: error)
                    } else {
                        sets[index] = set
                    }
                }
            } catch let error as DirectoryUnavailableError where book != nil {
                directoryDown = true
                report.failedOver = error.attempts
                for index in pending {
                    sets[index] = book?.fallback(
                        cached[index], address: addresses[index], at: time, now: now, error: error)
                }
            }
        }
        let outcomes = try await choose(
            sets.compactMap { $0 }, at: time,
            offline: book?.policy.mode == .offline || directoryDown)
        if let book {
            let recorded = outcomes.filter(\.fromDirectory).map(\.outcome.directoryPart)
            try book.record(recorded, uri: report.uri, at: now)
        }
        report.results = outcomes.map(\.outcome.resolution)
        return report
    }

    /// The checks and the choice for every set, with the directory's
    /// concurrency bound; offline, without network checks.
    private func choose(_ sets: [CandidateSet], at time: Date, offline: Bool) async throws
        -> [(outcome: Choice.Outcome, fromDirectory: Bool)]
    {
        let shared = source.sharedChecker
        let checker =
            offline
            ? nil
            : shared
                ?? CertificateChecker(
                    validator: resolver.validator, directory: resolver.directory, revocation: resolver.revocation,
                    networkTimeout: resolver.directory.servers.first?.timeouts.network ?? .seconds(10),
                    logger: resolver.logger)
        var choice = Choice(
            checker: checker, revocation: resolver.revocation, intermediates: resolver.intermediates,
            memo: VerdictMemo())
        if let book { choice.heldCertificates = { try book.held(for: $0, at: $1) } }
        if book?.policy.mode != .offline && offline {
            choice.uncheckedNote = "not checked: the directory could not be reached"
        }
        let made = choice
        let outcomes = await BoundedWork.map(sets, limit: resolver.directory.maxOutstandingSearches) { set in
            do {
                let outcome = try await made.make(set, at: time)
                return Swift.Result<_, any Error>.success((outcome: outcome, fromDirectory: set.fromDirectory))
            } catch {
                return .failure(error)
            }
        }
        if shared == nil, let checker { await checker.close() }
        return try outcomes.map { try $0.get() }
    }
}

public import Foundation
import Logging

/// A source of candidates from the directory: one ``CandidateSet`` per address,
/// each candidate checked locally (``CertificateValidator``), nothing chosen.
///
/// Two implementations: a fresh connection per call (``FreshDirectorySource``,
/// for one-shot commands) and the persistent connections of a ``DirectoryPool``
/// (`certdir serve`). Both search through ``Resolver/gather(_:at:on:base:)``.
protocol DirectorySource: Sendable {
    /// - Returns: One set per address, in order; a failed search is a settled ``ResolutionStatus/error``.
    /// - Throws: ``DirectoryUnavailableError`` when no server answers; ``LDAPError``
    ///   for a refused bind; ``MissingBaseError``.
    func gather(_ addresses: [String], at time: Date) async throws -> SourceAnswer
    /// A checker that outlives one call (its fetched CRLs and issuers cached
    /// until their nextUpdate); `nil`: the pipeline makes one per call.
    var sharedChecker: CertificateChecker? { get }
}

extension DirectorySource {
    var sharedChecker: CertificateChecker? { nil }
}

/// What a ``DirectorySource`` answered.
struct SourceAnswer: Sendable {
    /// The URI of the server that answered.
    var uri: String?
    /// Servers tried before it, with why each failed.
    var failedOver: [LDAPError]
    var sets: [CandidateSet]
}

/// Opens a connection for each call (with failover), searches, closes it.
struct FreshDirectorySource: DirectorySource {
    let resolver: Resolver

    func gather(_ addresses: [String], at time: Date) async throws -> SourceAnswer {
        try await DirectoryConnector.withConnection(resolver.directory, logger: resolver.logger) {
            connection, attempts in
            let base = try await DirectoryConnector.base(resolver.directory, for: connection)
            let sets = await resolver.gather(addresses, at: time, on: connection, base: base)
            return SourceAnswer(uri: connection.uri, failedOver: attempts, sets: sets)
        }
    }
}

extension Resolver {
    /// Searches every address on an open connection, with up to
    /// ``DirectorySettings/maxOutstandingSearches`` searches in flight (the one
    /// place that bounds them), and checks each candidate locally.
    /// - Returns: One set per address, in the order given; never throws.
    func gather(_ addresses: [String], at time: Date, on connection: LDAPConnection, base: String) async
        -> [CandidateSet]
    {
        let evaluator = RecipientEvaluator(validator: validator, intermediates: intermediates, time: time)
        let uri = connection.uri
        return await BoundedWork.map(addresses, limit: directory.maxOutstandingSearches) { address in
            await lookup(address, base: base, on: connection, evaluator: evaluator, uri: uri)
        }
    }

    /// One address on an open connection; never throws: failures become a settled ``ResolutionStatus/error``.
    func lookup(
        _ address: String, base: String, on connection: LDAPConnection, evaluator: RecipientEvaluator, uri: String
    ) async -> CandidateSet {
        guard let wanted = MailAddress(address) else {
            return CandidateSet(settled: MalformedAddressError.settled(address), fromDirectory: true)
        }
        let request = SearchRequest(
            base: base, scope: .sub, filter: RecipientSearch.filter(for: wanted),
            attributes: RecipientSearch.attributes, sizeLimit: RecipientSearch.entryLimit)
        do {
            let result = try await connection.search(request)
            var set = evaluator.evaluate(
                address: address, entries: result.entries, referrals: result.referrals, uri: uri)
            set.fromDirectory = true
            return set
        } catch let error as LDAPError where error.code == .sizeLimitExceeded {
            // More entries carry the address than any one recipient can have.
            return CandidateSet(
                settled: Resolution(
                    address: address, status: .ambiguous,
                    warnings: [
                        Finding(.ambiguousEntries, "more than \(RecipientSearch.entryLimit) entries have this address")
                    ]), fromDirectory: true)
        } catch {
            logger.debug("search failed", metadata: ["uri": "\(uri)", "error": "\(error)"])
            return CandidateSet(
                settled: Resolution(
                    address: address, status: .error, warnings: [Finding(.directoryError, "\(error)")], error: error),
                fromDirectory: true)
        }
    }
}

/// Runs `work` over every element with at most `limit` tasks in flight.
enum BoundedWork {
    /// - Returns: The results in the order of `elements`.
    static func map<Element: Sendable, Result: Sendable>(
        _ elements: [Element], limit: Int, _ work: @escaping @Sendable (Element) async -> Result
    ) async -> [Result] {
        if elements.count == 1 { return [await work(elements[0])] }
        var results = [Result?](repeating: nil, count: elements.count)
        await withTaskGroup(of: (Int, Result).self) { group in
            var next = 0
            func addTask() {
                let index = next
                let element = elements[index]
                next += 1
                group.addTask { (index, await work(element)) }
            }
            while next < min(elements.count, max(1, limit)) { addTask() }
            while let (index, result) = await group.next() {
                results[index] = result
                if next < elements.count { addTask() }
            }
        }
        return results.compactMap { $0 }
    }
}

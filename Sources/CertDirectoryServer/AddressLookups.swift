import CertDirectory
import Foundation
import NIOConcurrencyHelpers

/// Answers addresses: the in-memory front, else one shared lookup through the
/// address book (``CachingResolver``), whose misses go to the ``DirectoryPool``.
///
/// Request coalescing: while an address is being looked up, every further
/// request for it waits for that same lookup, so N concurrent requests for one
/// address cost at most one directory search.
final class AddressLookups: Sendable {
    let caching: CachingResolver
    let front: AnswerFront
    private let inFlight = NIOLockedValueBox([String: Task<AddressAnswer, any Error>]())
    let index: CertificateIndex?
    let maxAge: Int

    /// - Parameter index: Learns every certificate an answer holds, for hash and name queries.
    /// - Parameter maxAge: `Cache-Control: max-age` of positive answers, in seconds.
    init(caching: CachingResolver, front: AnswerFront, index: CertificateIndex?, maxAge: Int) {
        self.maxAge = maxAge
        self.caching = caching
        self.front = front
        self.index = index
    }

    /// The answer for `address` at `now`.
    /// - Throws: ``AddressBookError`` when the book cannot be read or written;
    ///   otherwise a directory failure is an answer (stale or unavailable), not an error.
    func answer(_ address: String, now: Date = Date()) async throws -> AddressAnswer {
        if let hit = front.answer(for: address, now: now) { return hit }
        let (task, isNew) = inFlight.withLockedValue { tasks -> (Task<AddressAnswer, any Error>, Bool) in
            if let running = tasks[address] { return (running, false) }
            let caching = self.caching
            let front = self.front
            let index = self.index
            let maxAge = self.maxAge
            let task = Task<AddressAnswer, any Error> {
                let time = Date()
                let report = try await caching.resolve([address], at: time, now: time)
                guard let resolution = report.results.first else {
                    throw CancellationError()
                }
                let answer = AddressAnswer(resolution, maxAge: maxAge)
                front.store(answer, for: address, evaluatedAt: time)
                if answer.isDefinite {
                    index?.insert(
                        resolution.candidates.compactMap { candidate in
                            candidate.certificate.map {
                                CertificateIndex.Item(certificate: $0, usable: candidate.isFit)
                            }
                        })
                }
                return answer
            }
            tasks[address] = task
            return (task, true)
        }
        if isNew {
            // Whoever started the lookup clears it, whatever its outcome.
            defer { _ = inFlight.withLockedValue { $0.removeValue(forKey: address) } }
            return try await task.value
        }
        return try await task.value
    }
}

import CertDirectory
import Foundation
import NIOConcurrencyHelpers

/// The in-memory front of the address book: the last answers for hot
/// addresses, so a warm request needs neither SQLite nor the directory.
///
/// The per-use date re-check still happens, in a cheaper form: on the way in,
/// an answer records the interval around its evaluation instant in which no
/// candidate's notBefore or notAfter falls. Inside that interval every date
/// verdict, and so the choice, is the same as when it was computed; a request
/// outside it (a certificate expired or became valid meanwhile, or the clock
/// moved back) misses the front and is answered through the book, where every
/// candidate's dates are judged again. The interval also ends at the earliest
/// nextUpdate of the revocation data a candidate was judged by.
///
/// Only definite answers enter (not errors, not stale fallbacks). Entries live
/// at most ``ServeConfiguration/frontLifetime``; the front holds at most
/// ``ServeConfiguration/frontCapacity`` addresses, and empties itself when full.
final class AnswerFront: Sendable {
    struct Entry: Sendable {
        let answer: AddressAnswer
        /// Open interval (seconds since 1970) in which no candidate date boundary falls.
        let after: Double
        let before: Double
    }

    private let entries = NIOLockedValueBox([String: Entry]())
    private let capacity: Int
    private let lifetime: TimeInterval

    init(capacity: Int, lifetime: TimeInterval) {
        self.capacity = max(0, capacity)
        self.lifetime = max(0, lifetime)
    }

    /// The stored answer, if its date window still holds `now`.
    func answer(for address: String, now: Date) -> AddressAnswer? {
        let t = now.timeIntervalSince1970
        return entries.withLockedValue { entries in
            guard let entry = entries[address] else { return nil }
            guard t > entry.after, t < entry.before else {
                entries[address] = nil
                return nil
            }
            return entry.answer
        }
    }

    func store(_ answer: AddressAnswer, for address: String, evaluatedAt time: Date) {
        guard capacity > 0, answer.isDefinite else { return }
        let t = time.timeIntervalSince1970
        var after = -Double.infinity
        var before = t + lifetime
        for candidate in answer.resolution.candidates {
            // Nor past the revocation data the verdict was judged by (a CRL's or
            // OCSP response's nextUpdate): the book then asks again.
            if let validUntil = candidate.revocationDataValidUntil {
                before = min(before, validUntil.timeIntervalSince1970)
            }
            guard let certificate = candidate.certificate else { continue }
            for boundary in [certificate.notBefore.timeIntervalSince1970, certificate.notAfter.timeIntervalSince1970] {
                if boundary <= t { after = max(after, boundary) } else { before = min(before, boundary) }
            }
        }
        let entry = Entry(answer: answer, after: after, before: before)
        entries.withLockedValue { entries in
            if entries.count >= capacity, entries[address] == nil { entries.removeAll(keepingCapacity: true) }
            entries[address] = entry
        }
    }

    func removeAll() { entries.withLockedValue { $0.removeAll() } }

    var count: Int { entries.withLockedValue { $0.count } }
}

import Foundation
import NIOConcurrencyHelpers

/// A token bucket per client address: ``rate`` tokens a second, at most
/// ``burst`` saved. Remembers at most ``capacity`` clients and forgets idle ones.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var time: Double
    }

    let rate: Double
    let burst: Double
    private let capacity: Int
    private let buckets = NIOLockedValueBox([String: Bucket]())
    /// Seconds on a monotonic clock; injected by tests, which then need no sleeping.
    private let clock: @Sendable () -> Double

    /// - Parameters:
    ///   - rate: Requests a second; `0` or less admits everything.
    ///   - burst: Requests allowed at once (at least 1).
    ///   - capacity: Clients remembered at once.
    ///   - clock: The time in seconds; the system's uptime unless a test gives its own.
    init(
        rate: Double, burst: Double, capacity: Int = 65_536,
        clock: @escaping @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime }
    ) {
        self.rate = rate
        self.burst = max(1, burst)
        self.capacity = capacity
        self.clock = clock
    }

    /// The number of clients remembered.
    var clients: Int { buckets.withLockedValue { $0.count } }

    /// Takes one token for `client`.
    /// - Returns: `nil` when admitted, else whole seconds until a token is back (for `Retry-After`).
    func admit(_ client: String) -> Int? {
        guard rate > 0 else { return nil }
        let now = clock()
        return buckets.withLockedValue { buckets in
            var bucket = buckets[client] ?? Bucket(tokens: burst, time: now)
            bucket.tokens = min(burst, bucket.tokens + (now - bucket.time) * rate)
            bucket.time = now
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                if buckets.count >= capacity, buckets[client] == nil {
                    // Full buckets carry no information: drop them, then everything if still full.
                    buckets = buckets.filter { now - $0.value.time < burst / rate }
                    if buckets.count >= capacity { buckets.removeAll() }
                }
                buckets[client] = bucket
                return nil
            }
            buckets[client] = bucket
            return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up)))
        }
    }
}

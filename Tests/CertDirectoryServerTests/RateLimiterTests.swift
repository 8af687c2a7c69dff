import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@testable import CertDirectoryServer

/// A clock the test moves by hand: the limiter's refills happen exactly when
/// the test says, with no sleeping and no dependence on how fast the machine is.
final class ManualClock: Sendable {
    private let seconds = Mutex(1000.0)
    var now: Double { seconds.withLock { $0 } }
    func advance(_ interval: Double) { seconds.withLock { $0 += interval } }
    var reading: @Sendable () -> Double { { self.now } }
}

@Suite("Rate limiter with an injected clock")
struct RateLimiterTests {
    @Test("a full bucket admits the burst, then refuses with the seconds until the next token")
    func burstThenRefuse() {
        let clock = ManualClock()
        let limiter = RateLimiter(rate: 2, burst: 3, clock: clock.reading)
        #expect(limiter.admit("192.0.2.1") == nil)
        #expect(limiter.admit("192.0.2.1") == nil)
        #expect(limiter.admit("192.0.2.1") == nil)
        // Empty: one token comes back after 0.5 s, rounded up to whole seconds (Retry-After).
        #expect(limiter.admit("192.0.2.1") == 1)
        clock.advance(0.4)
        #expect(limiter.admit("192.0.2.1") == 1)
        clock.advance(0.1)
        #expect(limiter.admit("192.0.2.1") == nil)
        #expect(limiter.admit("192.0.2.1") == 1)
    }

    @Test("tokens refill at the rate and never beyond the burst")
    func refillCapped() {
        let clock = ManualClock()
        let limiter = RateLimiter(rate: 1, burst: 2, clock: clock.reading)
        #expect(limiter.admit("a") == nil)
        #expect(limiter.admit("a") == nil)
        #expect(limiter.admit("a") == 1)
        clock.advance(3600)  // an hour idle saves no more than the burst
        #expect(limiter.admit("a") == nil)
        #expect(limiter.admit("a") == nil)
        #expect(limiter.admit("a") == 1)
    }

    @Test("a slow rate says how long to wait: 0.1 request/s is 10 s for one token")
    func retryAfterSeconds() {
        let clock = ManualClock()
        let limiter = RateLimiter(rate: 0.1, burst: 1, clock: clock.reading)
        #expect(limiter.admit("a") == nil)
        #expect(limiter.admit("a") == 10)
        clock.advance(4)
        #expect(limiter.admit("a") == 6)
        clock.advance(6)
        #expect(limiter.admit("a") == nil)
    }

    @Test("each client has its own bucket")
    func perClient() {
        let clock = ManualClock()
        let limiter = RateLimiter(rate: 1, burst: 1, clock: clock.reading)
        #expect(limiter.admit("a") == nil)
        #expect(limiter.admit("a") == 1)
        #expect(limiter.admit("b") == nil)
        #expect(limiter.admit("b") == 1)
    }

    @Test("rate 0 admits everything")
    func unlimited() {
        let limiter = RateLimiter(rate: 0, burst: 1, clock: { 0 })
        for _ in 0..<1000 { #expect(limiter.admit("a") == nil) }
        #expect(limiter.clients == 0)
    }

    @Test("at capacity, clients whose buckets have refilled are forgotten first")
    func capacity() {
        let clock = ManualClock()
        let limiter = RateLimiter(rate: 1, burst: 1, capacity: 2, clock: clock.reading)
        #expect(limiter.admit("a") == nil)
        clock.advance(0.5)
        #expect(limiter.admit("b") == nil)
        #expect(limiter.clients == 2)
        // 0.6 s on, a's bucket is full again (it carries nothing), b's is not: only a goes.
        clock.advance(0.6)
        #expect(limiter.admit("c") == nil)
        #expect(limiter.clients == 2)
        #expect(limiter.admit("b") == 1)  // still remembered, with 0.6 of a token
    }

    @Test("the middleware answers 429 with Retry-After from the limiter, then serves again when the clock allows")
    func middleware() async throws {
        let clock = ManualClock()
        let router = Router(context: ServeContext.self)
        router.add(
            middleware: StoreMiddleware(
                limiter: RateLimiter(rate: 1, burst: 2, clock: clock.reading), maxTargetLength: 64,
                accessLog: false))
        router.get("ping") { _, _ in "pong" }
        try await Application(router: router).test(.router) { client in
            for _ in 0..<2 {
                try await client.execute(uri: "/ping", method: .get) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: "/ping", method: .get) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "1")
                #expect(String(buffer: response.body) == "too many requests from this client\n")
            }
            clock.advance(1)
            try await client.execute(uri: "/ping", method: .get) { #expect($0.status == .ok) }
            // The other refusals come before the limiter and take no token.
            try await client.execute(uri: "/ping", method: .post) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, HEAD")
            }
            try await client.execute(uri: "/ping?" + String(repeating: "x", count: 64), method: .get) {
                #expect($0.status == .uriTooLong)
            }
        }
    }
}

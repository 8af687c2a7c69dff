public import Foundation

/// How `certdir serve` listens and protects itself. Every limit has a default
/// that is safe to expose on loopback.
public struct ServeConfiguration: Sendable {
    /// The address to bind: an IP literal or host name. The default is `127.0.0.1` (loopback only).
    public var host: String
    /// The TCP port. The default is 8080.
    public var port: Int
    /// `Cache-Control: max-age` for positive answers, in seconds (default 300).
    /// Negative answers get at most the book's negative TTL.
    public var maxAge: Int
    /// The longest request target (path and query) accepted, in bytes (default 1024);
    /// longer ones get 414.
    public var maxTargetLength: Int
    /// Requests per second allowed per client IP address, sustained (default 2000);
    /// `0` turns the limit off. Over the limit: 429 with `Retry-After`.
    public var rateLimit: Double
    /// Requests a client may send in a burst above ``rateLimit`` (default 2 × rateLimit).
    public var rateBurst: Double
    /// PEM files of the server certificate chain and its private key: HTTPS when both are given.
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    /// Writes one access-log line per request at `info` (method, path, status, time; never the query).
    public var accessLog: Bool
    /// How many addresses the in-memory front keeps (default 10,000).
    public var frontCapacity: Int
    /// The longest an answer stays in the in-memory front, in seconds (default 60);
    /// the book's TTLs still decide freshness after that.
    public var frontLifetime: TimeInterval
    /// Seconds between full index rebuilds for hash and name queries (default 3600); `0`: never rebuild.
    public var indexRefresh: TimeInterval
    /// Seconds a request head may take from its first byte to its end (default 10); then 408 and close.
    public var headerTimeout: TimeInterval
    /// Seconds a connection may stay silent after opening or after a response (default 60); then it is closed.
    public var idleTimeout: TimeInterval
    /// Client connections open at once (default 1024). At the cap, new connections wait in the
    /// listen backlog until one closes, so the process never runs out of file descriptors.
    public var maxClients: Int
    /// Seconds between attempts to reach the directory while it is down (default 30);
    /// meanwhile answers come from the book (stale) or are 503.
    public var retryInterval: TimeInterval

    public init(
        host: String = "127.0.0.1", port: Int = 8080, maxAge: Int = 300, maxTargetLength: Int = 1024,
        rateLimit: Double = 2000, rateBurst: Double? = nil, tlsCertificatePath: String? = nil,
        tlsKeyPath: String? = nil, accessLog: Bool = true, frontCapacity: Int = 10_000,
        frontLifetime: TimeInterval = 60, indexRefresh: TimeInterval = 3600, headerTimeout: TimeInterval = 10,
        idleTimeout: TimeInterval = 60, maxClients: Int = 1024, retryInterval: TimeInterval = 30
    ) {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.maxClients = maxClients
        self.retryInterval = retryInterval
        self.host = host
        self.port = port
        self.maxAge = maxAge
        self.maxTargetLength = maxTargetLength
        self.rateLimit = rateLimit
        self.rateBurst = rateBurst ?? rateLimit * 2
        self.tlsCertificatePath = tlsCertificatePath
        self.tlsKeyPath = tlsKeyPath
        self.accessLog = accessLog
        self.frontCapacity = frontCapacity
        self.frontLifetime = frontLifetime
        self.indexRefresh = indexRefresh
    }
}

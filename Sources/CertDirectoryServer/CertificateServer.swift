public import CertDirectory
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import UnixSignals

/// `certdir serve`: an RFC 4387 certificate store over HTTP, backed by the
/// directory and the address book, with the checks of `certdir resolve`.
///
/// Routes: `GET /search.cgi` (RFC 4387 §3; `email`/`uri`, `certHash`, `sHash`,
/// `iHash`, `iAndSHash`, `sKIDHash`, `name`; `purpose=any`), `GET /v1/resolve?email=`
/// (the JSON of `resolve --format json`), `GET /healthz`.
public struct CertificateServer: Sendable {
    public let configuration: ServeConfiguration
    public let resolver: Resolver
    public let book: AddressBook
    public let policy: CachePolicy
    /// Connections to the directory (default 2).
    public let poolSize: Int
    public let logger: Logger

    public init(
        configuration: ServeConfiguration, resolver: Resolver, book: AddressBook, policy: CachePolicy,
        poolSize: Int = 2, logger: Logger
    ) {
        self.configuration = configuration
        self.resolver = resolver
        self.book = book
        self.policy = policy
        self.poolSize = poolSize
        self.logger = logger
    }

    /// Serves until SIGTERM or SIGINT, then stops accepting, lets the requests
    /// in flight finish (graceful shutdown, swift-service-lifecycle) and closes
    /// the directory connections.
    /// - Parameter onListening: Called with the bound address (URL) and port once the server accepts
    ///   connections; the port is the one the system chose when the configuration asks for port 0.
    /// - Throws: ``ServeError`` for unusable TLS files; NIO's error when the address cannot be bound.
    public func run(onListening: @escaping @Sendable (_ url: String, _ port: Int) -> Void = { _, _ in }) async throws {
        let pool = DirectoryPool(resolver: resolver, size: poolSize, retryInterval: configuration.retryInterval)
        let caching = CachingResolver(resolver: resolver, book: book, policy: policy, pool: pool)
        let index = CertificateIndex()
        let front = AnswerFront(
            capacity: configuration.frontCapacity,
            lifetime: min(configuration.frontLifetime, policy.negativeTTL, policy.positiveTTL))
        let handler = StoreHandler(
            lookups: AddressLookups(caching: caching, front: front, index: index, maxAge: configuration.maxAge),
            index: index, pool: pool,
            configuration: configuration, negativeTTL: policy.negativeTTL)

        let router = Router(context: ServeContext.self)
        router.add(
            middleware: StoreMiddleware(
                limiter: RateLimiter(rate: configuration.rateLimit, burst: configuration.rateBurst),
                maxTargetLength: configuration.maxTargetLength, accessLog: configuration.accessLog))
        // HEAD runs the GET handler; StoreMiddleware drops the body.
        for method in [HTTPRequest.Method.get, .head] {
            router.on("search.cgi", method: method) { try await handler.search($0, $1) }
            router.on("v1/resolve", method: method) { try await handler.resolve($0, $1) }
            router.on("healthz", method: method) { await handler.health($0, $1) }
        }

        var services: [any Service] = []
        if configuration.indexRefresh >= 0 {
            services.append(
                IndexBuilder(
                    exporter: DirectoryExporter(
                        directory: resolver.directory, validator: resolver.validator,
                        intermediates: resolver.intermediates, logger: logger),
                    index: index, interval: configuration.indexRefresh, logger: logger))
        }
        let scheme = configuration.tlsCertificatePath == nil ? "http" : "https"
        let app = Application(
            router: router, server: try serverBuilder(),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "certdir",
                availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxClients, logger: logger)),
            services: services,
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                onListening("\(scheme)://\(configuration.host):\(port)", port)
            },
            logger: logger)
        do {
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }

    private func serverBuilder() throws -> HTTPServerBuilder {
        let http1 = HTTPServerBuilder.guardedHTTP1(
            headerTimeout: .nanoseconds(Int64(configuration.headerTimeout * 1e9)),
            idleTimeout: .nanoseconds(Int64(configuration.idleTimeout * 1e9)))
        guard configuration.tlsCertificatePath != nil || configuration.tlsKeyPath != nil else { return http1 }
        guard let certificatePath = configuration.tlsCertificatePath, let keyPath = configuration.tlsKeyPath else {
            throw ServeError("TLS needs both a certificate and a key")
        }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map {
                NIOSSLCertificateSource.certificate($0)
            }
            let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
            let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            return try .tls(http1, tlsConfiguration: tls)
        } catch {
            throw ServeError("cannot use the TLS certificate or key: \(error)")
        }
    }
}

/// A setting `certdir serve` cannot work with.
public struct ServeError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

import ArgumentParser
import CertDirectory
import CertDirectoryServer
import Foundation
import Logging

/// `certdir serve`: an RFC 4387 certificate store over HTTP.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve certificates over HTTP (RFC 4387), with the checks of resolve.",
        discussion: """
            GET /search.cgi?email=ADDRESS answers with the certificate resolve would choose \
            (application/pkix-cert); purpose=any gives every certificate held for the address \
            (multipart/mixed). certHash, sHash, iHash, iAndSHash, sKIDHash (base64 SHA-1, RFC 4387 §2.1) \
            and name (subject CN) search an index built from the directory. Accept: application/json, \
            or GET /v1/resolve?email=ADDRESS, gives the JSON of resolve --format json. GET /healthz \
            reports the directory. The address book is the cache. Stops gracefully on SIGTERM. \
            Exit status: 0 stopped by SIGTERM or SIGINT; 78 bad configuration; 64 usage error; 74 the \
            address book or the listening socket cannot be used.
            """)

    @OptionGroup(title: "Directory options") var directory: DirectoryOptions
    @OptionGroup(title: "Checking options") var checking: CheckingOptions
    @OptionGroup(title: "Address book options") var book: AddressBookOptions

    @Option(
        help:
            "Revocation, as resolve: prefer (an unknown status warns; the default), require (an unknown status refuses) or off. A revoked certificate is never served."
    )
    var revocation: RevocationMode = .prefer

    @Option(help: "Address and port to listen on (loopback by default; port 0: one the system chooses).")
    var listen = "127.0.0.1:8080"

    @Option(
        name: .customLong("port-file"),
        help: "Once listening, write the bound port (with a newline) to this file, replacing it whole.")
    var portFile: String?

    @Option(name: .customLong("max-age"), help: "Cache-Control max-age of positive answers, in seconds.")
    var maxAge = 300

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain: serve HTTPS (needs --tls-key).")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(name: .customLong("rate-limit"), help: "Requests per second per client IP (0: no limit).")
    var rateLimit: Double = 2000

    @Option(name: .customLong("max-query"), help: "Longest request target accepted, in bytes.")
    var maxQuery = 1024

    @Option(name: .customLong("connections"), help: "Directory connections in the pool.")
    var connections = 2

    @Option(name: .customLong("index-refresh"), help: "Seconds between rebuilds of the hash index (0: build once).")
    var indexRefresh: Double = 3600

    @Option(name: .customLong("header-timeout"), help: "Seconds a request head may take to arrive (then 408).")
    var headerTimeout: Double = 10

    @Option(name: .customLong("idle-timeout"), help: "Seconds an idle client connection is kept open.")
    var idleTimeout: Double = 60

    @Option(name: .customLong("max-clients"), help: "Client connections open at once; more wait to be accepted.")
    var maxClients = 1024

    @Option(
        name: .customLong("retry-interval"), help: "Seconds between attempts to reach a directory that is down.")
    var retryInterval: Double = 30

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Flag(name: .customLong("no-access-log"), help: "Do not log one line per request.")
    var noAccessLog = false

    /// -v: at least --log-level debug; -q: only errors, and no access log.
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard Self.split(listen) != nil else { throw ValidationError("--listen takes HOST:PORT, e.g. 127.0.0.1:8080") }
        if (tlsCertificate == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        if book.disabled || book.offline { throw ValidationError("serve needs the address book and the directory") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        guard headerTimeout > 0, idleTimeout > 0, retryInterval > 0, (1...1_000_000).contains(maxClients) else {
            throw ValidationError(
                "--header-timeout, --idle-timeout and --retry-interval must be more than 0, --max-clients 1 to 1000000")
        }
        guard maxAge >= 0, maxQuery >= 64, connections >= 1, connections <= 16, rateLimit >= 0, indexRefresh >= 0 else {
            throw ValidationError(
                "--max-age, --rate-limit and --index-refresh must be 0 or more, --max-query at least 64, --connections 1 to 16"
            )
        }
    }

    /// `HOST:PORT` or `[IPv6]:PORT`.
    static func split(_ listen: String) -> (host: String, port: Int)? {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65_535).contains(port)
        else { return nil }
        var host = String(listen[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }

    func run() async throws {
        var logger = Logger(label: "certdir.serve") { label in StreamLogHandler.standardError(label: label) }
        let level = Logger.Level(rawValue: logLevel) ?? .info
        logger.logLevel = output.verbose ? min(level, .debug) : output.quiet ? max(level, .error) : level
        try await ResolveExit.guarded {
            let settings = try EffectiveSettings.make(directory, checking)
            for warning in settings.warnings { output.note("warning: \(warning)") }
            guard let store = try book.open() else { throw ValidationError("serve needs the address book") }
            let resolver = Resolver(
                directory: settings.directory, validator: settings.validator, intermediates: settings.intermediates,
                revocation: revocation, logger: logger)
            let (host, port) = Self.split(listen)!
            let configuration = ServeConfiguration(
                host: host, port: port, maxAge: maxAge, maxTargetLength: maxQuery, rateLimit: rateLimit,
                tlsCertificatePath: tlsCertificate, tlsKeyPath: tlsKey, accessLog: !noAccessLog && !output.quiet,
                indexRefresh: indexRefresh, headerTimeout: headerTimeout, idleTimeout: idleTimeout,
                maxClients: maxClients, retryInterval: retryInterval)
            let server = CertificateServer(
                configuration: configuration, resolver: resolver, book: store, policy: book.policy,
                poolSize: connections, logger: logger)
            let announcer = logger
            let portFile = self.portFile
            try await server.run { address, port in
                announcer.notice("listening on \(address)")
                guard let portFile else { return }
                do {
                    try Data("\(port)\n".utf8).write(to: URL(fileURLWithPath: portFile), options: .atomic)
                } catch {
                    announcer.error("cannot write the port to \(portFile): \(error.localizedDescription)")
                }
            }
        }
    }
}

import Foundation
import Logging
import SwiftASN1

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What one publication point (a directory entry or a URL) holds.
struct PublishedValues: Sendable {
    /// DER certificates: `cACertificate`, both halves of `crossCertificatePair`
    /// (RFC 4523 §2.3), or what a caIssuers URL returned (DER or PKCS#7 certs-only).
    var certificates: [[UInt8]] = []
    /// DER CRLs: `certificateRevocationList`, `authorityRevocationList`,
    /// `deltaRevocationList` (RFC 4523 §2.4–2.6), or a CDP URL's answer.
    var crls: [[UInt8]] = []
    /// Why the source could not be read; `nil` when it answered (an entry that does not exist answered too).
    var failure: String?
    /// True when the failure is a connection problem (so a retry later may help).
    var unreachable = false
}

/// Fetches CA certificates and CRLs from the configured directory and from the
/// URLs that certificates name (AIA caIssuers, CRL distribution points), and
/// caches them for this process: an entry or URL holding CRLs until the
/// earliest nextUpdate among them (RFC 5280 §5.1.2.5), others for the process.
///
/// Searches run on ``LDAPConnection``'s own queue; HTTP goes through
/// `URLSession`. Every fetch is bounded by `networkTimeout` (connect) and the
/// directory's operation timeout.
actor PKIFetcher {
    /// Both spellings of each attribute: `;binary` for OpenLDAP's core schema,
    /// plain for Active Directory (RFC 4522). `userCertificate` too, because a
    /// CRL issuer that is not a CA (an indirect CRL's signer) publishes its
    /// certificate there.
    static let entryAttributes: [String] = [
        "cACertificate", "crossCertificatePair", "userCertificate", "certificateRevocationList",
        "authorityRevocationList",
        "deltaRevocationList",
    ].flatMap { [$0 + ";binary", $0] }

    private let directory: DirectorySettings?
    private let networkTimeout: Duration
    private let logger: Logger
    /// Bound on reusing a value without CRLs, or a failed connect; `nil`: no bound.
    private let cacheLifetime: TimeInterval?
    /// The one connection to the configured directory, shared by every caller. A task, so
    /// that callers arriving while it connects wait for it instead of opening their own (actor
    /// reentrancy): a batch asks for it from many tasks at once. A failure is kept too: one
    /// unreachable server costs one timeout per process (per ``cacheLifetime`` in a long-running one).
    private var connecting: Task<LDAPConnection, any Error>?
    /// When ``connecting`` started.
    private var connectingSince = Date()
    /// Connections opened to the configured directory (tests hold it to 1).
    private(set) var connectionsOpened = 0
    private var cache: [String: (values: PublishedValues, until: Date?)] = [:]
    /// Fetches under way, by cache key: concurrent askers for one entry or URL share one fetch.
    private var inFlight: [String: Task<PublishedValues, Never>] = [:]
    /// Every source asked, in order, for `--explain`.
    private(set) var consulted: [String] = []

    init(directory: DirectorySettings?, networkTimeout: Duration, cacheLifetime: TimeInterval? = nil, logger: Logger) {
        self.directory = directory
        self.cacheLifetime = cacheLifetime
        self.networkTimeout = networkTimeout
        self.logger = logger
    }

    /// Unbinds from the configured directory, if connected.
    func close() async {
        let connecting = self.connecting
        self.connecting = nil
        if let connection = try? await connecting?.value { await connection.close() }
    }

    /// The cached values for `key`, else the values of the fetch under way for it, else
    /// those of a new fetch (recorded in ``consulted`` as `label`), which is then cached.
    private func once(
        _ key: String, label: String, _ fetch: @escaping @Sendable () async -> PublishedValues
    ) async -> PublishedValues {
        if let cached = cachedValues(key) { return cached }
        if let running = inFlight[key] { return await running.value }
        consulted.append(label)
        let task = Task { await fetch() }
        inFlight[key] = task
        let values = await task.value
        inFlight[key] = nil
        store(values, key)
        return values
    }

    /// The CA certificates and CRLs of the directory entry named `dn` (RFC 4514),
    /// read with one base-scope search. A missing entry yields nothing, not a failure.
    func entry(_ dn: String) async -> PublishedValues {
        await once("entry:" + dn.lowercased(), label: "directory entry \(dn)") { await self.fetchEntry(dn) }
    }

    private func fetchEntry(_ dn: String) async -> PublishedValues {
        var values = PublishedValues()
        do {
            guard let connection = try await configuredConnection() else {
                values.failure = "no directory configured"
                return values
            }
            values = try await read(dn: dn, attributes: Self.entryAttributes, on: connection)
        } catch let error as LDAPError where error.code == .noSuchObject || error.code == .invalidDNSyntax {
            // No such entry: the directory answered, it just holds nothing there.
        } catch {
            values.failure = "directory entry \(dn): \(error)"
            values.unreachable = isUnreachable(error)
            if values.unreachable { await dropConnection() }
        }
        return values
    }

    /// DER certificates whose issuer and serial number match, from a subtree
    /// search of the configured directory's base with the certificateExactMatch
    /// assertion `{ serialNumber N, issuer rdnSequence:"DN" }` (RFC 4523 §2.1,
    /// GSER). Empty when none match or the search fails (Active Directory has
    /// no such matching rule).
    func certificates(issuer: String, serial: String) async -> [[UInt8]] {
        guard let directory, let connection = try? await configuredConnection(),
            let base = try? await DirectoryConnector.base(directory, for: connection)
        else { return [] }
        let quoted = issuer.replacingOccurrences(of: "\"", with: "\"\"")
        let assertion = "{ serialNumber \(serial), issuer rdnSequence:\"\(quoted)\" }"
        consulted.append("directory search for issuer \(issuer), serial \(serial)")
        let request = SearchRequest(
            base: base, scope: .sub, filter: .equal("userCertificate", assertion),
            attributes: ["userCertificate;binary", "userCertificate"], sizeLimit: 10)
        guard let result = try? await connection.search(request) else { return [] }
        return result.entries.flatMap { $0.values("userCertificate") }
    }

    /// The values behind an `ldap://` (RFC 4516; without a host, the configured
    /// directory) or `http://` URL. Other schemes are a failure.
    func url(_ string: String) async -> PublishedValues {
        await once("url:" + string, label: string) { await self.fetchURL(string) }
    }

    private func fetchURL(_ string: String) async -> PublishedValues {
        var values = PublishedValues()
        let scheme = string.split(separator: ":", maxSplits: 1).first?.lowercased() ?? ""
        do {
            switch scheme {
            case "ldap", "ldaps":
                values = try await readLDAP(string)
            case "http":
                values = classify([try await HTTPFetch.get(string, timeout: networkTimeout)])
            default:
                values.failure = "\(string): unsupported scheme"
            }
        } catch {
            values.failure = "\(string): \(error)"
            values.unreachable = isUnreachable(error)
        }
        return values
    }

    private func readLDAP(_ string: String) async throws -> PublishedValues {
        guard let url = LDAPURL(string), let dn = url.baseDN else {
            return PublishedValues(failure: "\(string): not an LDAP URL naming an entry")
        }
        let attributes = url.attributes.isEmpty ? Self.entryAttributes : url.attributes.flatMap(Self.bothSpellings)
        if url.host == nil {
            guard let connection = try await configuredConnection() else {
                return PublishedValues(failure: "\(string): no directory configured for a URL without host")
            }
            return try await read(dn: dn, attributes: attributes, on: connection)
        }
        let configuration = LDAPConfiguration(
            uri: "\(url.scheme)://\(url.host!):\(url.port)",
            timeouts: .init(network: networkTimeout, operation: directory?.servers.first?.timeouts.operation))
        let connection = try await LDAPConnection.connect(configuration)
        do {
            let values = try await read(dn: dn, attributes: attributes, on: connection)
            await connection.close()
            return values
        } catch {
            await connection.close()
            throw error
        }
    }

    private static func bothSpellings(_ attribute: String) -> [String] {
        let type = attribute.split(separator: ";").first.map(String.init) ?? attribute
        return [type + ";binary", type]
    }

    private func read(dn: String, attributes: [String], on connection: LDAPConnection) async throws
        -> PublishedValues
    {
        let result = try await connection.search(
            SearchRequest(base: dn, scope: .base, filter: .present("objectClass"), attributes: attributes))
        var values = PublishedValues()
        for entry in result.entries {
            values.certificates += entry.values("cACertificate") + entry.values("userCertificate")
            for pair in entry.values("crossCertificatePair") { values.certificates += Self.certificatePair(pair) }
            for type in ["certificateRevocationList", "authorityRevocationList", "deltaRevocationList"] {
                values.crls += entry.values(type)
            }
            // A URL may name any attribute; sort its values by what they parse as.
            let known = Set(
                [
                    "cacertificate", "usercertificate", "crosscertificatepair", "certificaterevocationlist",
                    "authorityrevocationlist",
                    "deltarevocationlist",
                ])
            let other = entry.attributes.filter { !known.contains($0.type.lowercased()) }.flatMap(\.values)
            let sorted = classify(other)
            values.certificates += sorted.certificates
            values.crls += sorted.crls
        }
        return values
    }

    /// Sorts raw values into certificates (DER, or PKCS#7 certs-only) and CRLs.
    private func classify(_ raw: [[UInt8]]) -> PublishedValues {
        var values = PublishedValues()
        for bytes in raw {
            if CRLRef(der: bytes) != nil {
                values.crls.append(bytes)
            } else if X509Ref(der: bytes) != nil {
                values.certificates.append(bytes)
            } else if let bundle = CMSCertificates.certificates(in: bytes) {
                values.certificates += bundle
            }
        }
        return values
    }

    /// The forward and reverse certificates of an RFC 4523 §2.3 CertificatePair:
    /// `SEQUENCE { forward [0] EXPLICIT Certificate OPTIONAL, reverse [1] EXPLICIT Certificate OPTIONAL }`.
    static func certificatePair(_ der: [UInt8]) -> [[UInt8]] {
        guard let node = try? DER.parse(der), case .constructed(let children) = node.content else { return [] }
        var certificates: [[UInt8]] = []
        for child in children where child.identifier.tagClass == .contextSpecific {
            guard case .constructed(let inner) = child.content else { continue }
            for element in inner { certificates.append(Array(element.encodedBytes)) }
        }
        return certificates
    }

    private func configuredConnection() async throws -> LDAPConnection? {
        guard let directory, !directory.servers.isEmpty else { return nil }
        if let connecting {
            // A failed connect is retried once the cache lifetime has passed (a long-running process).
            let expired = cacheLifetime.map { Date().timeIntervalSince(connectingSince) > $0 } ?? false
            if !expired { return try await connecting.value }
            if (try? await connecting.value) != nil { return try await connecting.value }
        }
        let logger = self.logger
        let task = Task { try await DirectoryConnector.connect(directory, logger: logger).0 }
        connecting = task
        connectingSince = Date()
        connectionsOpened += 1
        return try await task.value
    }

    /// Forgets a connection that broke (the server went away or closed it), so the next read reconnects.
    private func dropConnection() async {
        guard let task = connecting, let connection = try? await task.value, await connection.failure != nil,
            connecting == task
        else { return }
        connecting = nil
        await connection.close()
    }

    private func isUnreachable(_ error: any Error) -> Bool {
        switch error {
        case let error as LDAPError: error.isUnreachable
        case is DirectoryUnavailableError: true
        case let error as FetchError: error.unreachable
        default: false
        }
    }

    private func cachedValues(_ key: String) -> PublishedValues? {
        guard let entry = cache[key] else { return nil }
        if let until = entry.until, until < Date() {
            cache[key] = nil
            return nil
        }
        return entry.values
    }

    private func store(_ values: PublishedValues, _ key: String) {
        // A failure is remembered too: one unreachable server costs one timeout
        // (for the process, or ``cacheLifetime`` in a long-running one).
        let nextUpdate = values.crls.compactMap { CRLRef(der: $0)?.nextUpdate }.min()
        let until = nextUpdate ?? cacheLifetime.map { Date().addingTimeInterval($0) }
        cache[key] = (values, until)
    }
}

/// A fetch that failed, with whether the source was unreachable.
struct FetchError: Error, Sendable, CustomStringConvertible {
    let description: String
    let unreachable: Bool
}

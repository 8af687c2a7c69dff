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
    /// Bound on reusing a value without CRLs, or a failure; `nil`: no bound.
    private let cacheLifetime: TimeInterval?
    private var connection: LDAPConnection?
    private var connectFailure: (text: String, at: Date)?
    private var cache: [String: (values: PublishedValues, until: Date?)] = [:]
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
        await connection?.close()
        connection = nil
    }

    /// The CA certificates and CRLs of the directory entry named `dn` (RFC 4514),
    /// read with one base-scope search. A missing entry yields nothing, not a failure.
    func entry(_ dn: String) async -> PublishedValues {
        let key = "entry:" + dn.lowercased()
        if let cached = cachedValues(key) { return cached }
        consulted.append("directory entry \(dn)")
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
        store(values, key)
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
        let key = "url:" + string
        if let cached = cachedValues(key) { return cached }
        consulted.append(string)
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
        store(values, key)
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
        if let connection { return connection }
        if let connectFailure {
            if let cacheLifetime, Date().timeIntervalSince(connectFailure.at) > cacheLifetime {
                self.connectFailure = nil
            } else {
                throw FetchError(description: connectFailure.text, unreachable: true)
            }
        }
        guard let directory, !directory.servers.isEmpty else { return nil }
        do {
            let (connection, _) = try await DirectoryConnector.connect(directory, logger: logger)
            self.connection = connection
            return connection
        } catch {
            connectFailure = ("\(error)", Date())
            throw error
        }
    }

    /// Forgets a connection that broke (the server went away or closed it), so the next read reconnects.
    private func dropConnection() async {
        guard let connection, await connection.failure != nil else { return }
        self.connection = nil
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

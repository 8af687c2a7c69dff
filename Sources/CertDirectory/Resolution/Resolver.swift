public import Foundation
public import Logging

/// Resolves mail addresses to the one certificate fit for encrypting to each:
/// directory → entries → candidates → checks → choice.
///
/// A `Resolver` holds no connection between calls and no global state, so
/// one value can serve a long-running process.
public struct Resolver: Sendable {
    public let directory: DirectorySettings
    public let validator: CertificateValidator
    /// Path intermediates from local files, used beside those the directory returns.
    public let intermediates: [ParsedCertificate]
    public var logger: Logger
    /// Revocation checking of the chosen certificate (``RevocationMode``); CRLs
    /// come from the directory and the certificates' distribution points. The
    /// default is ``RevocationMode/off``; `certdir resolve` passes `prefer`.
    /// Whatever the mode, a candidate without a path at hand has its
    /// intermediates looked up in the directory (``CertificateChecker``).
    public var revocation: RevocationMode

    public init(
        directory: DirectorySettings, validator: CertificateValidator, intermediates: [ParsedCertificate] = [],
        revocation: RevocationMode = .off, logger: Logger = Logger(label: "certdir.resolver")
    ) {
        self.revocation = revocation
        self.directory = directory
        self.validator = validator
        self.intermediates = intermediates
        self.logger = logger
    }

    /// Looks up every address on one connection, with up to
    /// ``DirectorySettings/maxOutstandingSearches`` searches in flight.
    /// - Parameter time: The evaluation instant for every check.
    /// - Returns: One ``Resolution`` per address, in the order given, and the URI that answered.
    /// - Throws: ``DirectoryUnavailableError`` when no server answers;
    ///   ``LDAPError`` for a refused bind; ``LDAPConfigurationError`` and
    ///   ``MissingBaseError`` for settings that cannot work.
    public func resolve(_ addresses: [String], at time: Date) async throws -> ResolveReport {
        try await DirectoryConnector.withConnection(directory, logger: logger) { connection, attempts in
            let base = try await DirectoryConnector.base(directory, for: connection)
            let evaluator = RecipientEvaluator(validator: validator, intermediates: intermediates, time: time)
            let uri = connection.uri
            var results = [Resolution?](repeating: nil, count: addresses.count)
            let checker = CertificateChecker(
                validator: validator, directory: directory, revocation: revocation,
                networkTimeout: directory.servers.first?.timeouts.network ?? .seconds(10), logger: logger)
            try await withThrowingTaskGroup(of: (Int, Resolution).self) { group in
                var next = 0
                func addTask() {
                    let index = next
                    let address = addresses[index]
                    next += 1
                    group.addTask {
                        let found = await lookup(address, base: base, on: connection, evaluator: evaluator, uri: uri)
                        return (index, await completeChecks(found, checker: checker, at: time))
                    }
                }
                while next < min(addresses.count, max(1, directory.maxOutstandingSearches)) { addTask() }
                while let (index, resolution) = try await group.next() {
                    results[index] = resolution
                    if next < addresses.count { addTask() }
                }
            }
            await checker.close()
            return ResolveReport(uri: uri, failedOver: attempts, results: results.compactMap { $0 })
        }
    }

    /// One address on an open connection; never throws: failures become a ``ResolutionStatus/error``.
    func lookup(
        _ address: String, base: String, on connection: LDAPConnection, evaluator: RecipientEvaluator, uri: String
    ) async -> Resolution {
        guard MailAddress(address) != nil else {
            return Resolution(address: address, status: .error, error: MalformedAddressError(address: address))
        }
        let request = SearchRequest(
            base: base, scope: .sub, filter: RecipientSearch.filter(for: address),
            attributes: RecipientSearch.attributes, sizeLimit: RecipientSearch.entryLimit)
        do {
            let result = try await connection.search(request)
            return evaluator.evaluate(address: address, entries: result.entries, referrals: result.referrals, uri: uri)
        } catch let error as LDAPError where error.code == .sizeLimitExceeded {
            // More entries carry the address than any one recipient can have.
            return Resolution(
                address: address, status: .ambiguous,
                warnings: [
                    Finding(.ambiguousEntries, "more than \(RecipientSearch.entryLimit) entries have this address")
                ])
        } catch {
            logger.debug("search failed", metadata: ["uri": "\(uri)", "error": "\(error)"])
            return Resolution(
                address: address, status: .error, warnings: [Finding(.directoryError, "\(error)")], error: error)
        }
    }
}

/// The outcome of one ``Resolver/resolve(_:at:)`` call.
public struct ResolveReport: Sendable {
    /// The URI of the server that answered; `nil` when no server was asked
    /// (every answer came from the address book).
    public var uri: String?
    /// Servers tried before it, with why each failed.
    public var failedOver: [LDAPError]
    /// One resolution per address, in the order asked.
    public var results: [Resolution]
}

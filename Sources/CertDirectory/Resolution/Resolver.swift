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
    /// ``DirectorySettings/maxOutstandingSearches`` searches in flight, through
    /// the one resolution pipeline (without an address book).
    /// - Parameter time: The evaluation instant for every check.
    /// - Returns: One ``Resolution`` per address, in the order given, and the URI that answered.
    /// - Throws: ``DirectoryUnavailableError`` when no server answers;
    ///   ``LDAPError`` for a refused bind; ``LDAPConfigurationError`` and
    ///   ``MissingBaseError`` for settings that cannot work.
    public func resolve(_ addresses: [String], at time: Date) async throws -> ResolveReport {
        try await ResolutionPipeline(resolver: self, source: FreshDirectorySource(resolver: self), book: nil)
            .resolve(addresses, at: time, now: Date())
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

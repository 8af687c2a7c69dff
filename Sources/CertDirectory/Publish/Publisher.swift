public import Logging

/// Publishes a user's certificate to its directory entry, safely: the checks
/// first, then one modify that adds and never replaces what others put there.
///
/// ``publish(_:dryRun:)`` does the whole job. ``plan(_:on:)`` and
/// ``apply(_:on:)`` are its two halves, for callers that hold a connection:
/// the plan is decided from one read of the entry (with its change stamp), and
/// the write is guarded by an assertion on that stamp (RFC 4528), so anything
/// that changes the entry in between makes the write fail without loss.
public struct Publisher: Sendable {
    public let directory: DirectorySettings
    public let validator: CertificateValidator
    /// Local CA certificates for path building and for the `userSMIMECertificate` chain.
    public let intermediates: [ParsedCertificate]
    let logger: Logger

    public init(
        directory: DirectorySettings, validator: CertificateValidator, intermediates: [ParsedCertificate] = [],
        logger: Logger = Logger(label: "certdir.publish")
    ) {
        self.directory = directory
        self.validator = validator
        self.intermediates = intermediates
        self.logger = logger
    }

    /// What a publish did.
    public enum Status: String, Sendable {
        /// The modify was sent and succeeded.
        case published
        /// The certificate was already there: no modify was sent.
        case alreadyPublished = "already-published"
        /// Nothing was sent; ``PublishPlan/ldif`` holds the change.
        case dryRun = "dry-run"
    }

    /// Checks, plans and (unless `dryRun`) writes.
    /// - Returns: The plan and what became of it.
    /// - Throws: ``PublishError`` (a rule refused, no or several entries, a
    ///   concurrent change, insufficient access, a refused value);
    ///   ``DirectoryUnavailableError``; ``LDAPError`` for other directory failures.
    public func publish(_ request: PublishRequest, dryRun: Bool) async throws -> (plan: PublishPlan, status: Status) {
        try checkWritable()
        return try await DirectoryConnector.withConnection(directory, logger: logger) { connection, _ in
            let plan = try await plan(request, on: connection)
            let status = dryRun ? (plan.isEmpty ? .alreadyPublished : .dryRun) : try await apply(plan, on: connection)
            return (plan, status)
        }
    }

    /// The read-only rule, checked before anything is sent: a Global Catalog
    /// (ports 3268/3269, or ``DirectorySettings/globalCatalog``) takes no writes.
    /// - Throws: ``PublishError/Code/refused`` with a ``PublishRule/readOnly`` refusal.
    public func checkWritable() throws {
        for server in directory.servers {
            let uri = server.uri ?? (try? LDAPHandle(uri: nil).uri) ?? ""
            guard directory.globalCatalog || LDAPURL(uri)?.isGlobalCatalogPort == true else { continue }
            throw PublishError(
                .refused, "nothing was sent to \(uri.isEmpty ? "the directory" : uri)",
                refusals: [PublishRefusal(.readOnly, "the Global Catalog is read-only; publish to a domain controller")]
            )
        }
    }

    /// Reads the entry and the root DSE, applies the address, validity, trust
    /// and fitness rules, and decides the modify. Sends no write.
    /// - Throws: ``PublishError`` or ``LDAPError``, as ``publish(_:dryRun:)``.
    public func plan(_ request: PublishRequest, on connection: LDAPConnection) async throws -> PublishPlan {
        let target = try await PublishTarget.read(request.target, certificate: request.certificate, on: connection) {
            try await DirectoryConnector.base(directory, for: connection)
        }
        let fromEntry = EntryValues(entry: target.entry, uri: connection.uri).certificates.map(\.certificate)
        let assessment = PublishChecks.assess(
            request.certificate, for: target, validator: validator,
            intermediates: request.chain + intermediates + fromEntry.filter(\.isCA), at: request.time)
        if !assessment.refusals.isEmpty {
            guard request.force else {
                throw PublishError(
                    .refused, "nothing was changed in \(target.dn); --force overrides these rules",
                    refusals: assessment.refusals, dn: target.dn)
            }
            for refusal in assessment.refusals { logger.warning("--force: overriding \(refusal)") }
        }
        var plan = try PublishPlan.make(request, target, assessment: assessment, intermediates: intermediates)
        if let assertion = plan.assertion {
            plan.assertionValue = try await connection.assertionControlValue(assertion)
        }
        return plan
    }

    /// Sends the plan's one modify; nothing when the plan is empty.
    /// - Returns: ``Status/published``, or ``Status/alreadyPublished`` when there was
    ///   nothing to do or the value was added concurrently (attributeOrValueExists).
    /// - Throws: ``PublishError``: ``PublishError/Code/concurrentChange`` (assertionFailed,
    ///   122, or noSuchObject), ``PublishError/Code/insufficientAccess`` (50),
    ///   ``PublishError/Code/rejectedValue``, ``PublishError/Code/unsupported`` (no
    ///   assertion control); else the ``LDAPError``.
    public func apply(_ plan: PublishPlan, on connection: LDAPConnection) async throws -> Status {
        guard !plan.isEmpty else { return .alreadyPublished }
        do {
            try await connection.modify(plan.dn, plan.changes, assertion: plan.assertion)
            logger.info("published", metadata: ["dn": "\(plan.dn)", "sha256": "\(plan.certificate.sha256)"])
            return .published
        } catch let error as LDAPError {
            if error.code == .attributeOrValueExists && plan.changes.allSatisfy({ $0.operation == .add }) {
                return .alreadyPublished
            }
            throw translate(error, plan)
        }
    }

    private func translate(_ error: LDAPError, _ plan: PublishPlan) -> any Error {
        let dn = plan.dn
        let attributes = Set(plan.changes.map(\.attribute)).sorted().joined(separator: " and ")
        let server = error.diagnosticMessage.map { " (\($0))" } ?? ""
        switch error.code {
        case .assertionFailed, .attributeOrValueExists:
            return PublishError(
                .concurrentChange,
                "\(dn) changed between the read and the write (the assertion on its change stamp failed, "
                    + "RFC 4528); nothing was written: run publish again", dn: dn, cause: error)
        case .noSuchAttribute where plan.assertion == nil:
            // The guard without an assertion control (AD): a value deleted by value was gone.
            return PublishError(
                .concurrentChange,
                "\(dn) changed between the read and the write (a value read from \(attributes) was no longer "
                    + "there); nothing was written: run publish again", dn: dn, cause: error)
        case .noSuchObject:
            return PublishError(
                .concurrentChange, "\(dn) was deleted or renamed after it was read; nothing was written", dn: dn,
                cause: error)
        case .insufficientAccessRights:
            return PublishError(
                .insufficientAccess,
                "\(bindIdentity) may not write \(attributes) of \(dn): insufficientAccessRights (50)\(server)", dn: dn,
                cause: error)
        case .constraintViolation, .invalidAttributeSyntax, .objectClassViolation, .undefinedAttributeType,
            .inappropriateMatching:
            let hint =
                error.code == .objectClassViolation ? "; the entry's object classes do not allow \(attributes)" : ""
            return PublishError(
                .rejectedValue, "the directory refused the change to \(dn): \(error.code)\(server)\(hint)", dn: dn,
                cause: error)
        case .unavailableCriticalExtension:
            return PublishError(
                .unsupported,
                "the server does not support the assertion control (RFC 4528) that guards this write; "
                    + "nothing was written (publish with --attribute userCertificate, without --replace-expired)",
                dn: dn, cause: error)
        default:
            return error
        }
    }

    private var bindIdentity: String {
        if case .simple(let dn, _) = directory.servers.first?.bind { return dn }
        if case .sasl(let mechanism, _) = directory.servers.first?.bind { return "the SASL \(mechanism) identity" }
        return "an anonymous bind"
    }
}

import Foundation
public import Logging

/// Exports every certificate a directory holds, streaming: paged search
/// (RFC 2696) → parse and check each value with the shared
/// ``CertificateValidator`` → de-duplicate → an ``ExportSink``.
///
/// Memory stays flat: at most three pages of entries are held (one being
/// written, one being checked, one being fetched), plus 8 bytes per distinct
/// certificate for de-duplication. The checks of a page are spread over the
/// processor cores while the previous page is written and the next fetched.
public struct DirectoryExporter: Sendable {
    public let directory: DirectorySettings
    public let validator: CertificateValidator
    public let intermediates: [ParsedCertificate]
    public var logger: Logger

    public init(
        directory: DirectorySettings, validator: CertificateValidator, intermediates: [ParsedCertificate] = [],
        logger: Logger = Logger(label: "certdir.export")
    ) {
        self.directory = directory
        self.validator = validator
        self.intermediates = intermediates
        self.logger = logger
    }

    /// Runs the export into `sink`, then calls `sink.finish()`; on any error
    /// calls `sink.discard()` so nothing is left at the target.
    /// - Parameter progress: Called after each page, on the exporting task.
    /// - Returns: The final counts.
    /// - Throws: ``ExportInterruptedError`` (with the counts so far) wrapping an
    ///   ``LDAPError`` when the server fails mid-way or caps the result;
    ///   ``DirectoryUnavailableError``; or the sink's write error.
    public func run(
        _ options: ExportOptions, into sink: any ExportSink,
        progress: @escaping @Sendable (ExportProgress) -> Void = { _ in }
    ) async throws -> ExportProgress {
        let state = ExportState(sink: sink, onlyUsable: options.onlyUsable)
        // resolve's revocation road: CRLs fetched once per issuer and cached for the run.
        let revocation =
            options.revocation == .off
            ? nil
            : CertificateChecker(
                validator: validator, directory: directory, revocation: options.revocation,
                networkTimeout: directory.servers.first?.timeouts.network ?? .seconds(10), logger: logger)
        if revocation != nil { state.progress.revocationSources = validator.policy.revocationSources.order }
        do {
            try await DirectoryConnector.withConnection(directory, logger: logger) { connection, _ in
                // Verify each local intermediate once; leaves then chain to it directly.
                let fast = validator.promotingVerifiedCAs(intermediates, at: options.time)
                let checker = PageChecker(
                    validator: fast, intermediates: intermediates, time: options.time, uri: connection.uri,
                    checker: revocation)
                let base = try await DirectoryConnector.base(directory, for: connection)
                let request = SearchRequest(
                    base: base, scope: options.scope, filter: options.effectiveFilter,
                    attributes: ["mail", "proxyAddresses"] + RecipientSearch.certificateAttributes)
                // Page N is checked while page N-1 is written and page N+1 fetched.
                let pending = PendingPage()
                do {
                    try await connection.pagedSearch(request, pageSize: options.pageSize) { entries, referrals in
                        let checking = Task { await checker.check(entries) }
                        if let previous = pending.swap(checking, referrals: referrals) {
                            try state.consume(await previous.checking.value, referrals: previous.referrals)
                            progress(state.progress)
                        }
                        return true
                    }
                } catch let error as LDAPError {
                    if let last = pending.swap(nil, referrals: []) {
                        try? state.consume(await last.checking.value, referrals: last.referrals)
                    }
                    throw ExportInterruptedError(progress: state.progress, cause: error)
                }
                if let last = pending.swap(nil, referrals: []) {
                    try state.consume(await last.checking.value, referrals: last.referrals)
                    progress(state.progress)
                }
            }
            await revocation?.close()
            try sink.finish()
            return state.progress
        } catch {
            await revocation?.close()
            sink.discard()
            throw error
        }
    }
}

/// The server failed or capped the result part-way through an export.
public struct ExportInterruptedError: Error, Sendable, CustomStringConvertible {
    /// How far the export got before the failure.
    public let progress: ExportProgress
    public let cause: LDAPError

    public var description: String {
        "the export stopped after \(progress.entries) entries (\(progress.pages) pages, \(progress.certificates) certificates): \(cause)"
    }
}

/// The page being checked, handed from one paged-search callback to the next.
private final class PendingPage: @unchecked Sendable {
    // @unchecked: used only from the paged-search body and after it, one page at a time.
    private var page: (checking: Task<[CheckedEntry], Never>, referrals: [String])?

    /// Stores `checking` (if any) and returns the page stored before.
    func swap(_ checking: Task<[CheckedEntry], Never>?, referrals: [String]) -> (
        checking: Task<[CheckedEntry], Never>, referrals: [String]
    )? {
        defer { page = checking.map { ($0, referrals) } }
        return page
    }
}

/// De-duplication and counting, touched only by the exporting task.
private final class ExportState: @unchecked Sendable {
    // @unchecked: used only from the paged-search body, which runs one page at a time.
    let sink: any ExportSink
    let onlyUsable: Bool
    var seen = Set<UInt64>()
    var progress = ExportProgress()

    init(sink: any ExportSink, onlyUsable: Bool) {
        self.sink = sink
        self.onlyUsable = onlyUsable
    }

    func consume(_ entries: [CheckedEntry], referrals: [String]) throws {
        progress.pages += 1
        progress.entries += entries.count
        progress.referrals += referrals
        for entry in entries {
            for item in entry.items {
                let holder = ExportRecord.Holder(dn: entry.dn, mail: entry.mail, attribute: item.attribute)
                if !seen.insert(item.key).inserted {
                    progress.duplicates += 1
                    if !onlyUsable || item.status == .usable { try sink.holder(holder, of: item.sha256) }
                    continue
                }
                if item.certificate != nil { progress.revocation[item.revocation, default: 0] += 1 }
                if item.certificate == nil {
                    // Not a certificate: counted apart, so the summary's certificates are those written.
                    progress.malformed += 1
                    progress.reasons[.malformedValue, default: 0] += 1
                } else if item.status == .usable {
                    progress.certificates += 1
                    progress.usable += 1
                } else {
                    progress.certificates += 1
                    progress.unusable += 1
                    for code in Set(item.reasons.map(\.code)) { progress.reasons[code, default: 0] += 1 }
                }
                if onlyUsable && item.status != .usable { continue }
                try sink.record(
                    ExportRecord(
                        sha256: item.sha256, certificate: item.certificate, status: item.status,
                        revocation: item.revocation, revocationSource: item.revocationSource, reasons: item.reasons,
                        holders: [holder]))
            }
            let values = entry.values.filter { !onlyUsable || $0.usable }
            if !values.isEmpty { try sink.entry(dn: entry.dn, values: values) }
        }
    }
}

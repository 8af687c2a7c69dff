import Crypto
public import Foundation

/// How ``CachingResolver`` uses the address book.
public struct CachePolicy: Sendable {
    public enum Mode: Sendable {
        /// Use fresh book answers, ask the directory for the rest, fall back to
        /// the book when the directory cannot be reached.
        case normal
        /// Ask the directory for every address (`--refresh`).
        case refresh
        /// Never touch the network (`--offline`): every answer comes from the book, however old,
        /// and from any directory when the configured one has none.
        case offline
    }

    public var mode: Mode
    /// How long a positive answer is reused, in seconds (24 h).
    public var positiveTTL: TimeInterval
    /// How long a negative answer (not found, no usable certificate, ambiguous) is reused, in seconds (1 h).
    public var negativeTTL: TimeInterval
    /// How old an answer may be and still serve when the directory is down, in seconds (7 days).
    public var maximumStaleness: TimeInterval

    public init(
        mode: Mode = .normal, positiveTTL: TimeInterval = 86_400, negativeTTL: TimeInterval = 3_600,
        maximumStaleness: TimeInterval = 7 * 86_400
    ) {
        self.mode = mode
        self.positiveTTL = positiveTTL
        self.negativeTTL = negativeTTL
        self.maximumStaleness = maximumStaleness
    }
}

/// Resolves through the address book: fresh answers come from the book, the
/// rest from the directory (and are stored), and when the directory cannot be
/// reached, answers within the maximum staleness come from the book with a
/// ``ReasonCode/stale`` warning. Certificates harvested from signed mail or
/// imported serve addresses the directory has no fit certificate for, after
/// the same checks as any other (revocation included), and never against a
/// verdict the directory's data gave the same certificate.
///
/// Every certificate is re-checked at use: its validity dates always; the rest
/// of its stored verdict (address, key usage, strength, chain, revocation
/// outcome) is reused when the trust anchors, intermediates, policy and
/// revocation mode are the same as when it was stored, and checked afresh
/// otherwise. An expired or revoked certificate is never handed out.
///
/// The book is a stage of the one ``ResolutionPipeline``, not a second resolver.
public struct CachingResolver: Sendable {
    public let resolver: Resolver
    public let book: AddressBook
    public var policy: CachePolicy
    /// Where the directory's answers come from; `nil` opens one connection per call.
    let source: (any DirectorySource)?

    /// - Parameter pool: Persistent connections for a long-running process;
    ///   `nil` means a new connection per call, as ``Resolver/resolve(_:at:)``.
    public init(resolver: Resolver, book: AddressBook, policy: CachePolicy = .init(), pool: DirectoryPool? = nil) {
        self.init(resolver: resolver, book: book, policy: policy, source: pool)
    }

    /// With any directory source (an in-memory one in tests).
    init(resolver: Resolver, book: AddressBook, policy: CachePolicy, source: (any DirectorySource)?) {
        self.resolver = resolver
        self.book = book
        self.policy = policy
        self.source = source
    }

    /// - Parameters:
    ///   - time: The evaluation instant for every check (`--at`).
    ///   - now: The wall clock, against which answer ages are measured.
    /// - Returns: One resolution per address, in order. ``ResolveReport/uri`` is
    ///   `nil` when the directory was not asked.
    /// - Throws: What ``Resolver/resolve(_:at:)`` throws, except that an
    ///   unreachable directory becomes per-address fallbacks or errors;
    ///   ``AddressBookError`` when the book cannot be read or written.
    public func resolve(_ addresses: [String], at time: Date, now: Date = Date()) async throws -> ResolveReport {
        let source = self.source ?? FreshDirectorySource(resolver: resolver)
        let stage = BookStage(resolver: resolver, book: book, policy: policy)
        return try await ResolutionPipeline(resolver: resolver, source: source, book: stage)
            .resolve(addresses, at: time, now: now)
    }
}

/// The address book's part of the pipeline: a source of stored answers (fresh,
/// or stale when the directory fails) and of held certificates, and the
/// recorder of the directory's answers.
struct BookStage: Sendable {
    let resolver: Resolver
    let book: AddressBook
    let policy: CachePolicy
    /// Which directory answers are filed under.
    let directory: String
    /// The trust anchors, intermediates, policy and revocation mode of this run.
    let checks: String

    init(resolver: Resolver, book: AddressBook, policy: CachePolicy) {
        self.resolver = resolver
        self.book = book
        self.policy = policy
        directory = resolver.directory.cacheKey
        checks = Self.fingerprint(resolver)
    }

    func cachedAnswers(_ addresses: [String]) throws -> [CachedLookup?] {
        try book.lookups(addresses, directory: directory, anyDirectory: policy.mode == .offline)
    }

    /// The stored answer, when it may serve without asking the directory:
    /// within its time to live and made under the same checks, or any answer offline.
    func fresh(_ lookup: CachedLookup?, address: String, at time: Date, now: Date) -> CandidateSet? {
        guard let lookup, MailAddress(address) != nil else { return nil }
        let age = now.timeIntervalSince(lookup.time)
        let ttl = lookup.isPositive ? policy.positiveTTL : policy.negativeTTL
        let fresh = age >= 0 && age < ttl && lookup.checks == checks
        guard policy.mode == .offline || (policy.mode == .normal && fresh) else { return nil }
        return replay(lookup, address: address, at: time, note: Finding(.addressBook, age: age))
    }

    /// Offline, and the book holds nothing for the address.
    func missing(_ address: String) -> CandidateSet {
        CandidateSet(
            settled: MailAddress(address) == nil
                ? MalformedAddressError.settled(address)
                : Resolution(
                    address: address, status: .error, warnings: [Finding(.notInAddressBook)],
                    error: NotInAddressBookError(address: address)))
    }

    /// A directory failure for one address: the book's answer within the
    /// maximum staleness, or the error.
    func fallback(
        _ lookup: CachedLookup?, address: String, at time: Date, now: Date, error: any Error & Sendable
    ) -> CandidateSet {
        if let lookup {
            let age = now.timeIntervalSince(lookup.time)
            if age <= policy.maximumStaleness {
                let note = Finding(
                    .stale, "\(error); answered from the address book, \(Finding.describe(age: age)) old")
                return replay(lookup, address: address, at: time, note: note)
            }
        }
        return CandidateSet(
            settled: Resolution(
                address: address, status: .error, warnings: [Finding(.directoryError, "\(error)")], error: error))
    }

    /// Rebuilds the candidates of a stored answer: dates judged at `time`, the
    /// rest of each verdict reused when made under the same checks, else
    /// checked locally again (the network checks then run at the choice).
    private func replay(_ lookup: CachedLookup, address: String, at time: Date, note: Finding) -> CandidateSet {
        let sameChecks = lookup.checks == checks
        let pathPool = resolver.intermediates + lookup.certificates.values.filter(\.isCA)
        let entries = lookup.detail.entries.map { entry in
            EntryCandidates(
                dn: entry.dn, addresses: entry.addresses,
                candidates: entry.candidates.map { stored in
                    let source = ValueSource(
                        uri: stored.uri, dn: entry.dn, attribute: stored.attribute, index: stored.index)
                    let primary = stored.primary.flatMap(MailAddress.init)
                    guard let certificate = lookup.certificates[stored.sha256], !stored.malformed else {
                        let reasons =
                            stored.malformed
                            ? stored.reasons : [Finding(.malformedValue, "no longer in the address book")]
                        return Candidate(
                            certificate: nil, sha256: stored.sha256, source: source, reasons: reasons, warnings: [])
                    }
                    if sameChecks {
                        var candidate = Candidate(
                            certificate: certificate, sha256: stored.sha256, source: source,
                            reasons: stored.reasons + CertificateValidator.validityReasons(certificate, at: time),
                            warnings: stored.warnings, primaryAddress: primary, revocation: stored.revocation)
                        candidate.revocationSource = stored.revocationSource
                        // The stored verdict holds the network checks' outcome when they ran (the
                        // candidate was tried for the choice); a candidate never tried gets them now.
                        candidate.networkChecked =
                            stored.revocation != .notChecked || resolver.revocation == .off
                        return candidate
                    }
                    let expectation = MailAddress(address).map { AddressExpectation(address: $0, primary: primary) }
                    let result = resolver.validator.validate(
                        certificate, purpose: .encrypt, address: expectation, intermediates: pathPool, at: time)
                    return Candidate(
                        certificate: certificate, sha256: stored.sha256, source: source, reasons: result.reasons,
                        warnings: result.warnings, primaryAddress: primary)
                })
        }
        return CandidateSet(address: address, entries: entries, warnings: [note] + lookup.detail.warnings)
    }

    /// Adds the certificates harvested from signed mail or imported for the
    /// address, checked locally now; ``Choice`` tries them when no entry gives one.
    func addingHeld(to set: CandidateSet, at time: Date) throws -> CandidateSet {
        guard let wanted = MailAddress(set.address), let contact = try book.contact(set.address) else { return set }
        let held = contact.certificates.filter { $0.origin != .directory }
        guard !held.isEmpty else { return set }
        var result = set
        result.held = held.enumerated().map { index, entry in
            let checked = resolver.validator.validate(
                entry.certificate, purpose: .encrypt, address: AddressExpectation(address: wanted),
                intermediates: resolver.intermediates, at: time)
            return Candidate(
                certificate: entry.certificate, sha256: entry.certificate.sha256,
                source: ValueSource(
                    uri: "addressbook:", dn: entry.originDetail ?? entry.origin.rawValue,
                    attribute: entry.origin.rawValue, index: index),
                reasons: checked.reasons, warnings: checked.warnings)
        }
        return result
    }

    /// Stores the directory's answers (errors are not stored).
    func record(_ resolutions: [Resolution], uri: String?, at now: Date) throws {
        guard !resolutions.isEmpty else { return }
        try book.record(resolutions, directory: directory, uri: uri ?? "", checks: checks, at: now)
    }

    /// Identifies the trust anchors, intermediates and policy a verdict was made under.
    static func fingerprint(_ resolver: Resolver) -> String {
        var hash = SHA256()
        for der in resolver.validator.trustAnchors.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            hash.update(data: [0x01] + der)
        }
        for der in resolver.intermediates.map(\.der).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            hash.update(data: [0x02] + der)
        }
        let policy = resolver.validator.policy
        // Spelled out: a Set's description changes order from one process to the next.
        let terms = [
            "rsa=\(policy.minimumRSABits)", "curves=\(policy.allowedCurves.sorted())",
            "strict-local=\(policy.strictLocalPart)", "strict-signer=\(policy.strictSignerStrength)",
            // A verdict made under another revocation mode may not stand under this one.
            "revocation=\(resolver.revocation.rawValue)",
            "revocation-sources=\(policy.revocationSources.orderText)",
        ]
        hash.update(data: Array(terms.joined(separator: ";").utf8))
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

/// With `--offline`, the address book holds no answer for the address.
public struct NotInAddressBookError: Error, Sendable, CustomStringConvertible {
    public let address: String
    public var description: String { "offline, and the address book holds nothing for \(address)" }
}

extension DirectorySettings {
    /// Which directory an answer came from, as the book files it: the servers in order and the base.
    var cacheKey: String {
        servers.map { $0.uri ?? "ldap.conf" }.joined(separator: " ") + " base=" + (base ?? "")
    }
}

extension Finding {
    init(_ code: ReasonCode, age: TimeInterval) {
        self.init(code, "answered from the address book, looked up \(Finding.describe(age: age)) ago")
    }

    /// An age in the largest whole unit: `45 s`, `12 min`, `5 h`, `3 d`.
    static func describe(age: TimeInterval) -> String {
        let seconds = Int(max(0, age))
        switch seconds {
        case ..<120: return "\(seconds) s"
        case ..<7_200: return "\(seconds / 60) min"
        case ..<172_800: return "\(seconds / 3_600) h"
        default: return "\(seconds / 86_400) d"
        }
    }
}

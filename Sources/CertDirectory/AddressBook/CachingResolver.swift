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
/// imported serve addresses the directory has no fit certificate for.
///
/// Every certificate is re-checked at use: its validity dates always; the rest
/// of its stored verdict (address, key usage, strength, chain, revocation
/// outcome) is reused when the trust anchors, intermediates, policy and
/// revocation mode are the same as when it was stored, and checked afresh
/// otherwise (revocation then not checked: no network). An expired or revoked
/// certificate is never handed out.
public struct CachingResolver: Sendable {
    public let resolver: Resolver
    public let book: AddressBook
    public var policy: CachePolicy
    /// Asks the directory for the addresses the book cannot answer.
    let directoryLookup: DirectoryLookup?

    /// How the directory is asked: the addresses and the evaluation instant in,
    /// one resolution per address out, as ``Resolver/resolve(_:at:)``.
    public typealias DirectoryLookup = @Sendable ([String], Date) async throws -> ResolveReport

    /// - Parameter directoryLookup: Asks the directory; `nil` means ``Resolver/resolve(_:at:)``,
    ///   which opens one connection per call. A long-running process passes a ``DirectoryPool``.
    public init(
        resolver: Resolver, book: AddressBook, policy: CachePolicy = .init(), directoryLookup: DirectoryLookup? = nil
    ) {
        self.resolver = resolver
        self.book = book
        self.policy = policy
        self.directoryLookup = directoryLookup
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
        let directory = resolver.directory.cacheKey
        let checks = checksFingerprint
        var results = [Resolution?](repeating: nil, count: addresses.count)
        let cached = try book.lookups(addresses, directory: directory, anyDirectory: policy.mode == .offline)
        for (index, address) in addresses.enumerated() where MailAddress(address) != nil {
            guard let lookup = cached[index] else { continue }
            let age = now.timeIntervalSince(lookup.time)
            let ttl = lookup.isPositive ? policy.positiveTTL : policy.negativeTTL
            let fresh = age >= 0 && age < ttl && lookup.checks == checks
            if policy.mode == .offline || (policy.mode == .normal && fresh) {
                results[index] = replay(lookup, address: address, at: time, note: Finding(.addressBook, age: age))
            }
        }
        var report = ResolveReport(uri: nil, failedOver: [], results: [])
        let pending = results.indices.filter { results[$0] == nil }
        if policy.mode == .offline {
            for index in pending {
                results[index] =
                    MailAddress(addresses[index]) == nil
                    ? Resolution(
                        address: addresses[index], status: .error,
                        error: MalformedAddressError(address: addresses[index]))
                    : Resolution(
                        address: addresses[index], status: .error, warnings: [Finding(.notInAddressBook)],
                        error: NotInAddressBookError(address: addresses[index]))
            }
        } else if !pending.isEmpty {
            do {
                let asked = pending.map { addresses[$0] }
                let answer =
                    if let directoryLookup {
                        try await directoryLookup(asked, time)
                    } else {
                        try await resolver.resolve(asked, at: time)
                    }
                report.uri = answer.uri
                report.failedOver = answer.failedOver
                for (index, resolution) in zip(pending, answer.results) {
                    if resolution.status == .error, let error = resolution.error, MailAddress(addresses[index]) != nil {
                        results[index] = fallback(
                            cached[index], address: addresses[index], at: time, now: now, error: error)
                    } else {
                        results[index] = resolution
                    }
                }
                try book.record(answer.results, directory: directory, uri: answer.uri ?? "", checks: checks, at: now)
            } catch let error as DirectoryUnavailableError {
                report.failedOver = error.attempts
                for index in pending {
                    results[index] = fallback(
                        cached[index], address: addresses[index], at: time, now: now, error: error)
                }
            }
        }
        report.results = try results.compactMap { $0 }.map { try withHeldCertificates($0, at: time) }
        return report
    }

    /// A directory failure for one address: the book's answer within the
    /// maximum staleness, or the error.
    private func fallback(
        _ lookup: CachedLookup?, address: String, at time: Date, now: Date, error: any Error & Sendable
    ) -> Resolution {
        if let lookup {
            let age = now.timeIntervalSince(lookup.time)
            if age <= policy.maximumStaleness {
                let note = Finding(
                    .stale, "\(error); answered from the address book, \(Finding.describe(age: age)) old")
                return replay(lookup, address: address, at: time, note: note)
            }
        }
        return Resolution(
            address: address, status: .error, warnings: [Finding(.directoryError, "\(error)")], error: error)
    }

    /// Rebuilds a resolution from a stored answer: dates judged at `time`, the
    /// rest of each verdict reused (or re-checked if the checks changed), then the same choice.
    private func replay(_ lookup: CachedLookup, address: String, at time: Date, note: Finding) -> Resolution {
        let sameChecks = lookup.checks == checksFingerprint
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
                        return Candidate(
                            certificate: certificate, sha256: stored.sha256, source: source,
                            reasons: stored.reasons + CertificateValidator.validityReasons(certificate, at: time),
                            warnings: stored.warnings, primaryAddress: primary, revocation: stored.revocation)
                    }
                    let expectation = MailAddress(address).map { AddressExpectation(address: $0, primary: primary) }
                    var result = resolver.validator.validate(
                        certificate, purpose: .encrypt, address: expectation, intermediates: pathPool, at: time)
                    unchecked(&result)
                    return Candidate(
                        certificate: certificate, sha256: stored.sha256, source: source, reasons: result.reasons,
                        warnings: result.warnings, primaryAddress: primary)
                })
        }
        return RecipientEvaluator.decide(address: address, entries: entries, warnings: [note] + lookup.detail.warnings)
    }

    /// When the directory gave no fit certificate, one harvested from signed
    /// mail or imported may serve, checked in full now.
    private func withHeldCertificates(_ resolution: Resolution, at time: Date) throws -> Resolution {
        guard
            resolution.status == .notFound || resolution.status == .noUsableCertificate
                // Offline, or the directory down: a correspondent's certificate from signed mail still serves.
                || (resolution.status == .error && !(resolution.error is MalformedAddressError)),
            let wanted = MailAddress(resolution.address),
            let contact = try book.contact(resolution.address)
        else { return resolution }
        let held = contact.certificates.filter { $0.origin != .directory }
        guard !held.isEmpty else { return resolution }
        let pool = resolver.intermediates
        let candidates = held.enumerated().map { index, entry in
            var result = resolver.validator.validate(
                entry.certificate, purpose: .encrypt, address: AddressExpectation(address: wanted),
                intermediates: pool, at: time)
            unchecked(&result)
            return Candidate(
                certificate: entry.certificate, sha256: entry.certificate.sha256,
                source: ValueSource(
                    uri: "addressbook:", dn: entry.originDetail ?? entry.origin.rawValue,
                    attribute: entry.origin.rawValue, index: index),
                reasons: result.reasons, warnings: result.warnings)
        }
        var merged = resolution
        merged.candidates += candidates
        guard let chosen = ChoiceRule.choose(candidates.filter(\.isFit)) else { return merged }
        merged.status = .ok
        merged.chosen = chosen
        merged.error = nil
        merged.warnings.append(
            Finding(
                .addressBook,
                "from \(chosen.source.attribute == "signed-mail" ? "signed mail" : "an import"): \(chosen.source.dn)"))
        merged.warnings += chosen.warnings
        return merged
    }

    /// A verdict made here, from the book alone, has no revocation outcome: under
    /// `require` that refuses the certificate, under `prefer` it warns (RFC 5280 §6.3).
    private func unchecked(_ result: inout ValidationResult) {
        let finding = Finding(.revocationUnknown, "not checked: answered from the address book")
        switch resolver.revocation {
        case .require: result.reasons.append(finding)
        case .prefer: result.warnings.append(finding)
        case .off: break
        }
    }

    /// Identifies the trust anchors, intermediates and policy a verdict was made under.
    var checksFingerprint: String {
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

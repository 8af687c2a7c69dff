import Foundation

/// The one choice of the resolution pipeline: turns a ``CandidateSet`` into a
/// ``Resolution``, running the network checks (path discovery, revocation) on
/// each candidate about to be chosen, in ``ChoiceRule`` order, and choosing
/// the first that passes every check. Nothing chooses again afterwards.
///
/// - The entry rules come first: no entry is not-found; two or more entries
///   with not exactly one holding a locally fit certificate are ambiguous.
/// - In the answering entry, a candidate refused only as `untrusted` by the local
///   checks, or fit, is checked with the ``CertificateChecker``: its path is
///   discovered from the directory and caIssuers URLs, and revoked or of
///   unknown status under ``RevocationMode/require`` it is refused, and the
///   choice falls to the next.
/// - Certificates from the address book (signed mail, imports) are tried only
///   when no entry gives one, and the same way.
/// - Known verdicts win: within one run every certificate has one network
///   verdict, by SHA-256, whatever source offered it (``VerdictMemo``). A copy
///   of a certificate that the directory's data shows revoked is revoked.
/// - Without a checker (offline, the directory down) a candidate that was not
///   checked on the network gets ``ReasonCode/revocationUnknown``: a reason under
///   `require`, a warning under `prefer`, nothing under `off`.
struct Choice: Sendable {
    /// `nil`: no network (offline, or the directory is down).
    let checker: CertificateChecker?
    let revocation: RevocationMode
    /// Path intermediates from local files.
    let intermediates: [ParsedCertificate]
    let memo: VerdictMemo
    /// The certificates the address book holds for an address (signed mail, imports), read
    /// only when no entry gives a certificate; `nil` without a book.
    var heldCertificates: (@Sendable (_ address: String, _ time: Date) throws -> [Candidate])?
    /// Why a candidate was not checked on the network, when there is no checker.
    var uncheckedNote = "not checked: answered from the address book"

    /// The choice for `set`, and the part of it the directory's entries
    /// decided alone (what the address book records).
    struct Outcome: Sendable {
        var resolution: Resolution
        var directoryPart: Resolution
    }

    /// - Throws: What reading the address book's held certificates throws.
    func make(_ set: CandidateSet, at time: Date) async throws -> Outcome {
        let directoryPart: Resolution
        if let settled = set.settled {
            directoryPart = settled
        } else {
            directoryPart = await chooseAmongEntries(set, at: time)
        }
        switch directoryPart.status {
        case .notFound, .noUsableCertificate: break
        // Offline, or the directory down: a correspondent's certificate from signed mail still serves.
        case .error where !(directoryPart.error is MalformedAddressError): break
        default: return Outcome(resolution: directoryPart, directoryPart: directoryPart)
        }
        let held = set.held.isEmpty ? try heldCertificates?(set.address, time) ?? [] : set.held
        guard !held.isEmpty else { return Outcome(resolution: directoryPart, directoryPart: directoryPart) }
        var merged = directoryPart
        let known = Dictionary(
            directoryPart.candidates.filter { $0.networkChecked && $0.certificate != nil }.map {
                ($0.sha256, NetworkVerdict($0))
            }, uniquingKeysWith: { first, _ in first })
        let start = merged.candidates.count
        for var candidate in held {
            if let verdict = known[candidate.sha256] { verdict.apply(to: &candidate) }
            merged.candidates.append(candidate)
        }
        let pool = intermediates + merged.candidates.compactMap(\.certificate).filter(\.isCA)
        let eligible = (start..<merged.candidates.count).filter { Self.isEligible(merged.candidates[$0]) }
        if let index = await firstFit(eligible, in: &merged.candidates, pool: pool, at: time) {
            let chosen = merged.candidates[index]
            merged.status = .ok
            merged.chosen = chosen
            merged.error = nil
            merged.warnings.append(
                Finding(
                    .addressBook,
                    "from \(chosen.source.attribute == "signed-mail" ? "signed mail" : "an import"): \(chosen.source.dn)"
                ))
            merged.warnings += chosen.warnings
        }
        return Outcome(resolution: merged, directoryPart: directoryPart)
    }

    /// The entry rules, then the first candidate of the answering entry that passes every check.
    private func chooseAmongEntries(_ set: CandidateSet, at time: Date) async -> Resolution {
        var entries = set.entries
        if entries.isEmpty {
            return Resolution(
                address: set.address, status: .notFound, warnings: set.warnings, checkedEntries: entries,
                warningsBeforeChoice: set.warnings)
        }
        var warnings = set.warnings
        let dns = entries.map(\.dn)
        if entries.count > 1 {
            warnings.append(
                Finding(.ambiguousEntries, "\(entries.count) entries have this address: \(dns.joined(separator: "; "))")
            )
        }
        if entries.count > 1 {
            // The entry rule reads every candidate's local verdict.
            for index in entries.indices { Self.settlePaths(&entries[index].candidates) }
        }
        var resolution = Resolution(
            address: set.address, status: .noUsableCertificate, candidates: entries.flatMap(\.candidates),
            warnings: warnings, entries: dns, checkedEntries: entries, warningsBeforeChoice: set.warnings)
        let withFit = entries.filter { $0.candidates.contains(where: \.isFit) }
        if entries.count > 1 && withFit.count != 1 {
            resolution.status = .ambiguous
            return resolution
        }
        let dn = entries.count == 1 ? entries[0].dn : withFit[0].dn
        let pool = intermediates + resolution.candidates.compactMap(\.certificate).filter(\.isCA)
        let eligible = resolution.candidates.indices.filter {
            resolution.candidates[$0].source.dn == dn && Self.isEligible(resolution.candidates[$0])
        }
        if let index = await firstFit(eligible, in: &resolution.candidates, pool: pool, at: time) {
            let chosen = resolution.candidates[index]
            resolution.status = .ok
            resolution.chosen = chosen
            resolution.warnings += chosen.warnings
        }
        Self.settlePaths(&resolution.candidates)
        // One entry: its candidates are these, as decided (the book reads the entries' DNs and addresses).
        if entries.count == 1 { resolution.checkedEntries[0].candidates = resolution.candidates }
        return resolution
    }

    /// The local path checks still pending (``PendingPath``) of candidates the
    /// network check did not decide.
    private static func settlePaths(_ candidates: inout [Candidate]) {
        for index in candidates.indices where candidates[index].pendingPath != nil {
            candidates[index].settlePath()
        }
    }

    /// A candidate the network checks may still make fit: parsed, and refused by
    /// the local checks at most for want of a path.
    private static func isEligible(_ candidate: Candidate) -> Bool {
        candidate.certificate != nil && candidate.reasons.allSatisfy { $0.code == .untrusted }
    }

    /// Completes the checks of `indices` in ``ChoiceRule`` order, up to the first that is fit.
    private func firstFit(_ indices: [Int], in candidates: inout [Candidate], pool: [ParsedCertificate], at time: Date)
        async -> Int?
    {
        var remaining = indices
        while let next = ChoiceRule.choose(remaining.map { candidates[$0] }),
            let index = remaining.first(where: {
                candidates[$0].sha256 == next.sha256 && candidates[$0].source == next.source
            })
        {
            remaining.removeAll { $0 == index }
            await completeChecks(&candidates[index], pool: pool, at: time)
            if candidates[index].isFit { return index }
        }
        return nil
    }

    /// The network checks of one candidate, once per certificate and run.
    private func completeChecks(_ candidate: inout Candidate, pool: [ParsedCertificate], at time: Date) async {
        guard !candidate.networkChecked, let certificate = candidate.certificate else { return }
        candidate.networkChecked = true
        if let verdict = await memo.verdict(candidate.sha256) {
            verdict.apply(to: &candidate)
            return
        }
        guard let checker else {
            candidate.settlePath()
            let finding = Finding(.revocationUnknown, uncheckedNote)
            switch revocation {
            case .require: candidate.reasons.append(finding)
            case .prefer: candidate.warnings.append(finding)
            case .off: break
            }
            return
        }
        let checked = await checker.check(certificate, purpose: .encrypt, address: nil, intermediates: pool, at: time)
        let verdict = NetworkVerdict(checked.result)
        await memo.store(verdict, for: candidate.sha256)
        verdict.apply(to: &candidate)
    }
}

/// The part of a certificate's verdict that the network decides: path
/// (`untrusted`), revocation (`revoked`, `revocation-unknown`) and its outcome.
struct NetworkVerdict: Sendable {
    static let codes: Set<ReasonCode> = [.untrusted, .revoked, .revocationUnknown]

    var reasons: [Finding]
    var warnings: [Finding]
    var revocation: RevocationStatus
    var revocationSource: String?
    var revocationDataValidUntil: Date?

    init(_ result: ValidationResult) {
        reasons = result.reasons.filter { Self.codes.contains($0.code) }
        warnings = result.warnings.filter { Self.codes.contains($0.code) }
        revocation = result.revocation
        revocationSource = result.revocationSource
        revocationDataValidUntil = result.revocationDataValidUntil
    }

    init(_ candidate: Candidate) {
        reasons = candidate.reasons.filter { Self.codes.contains($0.code) }
        warnings = candidate.warnings.filter { Self.codes.contains($0.code) }
        revocation = candidate.revocation
        revocationSource = candidate.revocationSource
        revocationDataValidUntil = candidate.revocationDataValidUntil
    }

    /// Replaces the candidate's network findings with these; its local ones stay.
    func apply(to candidate: inout Candidate) {
        candidate.reasons = candidate.reasons.filter { !Self.codes.contains($0.code) } + reasons
        candidate.warnings = candidate.warnings.filter { !Self.codes.contains($0.code) } + warnings
        candidate.revocation = revocation
        candidate.revocationSource = revocationSource
        candidate.revocationDataValidUntil = revocationDataValidUntil
        candidate.networkChecked = true
        // The network check decided the path; the local one, if still pending, is moot.
        candidate.pendingPath = nil
    }
}

/// The network verdicts of one run, by certificate SHA-256: a certificate is
/// checked once, and every copy of it (another entry, another address, the
/// address book) gets the same verdict.
actor VerdictMemo {
    private var verdicts: [String: NetworkVerdict] = [:]

    func verdict(_ sha256: String) -> NetworkVerdict? { verdicts[sha256] }

    func store(_ verdict: NetworkVerdict, for sha256: String) { verdicts[sha256] = verdict }
}

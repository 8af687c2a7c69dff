import Foundation

extension Resolver {
    /// Completes the checks that need the network, with `checker`, for one
    /// entry's answer (not for ambiguous ones):
    /// - a candidate refused only as `untrusted` gets its path discovered from
    ///   the directory and caIssuers URLs (a recipient's entry often lacks the
    ///   intermediate) and is checked again;
    /// - the candidate about to be chosen has its path checked for revocation
    ///   (RFC 5280 §6.3). A revoked one, or one of unknown status under
    ///   ``RevocationMode/require``, is refused and the choice falls to the next
    ///   candidate in ``ChoiceRule`` order, checked the same way. An unknown
    ///   status under ``RevocationMode/prefer`` is chosen with a warning.
    func completeChecks(_ resolution: Resolution, checker: CertificateChecker, at time: Date) async -> Resolution {
        guard resolution.status == .ok || resolution.status == .noUsableCertificate,
            let dn = resolution.chosen?.source.dn ?? (resolution.entries.count == 1 ? resolution.entries.first : nil)
        else { return resolution }
        var result = resolution
        let pool = intermediates + resolution.candidates.compactMap(\.certificate).filter(\.isCA)
        let networkCodes: Set<ReasonCode> = [.untrusted, .revoked, .revocationUnknown]
        let oldWarnings = resolution.chosen?.warnings ?? []
        var remaining = result.candidates.indices.filter { index in
            let candidate = result.candidates[index]
            return candidate.source.dn == dn && candidate.certificate != nil
                && candidate.reasons.allSatisfy { $0.code == .untrusted }
        }
        while let next = ChoiceRule.choose(remaining.map { result.candidates[$0] }),
            let index = remaining.first(where: {
                result.candidates[$0].sha256 == next.sha256 && result.candidates[$0].source == next.source
            }),
            let certificate = next.certificate
        {
            remaining.removeAll { $0 == index }
            let checked = await checker.check(
                certificate, purpose: .encrypt, address: nil, intermediates: pool, at: time)
            result.candidates[index].reasons =
                next.reasons.filter { !networkCodes.contains($0.code) }
                + checked.result.reasons.filter { networkCodes.contains($0.code) }
            result.candidates[index].warnings += checked.result.warnings.filter { networkCodes.contains($0.code) }
            result.candidates[index].revocation = checked.result.revocation
            if result.candidates[index].isFit {
                let chosen = result.candidates[index]
                result.chosen = chosen
                result.status = .ok
                result.warnings = result.warnings.filter { !oldWarnings.contains($0) } + chosen.warnings
                return result
            }
        }
        result.chosen = nil
        result.status = .noUsableCertificate
        result.warnings = result.warnings.filter { !oldWarnings.contains($0) }
        return result
    }
}

import Foundation

extension Resolver {
    /// Checks the chosen certificate's path for revocation (RFC 5280 §6.3) with
    /// `checker`; a revoked certificate, or one of unknown status under
    /// ``RevocationMode/require``, becomes unfit and the choice falls to the
    /// entry's next fit candidate, which is checked the same way. An unknown
    /// status under ``RevocationMode/prefer`` stays chosen with a warning.
    func applyRevocation(_ resolution: Resolution, checker: CertificateChecker, at time: Date) async -> Resolution {
        guard resolution.status == .ok, var chosen = resolution.chosen else { return resolution }
        var result = resolution
        let pool = intermediates + resolution.candidates.compactMap(\.certificate).filter(\.isCA)
        while true {
            guard let certificate = chosen.certificate else { return result }
            let checked = await checker.check(
                certificate, purpose: .encrypt, address: nil, intermediates: pool, at: time)
            let codes: Set<ReasonCode> = [.revoked, .revocationUnknown]
            let reasons = checked.result.reasons.filter { codes.contains($0.code) }
            let warnings = checked.result.warnings.filter { codes.contains($0.code) }
            guard let index = result.candidates.firstIndex(where: {
                $0.sha256 == chosen.sha256 && $0.source == chosen.source
            }) else { return result }
            result.candidates[index].reasons += reasons
            result.candidates[index].warnings += warnings
            if reasons.isEmpty {
                result.chosen = result.candidates[index]
                result.warnings += warnings
                return result
            }
            let sameEntry = result.candidates.filter { $0.source.dn == chosen.source.dn && $0.isFit }
            guard let next = ChoiceRule.choose(sameEntry) else {
                result.chosen = nil
                result.status = .noUsableCertificate
                result.warnings.removeAll { warning in chosen.warnings.contains(warning) }
                return result
            }
            chosen = next
        }
    }
}

import Foundation

extension CertificateValidator {
    /// ``validate(_:purpose:address:intermediates:at:)`` with revocation: the
    /// path is checked against `crls` (RFC 5280 §6.3, by OpenSSL) unless `mode`
    /// is ``RevocationMode/off``. A revoked certificate on the path adds
    /// ``ReasonCode/revoked``; an undecided status adds
    /// ``ReasonCode/revocationUnknown`` as a reason under
    /// ``RevocationMode/require`` and as a warning under ``RevocationMode/prefer``.
    func validate(
        _ certificate: ParsedCertificate, purpose: Purpose, address: AddressExpectation?, intermediates: [X509Ref],
        crls: [CRLRef], revocation mode: RevocationMode, sourceFailures: [String], at time: Date
    ) -> ValidationResult {
        var result = validate(certificate, purpose: purpose, address: address, intermediates: [], at: time)
        // The path found without the pool is replaced by the full check below.
        result.reasons.removeAll { $0.code == .untrusted }
        result.pathLength = nil
        if certificate.isCA && (purpose == .encrypt || !policy.acceptCASigners) { return result }
        guard mode != .off else {
            checkPath(certificate, intermediates: intermediates, at: time, &result)
            return result
        }
        let unreachable =
            sourceFailures.isEmpty ? "" : "; sources that failed: " + sourceFailures.joined(separator: "; ")
        guard let leaf = certificate.x509 else {
            result.reasons.append(Self.unreadableByOpenSSL)
            return result
        }
        result.revocationDataValidUntil = crls.compactMap(\.nextUpdate).min()
        switch trustStore.verify(leaf: leaf, intermediates: intermediates, crls: crls, at: time) {
        case .good(let length):
            result.pathLength = length
            result.revocation = .good
        case .revoked(let reason, let depth):
            result.revocation = .revoked
            result.reasons.append(Finding(.revoked, "\(reason)\(depth > 0 ? " at path depth \(depth)" : "")"))
        case .unknown(let reason, let depth):
            result.revocation = .unknown
            let finding = Finding(
                .revocationUnknown, "\(reason)\(depth > 0 ? " at path depth \(depth)" : "")\(unreachable)")
            if mode == .require {
                result.reasons.append(finding)
            } else {
                result.warnings.append(finding)
                checkPath(certificate, intermediates: intermediates, at: time, &result)
            }
        case .untrusted(let reason, let depth):
            result.reasons.append(
                Finding(
                    .untrusted,
                    "no valid path to a trust anchor: \(reason)\(depth > 0 ? " at path depth \(depth)" : "")"))
        }
        return result
    }
}

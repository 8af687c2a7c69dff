import CertDirectory

/// The `--explain` text: every candidate with its verdict and reasons.
enum Explanation {
    static func text(for resolution: Resolution, revocation: RevocationMode = .off) -> String {
        var lines = ["\(resolution.address): \(resolution.status.rawValue)"]
        for dn in resolution.entries { lines.append("  entry: \(dn)") }
        if resolution.candidates.isEmpty && resolution.status == .noUsableCertificate {
            lines.append("  no certificate in userCertificate or userSMIMECertificate")
        }
        for candidate in resolution.candidates {
            let chosen = candidate.sha256 == resolution.chosen?.sha256 && candidate.source == resolution.chosen?.source
            let onlyCA = candidate.reasons.map(\.code) == [.caCertificate]
            let verdict = chosen ? "CHOSEN" : candidate.isFit ? "fit" : onlyCA ? "CA" : "refused"
            let place = "\(candidate.source.attribute)[\(candidate.source.index)]"
            lines.append("  [\(verdict)] \(candidate.sha256.prefix(16))… \(place)")
            if let certificate = candidate.certificate {
                let key =
                    certificate.key.curve.map { "EC \($0)" }
                    ?? "\(certificate.key.algorithm.uppercased())-\(certificate.key.bits)"
                lines.append("      subject: \(certificate.subject)")
                lines.append("      issuer:  \(certificate.issuer)")
                lines.append(
                    "      key: \(key); valid \(RFC3339.format(certificate.notBefore)) to \(RFC3339.format(certificate.notAfter))"
                )
            }
            if onlyCA {
                lines.append("      a CA certificate from the bundle: used as a path intermediate, not a recipient")
                continue
            }
            for reason in candidate.reasons { lines.append("      ✗ \(reason.code.rawValue): \(reason.message)") }
            for warning in candidate.warnings { lines.append("      ! \(warning.code.rawValue): \(warning.message)") }
            if candidate.revocation == .revoked, let source = candidate.revocationSource {
                lines.append("      revocation: revoked, from \(source)")
            }
        }
        // Candidates already show their own warnings and malformed values.
        let shown = Set(resolution.candidates.flatMap(\.warnings))
        for warning in resolution.warnings where warning.code != .malformedValue && !shown.contains(warning) {
            lines.append("  ! \(warning.code.rawValue): \(warning.message)")
        }
        if let error = resolution.error { lines.append("  error: \(ResolveExit.classify(error).message)") }
        if resolution.status == .ok, let chosen = resolution.chosen {
            if revocation == .off {
                lines.append("  revocation: not checked")
            } else if chosen.warnings.contains(where: { $0.code == .revocationUnknown }) {
                lines.append("  revocation: unknown, accepted under --revocation prefer")
            } else if let source = chosen.revocationSource, source.hasPrefix("ocsp ") {
                lines.append("  revocation: good, from \(source) (CA certificates above it: current CRLs)")
            } else if let source = chosen.revocationSource {
                lines.append(
                    "  revocation: good, from \(source) (every certificate on the path checked against a current CRL)")
            } else {
                lines.append("  revocation: good (every certificate on the path checked against a current CRL)")
            }
        }
        return lines.map(\.terminalSafe).joined(separator: "\n") + "\n"
    }
}

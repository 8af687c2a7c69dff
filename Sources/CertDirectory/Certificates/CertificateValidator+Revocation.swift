import Foundation

extension CertificateValidator {
    /// ``validate(_:purpose:address:intermediates:at:)`` with revocation: the
    /// path is checked against `crls` (RFC 5280 §6.3, by OpenSSL) unless `mode`
    /// is ``RevocationMode/off``, and the certificate itself against `ocsp`, the
    /// judged answer of its OCSP responder, when one was asked. A revoked
    /// certificate on the path adds ``ReasonCode/revoked``; an undecided status
    /// adds ``ReasonCode/revocationUnknown`` as a reason under
    /// ``RevocationMode/require`` and as a warning under ``RevocationMode/prefer``.
    ///
    /// The certificate's own status: a verified definite OCSP answer decides it
    /// (a CRL that lists it as revoked still wins); otherwise its CRLs do, when
    /// `sources` include CRLs. The CA certificates above it: their CRLs.
    /// - Parameter crlOrigins: Where each CRL came from, for ``ValidationResult/revocationSource``.
    func validate(
        _ certificate: ParsedCertificate, purpose: Purpose, address: AddressExpectation?, intermediates: [X509Ref],
        crls: [CRLRef], crlOrigins: [ObjectIdentifier: String] = [:], ocsp: OCSPResult? = nil,
        sources: RevocationSources = .init(), revocation mode: RevocationMode, sourceFailures: [String],
        at time: Date
    ) -> ValidationResult {
        // The path is decided by the full check below, with the pool and the CRLs.
        var (result, pathApplies) = validateLocally(certificate, purpose: purpose, address: address, at: time)
        if !pathApplies { return result }
        guard mode != .off else {
            checkPath(certificate, intermediates: intermediates, at: time, &result)
            return result
        }
        guard let leaf = certificate.x509 else {
            result.reasons.append(Self.unreadableByOpenSSL)
            return result
        }
        let ocspDecides = ocsp?.answer.isDefinite == true
        // Who speaks for the certificate itself when its CRL does not.
        var ocspNote = ""
        if let ocsp, case .unknown(let why) = ocsp.answer { ocspNote = "; \(ocsp.source): \(why)" }
        if ocsp == nil && sources.asksOCSP && !sources.asksCRL {
            ocspNote = "; the certificate names no OCSP responder"
        }
        let failed = sourceFailures.filter { failure in !ocspNote.contains(failure) }
        let unreachable = failed.isEmpty ? "" : "; sources that failed: " + failed.joined(separator: "; ")
        let leafCRL = crls.first { leaf.issuerMatches(crlOf: $0) }.flatMap { crlOrigins[ObjectIdentifier($0)] }
        func atDepth(_ depth: Int) -> String { depth > 0 ? " at path depth \(depth)" : "" }
        func ocspRevoked() -> Finding? {
            guard let ocsp, case .revoked(let at, let reason, _) = ocsp.answer else { return nil }
            return Finding(
                .revoked, "revoked at \(RFC3339.format(at))\(reason.map { " (\($0))" } ?? "") says \(ocsp.source)")
        }
        // A stored answer lives no longer than the data it was judged by: the CRLs'
        // nextUpdate and, when OCSP decided, the response's (without one, its thisUpdate:
        // such a response is current only now, RFC 6960 §4.2.2.1).
        var validUntil = crls.compactMap(\.nextUpdate)
        if ocspDecides, let window = ocsp?.answer.window { validUntil.append(window.nextUpdate ?? window.thisUpdate) }
        result.revocationDataValidUntil = validUntil.min()
        let verdict = trustStore.verify(
            leaf: leaf, intermediates: intermediates, crls: crls, at: time,
            leafDecided: ocspDecides || !sources.asksCRL)
        switch verdict {
        case .good(let length):
            result.pathLength = length
            if let revoked = ocspRevoked() {
                result.revocation = .revoked
                result.revocationSource = ocsp?.source
                result.reasons.append(revoked)
            } else if ocspDecides {
                result.revocation = .good
                result.revocationSource = ocsp?.source
            } else if !sources.asksCRL {
                unknown(
                    "no verified OCSP answer\(ocspNote)\(unreachable)", &result, certificate, intermediates, time, mode)
                result.revocationSource = ocsp?.source
            } else {
                result.revocation = .good
                result.revocationSource = leafCRL ?? "crl"
            }
        case .revoked(let reason, let depth):
            result.revocation = .revoked
            if depth == 0, sources.ocspFirst, let revoked = ocspRevoked() {
                // Both say revoked; OCSP was asked first.
                result.revocationSource = ocsp?.source
                result.reasons.append(revoked)
            } else {
                result.revocationSource = depth == 0 ? (leafCRL ?? "crl") : "crl"
                result.reasons.append(Finding(.revoked, "\(reason)\(atDepth(depth))"))
            }
        case .unknown(let reason, let depth):
            if let revoked = ocspRevoked() {
                result.revocation = .revoked
                result.revocationSource = ocsp?.source
                result.reasons.append(revoked)
            } else {
                unknown(
                    "\(reason)\(atDepth(depth))\(ocspNote)\(unreachable)", &result, certificate, intermediates, time,
                    mode)
                if depth == 0 { result.revocationSource = ocsp?.source ?? leafCRL }
            }
        case .untrusted(let reason, let depth):
            result.reasons.append(Finding(.untrusted, "no valid path to a trust anchor: \(reason)\(atDepth(depth))"))
            if let revoked = ocspRevoked() {
                result.revocation = .revoked
                result.revocationSource = ocsp?.source
                result.reasons.append(revoked)
            }
        }
        return result
    }

    private func unknown(
        _ message: String, _ result: inout ValidationResult, _ certificate: ParsedCertificate,
        _ intermediates: [X509Ref], _ time: Date, _ mode: RevocationMode
    ) {
        result.revocation = .unknown
        let finding = Finding(.revocationUnknown, message)
        if mode == .require {
            result.reasons.append(finding)
        } else {
            result.warnings.append(finding)
            if result.pathLength == nil { checkPath(certificate, intermediates: intermediates, at: time, &result) }
        }
    }
}

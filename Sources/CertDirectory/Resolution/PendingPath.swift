import Foundation

/// A candidate's local path check, put off until its verdict is needed: the
/// network check (``CertificateChecker``, in ``Choice``) decides the path of
/// the candidates it reaches with OpenSSL's `X509_verify_cert` and the CRLs,
/// and replaces the local path verdict, so running the local one first would
/// verify the same path twice. Every candidate the network check does not
/// decide gets exactly the local verdict it had before: ``Choice`` settles it
/// before any rule reads the candidate's fitness and before the resolution is
/// returned.
struct PendingPath: Sendable {
    let validator: CertificateValidator
    /// The certificates at hand for the path (local files, the directory's answer).
    let intermediates: [ParsedCertificate]
    let time: Date

    /// The reason the local path check gives, if any (``ReasonCode/untrusted``).
    func reasons(for certificate: ParsedCertificate) -> [Finding] {
        var result = ValidationResult()
        validator.checkPath(certificate, intermediates: intermediates, at: time, &result)
        return result.reasons
    }
}

extension Candidate {
    /// Runs the local path check put off by ``PendingPath``, if any; its reason
    /// goes last, where ``CertificateValidator/validate(_:purpose:address:intermediates:at:)`` puts it.
    mutating func settlePath() {
        guard let pending = pendingPath else { return }
        pendingPath = nil
        if let certificate { reasons += pending.reasons(for: certificate) }
    }
}

public import Foundation

/// Gathers the certificates a message is encrypted to, failing closed: every
/// recipient must have a fit certificate, or the whole set is refused.
public struct RecipientCertificates: Sendable {
    /// One recipient that has no fit certificate, and why.
    public struct Failure: Sendable, CustomStringConvertible {
        /// The address, or `file:PATH` for a `--recipient-cert` file.
        public let recipient: String
        public let status: ResolutionStatus
        public let reasons: [Finding]
        public let error: (any Error & Sendable)?

        public var description: String {
            let why = reasons.isEmpty ? status.rawValue : reasons.map(\.description).joined(separator: "; ")
            return "\(recipient): \(why)"
        }
    }

    /// The certificates, each once, in the order first met.
    public private(set) var certificates: [ParsedCertificate] = []
    public private(set) var failures: [Failure] = []
    private var seen = Set<String>()

    public init() {}

    /// Adds the chosen certificate of each resolution, or a failure for it.
    public mutating func add(_ resolutions: [Resolution]) {
        for resolution in resolutions {
            if resolution.status == .ok, let certificate = resolution.chosen?.certificate {
                insert(certificate)
            } else {
                let reasons =
                    resolution.candidates.flatMap(\.reasons) + resolution.warnings.filter { $0.code != .aliasAddress }
                failures.append(
                    Failure(
                        recipient: resolution.address, status: resolution.status, reasons: reasons,
                        error: resolution.error))
            }
        }
    }

    /// Adds certificates given directly (no lookup), after the same checks for
    /// ``Purpose/encrypt``, without an address to match. CA certificates in the
    /// file serve as intermediates; every end-entity certificate must be fit.
    public mutating func add(
        file path: String, certificates fileCertificates: [ParsedCertificate], validator: CertificateValidator,
        intermediates: [ParsedCertificate], at time: Date
    ) {
        let pool = intermediates + fileCertificates.filter(\.isCA)
        let leaves = fileCertificates.filter { !$0.isCA }
        if leaves.isEmpty {
            failures.append(
                Failure(
                    recipient: "file:\(path)", status: .noUsableCertificate,
                    reasons: [Finding(.caCertificate, "the file holds only CA certificates")], error: nil))
        }
        for certificate in leaves {
            let result = validator.validate(certificate, purpose: .encrypt, address: nil, intermediates: pool, at: time)
            if result.isFit {
                insert(certificate)
            } else {
                failures.append(
                    Failure(
                        recipient: "file:\(path)", status: .noUsableCertificate, reasons: result.reasons, error: nil))
            }
        }
    }

    private mutating func insert(_ certificate: ParsedCertificate) {
        if seen.insert(certificate.sha256).inserted { certificates.append(certificate) }
    }
}

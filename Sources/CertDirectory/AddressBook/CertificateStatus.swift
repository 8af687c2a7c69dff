public import Foundation

/// What a held certificate is good for now, as `book list` shows it.
public enum CertificateStatus: String, Sendable, Codable, CaseIterable {
    /// Fit for encrypting to the contact (the same checks as `resolve`).
    case usable
    case expired
    case notYetValid = "not-yet-valid"
    /// Its key usage allows signatures only: the signing half of a dual key pair.
    case signingOnly = "signing-only"
    /// No path to a trust anchor.
    case untrusted
    /// Refused for another reason (address, strength, EKU…); the reasons say which.
    case unusable

    /// Checks `certificate` for encrypting to `address` at `time`.
    /// - Parameter aliases: The contact's other addresses (its entry's own `mail` and
    ///   proxy addresses); a certificate naming one of them is accepted as `resolve`
    ///   accepts it for an entry found by an alias.
    /// - Returns: The status and every reason behind it (empty when usable).
    public static func assess(
        _ certificate: ParsedCertificate, address: String, aliases: [String] = [], validator: CertificateValidator,
        intermediates: [ParsedCertificate], at time: Date
    ) -> (status: CertificateStatus, reasons: [Finding]) {
        let named = certificate.mailboxAddresses
        let primary = aliases.compactMap(MailAddress.init).first { alias in
            named.contains { $0.matches(alias, strictLocalPart: validator.policy.strictLocalPart) }
        }
        let expectation = MailAddress(address).map { AddressExpectation(address: $0, primary: primary) }
        let result = validator.validate(
            certificate, purpose: .encrypt, address: expectation, intermediates: intermediates, at: time)
        let codes = Set(result.reasons.map(\.code))
        let status: CertificateStatus
        if codes.isEmpty {
            status = .usable
        } else if codes.contains(.expired) {
            status = .expired
        } else if codes.contains(.notYetValid) {
            status = .notYetValid
        } else if codes.contains(.keyUsage)
            && validator.validate(certificate, purpose: .verify, address: nil, intermediates: [], at: time).reasons
                .allSatisfy({ $0.code != .keyUsage && $0.code != .extendedKeyUsage })
        {
            status = .signingOnly
        } else if codes == [.untrusted] {
            status = .untrusted
        } else {
            status = .unusable
        }
        return (status, result.reasons)
    }
}

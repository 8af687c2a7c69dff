import Foundation

/// The verdict of the checks made before a publish (the read-only rule is
/// checked earlier, before connecting).
public struct PublishAssessment: Sendable, Hashable {
    /// What the certificate is fit for: ``Purpose/encrypt``, ``Purpose/verify``
    /// (others verify the holder's signatures), or both; in that order.
    public var fitFor: [Purpose]
    /// Every rule that refuses, in rule order.
    public var refusals: [PublishRefusal]

    /// "encryption and signing", "encryption only", "signing only" or "neither encryption nor signing".
    public var fitness: String { Self.describe(fitFor) }

    static func describe(_ purposes: [Purpose]) -> String {
        switch (purposes.contains(.encrypt), purposes.contains(.verify)) {
        case (true, true): "encryption and signing"
        case (true, false): "encryption only"
        case (false, true): "signing only"
        case (false, false): "neither encryption nor signing"
        }
    }
}

/// The address, validity, trust and fitness rules, each refusal naming its rule.
enum PublishChecks {
    /// Reason codes that make a certificate unfit for a purpose, as opposed to
    /// invalid (dates) or untrusted (path).
    static let fitnessCodes: Set<ReasonCode> = [
        .keyUsage, .extendedKeyUsage, .weakKey, .weakSignature, .unsupportedKey, .caCertificate,
    ]

    /// Checks `certificate` for publishing to `target` at `time`.
    /// - Parameter intermediates: CA certificates that may complete its path.
    static func assess(
        _ certificate: ParsedCertificate, for target: PublishTarget, validator: CertificateValidator,
        intermediates: [ParsedCertificate], at time: Date
    ) -> PublishAssessment {
        var refusals: [PublishRefusal] = []
        if let refusal = addressRefusal(certificate, target, strictLocalPart: validator.policy.strictLocalPart) {
            refusals.append(refusal)
        }
        var unfit: [Purpose: [Finding]] = [:]
        for purpose in Purpose.allCases {
            let result = validator.validate(
                certificate, purpose: purpose, address: nil, intermediates: intermediates, at: time)
            unfit[purpose] = result.reasons.filter { fitnessCodes.contains($0.code) }
            guard purpose == .encrypt else { continue }
            for reason in result.reasons {
                switch reason.code {
                case .expired, .notYetValid: refusals.append(PublishRefusal(.validity, reason.message))
                case .untrusted: refusals.append(PublishRefusal(.trust, reason.message))
                default: break
                }
            }
        }
        let fitFor = Purpose.allCases.filter { unfit[$0]?.isEmpty ?? false }
        if fitFor.isEmpty {
            let why = Purpose.allCases.map { purpose in
                let name = purpose == .encrypt ? "encryption" : "signing"
                let reasons = unfit[purpose, default: []].map(\.message).joined(separator: ", ")
                return "\(name) (\(reasons))"
            }
            refusals.append(
                PublishRefusal(.fitness, "the certificate is fit for neither " + why.joined(separator: " nor ")))
        }
        return PublishAssessment(fitFor: fitFor, refusals: refusals.sorted { rank($0.rule) < rank($1.rule) })
    }

    private static func rank(_ rule: PublishRule) -> Int {
        PublishRule.allCases.firstIndex(of: rule) ?? 0
    }

    /// The address rule: one of the certificate's addresses (rfc822Name, or
    /// only without any the subject emailAddress; RFC 8550 §3) is the entry's
    /// `mail` or an `smtp:` `proxyAddresses` value. Domains compare
    /// case-insensitively, local parts per the policy (RFC 5321 §2.4).
    static func addressRefusal(_ certificate: ParsedCertificate, _ target: PublishTarget, strictLocalPart: Bool)
        -> PublishRefusal?
    {
        let named = certificate.publishAddresses
        let held = target.addresses.compactMap(MailAddress.init)
        if named.contains(where: { name in held.contains { $0.matches(name, strictLocalPart: strictLocalPart) } }) {
            return nil
        }
        let names = named.isEmpty ? "no mail address" : named.map(\.description).joined(separator: ", ")
        let has = held.isEmpty ? "no mail or smtp: proxyAddresses" : held.map(\.description).joined(separator: ", ")
        return PublishRefusal(.address, "the certificate names \(names); the entry \(target.dn) has \(has)")
    }
}

public import Foundation

/// The checks that decide whether a certificate may be used, shared by every
/// command: address (RFC 8550 §3), key usage and EKU (RFC 8550 §4.4, RFC 5280
/// §4.2.1.3 and §4.2.1.12, RFC 5480 §3), validity dates (RFC 5280 §4.1.2.5),
/// strength (RFC 8551 §2), and a path to a trust anchor (RFC 5280 §6, by
/// OpenSSL's `X509_verify_cert`).
///
/// Validation is a result, not an error: ``validate(_:purpose:address:intermediates:at:)``
/// always returns every reason that applies, so that `--explain` can show them all.
public struct CertificateValidator: Sendable {
    public let policy: ValidationPolicy
    /// The trust anchors, DER.
    public let trustAnchors: [[UInt8]]
    let trustStore: TrustStore
    /// CA certificates whose own path OpenSSL verified, which leaves may chain
    /// to through a signature check alone (see `promotingVerifiedCAs`).
    let verifiedIssuers: VerifiedIssuers

    /// - Parameters:
    ///   - trustAnchors: DER certificates trusted as path ends; usually root
    ///     CAs, but any CA certificate may be an anchor.
    ///   - policy: Strength floor and address rules.
    public init(trustAnchors: [[UInt8]], policy: ValidationPolicy = .init()) {
        self.init(trustAnchors: trustAnchors, policy: policy, verifiedIssuers: .none)
    }

    init(trustAnchors: [[UInt8]], policy: ValidationPolicy, verifiedIssuers: VerifiedIssuers) {
        self.policy = policy
        self.trustAnchors = trustAnchors
        self.trustStore = TrustStore(anchors: trustAnchors)
        self.verifiedIssuers = verifiedIssuers
    }

    /// Checks one certificate for `purpose`.
    /// - Parameters:
    ///   - address: What the certificate must name; `nil` skips the address check.
    ///   - intermediates: Certificates that may complete the path (from the same
    ///     PKCS#7 bundle, the same directory answer, or local files).
    ///   - time: The evaluation instant for every date check.
    /// - Returns: The reasons that refuse the certificate (none when fit) and warnings.
    public func validate(
        _ certificate: ParsedCertificate, purpose: Purpose, address: AddressExpectation?,
        intermediates: [ParsedCertificate], at time: Date
    ) -> ValidationResult {
        var issuer: VerifiedIssuer?
        return validate(
            certificate, purpose: purpose, address: address, intermediates: intermediates, at: time,
            signatureOnlyIssuer: &issuer)
    }

    /// As ``validate(_:purpose:address:intermediates:at:)``; `signatureOnlyIssuer`
    /// is set to the verified issuer when the path was settled by the signature
    /// alone (for the issuer's CRL, see `CertificateChecker.issuerCRLStatus`).
    /// With `signatureOnly`, a path the signature alone cannot settle is left
    /// unchecked: the caller takes the full path with revocation instead.
    func validate(
        _ certificate: ParsedCertificate, purpose: Purpose, address: AddressExpectation?,
        intermediates: [ParsedCertificate], at time: Date, signatureOnlyIssuer: inout VerifiedIssuer?,
        signatureOnly: Bool = false
    ) -> ValidationResult {
        var (result, pathApplies) = validateLocally(certificate, purpose: purpose, address: address, at: time)
        if pathApplies {
            checkPath(
                certificate, intermediates: intermediates, at: time, &result,
                signatureOnlyIssuer: &signatureOnlyIssuer, signatureOnly: signatureOnly)
        }
        return result
    }

    /// Every check of ``validate(_:purpose:address:intermediates:at:)`` but the
    /// path, for a caller that decides the path itself (by the revocation check,
    /// or later: ``PendingPath``). Adds no ``ReasonCode/untrusted`` and no path length.
    /// - Returns: The result, and whether a path check belongs to the verdict
    ///   (not for a CA certificate refused as one).
    func validateLocally(
        _ certificate: ParsedCertificate, purpose: Purpose, address: AddressExpectation?, at time: Date
    ) -> (result: ValidationResult, pathApplies: Bool) {
        var result = ValidationResult()
        if certificate.isCA && (purpose == .encrypt || !policy.acceptCASigners) {
            // A path element, never a recipient: its other properties are beside the point.
            result.reasons.append(Finding(.caCertificate))
            return (result, false)
        }
        if certificate.isCA {
            // RFC 5280 §6 lets a CA certificate end a path; a signature by one is checked like any other.
            result.warnings.append(Finding(.caCertificate, "the signer's certificate is a CA certificate"))
        }
        if let address { checkAddress(certificate, address, &result) }
        checkValidity(certificate, at: time, &result)
        checkKeyUsage(certificate, purpose: purpose, &result)
        checkStrength(certificate, purpose: purpose, &result)
        return (result, true)
    }

    /// The path part of ``validate(_:purpose:address:intermediates:at:)``: a
    /// verified issuer's signature, else OpenSSL's `X509_verify_cert`.
    func checkPath(
        _ certificate: ParsedCertificate, intermediates: [ParsedCertificate], at time: Date,
        _ result: inout ValidationResult
    ) {
        var issuer: VerifiedIssuer?
        checkPath(certificate, intermediates: intermediates, at: time, &result, signatureOnlyIssuer: &issuer)
    }

    /// As ``checkPath(_:intermediates:at:_:)``, naming the issuer when its
    /// signature alone settled the path; with `signatureOnly`, nothing else is tried.
    func checkPath(
        _ certificate: ParsedCertificate, intermediates: [ParsedCertificate], at time: Date,
        _ result: inout ValidationResult, signatureOnlyIssuer: inout VerifiedIssuer?, signatureOnly: Bool = false
    ) {
        if let (length, issuer) = verifiedIssuer(of: certificate, intermediates: intermediates) {
            result.pathLength = length
            signatureOnlyIssuer = issuer
        } else if !signatureOnly {
            checkPath(certificate, intermediates: intermediates.compactMap(\.x509), at: time, &result)
        }
    }

    /// RFC 5280 §6 without revocation: a path to an anchor, every signature.
    func checkPath(
        _ certificate: ParsedCertificate, intermediates: [X509Ref], at time: Date, _ result: inout ValidationResult
    ) {
        guard let leaf = certificate.x509 else {
            result.reasons.append(Self.unreadableByOpenSSL)
            return
        }
        switch trustStore.verify(leaf: leaf, intermediates: intermediates, at: time) {
        case .trusted(let length):
            result.pathLength = length
        case .untrusted(let reason, let depth):
            result.reasons.append(
                Finding(
                    .untrusted,
                    "no valid path to a trust anchor: \(reason)\(depth > 0 ? " at path depth \(depth)" : "")"))
        }
    }

    /// For a certificate swift-certificates reads but OpenSSL does not: no path can be built.
    static let unreadableByOpenSSL = Finding(
        .untrusted, "no valid path to a trust anchor: OpenSSL cannot read the certificate")

    private func checkAddress(
        _ certificate: ParsedCertificate, _ expected: AddressExpectation, _ result: inout ValidationResult
    ) {
        // RFC 8550 §3, RFC 9598: rfc822Name and SmtpUTF8Mailbox; the subject emailAddress only without either.
        let (written, legacy) = certificate.mailboxNames
        let names = written.compactMap(MailAddress.init)
        let strict = policy.strictLocalPart
        if names.contains(where: { $0.matches(expected.address, strictLocalPart: strict) }) {
            if legacy {
                result.warnings.append(
                    Finding(.legacyEmailAddress, "\(expected.address) is named only in the subject emailAddress"))
            }
            return
        }
        if let primary = expected.primary, names.contains(where: { $0.matches(primary, strictLocalPart: strict) }) {
            result.warnings.append(
                Finding(.aliasAddress, "found by the alias \(expected.address); the certificate names \(primary)"))
            if legacy { result.warnings.append(Finding(.legacyEmailAddress)) }
            return
        }
        // RFC 4524 `mail` is multi-valued: the entry holds the asked address and others.
        if let other = expected.otherMail.first(where: { other in
            names.contains { $0.matches(other, strictLocalPart: strict) }
        }) {
            if strict {
                result.reasons.append(
                    Finding(
                        .otherMailValue, "the certificate names \(other), another mail value, not \(expected.address)"))
            } else {
                result.warnings.append(
                    Finding(
                        .otherMailValue,
                        "found by the mail value \(expected.address); the certificate names \(other), another mail value of the same entry"
                    ))
            }
            return
        }
        let named = names.isEmpty ? "no address" : names.map(\.description).joined(separator: ", ")
        result.reasons.append(Finding(.addressMismatch, "the certificate names \(named), not \(expected.address)"))
    }

    private func checkValidity(_ certificate: ParsedCertificate, at time: Date, _ result: inout ValidationResult) {
        result.reasons += Self.validityReasons(certificate, at: time)
    }

    /// The reasons the validity dates give at `time` (RFC 5280 §4.1.2.5): the
    /// only part of a verdict that changes with time, so the address book keeps
    /// the rest and re-derives these at each use.
    static func validityReasons(_ certificate: ParsedCertificate, at time: Date) -> [Finding] {
        var reasons: [Finding] = []
        if time < certificate.notBefore {
            reasons.append(Finding(.notYetValid, "not valid before \(RFC3339.format(certificate.notBefore))"))
        }
        if time > certificate.notAfter {
            reasons.append(Finding(.expired, "expired at \(RFC3339.format(certificate.notAfter))"))
        }
        return reasons
    }
}

/// The address a certificate must name.
public struct AddressExpectation: Sendable, Hashable {
    /// The address asked for.
    public var address: MailAddress
    /// The entry's primary address, when the entry was found through a
    /// `proxyAddresses` alias; a certificate naming it is accepted with a warning.
    public var primary: MailAddress?
    /// The entry's other `mail` values, when the asked address is one of its
    /// `mail` values (RFC 4524: multi-valued); a certificate naming one of them
    /// is accepted with a warning (`other-mail-value`), or refused under a strict local-part policy.
    public var otherMail: [MailAddress]

    public init(address: MailAddress, primary: MailAddress? = nil, otherMail: [MailAddress] = []) {
        self.address = address
        self.primary = primary
        self.otherMail = otherMail
    }
}

/// What ``CertificateValidator`` found.
public struct ValidationResult: Sendable, Hashable {
    /// Each reason refuses the certificate; empty means fit for the purpose.
    public var reasons: [Finding] = []
    /// Facts worth telling that do not refuse it.
    public var warnings: [Finding] = []
    /// Certificates on the validated path, leaf to anchor; `nil` when no path was found.
    public var pathLength: Int?
    /// What the revocation check found (RFC 5280 §6.3); ``RevocationStatus/notChecked``
    /// unless a revocation mode other than `off` was in force.
    public var revocation: RevocationStatus = .notChecked
    /// Which source decided ``revocation`` for the certificate itself:
    /// `ocsp <url>`, `crl <url>` or `crl directory entry <dn>`; `nil` when not checked.
    public var revocationSource: String?
    /// The earliest nextUpdate (RFC 5280 §5.1.2.5) of the CRLs the revocation check was made
    /// against: a verdict kept for later (the address book) is not reused past it. `nil`
    /// without CRLs, or when none names a nextUpdate.
    public var revocationDataValidUntil: Date?

    public var isFit: Bool { reasons.isEmpty }
}

/// What a certificate is being checked for.
public enum Purpose: String, Sendable, Hashable, CaseIterable {
    /// Encrypting to the holder: RSA key transport or ECDH key agreement (RFC 8551 §2.3, RFC 8550 §4.4.2).
    case encrypt
    /// Verifying the holder's signature on a message (RFC 8551 §2.2, RFC 8550 §4.4.2).
    case verify
}

/// The rules a ``CertificateValidator`` applies beyond RFC 5280 path validation.
public struct ValidationPolicy: Sendable, Hashable {
    /// Smallest RSA modulus accepted, in bits. The default is 2048 (RFC 8551 §2.3
    /// and current NIST guidance, SP 800-131A).
    public var minimumRSABits: Int
    /// EC curves accepted, by OpenSSL short name. The default is P-256, P-384
    /// and P-521 (RFC 8551 §2.3, RFC 5753).
    public var allowedCurves: Set<String>
    /// Compare the local part of addresses exactly. The default is false: the
    /// local part compares case-insensitively, as nearly every mail system
    /// treats it, although RFC 5321 §2.4 allows case to matter.
    public var strictLocalPart: Bool
    /// For ``Purpose/verify``, treat a weak key or signature as a reason to
    /// refuse rather than a warning. For ``Purpose/encrypt`` they always refuse.
    /// The default is false.
    public var strictSignerStrength: Bool
    /// For ``Purpose/verify``, check a CA certificate (basicConstraints cA) that
    /// signed a message like any other signer, with the warning
    /// ``ReasonCode/caCertificate``; RFC 5280 §6 lets a CA certificate end a
    /// path. The default is false: a CA certificate is refused for every purpose.
    public var acceptCASigners: Bool
    /// Which revocation sources are asked, in which order, and how OCSP is
    /// spoken (``RevocationSources``). The default: OCSP, then CRLs.
    public var revocationSources = RevocationSources()

    public init(
        minimumRSABits: Int = 2048, allowedCurves: Set<String> = ["prime256v1", "secp384r1", "secp521r1"],
        strictLocalPart: Bool = false, strictSignerStrength: Bool = false, acceptCASigners: Bool = false
    ) {
        self.acceptCASigners = acceptCASigners
        self.minimumRSABits = minimumRSABits
        self.allowedCurves = allowedCurves
        self.strictLocalPart = strictLocalPart
        self.strictSignerStrength = strictSignerStrength
    }
}

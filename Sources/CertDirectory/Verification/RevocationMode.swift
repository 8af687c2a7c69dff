/// How a missing revocation answer is treated (`--revocation`).
///
/// A revoked certificate is refused under every mode that checks; an unknown
/// status is never reported as good.
public enum RevocationMode: String, Sendable, Hashable, CaseIterable, Codable {
    /// Refuse a certificate whose status cannot be determined (``ReasonCode/revocationUnknown``).
    case require
    /// Accept an unknown status with the warning ``ReasonCode/revocationUnknown``. The default.
    case prefer
    /// Do not look for CRLs at all.
    case off
}

/// What the revocation check (RFC 5280 §6.3) found for a certificate's path.
public enum RevocationStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// Every certificate on the path was checked against a current CRL and none is revoked.
    case good
    /// A certificate on the path is revoked.
    case revoked
    /// The status could not be determined (no CRL, an expired or unverifiable one, an unreachable source).
    case unknown
    /// Not checked: revocation mode `off`, or the certificate was refused before.
    case notChecked = "not-checked"
}

import X509

extension CertificateValidator {
    /// RFC 8550 §4.4.2 and RFC 5280 §4.2.1.3: for encryption an RSA key needs
    /// keyEncipherment, an EC key keyAgreement; RFC 5480 §3 forbids
    /// keyEncipherment on EC keys. For signatures, digitalSignature or
    /// nonRepudiation. No keyUsage extension means no restriction. RFC 8550
    /// §4.4.4: an extendedKeyUsage must include emailProtection or anyExtendedKeyUsage.
    func checkKeyUsage(_ certificate: ParsedCertificate, purpose: Purpose, _ result: inout ValidationResult) {
        let extensions = certificate.view.extensions
        if let usage = try? extensions.keyUsage {
            switch (purpose, certificate.key.algorithm) {
            case (.encrypt, "rsa"):
                if !usage.keyEncipherment {
                    result.reasons.append(Finding(.keyUsage, "RSA key without keyEncipherment: \(describe(usage))"))
                }
            case (.encrypt, "ec"):
                if usage.keyEncipherment {
                    result.reasons.append(Finding(.keyUsage, "keyEncipherment is invalid for an EC key (RFC 5480 §3)"))
                } else if !usage.keyAgreement {
                    result.reasons.append(Finding(.keyUsage, "EC key without keyAgreement: \(describe(usage))"))
                }
            case (.encrypt, _):
                break
            case (.verify, _):
                if !usage.digitalSignature && !usage.nonRepudiation {
                    result.reasons.append(
                        Finding(.keyUsage, "neither digitalSignature nor nonRepudiation: \(describe(usage))"))
                }
            }
        } else if extensions[oid: .X509ExtensionID.keyUsage] != nil {
            result.reasons.append(Finding(.keyUsage, "the keyUsage extension cannot be parsed"))
        }
        if let eku = try? extensions.extendedKeyUsage {
            if !eku.contains(.emailProtection) && !eku.contains(.any) {
                result.reasons.append(Finding(.extendedKeyUsage))
            }
        } else if extensions[oid: .X509ExtensionID.extendedKeyUsage] != nil {
            result.reasons.append(Finding(.extendedKeyUsage, "the extendedKeyUsage extension cannot be parsed"))
        }
    }

    /// RFC 8551 §2: RSA of at least ``ValidationPolicy/minimumRSABits``, an
    /// allowed EC curve, no MD5 or SHA-1 signature. For encryption these refuse;
    /// for signatures they warn unless ``ValidationPolicy/strictSignerStrength``.
    func checkStrength(_ certificate: ParsedCertificate, purpose: Purpose, _ result: inout ValidationResult) {
        var findings: [Finding] = []
        let key = certificate.key
        switch key.algorithm {
        case "rsa" where key.bits < policy.minimumRSABits:
            findings.append(Finding(.weakKey, "RSA-\(key.bits) is below the \(policy.minimumRSABits)-bit floor"))
        case "ec" where !policy.allowedCurves.contains(key.curve ?? ""):
            findings.append(Finding(.weakKey, "EC curve \(key.curve ?? "unknown") is not allowed"))
        case "rsa", "ec":
            break
        default:
            if purpose == .encrypt {
                result.reasons.append(Finding(.unsupportedKey, "a \(key.algorithm) key cannot be used to encrypt"))
            }
        }
        if let digest = certificate.signatureDigest?.uppercased(), ["MD2", "MD4", "MD5", "SHA1"].contains(digest) {
            findings.append(Finding(.weakSignature, "signed with \(digest)"))
        }
        if purpose == .encrypt || policy.strictSignerStrength {
            result.reasons += findings
        } else {
            result.warnings += findings
        }
    }

    private func describe(_ usage: KeyUsage) -> String { ParsedCertificate.names(of: usage) }
}

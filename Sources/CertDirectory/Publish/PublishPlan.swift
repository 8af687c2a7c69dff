import Foundation

/// The one modify a publish sends, decided from the entry as read; a dry run
/// prints it as LDIF (``ldif``) instead.
///
/// - `userCertificate`: `add` of the DER value, never `replace`, so the
///   certificates of other issuers and older ones stay; with `--replace-expired`
///   also `delete` of exactly the values expired at the request time.
/// - `userSMIMECertificate`: its schema has no equality rule, so values can be
///   neither deleted one by one nor tested for duplicates by the server. The
///   current bundles are read, merged in certdir (existing + new + chain −
///   expired), and written back as one certs-only bundle with `replace`.
/// - Whenever the change depends on what was read (a `replace`, or a `delete`),
///   the modify carries an assertion control (RFC 4528) on the change stamp read
///   with the entry, so a concurrent change makes it fail without loss.
/// - Active Directory (Windows and Samba) has no assertion control. There
///   `userSMIMECertificate` has an equality rule (Octet String), so the bundle is
///   rewritten as a `delete` of exactly the values read plus an `add` of the merged
///   one: if another writer changed them meanwhile, the delete fails
///   (noSuchAttribute) and nothing is written. A `delete` of expired values is
///   guarded the same way by itself.
public struct PublishPlan: Sendable {
    public let dn: String
    public let certificate: ParsedCertificate
    /// The changes of the one modify, in order; empty when there is nothing to do.
    public let changes: [LDAPModification]
    /// `(entryCSN=…)` or `(uSNChanged=…)` as read with the entry, when the change needs it.
    public let assertion: LDAPFilter?
    /// The BER value of the assertion control (for the LDIF `control:` line).
    public internal(set) var assertionValue: [UInt8]?
    /// What the certificate is fit for, and the refusals `--force` overrode.
    public let assessment: PublishAssessment
    /// The attribute descriptions that already hold the certificate.
    public let alreadyIn: [String]
    /// How many expired certificates the modify removes.
    public let expiredRemoved: Int

    /// True when the certificate is where it was asked to be and nothing is to be removed.
    public var isEmpty: Bool { changes.isEmpty }

    /// Plans the modify. Throws ``PublishError/Code/unreadableValue`` when a
    /// `userSMIMECertificate` value cannot be read (a `replace` would lose it), and
    /// ``PublishError/Code/unsupported`` when the change needs a change stamp the entry lacks.
    static func make(
        _ request: PublishRequest, _ target: PublishTarget, assessment: PublishAssessment,
        intermediates: [ParsedCertificate]
    ) throws -> PublishPlan {
        let leaf = request.certificate
        let expiredAt = { (certificate: ParsedCertificate) in
            request.replaceExpired && certificate.sha256 != leaf.sha256 && certificate.notAfter < request.time
        }
        var changes: [LDAPModification] = []
        var alreadyIn: [String] = []
        var removed = 0
        var guarded = false
        if request.attributes.includesUserCertificate {
            let attribute = target.userCertificateAttribute
            let existing = target.entry.values("userCertificate")
            if existing.contains(leaf.der) {
                alreadyIn.append(attribute)
            } else {
                changes.append(LDAPModification(.add, attribute, [leaf.der]))
            }
            let expired = existing.filter { value in (try? ParsedCertificate(der: value)).map(expiredAt) ?? false }
            if !expired.isEmpty {
                changes.append(LDAPModification(.delete, attribute, expired))
                removed += expired.count
                guarded = true
            }
        }
        if request.attributes.includesSMIME {
            let existing = try bundleCertificates(target)
            let expired = existing.filter(expiredAt)
            if existing.contains(where: { $0.sha256 == leaf.sha256 }) && expired.isEmpty {
                alreadyIn.append("userSMIMECertificate")
            } else {
                let pool = request.chain + intermediates + existing.filter(\.isCA)
                let merged = unique(existing + [leaf] + chain(for: leaf, from: pool)).filter { !expiredAt($0) }
                let bundle = CertsOnlyBundle.der(merged)
                if target.supportsAssertion {
                    changes.append(LDAPModification(.replace, "userSMIMECertificate", [bundle]))
                } else {
                    // No assertion control (AD): delete the values read, by value, and add the merged bundle.
                    let current = target.entry.values("userSMIMECertificate")
                    if !current.isEmpty { changes.append(LDAPModification(.delete, "userSMIMECertificate", current)) }
                    changes.append(LDAPModification(.add, "userSMIMECertificate", [bundle]))
                }
                removed += expired.count
                guarded = true
            }
        }
        var assertion: LDAPFilter?
        // Without the assertion control, the value deletes above are the guard.
        if guarded && target.supportsAssertion {
            guard let stamp = target.stamp else {
                throw PublishError(
                    .unsupported,
                    "cannot guard the write: \(target.dn) returned neither entryCSN nor uSNChanged, "
                        + "so a concurrent change could not be detected; nothing was changed", dn: target.dn)
            }
            assertion = .equal(stamp.attribute, stamp.value)
        }
        return PublishPlan(
            dn: target.dn, certificate: leaf, changes: changes, assertion: assertion, assertionValue: nil,
            assessment: assessment, alreadyIn: alreadyIn, expiredRemoved: removed)
    }

    /// Every certificate in the entry's `userSMIMECertificate` values, once each, in order.
    private static func bundleCertificates(_ target: PublishTarget) throws -> [ParsedCertificate] {
        var certificates: [ParsedCertificate] = []
        for (index, value) in target.entry.values("userSMIMECertificate").enumerated() {
            let decoded = EntryValues.decode(value)
            if let problem = decoded.problem {
                throw PublishError(
                    .unreadableValue,
                    "value \(index + 1) of userSMIMECertificate in \(target.dn) cannot be read (\(problem)); "
                        + "replacing the attribute would lose it. Nothing was changed: repair the entry, "
                        + "or publish with --attribute userCertificate", dn: target.dn)
            }
            certificates += decoded.certificates
        }
        return unique(certificates)
    }

    private static func unique(_ certificates: [ParsedCertificate]) -> [ParsedCertificate] {
        var seen = Set<String>()
        return certificates.filter { seen.insert($0.sha256).inserted }
    }

    /// The CA certificates from `pool` that lead from `leaf` towards a root,
    /// without the self-signed root itself (readers hold it as their anchor).
    static func chain(for leaf: ParsedCertificate, from pool: [ParsedCertificate]) -> [ParsedCertificate] {
        var chain: [ParsedCertificate] = []
        var current = leaf
        while chain.count < 8,
            let issuer = pool.first(where: { candidate in
                candidate.isCA && candidate.subject == current.issuer
                    && !chain.contains { $0.sha256 == candidate.sha256 }
            }), issuer.subject != issuer.issuer
        {
            chain.append(issuer)
            current = issuer
        }
        return chain
    }
}

/// A DER PKCS#7 certs-only bundle (a SignedData without signers, RFC 5652 §5.1),
/// framed as `PKCS7BundleSink` frames it, certificates in DER SET OF order (X.690 §11.6).
enum CertsOnlyBundle {
    static func der(_ certificates: [ParsedCertificate]) -> [UInt8] {
        let sorted = certificates.map(\.der).sorted { $0.lexicographicallyPrecedes($1) }
        let body = sorted.flatMap { $0 }
        return PKCS7BundleSink.header(certificateBytes: body.count) + body + PKCS7BundleSink.trailer
    }
}

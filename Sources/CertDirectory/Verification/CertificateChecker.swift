public import Foundation
public import Logging

/// Checks a certificate like ``CertificateValidator``, and also discovers its
/// path and revocation status from the directory and the URLs the certificates
/// name (RFC 5280 §6, RFC 4158):
///
/// - **Path discovery.** For every certificate whose issuer is not at hand, the
///   entry whose DN is the issuer name is read (`cACertificate`, both halves of
///   `crossCertificatePair`, RFC 4523), and the caIssuers URLs of
///   authorityInfoAccess (RFC 5280 §4.2.2.1, `ldap://` and `http://`) are
///   fetched; repeated up to ``maxDepth`` levels.
/// - **Revocation.** For every certificate on the path: its CRL distribution
///   points (URLs, host-less `ldap:///` meaning the configured directory,
///   RFC 4516; directoryName entries; cRLIssuer entries for indirect CRLs,
///   RFC 5280 §4.2.1.13), its freshestCRL points (delta CRLs, §4.2.1.15), and
///   the issuer entry's `certificateRevocationList`, `authorityRevocationList`
///   and `deltaRevocationList`. The signers of those CRLs are discovered too.
///   OpenSSL's `X509_verify_cert(3)` decides (see ``RevocationMode``).
/// - **OCSP.** For the certificate itself, its issuer's OCSP responder (AIA
///   id-ad-ocsp, or ``RevocationSources/ocspResponder``), before or after the
///   CRLs as ``ValidationPolicy/revocationSources`` orders (RFC 6960; see
///   ``RevocationSources``). Only a verified, current answer counts.
///
/// Fetched values are cached for the checker's lifetime (CRLs until their
/// nextUpdate). Call ``close()`` when done, to unbind from the directory.
public struct CertificateChecker: Sendable {
    public let validator: CertificateValidator
    public let revocation: RevocationMode
    /// How many issuer levels discovery climbs. The default is 8.
    public var maxDepth: Int = 8
    private let fetcher: PKIFetcher
    private let ocsp: OCSPClient
    /// The trust anchors as OpenSSL reads them, by their DER: parsed once, not
    /// once per checked certificate (`d2i_X509` costs about 180 µs in OpenSSL
    /// 3.0), and reused when an issuer entry publishes an anchor itself.
    private let anchors: [[UInt8]: X509Ref]
    /// Per issuer and distribution points: the CRL the signature-only route looks serial numbers up in.
    let issuerCRLs = IssuerCRLMemo()

    /// - Parameters:
    ///   - directory: The configured directory, read for issuer entries and
    ///     host-less LDAP URLs; `nil` reads only URLs with a host.
    ///   - networkTimeout: Bound on connecting to any source (LDAP or HTTP), and
    ///     on the whole of one HTTP request.
    ///   - cacheLifetime: How long a fetched value without a CRL, or a failure, is
    ///     reused, in seconds; `nil`: for the checker's lifetime (one command).
    ///     A long-running process passes a bound, so that a source that comes
    ///     back, or a CRL newly published, is seen.
    public init(
        validator: CertificateValidator, directory: DirectorySettings?, revocation: RevocationMode,
        networkTimeout: Duration = .seconds(10), cacheLifetime: TimeInterval? = nil,
        logger: Logger = Logger(label: "certdir.checker")
    ) {
        self.validator = validator
        self.revocation = revocation
        var anchors: [[UInt8]: X509Ref] = [:]
        for der in validator.trustAnchors where anchors[der] == nil { anchors[der] = X509Ref(der: der) }
        self.anchors = anchors
        self.fetcher = PKIFetcher(
            directory: directory, networkTimeout: networkTimeout, cacheLifetime: cacheLifetime, logger: logger)
        self.ocsp = OCSPClient(networkTimeout: networkTimeout, failureLifetime: cacheLifetime, logger: logger)
    }

    /// Unbinds from the directory. The checker may still be used; it reconnects.
    public func close() async { await fetcher.close() }

    /// Every source asked so far (entries and URLs), for `--explain`.
    public func consultedSources() async -> [String] { await fetcher.consulted + ocsp.consulted }

    /// The certificates in the configured directory with this issuer and serial
    /// number, found by `userCertificate` certificateExactMatch (RFC 4523 §2.1);
    /// empty when none, or when the directory cannot answer.
    /// - Parameters:
    ///   - issuer: RFC 4514 string.
    ///   - serial: Decimal.
    public func certificates(issuer: String, serial: String) async -> [ParsedCertificate] {
        await fetcher.certificates(issuer: issuer, serial: serial).compactMap { try? ParsedCertificate(der: $0) }
    }

    /// Checks `certificate` for `purpose`.
    /// - Parameters:
    ///   - intermediates: Certificates at hand (from the message, the entry, local files).
    ///   - time: The evaluation instant for every date check, CRLs included.
    /// - Returns: The validation result with ``ValidationResult/revocation`` set,
    ///   and the sources that could not be read. Never throws: a source that
    ///   fails is a reason (``ReasonCode/revocationUnknown`` or ``ReasonCode/untrusted``).
    public func check(
        _ certificate: ParsedCertificate, purpose: Purpose, address: AddressExpectation?,
        intermediates: [ParsedCertificate], at time: Date
    ) async -> CheckedCertificate {
        guard let leaf = certificate.x509 else {
            var result = validator.validate(
                certificate, purpose: purpose, address: address, intermediates: [], at: time)
            result.reasons.removeAll { $0.code == .untrusted }
            result.reasons.append(CertificateValidator.unreadableByOpenSSL)
            return CheckedCertificate(
                result: result, failedSources: [], sourceUnreachable: false, fetchedCertificates: 0, fetchedCRLs: 0)
        }
        let sources = validator.policy.revocationSources
        var gathered = await gather(
            leaf: leaf, local: intermediates.compactMap(\.x509), leafCRLs: revocation == .off || sources.asksCRL)
        let asksOCSP = revocation != .off && sources.asksOCSP
        var answer = asksOCSP && sources.ocspFirst ? await askOCSP(leaf, gathered, at: time) : nil
        func validate() -> ValidationResult {
            validator.validate(
                certificate, purpose: purpose, address: address, intermediates: gathered.pool, crls: gathered.crls,
                crlOrigins: gathered.crlOrigins, ocsp: answer, sources: sources, revocation: revocation,
                sourceFailures: gathered.failures, at: time)
        }
        var result = validate()
        if asksOCSP && !sources.ocspFirst && result.revocation == .unknown {
            answer = await askOCSP(leaf, gathered, at: time)
            if answer?.answer.isDefinite == true { result = validate() }
        }
        if let answer, result.revocation == .unknown, !answer.answer.isDefinite {
            if case .unknown(let why) = answer.answer { gathered.failures.append("\(answer.source): \(why)") }
            gathered.unreachable = gathered.unreachable || answer.unreachable
        }
        return CheckedCertificate(
            result: result, failedSources: gathered.failures, sourceUnreachable: gathered.unreachable,
            fetchedCertificates: gathered.fetchedCertificates, fetchedCRLs: gathered.crls.count)
    }

    /// The leaf's status from its OCSP responders, in order, until one gives a
    /// verified definite answer; `nil` when no responder is named. With `time`
    /// in the past, a `revoked` answer counts only for a revocation at or before it.
    private func askOCSP(_ leaf: X509Ref, _ gathered: Gathered, at time: Date) async -> OCSPResult? {
        let sources = validator.policy.revocationSources
        let responders = sources.ocspResponder.map { [$0] } ?? leaf.ocspResponderURLs
        guard !responders.isEmpty else { return nil }
        // The anchors parsed once at init, in the validator's order.
        let anchors = validator.trustAnchors.compactMap { self.anchors[$0] }
        guard let issuer = (gathered.pool + anchors).first(where: { leaf.isIssued(by: $0) }) else {
            return OCSPResult(
                answer: .unknown("the issuer's certificate is not at hand, so no OCSP request can be made"),
                responder: responders[0])
        }
        var last: OCSPResult?
        for responder in responders {
            var result = await ocsp.status(
                of: leaf, issuer: issuer, responder: responder, anchors: anchors, pool: gathered.pool,
                nonce: sources.ocspNonce, now: Date())
            if case .revoked(let revokedAt, _, _) = result.answer, revokedAt > time {
                result.answer = .unknown("revoked at \(RFC3339.format(revokedAt)), after the evaluation time")
            }
            if result.answer.isDefinite { return result }
            last = result
        }
        return last
    }

    struct Gathered {
        var pool: [X509Ref]
        var crls: [CRLRef] = []
        /// Where each CRL came from (`crl <url>`, `crl directory entry <dn>`), by CRL.
        var crlOrigins: [ObjectIdentifier: String] = [:]
        var failures: [String] = []
        var unreachable = false
        var fetchedCertificates = 0
    }

    /// - Parameter leafCRLs: Also fetch the leaf's own CRLs (not when OCSP alone speaks for it).
    func gather(leaf: X509Ref, local: [X509Ref], leafCRLs: Bool = true) async -> Gathered {
        var gathered = Gathered(pool: local)
        var seenCertificates = Set(local.map(\.der) + [leaf.der])
        var seenCRLs = Set<[UInt8]>()
        let anchors = validator.trustAnchors.compactMap { self.anchors[$0] }
        // Certificates at hand need their issuers' CRLs too; anchors their own entry's (CRL_CHECK_ALL).
        var frontier = [leaf] + (revocation == .off ? [] : local + anchors)
        var askedEntries = Set<String>()
        var askedURLs = Set<String>()
        let checking = revocation != .off
        for _ in 0..<max(1, maxDepth) where !frontier.isEmpty {
            var entries: [String] = []
            var urls: [String] = []
            for certificate in frontier {
                let hasIssuer = (gathered.pool + anchors).contains { certificate.issuerMatches(subjectOf: $0) }
                if checking || !hasIssuer { entries.append(certificate.issuerRFC4514) }
                if !hasIssuer { urls += certificate.caIssuersURLs }
                if checking && (leafCRLs || certificate !== leaf) {
                    for points in [
                        certificate.crlDistributionPoints(), certificate.crlDistributionPoints(freshest: true),
                    ] {
                        urls += points.urls
                        entries += points.entries
                    }
                }
            }
            var next: [X509Ref] = []
            var values: [(PublishedValues, origin: String)] = []
            for dn in entries where askedEntries.insert(dn.lowercased()).inserted {
                values.append((await fetcher.entry(dn), "crl directory entry \(dn)"))
            }
            for url in urls where askedURLs.insert(url).inserted {
                values.append((await fetcher.url(url), "crl \(url)"))
            }
            // The signers of new CRLs live in their issuers' entries (indirect CRLs, separate CRL keys).
            var crlIssuers: [String] = []
            for (value, origin) in values {
                if let failure = value.failure {
                    gathered.failures.append(failure)
                    gathered.unreachable = gathered.unreachable || value.unreachable
                }
                for der in value.certificates where seenCertificates.insert(der).inserted {
                    guard let certificate = self.anchors[der] ?? X509Ref(der: der) else { continue }
                    gathered.pool.append(certificate)
                    gathered.fetchedCertificates += 1
                    next.append(certificate)
                }
                for der in value.crls where seenCRLs.insert(der).inserted {
                    guard let crl = CRLRef(der: der) else { continue }
                    gathered.crls.append(crl)
                    gathered.crlOrigins[ObjectIdentifier(crl)] = origin
                    crlIssuers.append(crl.issuerRFC4514)
                }
            }
            for dn in crlIssuers where askedEntries.insert(dn.lowercased()).inserted {
                let value = await fetcher.entry(dn)
                if let failure = value.failure {
                    gathered.failures.append(failure)
                    gathered.unreachable = gathered.unreachable || value.unreachable
                }
                for der in value.certificates where seenCertificates.insert(der).inserted {
                    guard let certificate = self.anchors[der] ?? X509Ref(der: der) else { continue }
                    gathered.pool.append(certificate)
                    gathered.fetchedCertificates += 1
                    next.append(certificate)
                }
                for der in value.crls where seenCRLs.insert(der).inserted {
                    guard let crl = CRLRef(der: der) else { continue }
                    gathered.crls.append(crl)
                    gathered.crlOrigins[ObjectIdentifier(crl)] = "crl directory entry \(dn)"
                }
            }
            frontier = next
        }
        return gathered
    }
}

/// The outcome of ``CertificateChecker/check(_:purpose:address:intermediates:at:)``.
public struct CheckedCertificate: Sendable {
    public var result: ValidationResult
    /// Sources that could not be read, each with why.
    public var failedSources: [String]
    /// True when a source failed because it could not be reached (connection
    /// refused, timeout): a later retry may decide what this run could not.
    public var sourceUnreachable: Bool
    /// CA certificates fetched beyond those at hand.
    public var fetchedCertificates: Int
    /// CRLs considered.
    public var fetchedCRLs: Int
}

internal import COpenSSL
import Foundation

/// The outcome of a path check with revocation (RFC 5280 §6.3).
enum RevocationVerdict: Sendable, Hashable {
    /// A valid path, and no certificate on it is revoked.
    case good(length: Int)
    /// A certificate on the path is revoked: OpenSSL's reason and the depth (0 = the leaf).
    case revoked(reason: String, depth: Int)
    /// The path is fine except that revocation could not be decided: no CRL,
    /// an expired CRL, a CRL with a bad signature or an unsupported critical extension.
    case unknown(reason: String, depth: Int)
    /// No valid path at all, whatever the revocation status.
    case untrusted(reason: String, depth: Int)
}

extension TrustStore {
    /// Verifies a path like ``verify(leaf:intermediates:at:)`` and also checks
    /// every certificate on it against `crls` with `X509_V_FLAG_CRL_CHECK |
    /// X509_V_FLAG_CRL_CHECK_ALL | X509_V_FLAG_USE_DELTAS |
    /// X509_V_FLAG_EXTENDED_CRL_SUPPORT` (indirect CRLs, delta CRLs, CRL
    /// scopes), and certificate policies with `X509_V_FLAG_POLICY_CHECK` and the
    /// RFC 5280 §6.1.1 default inputs (any-policy; no explicit policy, mapping
    /// or any-policy inhibition).
    ///
    /// When OpenSSL's single path fails, the other candidate paths through
    /// `intermediates` are tried one by one (RFC 4158 §2: every issuer whose
    /// name matches, key identifiers first, no loops), each with the untrusted
    /// set restricted to that path plus the certificates that are not path
    /// candidates (CRL signers), because `X509_verify_cert(3)` takes the first
    /// name match and does not backtrack.
    ///
    /// With `leafDecided`, the leaf's own status was decided by another source
    /// (OCSP): a missing or unusable CRL for the leaf is ignored, while a CRL
    /// that lists it still makes it revoked, and the CA certificates above are
    /// checked as before.
    func verify(
        leaf: X509Ref, intermediates: [X509Ref], crls: [CRLRef], at time: Date, leafDecided: Bool = false
    ) -> RevocationVerdict {
        let first = verifyOnce(leaf: leaf, untrusted: intermediates, crls: crls, at: time, leafDecided: leafDecided)
        if case .good = first { return first }
        var best = first
        for path in CandidatePaths.enumerate(from: leaf, through: intermediates, limit: 32) {
            let pathSet = Set(path.map { ObjectIdentifier($0) })
            // Same-name certificates not on this path are left out, so that
            // OpenSSL cannot pick another issuer; the others may sign CRLs.
            let names = path.map { X509Ref.rfc4514(X509_get_subject_name($0.pointer)) }
            let others = intermediates.filter { candidate in
                !pathSet.contains(ObjectIdentifier(candidate))
                    && !names.contains(X509Ref.rfc4514(X509_get_subject_name(candidate.pointer)))
            }
            for untrusted in [
                path + others, path, path + intermediates.filter { !pathSet.contains(ObjectIdentifier($0)) },
            ] {
                let verdict = verifyOnce(
                    leaf: leaf, untrusted: untrusted, crls: crls, at: time, leafDecided: leafDecided)
                if case .good = verdict { return verdict }
                if rank(verdict) > rank(best) { best = verdict }
            }
        }
        return best
    }

    /// Prefer reporting a revocation over an unknown status over a broken path.
    private func rank(_ verdict: RevocationVerdict) -> Int {
        switch verdict {
        case .good: 3
        case .revoked: 0
        case .unknown: 2
        case .untrusted: 1
        }
    }

    private func verifyOnce(
        leaf: X509Ref, untrusted intermediates: [X509Ref], crls: [CRLRef], at time: Date, leafDecided: Bool
    ) -> RevocationVerdict {
        do {
            return try withVerifyContext(leaf: leaf, untrusted: intermediates, crls: crls, at: time) {
                context, parameters in
                let flags =
                    X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL
                    | X509_V_FLAG_USE_DELTAS
                    | X509_V_FLAG_EXTENDED_CRL_SUPPORT | X509_V_FLAG_POLICY_CHECK
                X509_VERIFY_PARAM_set_flags(parameters, UInt(flags))
                // RFC 5280 §6.1.1 (c): user-initial-policy-set = {anyPolicy}. Without it OpenSSL
                // uses an empty set, and a path that requires an explicit policy fails.
                if let anyPolicy = OBJ_txt2obj("2.5.29.32.0", 1) {
                    X509_VERIFY_PARAM_add0_policy(parameters, anyPolicy)
                }
                X509_STORE_CTX_set_verify_cb(context, ignoreLeafValidityForRevocation)
                // Read by the callback: any non-nil value marks the leaf's status as decided.
                if leafDecided {
                    X509_STORE_CTX_set_ex_data(context, leafDecidedIndex, UnsafeMutableRawPointer(context))
                }
                if X509_verify_cert(context) == 1 {
                    return .good(length: Int(copenssl_sk_X509_num(X509_STORE_CTX_get0_chain(context))))
                }
                let (code, reason, depth) = Self.failure(of: context)
                if code == X509_V_ERR_CERT_REVOKED { return .revoked(reason: reason, depth: depth) }
                if Self.unknownStatusErrors.contains(code) { return .unknown(reason: reason, depth: depth) }
                return .untrusted(reason: reason, depth: depth)
            }
        } catch {
            return .untrusted(reason: error.reason, depth: 0)
        }
    }

    /// `X509_V_ERR_*` codes that leave the status undecided rather than the path broken.
    fileprivate static let unknownStatusErrors: Set<Int32> = [
        X509_V_ERR_UNABLE_TO_GET_CRL, X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER, X509_V_ERR_CRL_HAS_EXPIRED,
        X509_V_ERR_CRL_NOT_YET_VALID, X509_V_ERR_CRL_SIGNATURE_FAILURE, X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE,
        X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD, X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD,
        X509_V_ERR_KEYUSAGE_NO_CRL_SIGN, X509_V_ERR_DIFFERENT_CRL_SCOPE, X509_V_ERR_CRL_PATH_VALIDATION_ERROR,
        X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION,
    ]
}

/// As in ``TrustStore/verify(leaf:intermediates:at:)``: the leaf's own dates
/// are the validator's business. A C callback, so it captures nothing.
///
/// One more exception, for indirect CRLs (RFC 5280 §6.3.3 (f), PKITS 4.14.30):
/// while OpenSSL validates a CRL issuer's own path (a nested context), that
/// issuer's certificate may be covered only by the CRL it signed itself, whose
/// path OpenSSL refuses to validate recursively (`X509_V_ERR_CRL_PATH_VALIDATION_ERROR`).
/// The outer check verifies that CRL with this very key, and the CRL still
/// decides whether the issuer's certificate is revoked, so that one failure is accepted.
private func ignoreLeafValidityForRevocation(_ ok: Int32, _ context: OpaquePointer?) -> Int32 {
    if ok == 1 { return 1 }
    let error = X509_STORE_CTX_get_error(context)
    if X509_STORE_CTX_get_error_depth(context) == 0, TrustStore.unknownStatusErrors.contains(error),
        X509_STORE_CTX_get_ex_data(context, leafDecidedIndex) != nil
    {
        return 1
    }
    if X509_STORE_CTX_get0_parent_ctx(context) != nil, X509_STORE_CTX_get_error_depth(context) == 0,
        error == X509_V_ERR_CRL_PATH_VALIDATION_ERROR,
        let current = X509_STORE_CTX_get_current_cert(context),
        let crl = X509_STORE_CTX_get0_current_crl(context),
        X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(current)) == 0
    {
        return 1
    }
    if X509_STORE_CTX_get_error_depth(context) == 0
        && (error == X509_V_ERR_CERT_HAS_EXPIRED || error == X509_V_ERR_CERT_NOT_YET_VALID)
    {
        return 1
    }
    return 0
}

/// The `X509_STORE_CTX` ex_data slot that marks a leaf whose status OCSP decided.
private let leafDecidedIndex = CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_X509_STORE_CTX, 0, nil, nil, nil, nil)

/// RFC 4158 path enumeration over a pool of candidate CA certificates.
enum CandidatePaths {
    /// Every loop-free chain of issuers from `leaf` (excluded) upwards through
    /// `pool`, in depth-first order with key-identifier matches first; at most
    /// `limit` paths, each ending where no further issuer is in the pool.
    static func enumerate(from leaf: X509Ref, through pool: [X509Ref], limit: Int) -> [[X509Ref]] {
        var paths: [[X509Ref]] = []
        func extend(_ current: X509Ref, _ path: [X509Ref]) {
            guard paths.count < limit else { return }
            let issuers = pool.filter { candidate in
                current.issuerMatches(subjectOf: candidate) && !path.contains { $0 === candidate }
                    && candidate !== current
            }.sorted { a, b in current.keyIdentifierAllows(issuer: a) && !current.keyIdentifierAllows(issuer: b) }
            if issuers.isEmpty || path.count >= 12 {
                if !path.isEmpty { paths.append(path) }
                return
            }
            for issuer in issuers { extend(issuer, path + [issuer]) }
        }
        extend(leaf, [])
        return paths
    }
}

internal import COpenSSL
import Foundation

/// The outcome of building and verifying a path to a trust anchor.
enum ChainVerdict: Sendable, Hashable {
    /// A path was found; `length` counts the certificates from leaf to anchor.
    case trusted(length: Int)
    /// No path: OpenSSL's reason, and the depth (0 = the leaf) where it failed.
    case untrusted(reason: String, depth: Int)
}

/// The configured trust anchors in an OpenSSL `X509_STORE`, used to verify
/// paths with `X509_verify_cert(3)`, the reference RFC 5280 §6 implementation
/// here.
///
/// `@unchecked Sendable`: the store is filled once in `init` and only read
/// afterwards; OpenSSL locks its lookups, so concurrent verifications are safe.
final class TrustStore: @unchecked Sendable {
    let store: OpaquePointer

    /// - Parameter anchors: DER certificates. Any certificate may be an anchor,
    ///   not only a self-signed root (`X509_V_FLAG_PARTIAL_CHAIN`, RFC 5280 §6.1.1 (d)).
    init(anchors: [[UInt8]]) {
        store = X509_STORE_new()
        for der in anchors {
            if let cert = X509Ref(der: der) { X509_STORE_add_cert(store, cert.pointer) }
        }
        OpenSSLErrorQueue.clear()
    }

    /// A store for checking a TLS server certificate: `caFile` (PEM), or the
    /// system's default CA locations.
    init(tlsCAFile caFile: String?) {
        store = X509_STORE_new()
        if let caFile {
            X509_STORE_load_file(store, caFile)
        } else {
            X509_STORE_set_default_paths(store)
        }
        OpenSSLErrorQueue.clear()
    }

    deinit { X509_STORE_free(store) }

    /// Verifies every signature on a path from `leaf` to an anchor, building it
    /// from `intermediates`, and the validity of each CA certificate at `time`.
    ///
    /// The leaf's own validity dates are deliberately not judged here (the
    /// validator reports `expired`/`not-yet-valid` itself), so the verdict does
    /// not change with time for a given leaf and can be cached. Key usage and
    /// EKU of the leaf are not checked here either: OpenSSL's S/MIME purpose
    /// wrongly rejects EC keyAgreement certificates (INTEROP.md).
    func verify(leaf: X509Ref, intermediates: [X509Ref], at time: Date) -> ChainVerdict {
        evaluate(leaf: leaf, intermediates: intermediates, at: time) { outcome in
            switch outcome {
            case .verified(let context):
                return .trusted(length: Int(copenssl_sk_X509_num(X509_STORE_CTX_get0_chain(context))))
            case .failed(let context):
                let failure = Self.failure(of: context)
                return .untrusted(reason: failure.reason, depth: failure.depth)
            case .notStarted(let reason):
                return .untrusted(reason: reason, depth: 0)
            }
        }
    }

    /// For a CA certificate: what its verified path (as in
    /// ``verify(leaf:intermediates:at:)``, but with the CA's own validity
    /// dates judged too) allows below it, or `nil` when the path fails or
    /// carries name or policy constraints (RFC 5280 §6.1.3 (b), §6.1.4
    /// (g)–(i)) or RFC 3779 resources, which apply to everything below, or
    /// when a leaf below it would exceed OpenSSL's depth limit.
    func issuerPath(of authority: X509Ref, intermediates: [X509Ref], at time: Date) -> IssuerPath? {
        evaluate(leaf: authority, intermediates: intermediates, at: time, judgingLeafValidity: true) {
            outcome -> IssuerPath? in
            guard case .verified(let context) = outcome, let chain = X509_STORE_CTX_get0_chain(context) else {
                return nil
            }
            let count = Int(copenssl_sk_X509_num(chain))
            // A leaf's path is one longer; OpenSSL refuses more than depth + 2 certificates.
            if count > Int(X509_VERIFY_PARAM_get_depth(X509_STORE_CTX_get0_param(context))) + 1 { return nil }
            var room: Int?
            for index in 0..<count {
                guard let certificate = copenssl_sk_X509_value(chain, Int32(index)) else { return nil }
                for nid in [
                    NID_name_constraints, NID_policy_constraints, NID_policy_mappings, NID_inhibit_any_policy,
                    NID_sbgp_ipAddrBlock, NID_sbgp_autonomousSysNum,
                ] where X509_get_ext_by_NID(certificate, nid, -1) >= 0 {
                    return nil
                }
                // Below the certificate at `index`: `index` intermediates, the authority
                // included (self-issued ones too, which RFC 5280 would not count: stricter).
                let limit = Int(X509_get_pathlen(certificate))
                if index > 0 && limit >= 0 { room = min(room ?? .max, limit - index) }
            }
            return IssuerPath(length: count, room: room)
        }
    }

    /// What `X509_verify_cert` did, with its context to inspect (valid only inside the body).
    private enum Outcome {
        case verified(OpaquePointer)
        case failed(OpaquePointer)
        /// The context could not be set up (out of memory): OpenSSL's message.
        case notStarted(String)
    }

    /// Runs `X509_verify_cert` on `leaf` and hands the context and its outcome to `body`.
    private func evaluate<T>(
        leaf: X509Ref, intermediates: [X509Ref], at time: Date, judgingLeafValidity: Bool = false,
        _ body: (Outcome) -> T
    ) -> T {
        do {
            return try withVerifyContext(leaf: leaf, untrusted: intermediates, at: time) { context, parameters in
                X509_VERIFY_PARAM_set_flags(parameters, UInt(X509_V_FLAG_PARTIAL_CHAIN))
                if !judgingLeafValidity { X509_STORE_CTX_set_verify_cb(context, ignoreLeafValidity) }
                return body(X509_verify_cert(context) == 1 ? .verified(context) : .failed(context))
            }
        } catch {
            return body(.notStarted(error.reason))
        }
    }

    /// Sets up a verification context for `leaf`: `untrusted` as the certificates to build
    /// paths from, `crls` (when any) as the CRLs, and `time` as the verification time; then
    /// hands it and its parameters to `body`, which sets the flags and runs `X509_verify_cert`.
    /// OpenSSL's error queue is cleared afterwards. The one setup shared by every path check.
    /// - Throws: ``VerifyContextFailure`` with OpenSSL's message when the context cannot be set up.
    func withVerifyContext<T>(
        leaf: X509Ref, untrusted certificates: [X509Ref], crls: [CRLRef] = [], at time: Date,
        _ body: (_ context: OpaquePointer, _ parameters: OpaquePointer) -> T
    ) throws(VerifyContextFailure) -> T {
        guard let context = X509_STORE_CTX_new() else { throw VerifyContextFailure(reason: "out of memory") }
        defer { X509_STORE_CTX_free(context) }
        let untrusted = copenssl_sk_X509_new_null()
        defer { copenssl_sk_X509_free(untrusted) }
        for certificate in certificates { copenssl_sk_X509_push(untrusted, certificate.pointer) }
        let crlStack = OPENSSL_sk_new_null()
        defer { OPENSSL_sk_free(crlStack) }
        for crl in crls { OPENSSL_sk_push(crlStack, UnsafeRawPointer(crl.pointer)) }
        return try withExtendedLifetime((certificates, crls)) { () throws(VerifyContextFailure) -> T in
            defer { OpenSSLErrorQueue.clear() }
            guard X509_STORE_CTX_init(context, store, leaf.pointer, untrusted) == 1 else {
                throw VerifyContextFailure(reason: OpenSSLErrorQueue.drain())
            }
            if !crls.isEmpty { X509_STORE_CTX_set0_crls(context, crlStack) }
            let parameters = X509_STORE_CTX_get0_param(context)!
            X509_VERIFY_PARAM_set_time(parameters, time_t(time.timeIntervalSince1970.rounded(.down)))
            return body(context, parameters)
        }
    }

    /// Why `X509_verify_cert` failed: its error code, OpenSSL's text naming the
    /// certificate it failed on and that certificate's issuer, and the path depth.
    static func failure(of context: OpaquePointer) -> (code: Int32, reason: String, depth: Int) {
        let code = X509_STORE_CTX_get_error(context)
        var reason = String(cString: X509_verify_cert_error_string(Int(code)))
        if let failing = X509_STORE_CTX_get_current_cert(context) {
            X509_up_ref(failing)
            let certificate = X509Ref(owning: failing)
            reason += " (for \(certificate.subjectRFC4514), issued by \(certificate.issuerRFC4514))"
        }
        return (code, reason, Int(X509_STORE_CTX_get_error_depth(context)))
    }
}

/// A verification context that could not be set up (out of memory, or `X509_STORE_CTX_init` failed).
struct VerifyContextFailure: Error {
    let reason: String
}

/// A CA certificate's verified path, as far as the certificates below it are concerned.
struct IssuerPath: Sendable {
    /// Certificates from the CA to the anchor.
    let length: Int
    /// How many more intermediates the pathLenConstraints above the CA allow
    /// below it (RFC 5280 §6.1.4 (l), (m)); `nil` for no limit; negative when
    /// the CA itself may not issue at all.
    let room: Int?

    /// The CA may sign end-entity certificates that its path then accepts.
    var maySignLeaves: Bool { (room ?? 0) >= 0 }
}

/// Accepts a leaf that is only outside its validity period; everything else
/// keeps OpenSSL's verdict. A C callback, so it captures nothing.
private func ignoreLeafValidity(_ ok: Int32, _ context: OpaquePointer?) -> Int32 {
    if ok == 1 { return 1 }
    let error = X509_STORE_CTX_get_error(context)
    if X509_STORE_CTX_get_error_depth(context) == 0
        && (error == X509_V_ERR_CERT_HAS_EXPIRED || error == X509_V_ERR_CERT_NOT_YET_VALID)
    {
        return 1
    }
    return 0
}

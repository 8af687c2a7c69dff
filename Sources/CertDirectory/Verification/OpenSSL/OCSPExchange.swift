internal import COpenSSL
import Foundation

/// One OCSP question about one certificate (RFC 6960 §4.1) and the judgement of
/// the answer (§3.2, §4.2.2), through OpenSSL's OCSP API.
///
/// `@unchecked Sendable`: built once, then only read; the request is not
/// changed after `init`.
final class OCSPExchange: @unchecked Sendable {
    private let request: OpaquePointer
    /// The CertID asked about (SHA-1 hashes of the issuer's name and key, and
    /// the serial number, RFC 6960 §4.1.1), kept to find the answer by.
    private let certificateID: OpaquePointer
    /// The DER OCSPRequest to send.
    let der: [UInt8]
    let hasNonce: Bool

    /// - Parameters:
    ///   - certificate: The certificate asked about.
    ///   - issuer: Its issuer's certificate (the CertID hashes its name and key).
    ///   - nonce: Send a random nonce (RFC 6960 §4.4.1, RFC 8954: 32 bytes).
    init?(certificate: X509Ref, issuer: X509Ref, nonce: Bool) {
        defer { OpenSSLErrorQueue.clear() }
        guard let id = OCSP_cert_to_id(nil, certificate.pointer, issuer.pointer) else { return nil }
        guard let copy = OCSP_CERTID_dup(id), let request = OCSP_REQUEST_new() else {
            OCSP_CERTID_free(id)
            return nil
        }
        // add0: the request owns `copy` from here on.
        guard OCSP_request_add0_id(request, copy) != nil else {
            OCSP_CERTID_free(copy)
            OCSP_CERTID_free(id)
            OCSP_REQUEST_free(request)
            return nil
        }
        if nonce { _ = OCSP_request_add1_nonce(request, nil, 32) }
        let length = i2d_OCSP_REQUEST(request, nil)
        var bytes = [UInt8](repeating: 0, count: max(0, Int(length)))
        bytes.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            _ = i2d_OCSP_REQUEST(request, &cursor)
        }
        guard length > 0 else {
            OCSP_CERTID_free(id)
            OCSP_REQUEST_free(request)
            return nil
        }
        self.request = request
        self.certificateID = id
        self.der = bytes
        self.hasNonce = nonce
    }

    deinit {
        OCSP_CERTID_free(certificateID)
        OCSP_REQUEST_free(request)
    }

    /// Judges a DER OCSPResponse.
    /// - Parameters:
    ///   - anchors: The trust anchors; the responder's certificate must chain to one.
    ///   - pool: Certificates that may complete the responder's chain (the issuer among them).
    ///   - requireNonce: Refuse a response that does not echo the nonce sent.
    ///   - now: Freshness is judged against this instant (RFC 6960 §3.2 (5)),
    ///     whatever the evaluation time, with ``OCSPExchange/clockSkew``.
    /// - Returns: ``OCSPAnswer/unknown(_:)`` with the reason for every answer that does not verify.
    func judge(
        response der: [UInt8], anchors: [X509Ref], pool: [X509Ref], requireNonce: Bool, now: Date
    ) -> OCSPAnswer {
        defer { OpenSSLErrorQueue.clear() }
        var parsed: OpaquePointer?
        let consumed = der.withUnsafeBufferPointer { buffer -> Int in
            var cursor = buffer.baseAddress.map { UnsafePointer<UInt8>?($0) } ?? nil
            parsed = d2i_OCSP_RESPONSE(nil, &cursor, buffer.count)
            guard let cursor, let base = buffer.baseAddress else { return 0 }
            return cursor - base
        }
        guard let response = parsed else { return .unknown("the answer is not an OCSP response") }
        defer { OCSP_RESPONSE_free(response) }
        guard consumed == der.count else { return .unknown("the answer has bytes after the OCSP response") }
        let status = OCSP_response_status(response)
        guard status == OCSP_RESPONSE_STATUS_SUCCESSFUL else {
            return .unknown("the responder answered \(Self.responseStatusName(status)) (RFC 6960 §4.2.1)")
        }
        guard let basic = OCSP_response_get1_basic(response) else {
            return .unknown("the response is not a basic OCSP response")
        }
        defer { OCSP_BASICRESP_free(basic) }

        switch OCSP_check_nonce(request, basic) {
        case 0: return .unknown("the response's nonce is not the one sent (a replayed answer?)")
        case -1 where requireNonce: return .unknown("the response does not echo the nonce (a nonce is required)")
        default: break
        }

        // The signature, the responder's chain to an anchor (now) and the responder's authority:
        // the issuer itself, or a certificate it issued with id-kp-OCSPSigning (RFC 6960 §4.2.2.2).
        guard let store = X509_STORE_new() else { return .unknown("out of memory") }
        defer { X509_STORE_free(store) }
        for anchor in anchors { X509_STORE_add_cert(store, anchor.pointer) }
        X509_STORE_set_flags(store, UInt(X509_V_FLAG_PARTIAL_CHAIN))
        let others = copenssl_sk_X509_new_null()
        defer { copenssl_sk_X509_free(others) }
        for certificate in pool { copenssl_sk_X509_push(others, certificate.pointer) }
        let verified = withExtendedLifetime((anchors, pool)) { OCSP_basic_verify(basic, others, store, 0) }
        guard verified == 1 else {
            return .unknown("the response's signature or signer is not accepted: \(OpenSSLErrorQueue.drain())")
        }

        var certificateStatus: Int32 = -1
        var reason: Int32 = -1
        var revokedAt: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        var thisUpdate: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        var nextUpdate: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        guard
            OCSP_resp_find_status(
                basic, certificateID, &certificateStatus, &reason, &revokedAt, &thisUpdate, &nextUpdate) == 1
        else {
            return .unknown("the response does not answer for this certificate (no matching CertID)")
        }
        guard let thisUpdate else { return .unknown("the response has no thisUpdate") }
        // Without nextUpdate, newer information is always available (RFC 6960 §4.2.2.1): fresh only now.
        let maxAge = nextUpdate == nil ? Self.clockSkew : -1
        guard OCSP_check_validity(thisUpdate, nextUpdate, Self.clockSkew, maxAge) == 1 else {
            return .unknown(
                "the response is not current (thisUpdate \(Self.text(thisUpdate)), nextUpdate \(nextUpdate.map(Self.text) ?? "none"))"
            )
        }
        let window = OCSPAnswer.Window(
            thisUpdate: Self.date(thisUpdate) ?? now, nextUpdate: nextUpdate.flatMap(Self.date))
        switch certificateStatus {
        case V_OCSP_CERTSTATUS_GOOD:
            return .good(window)
        case V_OCSP_CERTSTATUS_REVOKED:
            let name = reason >= 0 ? String(cString: OCSP_crl_reason_str(Int(reason))) : nil
            return .revoked(at: revokedAt.flatMap(Self.date) ?? window.thisUpdate, reason: name, window)
        default:
            return .unknown("the responder does not know the certificate (status unknown)")
        }
    }

    /// Seconds of clock difference tolerated on thisUpdate and nextUpdate.
    static let clockSkew = 300

    private static func responseStatusName(_ status: Int32) -> String {
        String(cString: OCSP_response_status_str(Int(status)))
    }

    private static func date(_ time: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>) -> Date? {
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }

    private static func text(_ time: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>) -> String {
        date(time).map(RFC3339.format) ?? "unreadable"
    }
}

/// A judged OCSP answer about one certificate.
enum OCSPAnswer: Sendable, Hashable {
    struct Window: Sendable, Hashable {
        var thisUpdate: Date
        var nextUpdate: Date?
    }
    /// Verified, current, and the status is good.
    case good(Window)
    /// Verified, current, and the status is revoked (RFC 5280 CRLReason name when given).
    case revoked(at: Date, reason: String?, Window)
    /// No verified definite answer, with why.
    case unknown(String)

    /// The validity window of a definite answer.
    var window: Window? {
        switch self {
        case .good(let window), .revoked(_, _, let window): window
        case .unknown: nil
        }
    }
}

extension X509Ref {
    /// True when `issuer` issued this certificate: names and key identifiers
    /// match (`X509_check_issued(3)`) and its key verifies the signature.
    func isIssued(by issuer: X509Ref) -> Bool {
        defer { OpenSSLErrorQueue.clear() }
        guard X509_check_issued(issuer.pointer, pointer) == X509_V_OK, let key = X509_get0_pubkey(issuer.pointer)
        else { return false }
        return X509_verify(pointer, key) == 1
    }

    /// True when `crl` is issued under this certificate's issuer name (a direct CRL for it).
    func issuerMatches(crlOf crl: CRLRef) -> Bool {
        X509_NAME_cmp(X509_get_issuer_name(pointer), X509_CRL_get_issuer(crl.pointer)) == 0
    }
}

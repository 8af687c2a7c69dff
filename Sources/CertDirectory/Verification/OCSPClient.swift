import Foundation
import Logging

/// Asks OCSP responders about certificates (RFC 6960) and keeps their answers
/// for this process: a response is reused until its nextUpdate and judged
/// again at each use (signature, signer, CertID, freshness); a responder that
/// failed is not asked again for `failureLifetime` seconds (for the process
/// when `nil`), so that one responder down costs one timeout.
actor OCSPClient {
    private struct Key: Hashable {
        var responder: String
        var certificate: [UInt8]
        var issuer: [UInt8]
    }

    private let networkTimeout: Duration
    private let failureLifetime: TimeInterval?
    private let logger: Logger
    private var responses: [Key: [UInt8]] = [:]
    /// Bound on the responses and failures kept, so that a long-running process asked about
    /// ever new certificates does not grow without end; past it, everything is forgotten at once.
    static let maxKept = 4096
    private var failures: [Key: (why: String, unreachable: Bool, at: Date)] = [:]
    /// Every responder asked, for `--explain`.
    private(set) var consulted: [String] = []

    init(networkTimeout: Duration, failureLifetime: TimeInterval?, logger: Logger) {
        self.networkTimeout = networkTimeout
        self.failureLifetime = failureLifetime
        self.logger = logger
    }

    /// The judged status of `certificate` from `responder`.
    /// - Parameters:
    ///   - anchors: The trust anchors the responder's certificate must chain to.
    ///   - pool: Certificates that may complete that chain (`issuer` is added).
    func status(
        of certificate: X509Ref, issuer: X509Ref, responder: String, anchors: [X509Ref], pool: [X509Ref],
        nonce: OCSPNoncePolicy, now: Date
    ) async -> OCSPResult {
        let key = Key(responder: responder, certificate: certificate.der, issuer: issuer.der)
        let verifiers = [issuer] + pool
        if let cached = responses[key], nonce != .require,
            let exchange = OCSPExchange(certificate: certificate, issuer: issuer, nonce: false)
        {
            let answer = exchange.judge(
                response: cached, anchors: anchors, pool: verifiers, requireNonce: false, now: now)
            if answer.isDefinite { return OCSPResult(answer: answer, responder: responder, cached: true) }
            responses[key] = nil
        }
        if let failure = failures[key], failureLifetime.map({ now.timeIntervalSince(failure.at) < $0 }) ?? true {
            return OCSPResult(answer: .unknown(failure.why), responder: responder, unreachable: failure.unreachable)
        }
        guard let exchange = OCSPExchange(certificate: certificate, issuer: issuer, nonce: nonce != .off) else {
            return OCSPResult(answer: .unknown("no OCSP request could be built"), responder: responder)
        }
        consulted.append("ocsp \(responder)")
        let body: [UInt8]
        do {
            body = try await OCSPTransport.exchange(exchange.der, responder: responder, timeout: networkTimeout)
        } catch let error as FetchError {
            logger.debug("OCSP responder failed", metadata: ["responder": "\(responder)", "error": "\(error)"])
            if failures.count >= Self.maxKept { failures.removeAll(keepingCapacity: true) }
            failures[key] = (error.description, error.unreachable, now)
            return OCSPResult(answer: .unknown(error.description), responder: responder, unreachable: error.unreachable)
        } catch {
            failures[key] = ("\(error)", true, now)
            return OCSPResult(answer: .unknown("\(error)"), responder: responder, unreachable: true)
        }
        let answer = exchange.judge(
            response: body, anchors: anchors, pool: verifiers, requireNonce: nonce == .require, now: now)
        if answer.isDefinite {
            if responses.count >= Self.maxKept { responses.removeAll(keepingCapacity: true) }
            responses[key] = body
        }
        return OCSPResult(answer: answer, responder: responder)
    }
}

/// One responder's judged answer about one certificate.
struct OCSPResult: Sendable {
    var answer: OCSPAnswer
    var responder: String
    /// The response was held from an earlier request (and judged again now).
    var cached = false
    /// The responder could not be reached.
    var unreachable = false

    /// `ocsp <url>`, for `--explain` and the JSON `revocationSource`; a held
    /// response adds `(cached until <nextUpdate>)`.
    var source: String {
        switch answer {
        case .good(let window), .revoked(_, _, let window):
            if cached, let until = window.nextUpdate {
                return "ocsp \(responder) (cached until \(RFC3339.format(until)))"
            }
        case .unknown:
            break
        }
        return "ocsp \(responder)"
    }
}

extension OCSPAnswer {
    /// Good or revoked: an answer that decides.
    var isDefinite: Bool {
        if case .unknown = self { return false }
        return true
    }
}

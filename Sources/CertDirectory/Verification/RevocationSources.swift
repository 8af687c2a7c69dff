import Foundation

/// Where revocation status comes from (`--revocation-sources`).
public enum RevocationSource: String, Sendable, Hashable, CaseIterable, Codable {
    /// The issuer's OCSP responder (RFC 6960), for the certificate itself.
    case ocsp
    /// CRLs (RFC 5280 §5), for every certificate on the path.
    case crl
}

/// Whether an OCSP request carries a nonce (RFC 6960 §4.4.1, `--ocsp-nonce`).
public enum OCSPNoncePolicy: String, Sendable, Hashable, CaseIterable, Codable {
    /// Send a nonce; accept a response without it (most CAs pre-produce their responses). The default.
    case send
    /// Send a nonce and refuse a response that does not echo it.
    case require
    /// Send none (for responders that refuse requests with a nonce).
    case off
}

/// How the revocation check asks: which sources in which order, and how OCSP is spoken.
///
/// For the certificate itself the sources are asked in order and the first
/// verified definite answer (good or revoked) decides; an unknown or failed
/// source moves on to the next. The CA certificates on the path are always
/// checked against CRLs. A verified `revoked` from any source wins over a `good`.
///
/// OCSP tells the CA's responder which certificate is being checked, and so to
/// whom mail is being written; ``crlOnly`` keeps that private.
public struct RevocationSources: Sendable, Hashable {
    /// The sources, in the order asked. The default is OCSP, then CRLs.
    public var order: [RevocationSource]
    /// A responder URL used instead of those the certificates name (AIA id-ad-ocsp).
    public var ocspResponder: String?
    public var ocspNonce: OCSPNoncePolicy

    public init(
        order: [RevocationSource] = [.ocsp, .crl], ocspResponder: String? = nil, ocspNonce: OCSPNoncePolicy = .send
    ) {
        self.order = order.isEmpty ? [.ocsp, .crl] : order
        self.ocspResponder = ocspResponder
        self.ocspNonce = ocspNonce
    }

    /// CRLs only: no OCSP request leaves the machine.
    public static let crlOnly = RevocationSources(order: [.crl])

    /// Parses `ocsp,crl`, `crl,ocsp`, `crl` or `ocsp`; `nil` for anything else.
    public static func parseOrder(_ text: String) -> [RevocationSource]? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map {
            RevocationSource(rawValue: $0.trimmingCharacters(in: .whitespaces).lowercased())
        }
        guard !parts.isEmpty, !parts.contains(nil) else { return nil }
        let sources = parts.compactMap { $0 }
        return Set(sources).count == sources.count ? sources : nil
    }

    /// The order as written on the command line, e.g. `ocsp,crl`.
    public var orderText: String { order.map(\.rawValue).joined(separator: ",") }

    var asksOCSP: Bool { order.contains(.ocsp) }
    var asksCRL: Bool { order.contains(.crl) }
    var ocspFirst: Bool { order.first == .ocsp }
}

/// The URLs an OCSP request may go to.
public enum OCSPResponderURL {
    /// An absolute `http://` or `https://` URL with a host (RFC 6960 appendix A.1).
    public static func isValid(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty
        else { return false }
        return scheme == "http" || scheme == "https"
    }
}

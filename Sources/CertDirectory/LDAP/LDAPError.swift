/// A failed LDAP operation: the result code plus what the server or libldap
/// said about it.
///
/// Every libldap return code passes through one function (`LDAPCall.check`)
/// that reads `LDAP_OPT_DIAGNOSTIC_MESSAGE` and `LDAP_OPT_MATCHED_DN` at once,
/// on the connection's queue, and throws this error.
public struct LDAPError: Error, Sendable, CustomStringConvertible {
    /// RFC 4511 result code, or a negative libldap client code.
    public var code: LDAPResultCode
    /// The libldap function or LDAP operation that failed, as text for
    /// messages, e.g. `bind as cn=reader,dc=example,dc=com`.
    public var operation: String
    /// Which step failed, for decisions (a refused bind, a failed search);
    /// never decide by ``operation``'s text.
    public var kind: LDAPOperation
    /// The server's diagnosticMessage (RFC 4511 §4.1.9), or libldap's own text.
    public var diagnosticMessage: String?
    /// The matchedDN of the result, when the server sent one.
    public var matchedDN: String?
    /// The URI of the directory this operation was sent to.
    public var uri: String?
    /// Why TLS failed, when the failure was in the TLS handshake.
    public var tlsFailure: TLSFailure?

    public init(
        code: LDAPResultCode, operation: String, kind: LDAPOperation = .other, diagnosticMessage: String? = nil,
        matchedDN: String? = nil, uri: String? = nil, tlsFailure: TLSFailure? = nil
    ) {
        self.code = code
        self.operation = operation
        self.kind = kind
        self.diagnosticMessage = diagnosticMessage
        self.matchedDN = matchedDN
        self.uri = uri
        self.tlsFailure = tlsFailure
    }

    /// True when the server could not be reached or the connection broke
    /// (connect failure, timeout, server down, TLS failure): another server, or
    /// a later try, may answer. The one classification used by failover, the
    /// connection pool, the PKI fetcher and the CLI's exit statuses.
    public var isUnreachable: Bool { code.isUnreachable || tlsFailure != nil }

    /// True when the server refused the credentials: a bind that failed for
    /// another reason than an unreachable server or a TLS failure.
    public var isRefusedBind: Bool { kind == .bind && !isUnreachable }

    public var description: String {
        var text = "\(operation)"
        if let uri { text += " on \(uri)" }
        text += ": "
        if let tlsFailure {
            text += "TLS failed: \(tlsFailure.explanation)"
        } else {
            text += code.description
        }
        if let diagnosticMessage, !diagnosticMessage.isEmpty { text += " (\(diagnosticMessage))" }
        if let matchedDN, !matchedDN.isEmpty { text += " [matched DN: \(matchedDN)]" }
        return text
    }
}

/// The step of a directory conversation an ``LDAPError`` comes from.
public enum LDAPOperation: String, Sendable, Hashable {
    /// Opening the connection, including an anonymous bind (which opens it).
    case connect
    /// The StartTLS extended operation (RFC 4511 §4.14).
    case startTLS = "start-tls"
    /// A simple or SASL bind with credentials (RFC 4513).
    case bind
    case search
    case modify
    /// The connection was closed while the operation was outstanding.
    case close
    /// Anything else (options, controls, reading results).
    case other
}

/// Why a TLS handshake with a directory server failed.
///
/// libldap reports every TLS failure as "Can't contact LDAP server" (-1); the
/// reason is recovered from `LDAP_OPT_DIAGNOSTIC_MESSAGE`, which Debian's
/// GnuTLS-backed libldap fills with the verification status bits.
public enum TLSFailure: String, Sendable, Hashable {
    /// The server certificate does not chain to the configured CA (`--tls-ca-file`).
    case untrustedIssuer = "untrusted-issuer"
    /// The server certificate (or one in its chain) has expired.
    case expired
    /// The server certificate is not valid yet.
    case notYetValid = "not-yet-valid"
    /// The server certificate does not name the host in the URI (RFC 6125).
    case hostnameMismatch = "hostname-mismatch"
    /// The server certificate has been revoked.
    case revoked
    /// The handshake failed for another reason (protocol, cipher, reset).
    case handshake

    public var explanation: String {
        switch self {
        case .untrustedIssuer: "the server certificate is not issued by a trusted CA"
        case .expired: "the server certificate has expired"
        case .notYetValid: "the server certificate is not valid yet"
        case .hostnameMismatch: "the server certificate does not name the host in the URI"
        case .revoked: "the server certificate is revoked"
        case .handshake: "the TLS handshake failed"
        }
    }
}

internal import CLDAP
import Foundation

/// Owns one libldap `LDAP *` and frees it exactly once.
///
/// `@unchecked Sendable`: the handle is only ever used on its connection's
/// serial queue (the ``LDAPConnection`` actor's executor, or the socket
/// source's handlers on that same queue), so no two threads touch it at once.
final class LDAPHandle: @unchecked Sendable {
    private(set) var pointer: OpaquePointer?
    let uri: String
    /// Bounds the blocking connect phase; registered as a connection callback.
    let watchdog = ConnectWatchdog()

    /// Creates the handle with `ldap_initialize(3)`; nothing is sent yet.
    /// - Parameter uri: An LDAP URL, or `nil` for libldap's configured default.
    init(uri: String?) throws {
        var ld: OpaquePointer?
        let rc = ldap_initialize(&ld, uri)
        guard rc == LDAP_SUCCESS, let ld else {
            throw LDAPError(
                code: LDAPResultCode(rawValue: rc), operation: "ldap_initialize",
                diagnosticMessage: "cannot use LDAP URI \(uri ?? "(default)")", uri: uri)
        }
        pointer = ld
        _ = ldap_set_option(ld, LDAP_OPT_CONNECT_CB, watchdog.callbacks)
        var resolved: UnsafeMutablePointer<CChar>?
        if ldap_get_option(ld, LDAP_OPT_URI, &resolved) == LDAP_OPT_SUCCESS, let resolved {
            self.uri = String(cString: resolved)
            ldap_memfree(resolved)
        } else {
            self.uri = uri ?? "(default)"
        }
    }

    deinit { unbind() }

    /// Sends an unbind and frees the handle (`ldap_unbind_ext(3)`); idempotent.
    func unbind() {
        if let ld = pointer {
            ldap_unbind_ext(ld, nil, nil)
            pointer = nil
        }
    }

    var ld: OpaquePointer {
        guard let pointer else { preconditionFailure("LDAP handle used after unbind") }
        return pointer
    }

    func setOption(_ option: Int32, _ value: UnsafeRawPointer?) throws {
        let rc = ldap_set_option(ld, option, value)
        if rc != LDAP_OPT_SUCCESS {
            throw LDAPError(
                code: .paramError, operation: "ldap_set_option",
                diagnosticMessage: "option 0x\(String(option, radix: 16))",
                uri: uri)
        }
    }

    func setIntOption(_ option: Int32, _ value: Int32) throws {
        var value = value
        try setOption(option, &value)
    }

    func setTimeval(_ option: Int32, _ duration: Duration) throws {
        let (seconds, attoseconds) = duration.components
        var tv = cldap_timeval(Int(seconds), Int(attoseconds / 1_000_000_000_000))
        try setOption(option, &tv)
    }

    func setString(_ option: Int32, _ value: String) throws {
        try value.withCString { try setOption(option, $0) }
    }

    func stringOption(_ option: Int32) -> String? {
        guard let ld = pointer else { return nil }
        var value: UnsafeMutablePointer<CChar>?
        guard ldap_get_option(ld, option, &value) == LDAP_OPT_SUCCESS, let value else { return nil }
        defer { ldap_memfree(value) }
        return String(cString: value)
    }

    /// A process-wide libldap option (from ldap.conf, `.ldaprc` or `LDAP*` variables).
    static func globalStringOption(_ option: Int32) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard ldap_get_option(nil, option, &value) == LDAP_OPT_SUCCESS, let value else { return nil }
        defer { ldap_memfree(value) }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }

    /// The socket descriptor, or -1 before the first operation connected.
    var descriptor: Int32 {
        guard let ld = pointer else { return -1 }
        var fd: Int32 = -1
        _ = ldap_get_option(ld, LDAP_OPT_DESC, &fd)
        return fd
    }

    /// True when liblber holds bytes it has read from the socket but libldap has not
    /// handed out yet (`LBER_SB_OPT_DATA_READY`: TLS records decrypted ahead). The
    /// socket is then no longer readable, so a `DispatchSource` on it would not fire again.
    var hasBufferedData: Bool {
        guard let ld = pointer else { return false }
        var sockbuf: OpaquePointer?
        guard ldap_get_option(ld, LDAP_OPT_SOCKBUF, &sockbuf) == LDAP_OPT_SUCCESS, let sockbuf else { return false }
        return ber_sockbuf_ctrl(sockbuf, LBER_SB_OPT_DATA_READY, nil) != 0
    }

    /// Builds the error for a failed libldap call, reading the diagnostic
    /// message and matched DN straight away (they are per handle and the next
    /// call would overwrite them).
    func error(_ rc: Int32, operation: String) -> LDAPError {
        // libldap's TLS layer leaves "(unknown error code)" here; it says nothing.
        let diagnostic = stringOption(LDAP_OPT_DIAGNOSTIC_MESSAGE).flatMap {
            $0 == "(unknown error code)" ? nil : $0
        }
        let code = LDAPResultCode(rawValue: rc)
        return LDAPError(
            code: code, operation: operation, diagnosticMessage: diagnostic ?? String(cString: ldap_err2string(rc)),
            matchedDN: stringOption(LDAP_OPT_MATCHED_DN), uri: uri,
            tlsFailure: code == .serverDown || code == .connectError ? TLSFailure(diagnostic: diagnostic) : nil)
    }

    /// Throws unless `rc` is `LDAP_SUCCESS`. The single place where libldap
    /// return codes become ``LDAPError``.
    func check(_ rc: Int32, _ operation: String) throws {
        if rc != LDAP_SUCCESS { throw error(rc, operation: operation) }
    }
}

internal import CLDAP
import Foundation

/// Finds out why a TLS handshake with a directory failed.
///
/// libldap reports every TLS failure as "Can't contact LDAP server" (-1). The
/// probe first reads the diagnostic message; when that is not specific, it
/// connects once more with certificate checking off, sends nothing but the
/// handshake (and StartTLS where configured), takes the server certificate
/// (`LDAP_OPT_X_TLS_PEERCERT`) and judges it with OpenSSL against the same CA
/// file: untrusted issuer, expired, not yet valid, or wrong host name. No
/// credentials are sent on the probe connection.
enum TLSProbe {
    static func diagnose(uri: String, configuration: LDAPConfiguration) -> TLSFailure? {
        guard let handle = try? LDAPHandle(uri: uri) else { return nil }
        defer { handle.unbind() }
        do {
            try handle.setIntOption(LDAP_OPT_PROTOCOL_VERSION, LDAP_VERSION3)
            if let network = configuration.timeouts.network { try handle.setTimeval(LDAP_OPT_NETWORK_TIMEOUT, network) }
            if let operation = configuration.timeouts.operation { try handle.setTimeval(LDAP_OPT_TIMEOUT, operation) }
            try handle.setIntOption(LDAP_OPT_X_TLS_REQUIRE_CERT, LDAP_OPT_X_TLS_NEVER)
            try handle.setIntOption(LDAP_OPT_X_TLS_NEWCTX, 0)
        } catch {
            return nil
        }
        if let deadline = LDAPConnection.connectDeadline(configuration.timeouts) {
            handle.watchdog.arm(after: deadline)
        }
        let rc: Int32 =
            uri.lowercased().hasPrefix("ldaps:")
            ? ldap_connect(handle.ld) : ldap_start_tls_s(handle.ld, nil, nil)
        handle.watchdog.finish()
        // The probe could not even connect: the server is down, not a TLS problem.
        guard rc == LDAP_SUCCESS else { return nil }
        var peer = berval(bv_len: 0, bv_val: nil)
        guard ldap_get_option(handle.ld, LDAP_OPT_X_TLS_PEERCERT, &peer) == LDAP_OPT_SUCCESS, let bytes = peer.bv_val
        else { return .handshake }
        let der = Array(UnsafeRawBufferPointer(start: bytes, count: Int(peer.bv_len)))
        ber_memfree(bytes)
        guard let certificate = X509Ref(der: der) else { return .handshake }
        return TrustStore(tlsCAFile: configuration.tls.caFile).classifyServerCertificate(
            certificate, host: host(of: uri))
    }

    /// The host part of an LDAP URL, without brackets or port.
    static func host(of uri: String) -> String? {
        guard let url = LDAPURL(uri) else { return nil }
        return url.host
    }
}

extension TLSFailure {
    /// Reads the reason from libldap's diagnostic message when it is specific.
    /// GnuTLS-backed libldap writes texts such as "TLS: hostname does not match
    /// name in peer certificate"; OpenSSL-backed builds write the verify error.
    init?(diagnostic: String?) {
        guard let text = diagnostic?.lowercased(), text.contains("tls") || text.contains("certificate") else {
            return nil
        }
        if text.contains("hostname") || text.contains("does not match") {
            self = .hostnameMismatch
        } else if text.contains("expired") {
            self = .expired
        } else if text.contains("not yet valid") || text.contains("not activated") {
            self = .notYetValid
        } else if text.contains("unknown ca") || text.contains("unable to get local issuer")
            || text.contains("self-signed") || text.contains("self signed")
        {
            self = .untrustedIssuer
        } else {
            return nil
        }
    }
}

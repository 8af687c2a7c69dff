internal import CLDAP
import Foundation

/// The connect phase's libldap calls: options, StartTLS and the binds. Each
/// call returns libldap's code; ``LDAPConnection`` turns a failure into an
/// ``LDAPError`` (with a TLS diagnosis where it applies).
extension LDAPHandle {
    /// Protocol 3, referrals off, timeouts, `TLS_REQUIRE_CERT=demand`, the CA file, and a new TLS context.
    func applyOptions(_ configuration: LDAPConfiguration) throws {
        try setIntOption(LDAP_OPT_PROTOCOL_VERSION, LDAP_VERSION3)
        // Referrals are reported, never chased: chasing opens connections we do not see (INTEROP.md).
        try setOption(LDAP_OPT_REFERRALS, cldap_opt_off())
        if let network = configuration.timeouts.network {
            try setTimeval(LDAP_OPT_NETWORK_TIMEOUT, network)
        }
        if let operation = configuration.timeouts.operation {
            // Bounds the synchronous StartTLS and bind calls.
            try setTimeval(LDAP_OPT_TIMEOUT, operation)
        }
        try setIntOption(LDAP_OPT_X_TLS_REQUIRE_CERT, LDAP_OPT_X_TLS_DEMAND)
        if let caFile = configuration.tls.caFile {
            try setString(LDAP_OPT_X_TLS_CACERTFILE, caFile)
        } else {
            // A new handle inherits libldap's global TLS context but not its CA
            // paths (TLS_CACERT/TLS_CACERTDIR from ldap.conf, LDAPTLS_CACERT), and
            // the new context made below would start without them: copy them over.
            for option in [LDAP_OPT_X_TLS_CACERTFILE, LDAP_OPT_X_TLS_CACERTDIR] {
                if let path = LDAPHandle.globalStringOption(option) { try setString(option, path) }
            }
        }
        // Per-handle TLS settings take effect only in a new TLS context.
        try setIntOption(LDAP_OPT_X_TLS_NEWCTX, 0)
    }

    /// `ldap_start_tls_s(3)`.
    func startTLS() -> Int32 { ldap_start_tls_s(ld, nil, nil) }

    /// A simple bind (`ldap_sasl_bind_s(3)` with `LDAP_SASL_SIMPLE`); anonymous when `dn` is `nil`.
    /// The password's bytes are zeroed afterwards.
    func simpleBind(dn: String?, password: String) -> Int32 {
        var bytes = Array(password.utf8)
        defer { for index in bytes.indices { bytes[index] = 0 } }
        return bytes.withUnsafeMutableBufferPointer { buffer in
            var credential = berval(
                bv_len: ber_len_t(buffer.count),
                bv_val: UnsafeMutableRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self))
            return ldap_sasl_bind_s(ld, dn, cldap_sasl_simple(), &credential, nil, nil, nil)
        }
    }

    /// Sets the SASL options: no host name canonicalization when asked, and inside TLS
    /// no SASL security layer (`maxssf=0`).
    func prepareSASL(noCanonicalization: Bool, insideTLS: Bool) throws {
        if noCanonicalization { try setOption(LDAP_OPT_X_SASL_NOCANON, cldap_opt_on()) }
        if insideTLS { try setString(LDAP_OPT_X_SASL_SECPROPS, "maxssf=0") }
    }

    /// `ldap_sasl_interactive_bind_s(3)`, quiet, every question answered with its default.
    func saslBind(mechanism: String) -> Int32 {
        ldap_sasl_interactive_bind_s(ld, nil, mechanism, nil, nil, cldap_sasl_quiet(), cldap_sasl_interact_proc(), nil)
    }

    /// libldap's default search base (`BASE` in ldap.conf, `LDAPBASE`), if set and not empty.
    var defaultBase: String? { stringOption(LDAP_OPT_DEFBASE).flatMap { $0.isEmpty ? nil : $0 } }
}

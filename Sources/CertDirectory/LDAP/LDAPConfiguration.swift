/// How to reach and authenticate to one directory server.
///
/// A plain `Sendable` value; ``LDAPConnection/connect(_:)`` applies it.
public struct LDAPConfiguration: Sendable {
    /// An LDAP URL (RFC 4516): `ldap://`, `ldaps://` or `ldapi://`. `nil`
    /// means libldap's own default (`URI` in `ldap.conf`/`.ldaprc`, `LDAPURI`).
    public var uri: String?
    public var bind: BindMethod
    public var tls: TLSConfiguration
    public var timeouts: Timeouts
    /// Allow a simple bind with a password over a connection that is neither
    /// TLS-protected nor local. The default is false: such a bind is refused
    /// before anything is sent (RFC 4513 §5.1.2 and §6.3.1).
    public var allowPlaintextBind: Bool

    public init(
        uri: String?, bind: BindMethod = .anonymous, tls: TLSConfiguration = .init(), timeouts: Timeouts = .init(),
        allowPlaintextBind: Bool = false
    ) {
        self.uri = uri
        self.bind = bind
        self.tls = tls
        self.timeouts = timeouts
        self.allowPlaintextBind = allowPlaintextBind
    }

    /// How to authenticate (RFC 4513).
    public enum BindMethod: Sendable {
        /// Anonymous simple bind (RFC 4513 §5.1.1).
        case anonymous
        /// Name/password simple bind (RFC 4513 §5.1.3). `dn` is a DN, or on
        /// Active Directory also a user principal name such as `alice@corp.example`.
        case simple(dn: String, password: Secret)
        /// SASL bind (RFC 4513 §5.2) through `ldap_sasl_interactive_bind_s(3)`, never prompting:
        /// `GSSAPI` uses the caller's Kerberos ticket cache (after `kinit`), `EXTERNAL` a TLS client
        /// certificate or the `ldapi://` peer credentials. `noCanonicalization` sets
        /// `LDAP_OPT_X_SASL_NOCANON`, so the service principal is built from the host name in the URI
        /// as given, not from a reverse DNS lookup (which often names `localhost` or a wrong host).
        case sasl(mechanism: String, noCanonicalization: Bool)
    }

    /// TLS settings. The server certificate is always verified (`LDAP_OPT_X_TLS_REQUIRE_CERT`
    /// = demand); there is deliberately no switch to turn that off.
    public struct TLSConfiguration: Sendable {
        /// Send StartTLS (RFC 4511 §4.14) on an `ldap://` connection before binding.
        /// Ignored for `ldaps://`, which is TLS from the first byte.
        public var startTLS: Bool
        /// PEM file of CA certificates that may issue the server's certificate.
        /// `nil` uses libldap's default (`TLS_CACERT` in ldap.conf, else the system store).
        public var caFile: String?

        public init(startTLS: Bool = false, caFile: String? = nil) {
            self.startTLS = startTLS
            self.caFile = caFile
        }
    }

    /// Client-side timeouts.
    public struct Timeouts: Sendable {
        /// Limit for the TCP connect (and TLS setup) to one server
        /// (`LDAP_OPT_NETWORK_TIMEOUT`). `nil` waits as long as the system does.
        /// The default is 10 seconds.
        public var network: Duration?
        /// Limit for each operation to complete, measured on the client. `nil`
        /// waits indefinitely. The default is 30 seconds.
        public var operation: Duration?

        public init(network: Duration? = .seconds(10), operation: Duration? = .seconds(30)) {
            self.network = network
            self.operation = operation
        }
    }
}

/// A secret such as a bind password. Its description never shows the value,
/// so it cannot leak into logs or error messages by interpolation.
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}

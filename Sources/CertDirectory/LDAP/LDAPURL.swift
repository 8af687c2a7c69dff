/// A parsed LDAP URL (RFC 4516): scheme, host, port and optional base DN.
///
/// Parsing is libldap's own `ldap_url_parse(3)`, so certdir accepts exactly
/// what `ldapsearch -H` accepts.
public struct LDAPURL: Sendable, Hashable, CustomStringConvertible {
    /// `ldap`, `ldaps` or `ldapi`.
    public let scheme: String
    /// The host name or IP literal; `nil` when the URL has none (`ldap:///`).
    public let host: String?
    /// The port; the scheme's default (389, 636) when the URL gives none.
    public let port: Int
    /// The base DN from the URL path, `nil` when absent.
    public let baseDN: String?
    /// The attribute descriptions of the URL's attribute part (RFC 4516 §2), e.g.
    /// `certificateRevocationList;binary` in a CRL distribution point; empty when absent.
    public let attributes: [String]
    /// The URL as given.
    public let string: String

    /// Parses `string`; `nil` when libldap rejects it.
    public init?(_ string: String) {
        guard let parsed = LDAPURLParser.parse(string) else { return nil }
        self = parsed
    }

    init(scheme: String, host: String?, port: Int, baseDN: String?, attributes: [String] = [], string: String) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.baseDN = baseDN
        self.attributes = attributes
        self.string = string
    }

    public var description: String { string }

    /// True for `ldaps://` (TLS from the first byte) and `ldapi://` (a local socket).
    public var isEncryptedOrLocal: Bool { scheme == "ldaps" || scheme == "ldapi" }

    /// Ports 3268 (plain) and 3269 (TLS) are Active Directory's Global Catalog,
    /// which spans the forest with base `""` and is read-only.
    public var isGlobalCatalogPort: Bool { port == 3268 || port == 3269 }
}

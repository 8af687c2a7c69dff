import ArgumentParser
import CertDirectory

/// Options shared by every subcommand that talks to a directory (the CLI contract).
struct DirectoryOptions: ParsableArguments {
    @Option(name: .customLong("uri"), help: "LDAP URL (RFC 4516); repeat for failover, tried in order.")
    var uris: [String] = []

    @Option(name: .customLong("directory"), help: "A directory named in the config file.")
    var directoryName: String?

    @Option(help: "Search base DN; \"\" searches a Global Catalog's whole forest.")
    var base: String?

    @Option(name: .customLong("bind-dn"), help: "Bind DN, or an Active Directory user principal name.")
    var bindDN: String?

    @Option(name: .customLong("password-file"), help: "Read the bind password from this file (first line).")
    var passwordFile: String?

    @Option(name: .customLong("password-env"), help: "Read the bind password from this environment variable.")
    var passwordEnv: String?

    @Option(
        name: .customLong("sasl-mech"),
        help: "SASL bind mechanism instead of a simple bind: GSSAPI (Kerberos ticket from kinit) or EXTERNAL.")
    var saslMechanism: String?

    @Flag(
        name: .customLong("sasl-nocanon"),
        help: "Build the SASL service principal from the URI's host name as given, not from reverse DNS.")
    var saslNoCanonicalization = false

    @Flag(help: "Send StartTLS on ldap:// before binding.")
    var starttls = false

    @Option(name: .customLong("tls-ca-file"), help: "PEM file of CAs that may issue the server's TLS certificate.")
    var tlsCAFile: String?

    @Flag(name: .customLong("allow-plaintext-bind"), help: "Allow a password over an unencrypted connection.")
    var allowPlaintextBind = false

    @Option(name: .customLong("network-timeout"), help: "Seconds to wait for a connection (default 10).")
    var networkTimeout: Double?

    @Option(help: "Seconds to wait for each operation (default 30).")
    var timeout: Double?

    @Flag(
        name: .customLong("global-catalog"), help: "The endpoint is an AD Global Catalog (implied by ports 3268/3269).")
    var globalCatalog = false

    @Option(name: .customLong("config"), help: "Config file (default $XDG_CONFIG_HOME/certdir/config.toml).")
    var configFile: String?

    func validate() throws {
        if passwordFile != nil && passwordEnv != nil {
            throw ValidationError("give --password-file or --password-env, not both")
        }
        for value in [networkTimeout, timeout].compactMap({ $0 }) where !(value >= 0.001 && value <= 86_400) {
            throw ValidationError("timeouts are seconds between 0 and 86400")
        }
        if saslMechanism != nil && (bindDN != nil || passwordFile != nil || passwordEnv != nil) {
            throw ValidationError(
                "--sasl-mech binds with the SASL mechanism's own credentials: no --bind-dn or password")
        }
        if saslMechanism?.isEmpty == true { throw ValidationError("--sasl-mech needs a mechanism name, e.g. GSSAPI") }
    }
}

/// Options shared by every subcommand that checks certificates (the CLI contract).
struct CheckingOptions: ParsableArguments {
    @Option(name: .customLong("trust-anchor"), help: "Trusted CA certificates (PEM or DER, one or many); repeatable.")
    var trustAnchors: [String] = []

    @Option(
        name: .customLong("intermediates"), help: "Extra intermediate CA certificates for path building; repeatable.")
    var intermediates: [String] = []

    @Option(help: "Evaluate at this RFC 3339 instant instead of now.")
    var at: String?

    @Flag(name: .customLong("strict-local-part"), help: "Compare the local part of addresses case-sensitively.")
    var strictLocalPart = false

    @Option(name: .customLong("min-rsa-bits"), help: "Smallest RSA key accepted (default 2048).")
    var minRSABits: Int?

    @Option(
        name: .customLong("revocation-sources"),
        help: ArgumentHelp(
            "Revocation sources for the certificate itself, in order: ocsp,crl (the default), crl,ocsp, crl or ocsp.",
            discussion:
                "OCSP tells the CA's responder which certificate you are checking, and so to whom you write; crl keeps that private. CA certificates on the path are always checked against CRLs."
        ))
    var revocationSources: String?

    @Option(
        name: .customLong("ocsp-responder"),
        help: "Ask this OCSP responder (http:// URL) instead of those the certificates name.")
    var ocspResponder: String?

    @Option(
        name: .customLong("ocsp-nonce"),
        help: "OCSP nonce: send (the default; a response without it is accepted), require, or off.")
    var ocspNonce: String?

    func validate() throws {
        if let at, RFC3339.parse(at) == nil {
            throw ValidationError("--at needs an RFC 3339 time such as 2026-01-31T12:00:00Z")
        }
        if let minRSABits, !(512...16384).contains(minRSABits) {
            throw ValidationError("--min-rsa-bits must be between 512 and 16384")
        }
        if let revocationSources, RevocationSources.parseOrder(revocationSources) == nil {
            throw ValidationError("--revocation-sources must be ocsp,crl, crl,ocsp, crl or ocsp")
        }
        if let ocspResponder, !OCSPResponderURL.isValid(ocspResponder) {
            throw ValidationError("--ocsp-responder must be an http:// or https:// URL")
        }
        if let ocspNonce, OCSPNoncePolicy(rawValue: ocspNonce) == nil {
            throw ValidationError("--ocsp-nonce must be send, require or off")
        }
    }
}

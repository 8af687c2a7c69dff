import CertDirectory

/// The command-line hints that the library's messages leave out (they name no flag).
enum CLIHint {
    /// How to change the setting a configuration error is about.
    static func text(for error: LDAPConfigurationError) -> String {
        switch error.kind {
        case .plaintextBind: "; use ldaps://, --starttls, or --allow-plaintext-bind"
        case .emptyPassword: "; give the password with --password-file or --password-env"
        case .other: ""
        }
    }

    /// Points at --tls-ca-file when a server's certificate did not chain to a trusted CA.
    static func tlsCAFile(_ errors: [LDAPError]) -> String {
        errors.contains { $0.tlsFailure == .untrustedIssuer } ? " (see --tls-ca-file)" : ""
    }
}

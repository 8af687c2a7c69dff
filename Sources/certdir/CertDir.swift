import ArgumentParser
import CertDirectory

@main
struct CertDir: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certdir",
        abstract: "Find, check and hand out S/MIME certificates held in LDAP directories.",
        discussion: """
            Every command exits with a sysexits(3) code: 0 success; 64 usage error; 65 malformed \
            input; 66 an input file cannot be read; 67 an address has no usable certificate; 74 an \
            output could not be written; 75 a directory or other source was unreachable (try again); \
            77 bind refused or access denied; 78 bad configuration. When several apply, the first of \
            64, 78, 75, 77, 74, 66, 67, 65 wins. Each command's help says which of them it uses; \
            verify also exits 1 for an invalid message. Settings: flags override the config file \
            ($XDG_CONFIG_HOME/certdir/config.toml), which overrides ldap.conf; certdir config show \
            prints them with their origins.
            """,
        version: CertDirVersion.text,
        subcommands: [
            Resolve.self, Encrypt.self, Export.self, Publish.self, Verify.self, Book.self, Serve.self, Config.self,
        ]
    )
}

enum CertDirVersion {
    static let string = "0.1.0"

    /// `--version`: certdir's version and the OpenSSL and libldap it runs with (not those it was built against).
    static var text: String {
        "certdir \(string)\n\(OpenSSLVersion.text)\n\(LibLDAPInfo.version)"
    }
}

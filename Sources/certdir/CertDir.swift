import ArgumentParser

@main
struct CertDir: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certdir",
        abstract: "Find, check and hand out S/MIME certificates held in LDAP directories.",
        discussion: """
            Exit status (sysexits): 0 all resolved; 67 an address has no entry, no usable certificate, \
            or is ambiguous; 75 directory unreachable or timed out; 65 malformed input; 77 bind refused \
            or insufficient access; 78 bad configuration; 64 usage error; 74 output not written. \
            When several apply, the first of 64, 78, 75, 77, 74, 67, 65 wins.
            """,
        version: CertDirVersion.string,
        subcommands: [
            Resolve.self, Encrypt.self, Export.self, Publish.self, Verify.self, Book.self, Serve.self, Config.self,
        ]
    )
}

enum CertDirVersion {
    static let string = "0.1.0"
}

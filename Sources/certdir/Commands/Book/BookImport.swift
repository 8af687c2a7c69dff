import ArgumentParser
import CertDirectory
import Foundation

/// `certdir book import FILE...`.
struct BookImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Add certificates from files: PEM, DER, PKCS#7 (.p7c/.p7b), PKCS#12 (certificates only), or folders.",
        discussion: """
            Each end-entity certificate is filed under every address it names (subjectAltName \
            rfc822Name, else the subject emailAddress). A PKCS#12 private key is never stored. \
            The other files are still imported when one fails. Exit status: 0 imported; 66 a file \
            cannot be read; 65 a file cannot be parsed or holds no certificate with an address; 74 the \
            address book cannot be written.
            """)

    @OptionGroup var context: BookContext
    @OptionGroup var p12: PKCS12PasswordOptions
    @Argument(help: "Files or folders.") var files: [String]

    func run() async throws {
        try await ResolveExit.guarded {
            let report = try context.open().importFiles(files, password: { try p12.read(for: $0) }, at: Date())
            for added in report.added {
                try Console.out("added \(added.sha256) for \(added.address) from \(added.path)\n")
            }
            for skipped in report.skipped { Console.fail("skipped \(skipped.path): \(skipped.reason)") }
            for failed in report.failed { Console.fail("\(failed.path): \(failed.reason)") }
            if !report.unreadable.isEmpty { throw ExitStatus.noInput.exitCode }
            if !report.failed.isEmpty { throw ExitStatus.dataError.exitCode }
            if report.added.isEmpty { throw CLIError(.dataError, "no certificate with a mail address was found") }
        }
    }
}

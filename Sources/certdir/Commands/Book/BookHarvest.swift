import ArgumentParser
import CertDirectory
import Foundation

/// `certdir book harvest MESSAGE...`.
struct BookHarvest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "harvest",
        abstract: "Add the signers' certificates of verified S/MIME signed mail (RFC 5322 messages).",
        discussion: """
            Clear-signed (multipart/signed) and opaque-signed (application/pkcs7-mime; \
            smime-type=signed-data) messages. A certificate is added only when the signature \
            verifies, the signer's certificate chains to a trust anchor (the checks of certdir \
            verify), and it names the From address; the certificate named by \
            SMIMEEncryptionKeyPreference is added too. Otherwise nothing changes and the reason \
            is printed. Exit status: 0 all added; 65 a message added nothing; 66 a message \
            file cannot be read; 75 a source the check needed was unreachable.
            """)

    @OptionGroup var context: BookContext
    @Option(help: "Revocation: require, prefer (the default) or off, as for certdir verify.")
    var revocation: RevocationMode = .prefer
    @Argument(help: "Message files (RFC 5322, as received).") var messages: [String]

    func run() async throws {
        try await ResolveExit.guarded {
            let settings = try context.settings()
            for warning in settings.warnings { context.output.note("warning: \(warning)") }
            let book = try context.open()
            let checker = CertificateChecker(
                validator: settings.validator,
                // Intermediates and CRLs come from a directory only when one is named (--uri or the config file).
                directory: settings.directory.servers.contains { $0.uri != nil } ? settings.directory : nil,
                revocation: revocation, logger: CLILogging.logger(verbose: context.output.verbose))
            let verifier = MessageVerifier(checker: checker, intermediates: settings.intermediates)
            var status = ExitStatus.ok
            for path in messages {
                let bytes: [UInt8]
                do {
                    bytes = try InputFile.read(path: path, limit: InputFile.messageLimit)
                } catch {
                    Console.fail("\(path): cannot read: \(error)")
                    let tooLarge = (error as? InputFileError)?.exceedsLimit ?? false
                    status = min(status, tooLarge ? .dataError : .noInput)
                    continue
                }
                let outcome = try await book.harvest(bytes, source: path, verifier: verifier, at: settings.time)
                guard let address = outcome.address else {
                    let why = outcome.reasons.map(\.description).joined(separator: "; ")
                    Console.fail("\(path): nothing added: \(why)")
                    status = min(status, outcome.needsRetry ? .tempFail : .dataError)
                    continue
                }
                for certificate in outcome.added {
                    let role =
                        certificate.sha256 == outcome.added.first?.sha256 ? "signer" : "encryption key preference"
                    try Console.out("\(path): added \(certificate.sha256) for \(address) (\(role))\n")
                }
                for warning in outcome.warnings { Console.fail("\(path): warning: \(warning)") }
            }
            await checker.close()
            if status != .ok { throw status.exitCode }
        }
    }
}

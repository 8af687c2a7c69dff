import ArgumentParser
import CertDirectory
import Foundation

/// `certdir encrypt`: a message in, the same message encrypted to every recipient out.
struct Encrypt: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Encrypt a message to its recipients' certificates (S/MIME, RFC 8551).",
        discussion: """
            Reads an RFC 5322 message (stdin or --in). Recipients come from To, Cc and Bcc unless --to is \
            given; each address is resolved and checked exactly as by `certdir resolve`. If any recipient \
            has no fit certificate, nothing is written, each failing recipient is named on stderr, and the \
            exit status is 67 (75 when the directory is down). Headers stay in the clear, Bcc is removed, \
            and the body becomes application/pkcs7-mime. --in - and --out - are stdin and stdout. \
            Exit status: 0 written; 67 a recipient has no fit certificate; 75 the directory is down \
            (the MTA retries); 65 malformed message; 66 --in cannot be read; 77 bind refused; 78 bad \
            configuration; 64 usage error; 74 the output could not be written.
            """)

    @OptionGroup(title: "Directory options") var directory: DirectoryOptions
    @OptionGroup(title: "Checking options") var checking: CheckingOptions
    @OptionGroup(title: "Address book options") var book: AddressBookOptions
    @OptionGroup var console: OutputOptions

    @Option(name: .customLong("to"), help: "Recipient address (repeatable); replaces To/Cc/Bcc of the message.")
    var to: [String] = []

    @Option(name: .customLong("self"), help: "Also encrypt to this address (the sender's own copy).")
    var selfAddress: String?

    @Option(
        name: .customLong("recipient-cert"), help: "Add a recipient from a PEM or DER certificate file (repeatable).")
    var recipientCerts: [String] = []

    @Option(help: "Content cipher: aes256-cbc (default), aes128-gcm or aes256-gcm.")
    var cipher: ContentCipher = .aes256CBC

    @Option(name: .customLong("key-transport"), help: "RSA key transport: rsa-pkcs1 (default) or rsa-oaep.")
    var keyTransport: KeyTransport = .rsaPKCS1

    @Option(name: .customLong("in"), help: "Read the message from this file instead of stdin.")
    var input: String?

    @Option(name: .customLong("out"), help: "Write the encrypted message to this file (atomically) instead of stdout.")
    var output: String?

    @Flag(name: .customLong("body-only"), help: "The input is a bare MIME entity, not a whole message.")
    var bodyOnly = false

    @Option(
        help:
            "Revocation of each recipient's certificate: prefer (an unknown status warns; the default), require or off. A revoked certificate is never used."
    )
    var revocation: RevocationMode = .prefer

    @Flag(help: "Explain every recipient's candidates and reasons on stderr.")
    var explain = false

    func validate() throws {
        if bodyOnly && to.isEmpty && selfAddress == nil && recipientCerts.isEmpty {
            throw ValidationError("--body-only needs --to, --self or --recipient-cert: a bare entity has no recipients")
        }
    }

    func run() async throws {
        try await ResolveExit.guarded { try await encrypt() }
    }

    private func encrypt() async throws {
        let original = try readInput()
        let message: MailMessage
        do {
            message = try MailMessage(parsing: original)
        } catch {
            throw CLIError(.dataError, "the input is not a message: \(error)")
        }
        var addresses = to.isEmpty && !bodyOnly ? message.recipientAddresses : to
        if let selfAddress { addresses.append(selfAddress) }
        if addresses.isEmpty && recipientCerts.isEmpty {
            throw CLIError(.dataError, "the message has no To, Cc or Bcc recipient; give --to")
        }
        let settings = try EffectiveSettings.make(directory, checking)
        for warning in settings.warnings { console.note("warning: \(warning)") }

        var recipients = RecipientCertificates()
        for path in recipientCerts {
            let certificates: [ParsedCertificate]
            do {
                certificates = try CertificateFile.load(path: path)
            } catch {
                throw CLIError(.dataError, "\(error)")
            }
            recipients.add(
                file: path, certificates: certificates, validator: settings.validator,
                intermediates: settings.intermediates, at: settings.time)
        }
        if !addresses.isEmpty {
            let resolver = Resolver(
                directory: settings.directory, validator: settings.validator, intermediates: settings.intermediates,
                revocation: revocation, logger: CLILogging.logger(verbose: console.verbose))
            let report = try await book.resolve(addresses, with: resolver, at: settings.time)
            if explain {
                for resolution in report.results {
                    Console.error(Explanation.text(for: resolution, revocation: revocation))
                }
            }
            recipients.add(report.results)
        }
        guard recipients.failures.isEmpty else {
            var status = ExitStatus.ok
            for failure in recipients.failures {
                Console.fail("cannot encrypt to \(failure)")
                let failureStatus: ExitStatus =
                    failure.error.map { ResolveExit.classify($0).status } ?? .noUser
                status = min(status, failureStatus)
            }
            Console.fail("nothing was written")
            throw status.exitCode
        }
        try write(message, original: original, recipients: recipients.certificates)
    }

    private func readInput() throws -> [UInt8] {
        do {
            return try InputFile.read(path: input)
        } catch {
            throw CLIError(.dataError, "\(error)")
        }
    }

    private func write(_ message: MailMessage, original: [UInt8], recipients: [ParsedCertificate]) throws {
        let encryptor = Encryptor(cipher: cipher, keyTransport: keyTransport)
        guard let output, output != "-" else {
            try encryptor.encrypt(message, original: original, bodyOnly: bodyOnly, recipients: recipients, to: 1)
            return
        }
        try OutputFile.replace(path: output) { descriptor in
            try encryptor.encrypt(
                message, original: original, bodyOnly: bodyOnly, recipients: recipients, to: descriptor)
        }
    }
}

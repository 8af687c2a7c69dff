import ArgumentParser
import CertDirectory
import Foundation

/// `certdir encrypt`: a message in, the same message encrypted to every recipient out.
struct Encrypt: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Encrypt a message to its recipients' certificates (S/MIME, RFC 8551).",
        discussion: """
            Reads an RFC 5322 message (stdin or --in). Recipients come from --to, else from \
            --envelope-recipient, else from the topmost Resent block's Resent-To/Cc/Bcc, else from To, Cc \
            and Bcc; each address is resolved and checked exactly as by `certdir resolve`. If any recipient \
            has no fit certificate, nothing is written, each failing recipient is named on stderr, and the \
            exit status is 67 (75 when the directory is down). Headers stay in the clear, Bcc and \
            Resent-Bcc are removed, and the body becomes application/pkcs7-mime. A Bcc recipient in the \
            shared envelope would be named to everyone by its RecipientInfo, so a message with Bcc \
            recipients needs --bcc-dir (one copy per Bcc recipient) or --bcc-visible (exit 64 otherwise). \
            A message that is already S/MIME encrypted passes through unchanged but for Bcc (--reencrypt \
            wraps it again). --in - and --out - are stdin and stdout. \
            Exit status: 0 written; 67 a recipient has no fit certificate; 75 the directory is down \
            (the MTA retries); 65 malformed message; 66 --in cannot be read; 77 bind refused; 78 bad \
            configuration; 64 usage error (also Bcc recipients without --bcc-dir or --bcc-visible); 74 the \
            output could not be written.
            """)

    @OptionGroup(title: "Directory options") var directory: DirectoryOptions
    @OptionGroup(title: "Checking options") var checking: CheckingOptions
    @OptionGroup(title: "Address book options") var book: AddressBookOptions
    @OptionGroup(title: "Mail group options") var groups: GroupOptions
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

    @Option(
        name: .customLong("bcc-dir"),
        help: "Write one separate copy per Bcc recipient into this existing folder (named after the address).")
    var bccDirectory: String?

    @Flag(
        name: .customLong("bcc-visible"),
        help: "Encrypt to Bcc recipients in the shared copy, accepting that its RecipientInfos name them.")
    var bccVisible = false

    @Option(
        name: .customLong("envelope-recipient"),
        help: "Envelope recipient (repeatable, as a content filter's ${recipient}); those not in To/Cc are Bcc.")
    var envelopeRecipients: [String] = []

    @Flag(help: "Encrypt a message that is already S/MIME encrypted again instead of passing it through.")
    var reencrypt = false

    func validate() throws {
        if bodyOnly && to.isEmpty && selfAddress == nil && recipientCerts.isEmpty {
            throw ValidationError("--body-only needs --to, --self or --recipient-cert: a bare entity has no recipients")
        }
        if bccDirectory != nil && bccVisible {
            throw ValidationError("--bcc-dir and --bcc-visible exclude each other")
        }
        if !to.isEmpty && !envelopeRecipients.isEmpty {
            throw ValidationError("--to and --envelope-recipient exclude each other")
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
        let headerPlan: RecipientPlan
        do {
            headerPlan =
                !to.isEmpty || bodyOnly
                ? RecipientPlan(visible: to, blind: [])
                : try RecipientPlan(message: message, envelope: envelopeRecipients)
        } catch {
            throw CLIError(.dataError, "\(error)")
        }
        if !reencrypt && EncryptedInput.isEnveloped(message) {
            try passThrough(message, plan: headerPlan)
            return
        }
        if !headerPlan.blind.isEmpty && bccDirectory == nil && !bccVisible {
            throw CLIError(
                .usage,
                "the message has Bcc recipients (\(headerPlan.blind.joined(separator: ", "))): one envelope for all would "
                    + "name them to every recipient; give --bcc-dir DIR for a separate copy each, or --bcc-visible "
                    + "to accept the disclosure")
        }
        let selfAddresses = selfAddress.map { [$0] } ?? []
        if headerPlan.visible.isEmpty && headerPlan.blind.isEmpty && selfAddresses.isEmpty && recipientCerts.isEmpty {
            throw CLIError(.dataError, "the message has no To, Cc or Bcc recipient; give --to")
        }
        let settings = try EffectiveSettings.make(directory, checking)
        for warning in settings.warnings { console.note("warning: \(warning)") }
        let lists = try await expandGroups(of: headerPlan, settings: settings)
        let plan = lists.plan
        let addresses = plan.visible + plan.blind + selfAddresses

        var files = RecipientCertificates()
        for path in recipientCerts {
            let certificates: [ParsedCertificate]
            do {
                certificates = try CertificateFile.load(path: path)
            } catch {
                throw CLIError(.dataError, "\(error)")
            }
            files.add(
                file: path, certificates: certificates, validator: settings.validator,
                intermediates: settings.intermediates, at: settings.time)
        }
        var resolved: [String: Resolution] = [:]
        var all = files
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
            for (address, resolution) in zip(addresses, report.results) { resolved[address.lowercased()] = resolution }
            all.add(report.results)
        }
        guard all.failures.isEmpty && lists.failures.isEmpty else {
            var status = ExitStatus.ok
            for failure in lists.failures {
                Console.fail("cannot encrypt to the list \(failure.group): \(failure.failure)")
                status = min(status, .noUser)
            }
            for failure in all.failures {
                let through = lists.groupOf[failure.recipient.lowercased()].map { " (member of \($0))" } ?? ""
                Console.fail("cannot encrypt to \(failure)\(through)")
                let failureStatus: ExitStatus =
                    failure.error.map { ResolveExit.classify($0).status } ?? .noUser
                status = min(status, failureStatus)
            }
            Console.fail("nothing was written")
            throw status.exitCode
        }
        func certificates(_ base: RecipientCertificates, _ names: [String]) -> [ParsedCertificate] {
            var set = base
            set.add(names.compactMap { resolved[$0.lowercased()] })
            return set.certificates
        }
        let sharedNames = (bccVisible ? plan.visible + plan.blind : plan.visible) + selfAddresses
        let shared = certificates(files, sharedNames)
        let copies =
            bccVisible
            ? [] : plan.blind.map { ($0, certificates(RecipientCertificates(), [$0] + selfAddresses)) }
        try write(message, original: original, shared: shared, copies: copies)
    }

    /// Mail groups in the plan replaced by their members (a Bcc list's members
    /// are each blind); not offline, where the directory cannot be asked.
    private func expandGroups(of plan: RecipientPlan, settings: EffectiveSettings) async throws -> GroupedPlan {
        guard !book.offline else { return GroupedPlan(plan: plan) }
        let expander = GroupExpander(
            directory: settings.directory, limits: groups.limits, logger: CLILogging.logger(verbose: console.verbose))
        let expansions = try await expander.expand(plan.visible + plan.blind)
        guard !expansions.isEmpty else { return GroupedPlan(plan: plan) }
        var grouped = GroupedPlan(plan: plan)
        func members(_ addresses: [String]) -> [String] {
            addresses.flatMap { address -> [String] in
                guard let expansion = expansions[address.lowercased()] else { return [address] }
                console.note("\(address) is a list: \(expansion.members.count) members")
                for member in expansion.members where grouped.groupOf[member.lowercased()] == nil {
                    grouped.groupOf[member.lowercased()] = address
                }
                grouped.failures += expansion.failures.map { (address, $0) }
                return expansion.members
            }
        }
        grouped.plan = RecipientPlan(visible: members(plan.visible), blind: members(plan.blind))
        return grouped
    }

    /// Already encrypted: the same bytes without Bcc, to the output and (with --bcc-dir) to each Bcc copy.
    private func passThrough(_ message: MailMessage, plan: RecipientPlan) throws {
        Console.error(
            "certdir: note: the message is already S/MIME encrypted; passed through unchanged but for Bcc "
                + "(--reencrypt encrypts it again)\n")
        let bytes = EncryptedInput.withoutBlindCopies(message)
        let copies = bccDirectory == nil ? [] : plan.blind
        try commitAll(copies.map { ($0, { try writeAll(bytes, to: $0) }) }, shared: { try writeAll(bytes, to: $0) })
    }

    private func readInput() throws -> [UInt8] {
        do {
            return try InputFile.read(path: input, limit: InputFile.messageLimit)
        } catch {
            throw CLIError(.dataError, "\(error)")
        }
    }

    /// Stages every Bcc copy and the shared copy, then commits them: a failure
    /// before the end leaves no file behind.
    private func write(
        _ message: MailMessage, original: [UInt8], shared: [ParsedCertificate],
        copies: [(address: String, certificates: [ParsedCertificate])]
    ) throws {
        let encryptor = Encryptor(cipher: cipher, keyTransport: keyTransport)
        func encrypt(_ recipients: [ParsedCertificate]) -> (Int32) throws -> Void {
            { try encryptor.encrypt(message, original: original, bodyOnly: bodyOnly, recipients: recipients, to: $0) }
        }
        let writers = copies.map { ($0.address, encrypt($0.certificates)) }
        guard !shared.isEmpty else {
            console.note("note: no To or Cc recipient: only the Bcc copies were written")
            try commitAll(writers, shared: nil)
            return
        }
        try commitAll(writers, shared: encrypt(shared))
    }

    private func commitAll(_ copies: [(String, (Int32) throws -> Void)], shared: ((Int32) throws -> Void)?) throws {
        var staged: [OutputFile] = []
        defer { for file in staged { file.discard() } }
        var taken = Set<String>()
        for (address, body) in copies {
            let name = BlindCopyName.fileName(for: address, taken: &taken)
            let path = URL(fileURLWithPath: bccDirectory ?? ".").appendingPathComponent(name).path
            let file = try open(path)
            staged.append(file)
            try body(file.descriptor)
            console.note("Bcc copy for \(address): \(path)")
        }
        if let shared {
            if let output, output != "-" {
                let file = try open(output)
                staged.append(file)
                try shared(file.descriptor)
            } else {
                try shared(1)
            }
        }
        while !staged.isEmpty { try staged.removeFirst().commit() }
    }

    private func open(_ path: String) throws -> OutputFile {
        do {
            return try OutputFile(path: path)
        } catch {
            throw CLIError(.ioError, "\(error)")
        }
    }

    private func writeAll(_ bytes: [UInt8], to descriptor: Int32) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw CLIError(.ioError, "cannot write the message: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}

/// The recipient plan after group expansion: which list each member came
/// through, for the messages, and the members that failed inside a list.
struct GroupedPlan {
    var plan: RecipientPlan
    var groupOf: [String: String] = [:]
    var failures: [(group: String, failure: GroupExpansion.Failure)] = []
}

import ArgumentParser
import CertDirectory
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `certdir publish`: a user's certificate into its directory entry, checked, in one modify.
struct Publish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish an enrolled certificate to its directory entry, safely.",
        discussion: """
            The entry is found by --dn, by --mail, or by the certificate's own address; exactly one must match. \
            Before any write, these rules are checked, and each refusal names its rule: address (the \
            certificate's rfc822Name is the entry's mail or an smtp: proxyAddresses value), validity and trust \
            (valid now and chains to a trust anchor), fitness (fit for encryption, signing or both), and \
            read-only (a Global Catalog, ports 3268/3269 or --global-catalog, is refused before connecting). \
            --force overrides all but the read-only rule. The write is one modify: an add of the DER value to \
            userCertificate (;binary on OpenLDAP), never a replace; for userSMIMECertificate the bundle is read, \
            merged and replaced, guarded by an assertion on the entry's change stamp (RFC 4528). \
            Exit status: 0 published or already published; 65 a rule refused, unreadable input or a value the \
            server refused (constraintViolation); 67 no entry, or several; 75 directory unreachable, or the entry \
            changed between read and write (nothing was written; run again); 77 bind refused or insufficient \
            access; 78 the endpoint is read-only, the server cannot guard the write, or bad configuration; \
            64 usage error.
            """)

    enum Attribute: String, ExpressibleByArgument, CaseIterable {
        case userCertificate, userSMIMECertificate, both
    }

    @OptionGroup(title: "Directory options") var directory: DirectoryOptions
    @OptionGroup(title: "Checking options") var checking: CheckingOptions

    @Option(help: "Publish to the entry with this DN.")
    var dn: String?

    @Option(help: "Publish to the entry with this mail address (mail or smtp: proxyAddresses).")
    var mail: String?

    @Option(help: "The attribute to publish to.")
    var attribute: Attribute = .userCertificate

    @Flag(name: .customLong("replace-expired"), help: "Also remove the expired certificates, in the same modify.")
    var replaceExpired = false

    @Flag(name: .customLong("dry-run"), help: "Print the change as LDIF for ldapmodify; change nothing.")
    var dryRun = false

    @Flag(help: "Publish despite the address, validity, trust or fitness rule (never to a read-only endpoint).")
    var force = false

    @OptionGroup var p12: PKCS12PasswordOptions

    @OptionGroup var output: OutputOptions
    var verbose: Bool { output.verbose }

    @Argument(help: "The certificate to publish: PEM, DER, PKCS#7, or PKCS#12 (only its certificates are used).")
    var certificateFile: String

    func validate() throws {
        if dn != nil && mail != nil { throw ValidationError("give --dn or --mail, not both") }
        if let dn, dn.isEmpty { throw ValidationError("--dn must not be empty") }
    }

    func run() async throws {
        try await ResolveExit.guarded {
            do {
                try await publish()
            } catch let error as PublishError {
                for line in error.lines { Console.fail(line) }
                throw Self.status(error).exitCode
            } catch let error as CertificateFileError {
                throw CLIError(.dataError, error.description)
            }
        }
    }

    private func publish() async throws {
        let settings = try EffectiveSettings.make(directory, checking)
        for warning in settings.warnings { output.note("warning: \(warning)") }
        let target: PublishRequest.Target
        if let dn {
            target = .dn(dn)
        } else if let mail {
            guard let address = MailAddress(mail) else {
                throw CLIError(.usage, "--mail: not a mail address (RFC 5322 addr-spec): \(mail.debugDescription)")
            }
            target = .mail(address)
        } else {
            target = .certificateAddress
        }
        let publisher = Publisher(
            directory: settings.directory, validator: settings.validator, intermediates: settings.intermediates,
            logger: CLILogging.logger(verbose: verbose))
        try publisher.checkWritable()  // before asking for a PKCS#12 password
        let (certificate, chain) = try PublishInput.load(
            path: certificateFile, password: { try p12.read(for: certificateFile) })
        let request = PublishRequest(
            certificate: certificate, chain: chain, target: target,
            attributes: PublishAttributes(rawValue: attribute.rawValue) ?? .userCertificate,
            replaceExpired: replaceExpired, force: force, time: settings.time)
        let (plan, status) = try await publisher.publish(request, dryRun: dryRun)
        for refusal in plan.assessment.refusals { Console.fail("warning: --force overrides: \(refusal)") }
        let fitness = "fit for \(plan.assessment.fitness)"
        switch status {
        case .dryRun:
            try Console.out(plan.ldif)
            Console.fail("dry run: nothing was changed; the LDIF on stdout applies it with ldapmodify (\(fitness))")
        case .alreadyPublished:
            let place = plan.alreadyIn.isEmpty ? "" : " in " + plan.alreadyIn.joined(separator: " and ")
            let text = "already published: \(plan.dn) holds \(certificate.sha256)\(place)"
            // A dry run keeps stdout for LDIF, so that it can be piped to ldapmodify.
            if dryRun { Console.fail(text + "; nothing to change") } else { try Console.out(text + "\n") }
        case .published:
            let done = plan.changes.map { change in
                switch change.operation {
                case .add: "added to \(change.attribute)"
                case .delete: "removed \(change.values.count) expired from \(change.attribute)"
                case .replace: "rewrote the \(change.attribute) bundle"
                }
            }
            try Console.out(
                "published \(certificate.sha256) to \(plan.dn): \(done.joined(separator: ", ")); \(fitness)\n")
        }
    }

    /// Exit statuses (sysexits) of publish failures.
    static func status(_ error: PublishError) -> ExitStatus {
        switch error.code {
        case .refused: error.refusals.contains { $0.rule == .readOnly } ? .config : .dataError
        case .entryNotFound, .ambiguousEntry: .noUser
        case .concurrentChange: .tempFail
        case .insufficientAccess: .noPermission
        case .unsupported: .config
        default: .dataError
        }
    }
}

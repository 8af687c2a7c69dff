import ArgumentParser
import CertDirectory
import Foundation
import Logging

/// `certdir verify`: S/MIME signed messages, signature and signer.
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify S/MIME signed messages: signature, signer path, revocation and From address.",
        discussion: """
            Checks each message's signature (clear-signed or opaque), then the signer's certificate \
            for signing: it must name the From address (when it names any), allow signatures, be \
            valid, and chain to a trust anchor. Missing CA certificates and CRLs are fetched from \
            the directory and from the URLs in the certificates. Prints one verdict per message. \
            Exit status: 0 every message valid; 1 a message is invalid; 75 a message could not be \
            decided because a source it needed was unreachable; 66 a message file cannot be read; \
            64 usage error; 78 bad configuration.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup(title: "Directory options") var directory: DirectoryOptions
    @OptionGroup(title: "Checking options") var checking: CheckingOptions

    @Option(
        help:
            "Revocation: require (unknown status refuses), prefer (unknown status warns; the default) or off. A revoked certificate is always refused."
    )
    var revocation: RevocationMode = .prefer

    @Option(help: "Output format: text (one line per message) or json (JSON Lines).")
    var format: Format = .text

    @Flag(help: "Explain each verdict, the signer and the sources consulted, on stderr.")
    var explain = false

    @OptionGroup var output: OutputOptions
    var verbose: Bool { output.verbose }

    @Argument(help: "Message files (RFC 5322, as received); - for stdin.")
    var messages: [String]

    func run() async throws {
        let logger = CLILogging.logger(verbose: verbose)
        try await ResolveExit.guarded {
            let settings = try EffectiveSettings.make(directory, checking)
            for warning in settings.warnings { output.note("warning: \(warning)") }
            let timeout = settings.directory.servers.first?.timeouts.network ?? .seconds(10)
            var policy = settings.validator.policy
            policy.acceptCASigners = true
            let validator = CertificateValidator(trustAnchors: settings.validator.trustAnchors, policy: policy)
            let checker = CertificateChecker(
                validator: validator, directory: settings.directory, revocation: revocation,
                networkTimeout: timeout, logger: logger)
            let verifier = MessageVerifier(checker: checker, intermediates: settings.intermediates)
            var status: Int32 = 0
            for path in messages {
                let bytes: [UInt8]
                do {
                    bytes = try InputFile.read(path: path, limit: InputFile.messageLimit)
                } catch {
                    Console.fail("\(path): cannot read: \(error)")
                    // A message over the size limit is malformed input (65); one that cannot be read is 66.
                    status = max(status, (error as? InputFileError)?.exceedsLimit == true ? 65 : 66)
                    continue
                }
                let verdict = await verifier.verify(bytes, at: settings.time)
                try report(verdict, path: path)
                if verdict.needsRetry {
                    status = 75
                } else if !verdict.isValid && status == 0 {
                    status = 1
                }
            }
            if explain {
                let sources = await checker.consultedSources()
                Console.error("sources consulted: \(sources.count)\n")
            }
            await checker.close()
            if status != 0 { throw ExitCode(status) }
        }
    }

    private func report(_ verdict: MessageVerification, path: String) throws {
        switch format {
        case .json:
            try Console.out(VerificationJSON.line(verdict, file: path) + "\n")
        case .text:
            let codes = Array(Set(verdict.reasons.map(\.code.rawValue))).sorted()
            try Console.out(
                "\(path): " + (verdict.isValid ? "valid" : "invalid (\(codes.joined(separator: ", ")))") + "\n")
        }
        if !explain {
            for warning in verdict.warnings where warning.code == .revocationUnknown {
                Console.fail("\(path): warning: \(warning.message)")
            }
            return
        }
        var lines = ["\(path): \(verdict.isValid ? "valid" : "invalid")"]
        if let message = verdict.message {
            lines.append("  signature: " + (message.signatureFailure.map { "BAD (\($0))" } ?? "good"))
            lines.append("  from: \(message.from ?? "none")")
            if let signer = message.signer {
                lines.append("  signer: \(signer.subject)")
                lines.append("    issuer: \(signer.issuer), serial \(signer.serial)")
            }
            lines.append("  certificates in the message: \(message.certificates.count)")
            if let preferred = message.preferredEncryptionCertificate {
                lines.append("  encryption key preference: \(preferred.subject) (\(preferred.sha256.prefix(16))…)")
            }
        }
        if let signer = verdict.signer {
            lines.append(
                "  revocation: \(signer.result.revocation.rawValue)"
                    + (signer.result.revocationSource.map { ", from \($0)" } ?? ""))
            lines.append(
                "  fetched: \(signer.fetchedCertificates) CA certificate(s), \(signer.fetchedCRLs) CRL(s) considered")
            if let length = signer.result.pathLength { lines.append("  path length: \(length)") }
            for failure in signer.failedSources { lines.append("  source failed: \(failure)") }
        }
        for reason in verdict.reasons { lines.append("  ✗ \(reason.code.rawValue): \(reason.message)") }
        for warning in verdict.warnings { lines.append("  ! \(warning.code.rawValue): \(warning.message)") }
        Console.error(lines.map(\.terminalSafe).joined(separator: "\n") + "\n")
    }
}

import ArgumentParser
import CertDirectory
import Foundation
import Logging

/// `certdir resolve`: each address to the one certificate fit for encrypting to it.
struct Resolve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find each recipient's encryption certificate in the directory.",
        discussion: """
            Prints the chosen certificate of every address (PEM by default, in the order given). \
            A certificate is chosen only when it names the address, its key usage allows encryption, \
            it is valid now (or --at), its key and signature are strong enough, and it chains to a \
            trust anchor, and, with --revocation prefer (the default) or require, is not revoked. \
            Exit status: 0 every address resolved; 67 an address has no entry, no usable certificate, \
            or is ambiguous; 75 directory unreachable or timed out; 65 malformed input; 66 --from \
            cannot be read; 77 bind refused or insufficient access; 78 bad configuration; 64 usage \
            error; 74 an output could not be written. When several apply, the first of 64, 78, 75, \
            77, 74, 66, 67, 65 wins.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case pem, der, json }

    @OptionGroup(title: "Directory options") var directory: DirectoryOptions
    @OptionGroup(title: "Checking options") var checking: CheckingOptions
    @OptionGroup(title: "Address book options") var book: AddressBookOptions

    @Option(help: "Output format: pem, der (needs --out) or json (JSON Lines).")
    var format: Format = .pem

    @Option(help: "Write certificate files into this folder, named <sha256>.pem or .der; - for stdout.")
    var out: String?

    @Option(
        help:
            "Revocation: prefer (an unknown status warns; the default), require (an unknown status refuses) or off. A revoked certificate is never chosen."
    )
    var revocation: RevocationMode = .prefer

    @Flag(help: "Explain every candidate and its reasons on stderr.")
    var explain = false

    @OptionGroup var output: OutputOptions
    var verbose: Bool { output.verbose }

    @Option(name: .customLong("from"), help: "Read more addresses from this file, one per line (- for stdin).")
    var addressFile: String?

    @Argument(help: "Mail addresses (RFC 5322 addr-spec).")
    var addresses: [String] = []

    func validate() throws {
        if addresses.isEmpty && addressFile == nil {
            throw ValidationError("give at least one address, or --from FILE")
        }
        if format == .der && out == nil { throw ValidationError("--format der needs --out DIR (or - for stdout)") }
        if format == .json && out != nil && out != "-" {
            throw ValidationError("--out DIR applies to --format pem and der")
        }
    }

    func run() async throws {
        let logger = CLILogging.logger(verbose: verbose)
        try await ResolveExit.guarded {
            let settings = try EffectiveSettings.make(directory, checking)
            for warning in settings.warnings { output.note("warning: \(warning)") }
            let resolver = Resolver(
                directory: settings.directory, validator: settings.validator, intermediates: settings.intermediates,
                revocation: revocation, logger: logger)
            let report = try await book.resolve(addresses + readAddressFile(), with: resolver, at: settings.time)
            if !verbose { for attempt in report.failedOver { Console.fail("failed over: \(attempt)") } }
            if explain || verbose { Console.fail("answered by \(report.uri ?? "the address book")") }
            var status = report.results.map(ResolveExit.status).min() ?? .ok
            for resolution in report.results {
                status = min(status, try write(resolution))
                if !explain, let stale = resolution.warnings.first(where: { $0.code == .stale }) {
                    Console.fail("\(resolution.address): warning: \(stale.message)")
                }
                if resolution.status != .ok && !explain {
                    Console.fail("\(resolution.address): \(ResolveExit.summary(resolution))")
                }
            }
            if status != .ok { throw status.exitCode }
        }
    }

    /// The addresses of `--from`: one per line, blank lines and `#` comments skipped.
    /// Thousands of addresses parse faster this way than as arguments.
    private func readAddressFile() throws -> [String] {
        guard let addressFile else { return [] }
        let bytes: [UInt8]
        do {
            bytes = try InputFile.read(path: addressFile)
        } catch {
            let tooLarge = (error as? InputFileError)?.exceedsLimit ?? false
            throw CLIError(tooLarge ? .dataError : .noInput, "--from: \(error)")
        }
        return String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// Writes one resolution. A file that cannot be written is reported and
    /// the other addresses still go out (exit 74); a failing stdout stops all.
    private func write(_ resolution: Resolution) throws -> ExitStatus {
        if explain { Console.error(Explanation.text(for: resolution, revocation: revocation)) }
        switch format {
        case .json:
            try Console.out(ResolutionJSON.line(resolution) + "\n")
        case .pem, .der:
            guard let chosen = resolution.chosen?.certificate else { return .ok }
            guard let out, out != "-" else {
                // `-` is stdout, as everywhere a file is named: PEM blocks, or DER certificates back to back.
                if format == .der { try Console.out(bytes: chosen.der) } else { try Console.out(chosen.pem) }
                return .ok
            }
            let path = out + "/" + "\(chosen.sha256).\(format.rawValue)"
            do {
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                try OutputFile.write(format == .pem ? Array(chosen.pem.utf8) : chosen.der, to: path)
                if explain { Console.error("  wrote \(path)\n") }
            } catch {
                Console.fail("\(resolution.address): cannot write \(path): \(error)")
                return .ioError
            }
        }
        return .ok
    }
}

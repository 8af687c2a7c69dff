import ArgumentParser
import CertDirectory
import Foundation

/// `certdir export`: every certificate a directory holds, checked, streamed to one output.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a directory's certificates, each one checked, with paged results.",
        discussion: """
            Pages through every entry that carries a certificate attribute (RFC 2696; --filter is ANDed with \
            that), checks each certificate for its entry's mail address exactly as `resolve` does, and writes \
            each distinct certificate once. Revocation is checked as by `resolve` (--revocation prefer by \
            default): every path against its CRLs, each fetched once per issuer and cached for the run; \
            per-certificate OCSP only with --revocation-sources naming ocsp. Output is staged beside the target and renamed into place only \
            when the export is complete; a server failure mid-way exits 75 and leaves nothing at the target. \
            --format json is JSON Lines (jsonl is read as json). Exit status: 0 complete; 75 the server \
            failed or capped the result; 77 bind refused or access denied; 78 bad configuration; 64 usage \
            error; 74 the output could not be written.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case pem, p7c
        case pemDir = "pem-dir"
        case derDir = "der-dir"
        case ldif, json

        /// `jsonl` is read as `json` (JSON Lines either way; the old name is kept for one release).
        init?(argument: String) { self.init(rawValue: argument == "jsonl" ? "json" : argument) }
    }

    @OptionGroup(title: "Directory options") var directory: DirectoryOptions
    @OptionGroup(title: "Checking options") var checking: CheckingOptions

    @Option(help: "Search scope: sub (default), one or base.")
    var scope: SearchScope = .sub

    @Option(help: "An LDAP filter (RFC 4515), ANDed with the certificate-attribute filter.")
    var filter: String?

    @Option(help: "Output format: pem, p7c, pem-dir, der-dir, ldif or json (JSON Lines; jsonl is read as json).")
    var format: Format = .json

    @Option(help: "Output file or folder; - or absent for stdout (not for pem-dir/der-dir).")
    var out: String?

    @Option(
        help:
            "Revocation: prefer (an unknown status warns; the default), require (an unknown status refuses) or off (records say revocation not-checked). CRLs are fetched once per issuer; OCSP only when --revocation-sources names it (the default here is crl)."
    )
    var revocation: RevocationMode = .prefer

    @Flag(name: .customLong("only-usable"), help: "Export only certificates fit for encryption.")
    var onlyUsable = false

    @Option(name: .customLong("page-size"), help: "Entries per page (default 500; AD caps it at 1000).")
    var pageSize = 500

    @Flag(
        help:
            "Write into an existing folder that is not empty (pem-dir, der-dir): add or replace only <sha256> files.")
    var merge = false

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if !(1...100_000).contains(pageSize) { throw ValidationError("--page-size must be between 1 and 100000") }
        if (format == .pemDir || format == .derDir) && (out == nil || out == "-") {
            throw ValidationError("--format \(format.rawValue) needs --out FOLDER")
        }
        if merge && format != .pemDir && format != .derDir {
            throw ValidationError("--merge goes with --format pem-dir or der-dir")
        }
        if let filter, filter.isEmpty || filter.utf8.count > 65_536 {
            throw ValidationError("--filter must be a non-empty LDAP filter")
        }
    }

    func run() async throws {
        try await ResolveExit.guarded {
            // Per-certificate OCSP in a bulk run is asked for, never the default.
            let settings = try EffectiveSettings.make(directory, checking, defaultRevocationSources: [.crl])
            for warning in settings.warnings { output.note("warning: \(warning)") }
            SignalCleanup.install()
            let sink = try makeSink(out ?? "-")
            let exporter = DirectoryExporter(
                directory: settings.directory, validator: settings.validator, intermediates: settings.intermediates,
                logger: CLILogging.logger(verbose: output.verbose))
            let options = ExportOptions(
                scope: scope, filter: filter.map(LDAPFilter.init(rawValue:)), pageSize: pageSize,
                onlyUsable: onlyUsable, time: settings.time, revocation: revocation)
            let meter = ProgressMeter(enabled: !output.quiet && isatty(STDERR_FILENO) == 1)
            do {
                let result = try await exporter.run(options, into: sink) { meter.update($0) }
                meter.finish()
                if !output.quiet { Console.error(ExportSummary.text(result)) }
            } catch {
                // A signal's handler removed the staging output under the writer's feet and is
                // about to end the process with that signal: let it, rather than exit 74 first.
                if StagingRegistry.isStopping { sleep(5) }
                meter.finish()
                if !sink.isStreaming { Console.fail("nothing was written to \(out ?? "-")") }
                throw error
            }
        }
    }

    private func makeSink(_ path: String) throws -> any ExportSink {
        do {
            switch format {
            case .pem: return try PEMBundleSink(path: path)
            case .p7c: return try PKCS7BundleSink(path: path)
            case .pemDir: return try CertificateFolderSink(path: path, encoding: .pem, merge: merge)
            case .derDir: return try CertificateFolderSink(path: path, encoding: .der, merge: merge)
            case .ldif: return try LDIFSink(path: path)
            case .json: return try JSONLinesSink(path: path)
            }
        } catch let error as FolderNotEmptyError {
            throw CLIError(.ioError, "\(error) (--merge adds certdir's files to it)")
        } catch {
            throw CLIError(.ioError, "\(error)")
        }
    }
}

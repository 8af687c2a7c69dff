import ArgumentParser
import CertDirectory
import Foundation

/// `certdir book export --format vcard|pem|json`.

struct BookExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the address book as vCards, a PEM bundle, or JSON Lines.",
        discussion: """
            vcard: one card per person (a directory entry's address and aliases are one person, \
            the aliases as extra EMAILs) with a UID and a KEY for each usable certificate; \
            --vcard-version 3 (the default: KEY;TYPE=X509;ENCODING=b, which Evolution and \
            Thunderbird read) or 4 (RFC 6350 data: URI). People without a usable certificate are \
            left out unless --with-keyless. pem: every usable certificate. json: every contact and \
            certificate with its status (JSON Lines). --all includes certificates that are not usable \
            now. Exit status: 0 written; 74 the output could not be written; 78 bad configuration.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case vcard, pem, json
        init?(argument: String) { self.init(rawValue: argument == "jsonl" ? "json" : argument) }
    }

    @OptionGroup var context: BookContext
    @Option(help: "vcard, pem or json (JSON Lines; jsonl is read as json).") var format: Format = .vcard
    @Option(name: .customLong("vcard-version"), help: "3 (Evolution, Thunderbird) or 4 (RFC 6350).")
    var vcardVersion: VCard.Version = .v3
    @Flag(name: .customLong("with-keyless"), help: "vcard: also write people without a usable certificate.")
    var withKeyless = false
    @Option(help: "Write here (staged, then renamed into place) instead of stdout.") var out: String?
    @Flag(help: "Include certificates that are not usable now (vcard and pem).") var all = false

    func run() async throws {
        try await ResolveExit.guarded {
            let settings = try context.settings()
            for warning in settings.warnings { context.output.note("warning: \(warning)") }
            var text = ""
            let contacts = try context.open().contacts()
            func chosen(_ contact: BookContact) -> [ParsedCertificate] {
                let assess = context.assessor(settings, contact: contact)
                return contact.certificates.map(\.certificate).filter { all || assess($0).status == .usable }
            }
            switch format {
            case .json:
                for contact in contacts {
                    text += BookJSON.line(contact, assess: context.assessor(settings, contact: contact)) + "\n"
                }
            case .pem:
                var written = Set<String>()
                for certificate in contacts.flatMap(chosen) where written.insert(certificate.sha256).inserted {
                    text += certificate.pem
                }
            case .vcard:
                for person in VCard.people(contacts, certificates: chosen)
                where withKeyless || !person.certificates.isEmpty {
                    text += VCard.card(person, version: vcardVersion)
                }
            }
            guard let out, out != "-" else { return try Console.out(text) }
            do {
                try OutputFile.write(Array(text.utf8), to: out)
            } catch {
                throw CLIError(.ioError, "cannot write \(out): \(error)")
            }
        }
    }
}

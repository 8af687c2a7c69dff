import ArgumentParser
import CertDirectory
import Foundation

/// `certdir book export --format vcard|pem|json`.
struct BookExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the address book as vCard 4.0, a PEM bundle, or JSON Lines.",
        discussion: """
            vcard: one vCard 4.0 per contact (RFC 6350) with a KEY property for each usable \
            certificate, for Thunderbird, Evolution and Apple Contacts. pem: every usable \
            certificate. json: every contact and certificate with its status. --all includes \
            certificates that are not usable now.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case vcard, pem, json }

    @OptionGroup var context: BookContext
    @Option(help: "vcard, pem or json.") var format: Format = .vcard
    @Option(help: "Write here (staged, then renamed into place) instead of stdout.") var out: String?
    @Flag(help: "Include certificates that are not usable now (vcard and pem).") var all = false

    func run() async throws {
        try await ResolveExit.guarded {
            let settings = try context.settings()
            for warning in settings.warnings { Console.fail("warning: \(warning)") }
            var text = ""
            for contact in try context.open().contacts() {
                let assess = context.assessor(settings, contact: contact)
                let chosen = contact.certificates.map(\.certificate).filter { all || assess($0).status == .usable }
                switch format {
                case .json: text += BookJSON.line(contact, assess: assess) + "\n"
                case .pem: text += chosen.map(\.pem).joined()
                case .vcard: text += VCard.card(contact, certificates: chosen)
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

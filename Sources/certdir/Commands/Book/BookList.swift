import ArgumentParser
import CertDirectory
import Foundation

/// `certdir book list`: every contact, its certificates and their status now.
struct BookList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the contacts and their certificates, with each one's status now.",
        discussion: "Exit status: 0 listed; 74 the address book cannot be read; 78 bad configuration.")

    @OptionGroup var context: BookContext
    @Option(help: "text, or json (JSON Lines, one contact per line; schema/book-contact.schema.json).")
    var format: TextOrJSON = .text
    @Flag(help: .hidden) var json = false  // deprecated spelling of --format json, kept for one release

    func run() async throws {
        try await ResolveExit.guarded {
            let settings = try context.settings()
            for warning in settings.warnings { context.output.note("warning: \(warning)") }
            let contacts = try context.open().contacts()
            for contact in contacts {
                try BookText.write(
                    contact, json: json || format == .json, assess: context.assessor(settings, contact: contact))
            }
            if contacts.isEmpty && !json && format == .text { context.output.note("the address book is empty") }
        }
    }
}

/// `certdir book show ADDRESS`: one contact in detail.
struct BookShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one contact: its certificates, their status, origin and last sighting.",
        discussion: "Exit status: 0 shown; 67 the address is not in the book; 74 the address book cannot be read.")

    @OptionGroup var context: BookContext
    @Option(help: "text, or json (one line; schema/book-contact.schema.json).") var format: TextOrJSON = .text
    @Flag(help: .hidden) var json = false  // deprecated spelling of --format json, kept for one release
    @Argument(help: "The contact's mail address (any case).") var address: String

    func run() async throws {
        try await ResolveExit.guarded {
            let settings = try context.settings()
            for warning in settings.warnings { context.output.note("warning: \(warning)") }
            guard let contact = try context.open().contact(address) else {
                throw CLIError(.noUser, "\(address) is not in the address book")
            }
            try BookText.write(
                contact, json: json || format == .json, assess: context.assessor(settings, contact: contact))
        }
    }
}

/// The text and JSON forms of a contact.
enum BookText {
    static func write(
        _ contact: BookContact, json: Bool,
        assess: (ParsedCertificate) -> (status: CertificateStatus, reasons: [Finding])
    ) throws {
        if json {
            try Console.out(BookJSON.line(contact, assess: assess) + "\n")
            return
        }
        // Names come from certificates and mail: untrusted text, never raw to a terminal.
        var text = contact.address.terminalSafe
        if let name = contact.displayName { text += " (\(name.terminalSafe))" }
        text += "\n  from: \(contact.origin.rawValue)"
        if let dn = contact.dn { text += " \((contact.directoryURI ?? "").terminalSafe) \(dn.terminalSafe)" }
        if !contact.aliases.isEmpty { text += "\n  aliases: " + contact.aliases.joined(separator: ", ").terminalSafe }
        text += "\n"
        if contact.certificates.isEmpty { text += "  no certificate\n" }
        for held in contact.certificates {
            let certificate = held.certificate
            let (status, reasons) = assess(certificate)
            text += "  [\(status.rawValue)] \(certificate.sha256)\n"
            text += "      subject: \(certificate.subject.terminalSafe)\n"
            text += "      valid \(RFC3339.format(certificate.notBefore)) to \(RFC3339.format(certificate.notAfter))"
            text += "; \(certificate.usageSummary)\n"
            text += "      \(held.origin.rawValue)\(held.originDetail.map { ": \($0.terminalSafe)" } ?? "")"
            text += "; last seen \(RFC3339.format(held.lastSeen))"
            text += held.encryptionPreference ? "; the sender's preferred encryption certificate\n" : "\n"
            for reason in reasons { text += "      ✗ \(reason.description.terminalSafe)\n" }
        }
        try Console.out(text)
    }
}

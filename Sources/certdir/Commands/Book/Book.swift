import ArgumentParser
import CertDirectory
import Foundation

/// `certdir book`: the local address book that `resolve` and `encrypt` consult.
struct Book: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show and manage the local address book of certificates.",
        discussion: """
            resolve and encrypt keep every directory answer in the address book and reuse it \
            (24 h for a certificate, 1 h for a negative answer), and fall back to it when the \
            directory is down. Certificates from signed mail (book harvest) and files (book import) \
            serve correspondents the directory does not know.
            """,
        subcommands: [
            BookList.self, BookShow.self, BookRemove.self, BookImport.self, BookHarvest.self,
            BookExport.self, BookPrune.self,
        ])
}

/// What every `book` subcommand shares: the book's location and the checks that judge its certificates now.
struct BookContext: ParsableArguments {
    @Option(
        name: .customLong("address-book"),
        help: "The address book file (default $CERTDIR_ADDRESS_BOOK, else $XDG_DATA_HOME/certdir/addressbook.sqlite).")
    var path: String?

    @OptionGroup(title: "Checking options") var checking: CheckingOptions
    @OptionGroup(visibility: .hidden) var directory: DirectoryOptions
    @OptionGroup var output: OutputOptions

    func open() throws -> AddressBook { try AddressBook(path: AddressBookOptions.path(path)) }

    func settings() throws -> EffectiveSettings {
        try EffectiveSettings.make(directory, checking, directoryNeeded: false)
    }

    /// Judges a contact's certificate now, with the same checks as `resolve`.
    func assessor(_ settings: EffectiveSettings, contact: BookContact) -> (ParsedCertificate) -> (
        status: CertificateStatus, reasons: [Finding]
    ) {
        { certificate in
            CertificateStatus.assess(
                certificate, address: contact.address, aliases: contact.aliases, validator: settings.validator,
                intermediates: settings.intermediates, at: settings.time)
        }
    }
}

import ArgumentParser
import CertDirectory
import Foundation

/// `certdir book remove ADDRESS | --sha256 HEX`.
struct BookRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a contact, or one certificate from every contact.")

    @OptionGroup var context: BookContext
    @Option(help: "Remove this certificate (lowercase hex SHA-256 of its DER).") var sha256: String?
    @Argument(help: "The contact's mail address.") var address: String?

    func validate() throws {
        guard (address == nil) != (sha256 == nil) else {
            throw ValidationError("give an ADDRESS or --sha256, not both")
        }
        if let sha256, sha256.count != 64 || !sha256.allSatisfy(\.isHexDigit) {
            throw ValidationError("--sha256 takes 64 hex digits")
        }
    }

    func run() async throws {
        try await ResolveExit.guarded {
            let book = try context.open()
            if let sha256 {
                guard try book.removeCertificate(sha256: sha256) else {
                    throw CLIError(.noUser, "no certificate \(sha256.lowercased()) in the address book")
                }
                try Console.out("removed certificate \(sha256.lowercased())\n")
            } else if let address {
                guard try book.removeContact(address) else {
                    throw CLIError(.noUser, "\(address) is not in the address book")
                }
                try Console.out("removed \(address.lowercased())\n")
            }
        }
    }
}

/// `certdir book prune`.
struct BookPrune: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune", abstract: "Remove expired certificates and contacts left empty; report the counts.")

    @OptionGroup var context: BookContext

    func run() async throws {
        try await ResolveExit.guarded {
            let time = try context.settings().time
            let (certificates, contacts) = try context.open().prune(at: time)
            try Console.out("removed \(certificates) expired certificates and \(contacts) empty contacts\n")
        }
    }
}

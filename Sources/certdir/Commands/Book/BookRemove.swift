import ArgumentParser
import CertDirectory
import Foundation

/// `certdir book remove ADDRESS | --sha256 HEX`.
struct BookRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a contact, or one certificate from every contact.",
        discussion: "Exit status: 0 removed; 67 no such contact or certificate; 74 the address book cannot be written.")

    @OptionGroup var context: BookContext
    @Option(help: "Remove this certificate (lowercase hex SHA-256 of its DER).") var sha256: String?
    @Argument(help: "The contact's mail address.") var address: String?

    func validate() throws {
        if address == nil && sha256 == nil { throw ValidationError("give an ADDRESS or --sha256") }
        if address != nil && sha256 != nil { throw ValidationError("give an ADDRESS or --sha256, not both") }
        if let digest, digest.count != 64 || !digest.allSatisfy(\.isHexDigit) {
            throw ValidationError("--sha256 takes 64 hex digits (colons as openssl -fingerprint prints them are fine)")
        }
    }

    /// The digest without the colons of `openssl x509 -fingerprint -sha256`, lowercase.
    private var digest: String? { sha256.map { $0.replacingOccurrences(of: ":", with: "").lowercased() } }

    func run() async throws {
        try await ResolveExit.guarded {
            let book = try context.open()
            if let digest {
                guard try book.removeCertificate(sha256: digest) else {
                    throw CLIError(.noUser, "no certificate \(digest) in the address book")
                }
                try Console.out("removed certificate \(digest)\n")
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
        commandName: "prune", abstract: "Remove expired certificates and contacts left empty; report the counts.",
        discussion: "Exit status: 0 done; 74 the address book cannot be written.")

    @OptionGroup var context: BookContext

    func run() async throws {
        try await ResolveExit.guarded {
            let time = try context.settings().time
            let (certificates, contacts) = try context.open().prune(at: time)
            try Console.out("removed \(certificates) expired certificates and \(contacts) empty contacts\n")
        }
    }
}

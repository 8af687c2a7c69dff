import ArgumentParser
import CertDirectory
import Foundation

/// `certdir book harvest MESSAGE...`.
struct BookHarvest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "harvest", abstract: "Add the signers' certificates of verified signed mail (RFC 5322 messages).")

    @OptionGroup var context: BookContext
    @Argument(help: "Message files (RFC 5322).") var messages: [String]

    func run() async throws {
        try await ResolveExit.guarded {
            throw CLIError(.config, "book harvest is not built yet")
        }
    }
}

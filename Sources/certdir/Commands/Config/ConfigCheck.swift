import ArgumentParser
import CertDirectory
import Foundation

/// `certdir config check`: tries the effective settings against each directory
/// server, step by step, as `resolve` would use them.
struct ConfigCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Connect, bind, read the root DSE and search the base with the effective settings; report each step.",
        discussion: """
            Each URI is tried in turn (all of them, not only until one answers). Exit status, as \
            for resolve: 0 every step passed on every URI; 75 a server is unreachable or timed out \
            (TLS failures included); 77 the bind was refused or access denied; 78 bad configuration \
            (including a search base that does not exist); 64 usage error; 74 standard output could \
            not be written. When several apply, the first of 64, 78, 75, 77, 74 wins.
            """)

    @OptionGroup(title: "Directory options") var directory: DirectoryOptions
    @OptionGroup(title: "Checking options") var checking: CheckingOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await ResolveExit.guarded {
            let settings = try EffectiveSettings.make(directory, checking)
            try Console.out("settings: ok\n")
            for warning in settings.warnings { output.note("warning: \(warning)") }
            var status = ExitStatus.ok
            for server in settings.directory.servers {
                status = min(status, try await check(server, base: settings.directory.base))
            }
            if status != .ok { throw status.exitCode }
        }
    }

    /// The steps against one server; the first failure ends them.
    private func check(_ server: LDAPConfiguration, base: String?) async throws -> ExitStatus {
        let name = server.uri ?? LibLDAPInfo.defaultURI ?? "ldap://localhost"
        let bindText: String
        switch server.bind {
        case .anonymous: bindText = "anonymous bind"
        case .simple(let dn, _): bindText = "simple bind as \(dn)"
        case .sasl(let mechanism, _): bindText = "SASL \(mechanism) bind"
        }
        let connection: LDAPConnection
        do {
            connection = try await LDAPConnection.connect(server)
            try report(name, "connect, \(server.tls.startTLS ? "StartTLS, " : "")\(bindText)", "ok")
        } catch {
            return try failed(name, "connect, \(bindText)", error)
        }
        let status = try await inspect(connection, name: name, base: base)
        await connection.close()
        return status
    }

    /// The root DSE and a search of the base, on a bound connection.
    private func inspect(_ connection: LDAPConnection, name: String, base: String?) async throws -> ExitStatus {
        var contexts: [String] = []
        do {
            let root = try await connection.search(
                SearchRequest(
                    base: "", scope: .base, filter: .present("objectClass"),
                    attributes: ["namingContexts", "supportedControl", "vendorName", "vendorVersion"]))
            let entry = root.entries.first
            contexts = entry?.strings("namingContexts") ?? []
            let paged = entry?.strings("supportedControl").contains("1.2.840.113556.1.4.319") ?? false
            var facts = ["naming contexts: " + (contexts.isEmpty ? "(none shown)" : contexts.joined(separator: "; "))]
            facts.append("paged results: " + (paged ? "yes" : "no"))
            if let vendor = entry?.strings("vendorName").first {
                facts.append("vendor: " + ([vendor] + (entry?.strings("vendorVersion") ?? [])).joined(separator: " "))
            }
            try report(name, "root DSE", facts.joined(separator: ", "))
        } catch {
            return try failed(name, "root DSE", error)
        }
        let libldapBase = await connection.defaultBase
        guard let searchBase = base ?? libldapBase ?? contexts.first else {
            return try failed(
                name, "test search", CLIError(.config, "no search base: give --base or base in the config"))
        }
        do {
            let result = try await connection.search(
                SearchRequest(base: searchBase, scope: .base, filter: .present("objectClass"), attributes: ["1.1"]))
            try report(
                name, "test search",
                result.entries.isEmpty ? "base \(searchBase) not visible" : "base \(searchBase) found")
        } catch {
            return try failed(name, "test search of \(searchBase)", error)
        }
        return .ok
    }

    private func report(_ uri: String, _ step: String, _ outcome: String) throws {
        try Console.out("\(uri.terminalSafe): \(step.terminalSafe): \(outcome.terminalSafe)\n")
    }

    private func failed(_ uri: String, _ step: String, _ error: any Error) throws -> ExitStatus {
        let (status, message) = ResolveExit.classify(error)
        try report(uri, step, "failed (exit \(status.rawValue)): \(message)")
        return status
    }
}

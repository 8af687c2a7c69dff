import ArgumentParser
import CertDirectory
import Foundation

/// How `resolve` and `encrypt` use the local address book.
struct AddressBookOptions: ParsableArguments {
    @Option(
        name: .customLong("address-book"),
        help: "The address book file (default $CERTDIR_ADDRESS_BOOK, else $XDG_DATA_HOME/certdir/addressbook.sqlite).")
    var path: String?

    @Flag(name: .customLong("no-address-book"), help: "Neither read nor write the address book.")
    var disabled = false

    @Flag(help: "Ask the directory for every address, whatever the book holds.")
    var refresh = false

    @Flag(help: "Never touch the network: answer from the address book only, and say how old each answer is.")
    var offline = false

    // `.unconditional`: `--ttl -1` is a (refused) value, not an unknown option `-1`.
    @Option(
        name: .customLong("ttl"), parsing: .unconditional, help: "Seconds a positive answer is reused (default 86400).")
    var positiveTTL: Double?

    @Option(
        name: .customLong("negative-ttl"), parsing: .unconditional,
        help: "Seconds a negative answer is reused (default 3600).")
    var negativeTTL: Double?

    @Option(
        name: .customLong("max-staleness"), parsing: .unconditional,
        help: "Seconds an answer may serve when the directory is down (default 604800).")
    var maximumStaleness: Double?

    func validate() throws {
        if disabled && (offline || refresh || path != nil) {
            throw ValidationError("--no-address-book excludes --address-book, --offline and --refresh")
        }
        if offline && refresh { throw ValidationError("--offline and --refresh exclude each other") }
        for (name, value) in [
            ("--ttl", positiveTTL), ("--negative-ttl", negativeTTL), ("--max-staleness", maximumStaleness),
        ]
        where value.map({ !$0.isFinite || $0 < 0 }) ?? false {
            throw ValidationError("\(name) must be a number of seconds, 0 or more")
        }
    }

    /// The book's path: the option, then `CERTDIR_ADDRESS_BOOK`, then the XDG default.
    static func path(_ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        option ?? environment["CERTDIR_ADDRESS_BOOK"].flatMap { $0.isEmpty ? nil : $0 }
            ?? AddressBook.defaultPath(environment: environment)
    }

    /// Opens the book; `nil` with `--no-address-book`.
    /// - Throws: ``AddressBookError`` (exit 74).
    func open() throws -> AddressBook? {
        disabled ? nil : try AddressBook(path: Self.path(path))
    }

    var policy: CachePolicy {
        let defaults = CachePolicy()
        return CachePolicy(
            mode: offline ? .offline : refresh ? .refresh : .normal,
            positiveTTL: positiveTTL ?? defaults.positiveTTL, negativeTTL: negativeTTL ?? defaults.negativeTTL,
            maximumStaleness: maximumStaleness ?? defaults.maximumStaleness)
    }

    /// Resolves through the book, or straight from the directory with `--no-address-book`.
    func resolve(_ addresses: [String], with resolver: Resolver, at time: Date) async throws -> ResolveReport {
        guard let book = try open() else { return try await resolver.resolve(addresses, at: time) }
        return try await CachingResolver(resolver: resolver, book: book, policy: policy).resolve(addresses, at: time)
    }
}

import CertDirectoryTestSupport
import Foundation
import Testing

/// Negative answers (unknown addresses) stay under `--negative-cache-size`,
/// the oldest going first, and `book prune` removes the expired ones.
@Suite(
    "address book: bounded negative answers",
    .enabled(if: TestDirectory.isAvailable, "\(TestDirectory.unavailableReason)"))
struct NegativeCacheTests {
    let directory: TestDirectory
    let book: String

    init() throws {
        directory = try TestDirectory.require()
        book =
            FileManager.default.temporaryDirectory.appendingPathComponent("certdir-neg-\(UUID().uuidString).sqlite")
            .path
    }

    /// The addresses of the negative answers in the book, read by Python's sqlite3.
    func negatives() throws -> [String] {
        let outcome = try CertDirProcess.run(
            [
                "-c",
                "python3 -c \"import sqlite3,sys; [print(r[0]) for r in sqlite3.connect(sys.argv[1]).execute(\\\"SELECT address FROM lookup WHERE status != 'ok' ORDER BY address\\\")]\" '\(book)'",
            ], shell: true)
        try #require(outcome.status == 0, "\(outcome.stderr)")
        return outcome.stdout.split(separator: "\n").map(String.init)
    }

    func resolve(_ addresses: [String], _ extra: [String] = []) throws {
        let outcome = try CertDirProcess.run(
            ["resolve", "--uri", directory.ldapURI, "--base", directory.base, "--address-book", book] + extra
                + addresses)
        #expect(outcome.status == 67, "\(outcome.stderr)")
    }

    @Test("past --negative-cache-size the oldest negative answers are evicted; book prune removes expired ones")
    func bounded() throws {
        try resolve((0..<10).map { "old\($0)@nowhere.example.com" }, ["--negative-cache-size", "5"])
        #expect(try negatives().count == 5)
        try resolve((0..<3).map { "new\($0)@nowhere.example.com" }, ["--negative-cache-size", "5"])
        let kept = try negatives()
        #expect(kept.count == 5, "\(kept)")
        #expect(Set((0..<3).map { "new\($0)@nowhere.example.com" }).isSubset(of: Set(kept)), "\(kept)")

        let fresh = try CertDirProcess.run(["book", "prune", "--address-book", book])
        #expect(fresh.status == 0, "\(fresh.stderr)")
        #expect(fresh.stdout.contains("0 expired negative answers"), "\(fresh.stdout)")
        #expect(try negatives().count == 5)
        let expired = try CertDirProcess.run(["book", "prune", "--address-book", book, "--negative-ttl", "0"])
        #expect(expired.status == 0, "\(expired.stderr)")
        #expect(expired.stdout.contains("5 expired negative answers"), "\(expired.stdout)")
        #expect(try negatives().isEmpty)
    }
}

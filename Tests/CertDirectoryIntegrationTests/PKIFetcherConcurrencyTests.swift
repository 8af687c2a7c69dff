import CertDirectoryTestSupport
import Foundation
import Logging
import Testing

@testable import CertDirectory

/// Issue 14: a batch checks many certificates at once, and every check asked the fetcher for the
/// same issuer entry. The actor let each caller that arrived while the first was connecting open
/// a connection of its own (the last one won, the others were dropped unclosed), and each caller
/// searched the same entry again (15 identical searches for 15 addresses).
@Suite(
    "PKIFetcher under concurrent callers", .enabled(if: TestDirectory.isAvailable, "\(TestDirectory.unavailableReason)")
)
struct PKIFetcherConcurrencyTests {
    @Test("concurrent askers share one connection and one search per entry")
    func sharedFetches() async throws {
        let directory = try TestDirectory.require()
        let server = LDAPConfiguration(
            uri: directory.ldapURI, tls: .init(caFile: directory.tlsCAFile),
            timeouts: .init(network: .seconds(5), operation: .seconds(10)))
        let fetcher = PKIFetcher(
            directory: DirectorySettings(servers: [server], base: directory.base), networkTimeout: .seconds(5),
            logger: .init(label: "certdir.test.fetcher"))
        let people = (1...20).map { "uid=bulk\(String(format: "%06d", $0)),ou=people,\(directory.base)" }
        let shared = "uid=alice,ou=people,\(directory.base)"
        let failures = await withTaskGroup(of: String?.self) { group in
            for dn in people + Array(repeating: shared, count: 20) {
                group.addTask { await fetcher.entry(dn).failure }
            }
            var failures: [String] = []
            for await failure in group { if let failure { failures.append(failure) } }
            return failures
        }
        #expect(failures.isEmpty, "\(failures)")
        // One fetch per distinct entry: 20 people and alice's entry once.
        let consulted = await fetcher.consulted
        #expect(consulted.count == 21, "\(consulted)")
        #expect(await fetcher.connectionsOpened == 1)
        await fetcher.close()
    }
}

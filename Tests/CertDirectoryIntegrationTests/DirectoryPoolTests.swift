import CertDirectoryTestSupport
import Foundation
import Testing

@testable import CertDirectory

/// `DirectoryPool` against the real slapd: bounded connections, the same answers as `Resolver`.
@Suite(
    "DirectoryPool: persistent connections for a long-running process",
    .enabled(if: TestDirectory.isAvailable, "\(TestDirectory.unavailableReason)"))
struct DirectoryPoolTests {
    @Test("many concurrent lookups on a cold pool all finish, on at most `size` connections, as Resolver answers")
    func concurrentColdLookups() async throws {
        let directory = try Fixture.directory()
        let (resolver, sample) = try Fixture.resolver([directory.ldapURI])
        let pool = DirectoryPool(resolver: resolver, size: 2)
        let addresses = sample.people.map(\.query)
        let time = Date()
        let pooled = try await withThrowingTaskGroup(of: (String, ResolutionStatus, String?).self) { group in
            for round in 0..<3 {
                for address in addresses {
                    group.addTask {
                        _ = round
                        let report = try await pool.resolve([address], at: time)
                        let result = try #require(report.results.first)
                        return (address, result.status, result.chosen?.sha256)
                    }
                }
            }
            var answers: [String: (ResolutionStatus, String?)] = [:]
            for try await (address, status, sha) in group { answers[address] = (status, sha) }
            return answers
        }
        let direct = try await resolver.resolve(addresses, at: time)
        for result in direct.results {
            #expect(pooled[result.address]?.0 == result.status, "\(result.address)")
            #expect(pooled[result.address]?.1 == result.chosen?.sha256, "\(result.address)")
        }
        #expect(await pool.connects <= 2)
        #expect(await pool.searches == addresses.count * 3)
        if case .up = await pool.health {} else { Issue.record("pool not up: \(await pool.health)") }
        await pool.close()
    }

    @Test("an unreachable directory fails fast within the retry interval and reports down")
    func unreachable() async throws {
        let (resolver, _) = try Fixture.resolver(["ldap://127.0.0.1:1"])
        let pool = DirectoryPool(resolver: resolver, size: 2, retryInterval: 60)
        await #expect(throws: DirectoryUnavailableError.self) {
            try await pool.resolve(["alice@example.com"], at: Date())
        }
        let started = ContinuousClock.now
        await #expect(throws: DirectoryUnavailableError.self) {
            try await pool.resolve(["alice@example.com"], at: Date())
        }
        #expect(ContinuousClock.now - started < .seconds(1))
        guard case .down = await pool.health else {
            Issue.record("expected down")
            return
        }
        await pool.close()
    }
}

import CertDirectoryTestSupport
import Foundation
import Testing

@testable import CertDirectory

@Suite("Connections to the real slapd", .enabled(if: TestDirectory.isAvailable, "\(TestDirectory.unavailableReason)"))
struct ConnectionTests {
    func aliceSearch(_ directory: TestDirectory, base: String? = nil) -> SearchRequest {
        SearchRequest(
            base: base ?? directory.base, filter: RecipientSearch.filter(for: "alice@example.com"),
            attributes: RecipientSearch.attributes)
    }

    @Test("LDAPS with the server certificate verified")
    func ldaps() async throws {
        let directory = try Fixture.directory()
        let entries = try await LDAPConnection.withConnection(Fixture.configuration(directory.ldapsURI, directory)) {
            try await $0.search(aliceSearch(directory)).entries
        }
        #expect(entries.map(\.dn) == ["uid=alice,ou=people,dc=example,dc=com"])
        #expect(entries.first?.values("userCertificate").count == 1)
        #expect(entries.first?.attributes(ofType: "userCertificate").first?.description == "userCertificate;binary")
    }

    @Test("StartTLS, then a simple bind as the reader")
    func startTLS() async throws {
        let directory = try Fixture.directory()
        let configuration = Fixture.configuration(
            directory.ldapURI, directory, startTLS: true,
            bind: .simple(dn: directory.readerDN, password: Secret(directory.readerPassword)))
        let count = try await LDAPConnection.withConnection(configuration) {
            try await $0.search(aliceSearch(directory)).entries.count
        }
        #expect(count == 1)
    }

    @Test("a password is never sent in the clear unless explicitly allowed")
    func plaintextBindRefused() async throws {
        let directory = try Fixture.directory()
        var configuration = Fixture.configuration(
            directory.ldapURI, directory,
            bind: .simple(dn: directory.readerDN, password: Secret(directory.readerPassword)))
        await #expect(throws: LDAPConfigurationError.self) { _ = try await LDAPConnection.connect(configuration) }
        configuration.allowPlaintextBind = true
        let connection = try await LDAPConnection.connect(configuration)
        await connection.close()
    }

    @Test("a wrong password is invalidCredentials")
    func wrongPassword() async throws {
        let directory = try Fixture.directory()
        let configuration = Fixture.configuration(
            directory.ldapsURI, directory, bind: .simple(dn: directory.readerDN, password: Secret("wrong")))
        await #expect(throws: LDAPError.self) {
            do { _ = try await LDAPConnection.connect(configuration) } catch let error as LDAPError {
                #expect(error.code == .invalidCredentials)
                throw error
            }
        }
    }

    @Test(
        "TLS failures each name their reason",
        arguments: [
            (\TestDirectory.BadTLS.untrusted, TLSFailure.untrustedIssuer),
            (\TestDirectory.BadTLS.expired, TLSFailure.expired),
            (\TestDirectory.BadTLS.wrongHost, TLSFailure.hostnameMismatch),
        ] as [(KeyPath<TestDirectory.BadTLS, String> & Sendable, TLSFailure)])
    func tlsFailure(_ endpoint: KeyPath<TestDirectory.BadTLS, String> & Sendable, _ expected: TLSFailure) async throws {
        let directory = try Fixture.directory()
        let uri = directory.badTLS[keyPath: endpoint]
        do {
            let connection = try await LDAPConnection.connect(Fixture.configuration(uri, directory))
            await connection.close()
            Issue.record("connected to \(uri) despite its bad certificate")
        } catch let error as LDAPError {
            #expect(error.tlsFailure == expected, "\(error)")
            #expect(error.code.isUnreachable)
        }
    }

    @Test("without the test CA, the real server's certificate is an untrusted issuer")
    func missingCA() async throws {
        let directory = try Fixture.directory()
        let configuration = Fixture.configuration(directory.ldapsURI, directory, caFile: "/dev/null")
        do {
            let connection = try await LDAPConnection.connect(configuration)
            await connection.close()
            Issue.record("connected without trusting the server's CA")
        } catch let error as LDAPError {
            #expect(error.tlsFailure == .untrustedIssuer, "\(error)")
        }
    }

    @Test("the GC-style port spans every naming context with base \"\"; the plain port answers noSuchObject")
    func globalCatalog() async throws {
        let directory = try Fixture.directory()
        let gcEntries = try await LDAPConnection.withConnection(Fixture.configuration(directory.gcURI, directory)) {
            try await $0.search(aliceSearch(directory, base: "")).entries
        }
        #expect(gcEntries.map(\.dn) == ["uid=alice,ou=people,dc=example,dc=com"])
        await #expect(throws: LDAPError.self) {
            do {
                _ = try await LDAPConnection.withConnection(Fixture.configuration(directory.ldapURI, directory)) {
                    try await $0.search(aliceSearch(directory, base: "")).entries
                }
            } catch let error as LDAPError {
                #expect(error.code == .noSuchObject)
                throw error
            }
        }
    }

    @Test("32 searches outstanding at once on one connection each get their own entries")
    func pipelined() async throws {
        let directory = try Fixture.directory()
        let sample = try directory.sample()
        let people = sample.people.filter { $0.status == "ok" }.prefix(12).map(\.query)
        let queries = Array((people + people + people).prefix(32))
        var configuration = Fixture.configuration(directory.ldapURI, directory)
        // Generous: the point is pipelining, and the whole suite on 2 cores (slapd, Samba, PKITS,
        // serve) once kept a held search past 10 s.
        configuration.timeouts.operation = .seconds(60)
        let connection = try await LDAPConnection.connect(configuration)
        // Hold the answers in the socket until all 32 searches are on the wire.
        await connection.setReadingPaused(true)
        let results = try await withThrowingTaskGroup(of: (String, [LDAPEntry]).self) { group in
            for address in queries {
                group.addTask {
                    let request = SearchRequest(
                        base: directory.base, filter: RecipientSearch.filter(for: address),
                        attributes: ["mail", "proxyAddresses"])
                    return (address, try await connection.search(request).entries)
                }
            }
            for _ in 0..<500 where await connection.outstandingCount < queries.count {
                try await Task.sleep(for: .milliseconds(10))
            }
            await connection.setReadingPaused(false)
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let outstanding = await connection.mostOutstanding
        await connection.close()
        #expect(results.count == 32)
        #expect(outstanding == 32, "only \(outstanding) searches were outstanding at once")
        for (address, entries) in results {
            #expect(!entries.isEmpty, "\(address)")
            // Every entry a search got must carry that search's address: no answer went to the wrong search.
            for entry in entries {
                let names = entry.strings("mail") + entry.strings("proxyAddresses").map { String($0.dropFirst(5)) }
                #expect(names.contains { $0.lowercased() == address.lowercased() }, "\(address) got \(names)")
            }
        }
    }

    @Test("a search without an answer times out with timeout (-5) and is abandoned")
    func operationTimeout() async throws {
        let directory = try Fixture.directory()
        var configuration = Fixture.configuration(directory.ldapURI, directory)
        configuration.timeouts.operation = .milliseconds(200)
        let connection = try await LDAPConnection.connect(configuration)
        await connection.setReadingPaused(true)
        let started = ContinuousClock.now
        do {
            _ = try await connection.search(aliceSearch(directory))
            Issue.record("the search answered although reading was paused")
        } catch let error as LDAPError {
            #expect(error.code == .timeout)
        }
        // 200 ms is asked; without the timer it would wait forever. The bound is loose
        // because a full suite on 2 cores (slapd, Samba, PKITS, parallel tests) was
        // seen to delay the timer's turn to 7.6 s.
        #expect(ContinuousClock.now - started < .seconds(20))
        #expect(await connection.outstandingCount == 0)
        await connection.close()
    }

    @Test("anonymous: a plain search stops at the 1,000-entry limit; the paged search returns all the bulk people")
    func paging() async throws {
        let directory = try Fixture.directory()
        let request = SearchRequest(
            base: directory.base, filter: LDAPFilter(rawValue: "(uid=bulk*)"), attributes: ["uid"])
        let connection = try await LDAPConnection.connect(Fixture.configuration(directory.ldapURI, directory))
        defer { Task { await connection.close() } }
        do {
            _ = try await connection.search(request)
            Issue.record("a plain search returned more than the size limit allows")
        } catch let error as LDAPError {
            #expect(error.code == .sizeLimitExceeded)
        }
        let counter = Counter()
        let pages = try await connection.pagedSearch(request, pageSize: 400) { entries, _ in
            counter.add(entries.count)
            return true
        }
        let bulk = try directory.sample().bulkCount
        #expect(bulk > 1000)
        #expect(pages == (bulk + 399) / 400)
        #expect(counter.value == bulk)
        // Stopping early abandons the paged search; the connection stays usable.
        let stopped = try await connection.pagedSearch(request, pageSize: 100) { _, _ in false }
        #expect(stopped == 1)
        #expect(try await connection.search(aliceSearch(directory)).entries.count == 1)
    }

    @Test("an unreachable first URI fails over to the second, and says so")
    func failover() async throws {
        let directory = try Fixture.directory()
        let (resolver, _) = try Fixture.resolver(["ldap://127.0.0.1:9", directory.ldapURI])
        let report = try await resolver.resolve(["alice@example.com"], at: Date())
        #expect(report.uri == directory.ldapURI)
        #expect(report.failedOver.map(\.uri) == ["ldap://127.0.0.1:9"])
        #expect(report.results.first?.status == .ok)
    }

    @Test("no reachable server is DirectoryUnavailableError")
    func nothingReachable() async throws {
        let (resolver, _) = try Fixture.resolver(["ldap://127.0.0.1:9", "ldap://127.0.0.1:7"])
        await #expect(throws: DirectoryUnavailableError.self) {
            try await resolver.resolve(["alice@example.com"], at: Date())
        }
    }
}

/// Counts across the @Sendable paged-search body.
final class Counter: @unchecked Sendable {
    // Called from the paged-search body, one page at a time.
    private(set) var value = 0
    func add(_ count: Int) { value += count }
}

import CertDirectoryTestSupport
import Foundation
import Testing

@testable import CertDirectory

@Suite(
    "Every sample person resolves as the manifest says",
    .enabled(if: TestDirectory.isAvailable, "\(TestDirectory.unavailableReason)"))
struct SampleDirectoryTests {
    @Test("status and fingerprint of every person, over plain LDAP")
    func everyPerson() async throws {
        let directory = try Fixture.directory()
        let (resolver, sample) = try Fixture.resolver([directory.ldapURI])
        #expect(sample.people.count >= 25)
        let report = try await resolver.resolve(sample.people.map(\.query), at: Date())
        #expect(report.results.count == sample.people.count)
        for (person, resolution) in zip(sample.people, report.results) {
            #expect(resolution.address == person.query)
            #expect(resolution.status.rawValue == person.status, "\(person.query): \(person.note ?? "")")
            #expect(resolution.chosen?.sha256 == person.sha256, "\(person.query)")
        }
    }

    @Test("each certificate gets exactly the manifest's reasons")
    func classification() async throws {
        let directory = try Fixture.directory()
        let (resolver, sample) = try Fixture.resolver([directory.ldapURI])
        let addresses = Array(Set(sample.certificates.map(\.address))).sorted()
        let report = try await resolver.resolve(addresses, at: Date())
        var seen: [String: Set<String>] = [:]
        for resolution in report.results {
            for candidate in resolution.candidates {
                seen[candidate.sha256 + " " + candidate.source.dn] = Set(candidate.reasons.map(\.code.rawValue))
            }
        }
        for record in sample.certificates {
            let reasons = seen[record.sha256 + " " + record.dn]
            #expect(
                reasons == Set(record.reasons), "\(record.address) \(record.sha256.prefix(12)) in \(record.attribute)")
        }
    }

    @Test(
        "hostile addresses match exactly one entry each",
        arguments: ["star*@example.com", "paren(x)@example.com", "back\\slash@example.com", "alice@example.com"])
    func hostile(_ address: String) async throws {
        let directory = try Fixture.directory()
        let (resolver, sample) = try Fixture.resolver([directory.ldapURI])
        let resolution = try #require(try await resolver.resolve([address], at: Date()).results.first)
        #expect(resolution.entries.count == 1)
        #expect(resolution.status == .ok)
        #expect(resolution.chosen?.sha256 == sample.people.first { $0.query == address }?.sha256)
    }

    @Test("a malformed value is reported with DN, attribute and index, and does not hide the good one")
    func malformedValue() async throws {
        let directory = try Fixture.directory()
        let (resolver, _) = try Fixture.resolver([directory.ldapURI])
        let resolution = try #require(try await resolver.resolve(["garbage@example.com"], at: Date()).results.first)
        #expect(resolution.status == .ok)
        let warning = try #require(resolution.warnings.first { $0.code == .malformedValue })
        #expect(warning.message.contains("uid=garbage"))
        #expect(warning.message.contains("userSMIMECertificate value 0"))
    }

    @Test("the alias answer carries a note; SIP: is not an address")
    func alias() async throws {
        let directory = try Fixture.directory()
        let (resolver, _) = try Fixture.resolver([directory.ldapURI])
        let results = try await resolver.resolve(["ALIAS@example.com", "sip.user@example.com"], at: Date()).results
        #expect(results[0].status == .ok)
        #expect(results[0].warnings.map(\.code).contains(.aliasAddress))
        #expect(results[1].status == .notFound)
    }
}

import CertDirectoryTestSupport
import Foundation
import Testing

@testable import CertDirectory

/// The library layer against a scratch slapd: the write is guarded by an
/// assertion on the change stamp read with the entry (RFC 4528), so a change
/// between the read and the write is detected and nothing is lost.
@Suite("Publish: concurrent changes", .enabled(if: TestDirectory.isAvailable, "\(TestDirectory.unavailableReason)"))
struct PublishConcurrencyTests {
    let pki: TestPKI
    let time = TestPKI.referenceTime
    let alice = "uid=alice,ou=people,dc=example,dc=com"

    init() throws {
        pki = try TestPKI()
    }

    func configuration(_ scratch: ScratchDirectory, dn: String, password: String) -> LDAPConfiguration {
        LDAPConfiguration(
            uri: scratch.info.ldapURI, bind: .simple(dn: dn, password: Secret(password)),
            tls: .init(startTLS: true, caFile: scratch.info.tlsCAFile),
            timeouts: .init(network: .seconds(5), operation: .seconds(10)))
    }

    func leaf() throws -> ParsedCertificate {
        try ParsedCertificate(der: pki.leaf(notBefore: time - 86_400, notAfter: time + 86_400 * 365))
    }

    func bundle(of dn: String, on connection: LDAPConnection) async throws -> Set<String> {
        let entry = try await connection.search(
            SearchRequest(base: dn, scope: .base, filter: .present("objectClass"), attributes: ["userSMIMECertificate"])
        ).entries.first
        let values = entry?.values("userSMIMECertificate") ?? []
        return Set(values.flatMap { CMSCertificates.certificates(in: $0) ?? [] }.map(sha256Hex))
    }

    @Test(
        "a change between the read and the write fails the write (assertionFailed), loses nothing, and a retry merges")
    func concurrentChange() async throws {
        let sample = try TestDirectory.require().sample()
        let scratch = try ScratchDirectory(ldifs: [sample.path("people.ldif")])
        defer { scratch.stop() }
        let user = configuration(scratch, dn: alice, password: "userpw")
        let admin = configuration(scratch, dn: "cn=admin,dc=example,dc=com", password: scratch.adminPassword)
        let publisher = Publisher(
            directory: DirectorySettings(servers: [user], base: "dc=example,dc=com"),
            validator: CertificateValidator(trustAnchors: [pki.rootDER]))
        let new = try leaf()
        let theirs = try leaf()
        let request = PublishRequest(certificate: new, attributes: .userSMIMECertificate, time: time)

        try await LDAPConnection.withConnection(user) { connection in
            let plan = try await publisher.plan(request, on: connection)
            #expect(plan.assertion?.rawValue.hasPrefix("(entryCSN=") == true)
            // Another writer replaces the bundle after our read.
            try await LDAPConnection.withConnection(admin) { other in
                try await other.modify(
                    alice, [LDAPModification(.replace, "userSMIMECertificate", [CertsOnlyBundle.der([theirs])])])
            }
            await #expect(throws: PublishError(.concurrentChange, "")) {
                _ = try await publisher.apply(plan, on: connection)
            }
            #expect(try await bundle(of: alice, on: connection) == [theirs.sha256])

            let retry = try await publisher.plan(request, on: connection)
            #expect(try await publisher.apply(retry, on: connection) == .published)
            #expect(try await bundle(of: alice, on: connection) == [theirs.sha256, new.sha256])
            #expect(try await publisher.plan(request, on: connection).isEmpty)
        }
    }

    @Test("modify reports the server's result code: a user writing another user's entry gets insufficientAccessRights")
    func modifyResultCodes() async throws {
        let sample = try TestDirectory.require().sample()
        let scratch = try ScratchDirectory(ldifs: [sample.path("people.ldif")])
        defer { scratch.stop() }
        let certificate = try leaf()
        try await LDAPConnection.withConnection(configuration(scratch, dn: alice, password: "userpw")) { connection in
            await #expect(throws: LDAPError.self) {
                do {
                    try await connection.modify(
                        "uid=dual,ou=people,dc=example,dc=com",
                        [LDAPModification(.add, "userCertificate;binary", [certificate.der])])
                } catch let error as LDAPError {
                    #expect(error.code == .insufficientAccessRights)
                    #expect(error.operation == "modify uid=dual,ou=people,dc=example,dc=com")
                    throw error
                }
            }
            try await connection.modify(alice, [LDAPModification(.add, "userCertificate;binary", [certificate.der])])
            await #expect(throws: LDAPError.self) {
                try await connection.modify(
                    alice, [LDAPModification(.add, "userCertificate;binary", [certificate.der])])
            }
            // The connection still serves searches after modifies.
            let found = try await connection.search(
                SearchRequest(base: alice, scope: .base, filter: .present("objectClass"), attributes: ["mail"]))
            #expect(found.entries.first?.strings("mail") == ["alice@example.com"])
        }
    }
}

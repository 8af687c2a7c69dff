import CertDirectoryTestSupport
import Foundation
import Logging
import Testing

@testable import CertDirectory

/// Issue 14: in batches on one connection, answers the server had sent were sometimes not
/// delivered; the search then waited for its whole operation timeout, and a CRL search that
/// timed out let a revoked certificate through as "revocation unknown". 200 batches of 15 to 150
/// addresses, over ldap:// and ldaps://, with a 2 s operation timeout, against a private slapd
/// whose CA entry holds the CRL (Fixtures/batch-pki.py): half the people name it by a host-less
/// `ldap:///` CDP, the others by none (their issuer's entry is read). Every answer must equal the
/// one-address answer, the revocation status must be known for everyone (the server answers every
/// CRL search), and no batch may reach the operation timeout.
@Suite(
    "Batches on one connection deliver every answer", .serialized,
    .enabled(if: TestDirectory.isAvailable, "\(TestDirectory.unavailableReason)"))
final class BatchStressTests {
    static let people = 150
    let folder: URL
    let scratch: ScratchDirectory
    let anchors: [[UInt8]]

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("certdir-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let script = CertDirProcess.repository.appendingPathComponent("Tests/certdirTests/Fixtures/batch-pki.py")
        let made = try runTool("python3", [script.path, folder.path, "\(Self.people)"])
        try #require(made.status == 0, "\(made.stderr)")
        scratch = try ScratchDirectory(ldifs: [folder.appendingPathComponent("directory.ldif").path])
        anchors = try CertificateFile.load(path: folder.appendingPathComponent("root.pem").path).map(\.der)
    }

    deinit {
        scratch.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    static let operationTimeout = Duration.seconds(2)

    func resolver(_ uri: String) -> Resolver {
        let server = LDAPConfiguration(
            uri: uri, tls: .init(caFile: scratch.info.tlsCAFile),
            timeouts: .init(network: .seconds(2), operation: Self.operationTimeout))
        var logger = Logger(label: "certdir.test.batch")
        logger.logLevel = .error  // not one "connected" line per batch
        return Resolver(
            directory: DirectorySettings(servers: [server], base: "dc=example,dc=com"),
            validator: CertificateValidator(trustAnchors: anchors), revocation: .prefer, logger: logger)
    }

    struct Answer: Equatable, CustomStringConvertible {
        var status: ResolutionStatus
        var chosen: String?
        var revocation: [RevocationStatus]
        var description: String { "\(status.rawValue) \(chosen ?? "-") \(revocation.map(\.rawValue))" }
    }

    static func answer(_ resolution: Resolution) -> Answer {
        Answer(
            status: resolution.status, chosen: resolution.chosen?.sha256,
            revocation: resolution.candidates.map(\.revocation))
    }

    @Test("200 batches of 15 to 150 addresses: every answer as asked alone, revocation always known")
    func batches() async throws {
        let addresses = (1...Self.people).map { String(format: "batch%03d@example.com", $0) }
        let now = Date()
        // The reference: one address per call, each on a new connection.
        var expected: [String: Answer] = [:]
        for address in addresses {
            let report = try await resolver(scratch.info.ldapURI).resolve([address], at: now)
            expected[address] = Self.answer(try #require(report.results.first))
        }
        for (index, address) in addresses.enumerated() {
            let revoked = (index + 1).isMultiple(of: 7)
            let answer = try #require(expected[address])
            #expect(answer.status == (revoked ? .noUsableCertificate : .ok), "\(address): \(answer)")
            #expect(answer.revocation == [revoked ? .revoked : .good], "\(address): \(answer)")
        }

        let sizes = [15, 40, 80, 150]
        let clock = ContinuousClock()
        var slowest = Duration.zero
        var differences: [String] = []
        for run in 0..<200 {
            let uri = run.isMultiple(of: 2) ? scratch.info.ldapURI : scratch.info.ldapsURI
            let size = sizes[run % sizes.count]
            let offset = (run * 37) % addresses.count
            let batch = (0..<size).map { addresses[(offset + $0) % addresses.count] }
            let start = clock.now
            let report = try await resolver(uri).resolve(batch, at: now)
            let took = clock.now - start
            slowest = max(slowest, took)
            for resolution in report.results where Self.answer(resolution) != expected[resolution.address] {
                differences.append(
                    "run \(run) (\(uri), \(size) addresses, \(took)): \(resolution.address): "
                        + "\(Self.answer(resolution)) \(resolution.warnings.map(\.message))")
            }
        }
        #expect(differences.isEmpty, "\(differences.count) answers differ, first: \(differences.prefix(5))")
        // A lost answer waits for the operation timeout; a healthy server answers long before.
        #expect(slowest < Self.operationTimeout, "slowest batch took \(slowest)")
    }
}

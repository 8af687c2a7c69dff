import CertDirectoryTestSupport
import Foundation
import Testing

/// Every road to a certificate applies the revocation verdict of `resolve`:
/// `serve` (`/search.cgi`, `/v1/resolve`) and copies of a revoked certificate
/// imported into the address book, against the revocation fixture
/// (Fixtures/revocation-pki.py: a CRL in the issuer entry, reached over LDAP).
@Suite(
    "every road: serve and imported copies get resolve's revocation verdict", .serialized,
    .enabled(if: TestDirectory.isAvailable, "\(TestDirectory.unavailableReason)"))
final class RevocationRoadsTests {
    let folder: URL
    let scratch: ScratchDirectory

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certdir-revocation-roads-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let script = CertDirProcess.repository.appendingPathComponent("Tests/certdirTests/Fixtures/revocation-pki.py")
        // Port 9 (discard) for the HTTP distribution point: these tests use only the LDAP-published CRL.
        let made = try runTool("python3", [script.path, folder.path, "9"])
        #expect(made.status == 0, "\(made.stderr)")
        scratch = try ScratchDirectory(ldifs: [folder.appendingPathComponent("directory.ldif").path])
    }

    deinit {
        scratch.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    var checks: [String] { checks() }

    func checks(base: String = "dc=example,dc=com") -> [String] {
        [
            "--uri", scratch.info.ldapURI, "--base", base, "--trust-anchor",
            folder.appendingPathComponent("root.pem").path, "--network-timeout", "2",
        ]
    }

    var book: String { folder.appendingPathComponent("book.sqlite").path }

    func resolve(_ address: String, _ extra: [String] = []) throws -> (status: Int32, record: [String: Any]) {
        try resolve(address, extra, checks: checks)
    }

    func resolve(_ address: String, _ extra: [String] = [], checks: [String]) throws -> (
        status: Int32, record: [String: Any]
    ) {
        let outcome = try CertDirProcess.run(["resolve", "--format", "json"] + checks + extra + [address])
        let record = (try? JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any]) ?? [:]
        return (outcome.status, record)
    }

    func chosen(_ record: [String: Any]) -> String? {
        (record["certificate"] as? [String: Any])?["sha256"] as? String
    }

    @Test("serve never serves a certificate revoked by a CRL in the directory: 404, JSON revoked; as resolve")
    func serveApplies() throws {
        let server = try ServeProcess(arguments: checks)
        defer { server.remove() }
        for address in ["good@example.com", "revoked@example.com", "down@example.com"] {
            let expected = try resolve(address)
            let plain = try HTTP.get(server.url + "/search.cgi?email=" + HTTP.escape(address))
            let json = try HTTP.get(server.url + "/v1/resolve?email=" + HTTP.escape(address))
            let object = try #require(try JSONSerialization.jsonObject(with: json.body) as? [String: Any])
            #expect(object["status"] as? String == expected.record["status"] as? String, "\(address)")
            #expect(chosen(object) == chosen(expected.record), "\(address)")
            if let sha = chosen(expected.record) {
                #expect(plain.status == 200, "\(address): \(plain.text)")
                #expect(sha256Hex(Array(plain.body)) == sha, "\(address)")
            } else {
                #expect(plain.status == 404, "\(address): \(plain.status)")
            }
        }
        let revoked = try HTTP.get(server.url + "/v1/resolve?email=revoked%40example.com")
        let object = try #require(try JSONSerialization.jsonObject(with: revoked.body) as? [String: Any])
        #expect(object["status"] as? String == "no-usable-certificate")
        let candidates = object["candidates"] as? [[String: Any]] ?? []
        #expect(candidates.contains { $0["revocation"] as? String == "revoked" }, "\(object)")
        // The second request comes from the in-memory front: still refused.
        #expect(try HTTP.get(server.url + "/search.cgi?email=revoked%40example.com").status == 404)
    }

    @Test("serve --revocation off hands out what resolve --revocation off chooses")
    func serveOff() throws {
        let server = try ServeProcess(arguments: checks + ["--revocation", "off"])
        defer { server.remove() }
        let expected = try resolve("revoked@example.com", ["--revocation", "off"])
        #expect(expected.status == 0)
        let plain = try HTTP.get(server.url + "/search.cgi?email=revoked%40example.com")
        #expect(plain.status == 200)
        #expect(sha256Hex(Array(plain.body)) == chosen(expected.record))
    }

    @Test("an imported copy of a revoked certificate is never chosen: resolve, encrypt, serve; prefer and offline")
    func importedCopyLoses() throws {
        let imported = try CertDirProcess.run(
            ["book", "import", "--address-book", book, folder.appendingPathComponent("revoked.pem").path])
        #expect(imported.status == 0, "\(imported.stderr)")
        for round in ["directory", "address book"] {
            let (status, record) = try resolve("revoked@example.com", ["--address-book", book])
            #expect(status == 67, "\(round): \(record)")
            #expect(chosen(record) == nil, "\(round)")
            let candidates = record["candidates"] as? [[String: Any]] ?? []
            #expect(candidates.count == 2, "\(round): the directory's and the imported copy")
            #expect(candidates.allSatisfy { $0["revocation"] as? String == "revoked" }, "\(round): \(candidates)")
        }
        // Offline, the stored verdict of the directory's copy still refuses the imported one.
        #expect(try resolve("revoked@example.com", ["--address-book", book, "--offline"]).status == 67)
        let encrypted = try CertDirProcess.run(
            ["encrypt"] + checks + ["--address-book", book, "--to", "revoked@example.com"],
            stdin: "To: revoked@example.com\n\nhello\n")
        #expect(encrypted.status == 67, "\(encrypted.stderr)")
        #expect(encrypted.stdout.isEmpty)
        let server = try ServeProcess(arguments: checks + ["--address-book", book])
        defer { server.remove() }
        #expect(try HTTP.get(server.url + "/search.cgi?email=revoked%40example.com").status == 404)
    }

    @Test("an imported certificate is checked for revocation before it is chosen, with the directory's CRL")
    func importedCheckedForRevocation() throws {
        // The directory entry gives no certificate for this address; the imported one is revoked.
        let imported = try CertDirProcess.run(
            ["book", "import", "--address-book", book, folder.appendingPathComponent("revoked.pem").path])
        #expect(imported.status == 0, "\(imported.stderr)")
        let (status, record) = try resolve(
            "revoked@example.com", ["--address-book", book], checks: checks(base: "cn=good,dc=example,dc=com"))
        #expect(status == 67, "\(record)")
        let candidates = record["candidates"] as? [[String: Any]] ?? []
        #expect(candidates.contains { $0["revocation"] as? String == "revoked" }, "\(record)")
    }
}

import CertDirectoryTestSupport
import Foundation
import Testing

/// Revocation through `certdir resolve` against the sample directory, whose PKI
/// publishes its CRLs in the directory (host-less `ldap:///` distribution points)
/// and names its OCSP responder (scripts/ocsp-responder.py, started by
/// scripts/sample-directory) in authorityInfoAccess.
@Suite(
    "certdir resolve: OCSP and CRLs of the sample PKI",
    .enabled(if: TestDirectory.isAvailable, "\(TestDirectory.unavailableReason)"))
struct OCSPCommandTests {
    let directory: TestDirectory
    let sample: SampleManifest

    init() throws {
        directory = try TestDirectory.require()
        sample = try directory.sample()
    }

    func resolve(_ extra: [String], _ addresses: [String], environment: [String: String] = [:]) throws -> (
        status: Int32, records: [String: [String: Any]], stderr: String
    ) {
        let outcome = try CertDirProcess.run(
            [
                "resolve", "--uri", directory.ldapURI, "--base", directory.base, "--trust-anchor",
                sample.path(sample.trustAnchor), "--intermediates", sample.path(sample.intermediate), "--format",
                "json", "--explain", "--network-timeout", "3",
            ] + extra + addresses, environment: environment)
        var records: [String: [String: Any]] = [:]
        for line in outcome.stdout.split(separator: "\n") {
            if let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let address = record["address"] as? String
            {
                records[address] = record
            }
        }
        return (outcome.status, records, outcome.stderr)
    }

    func candidate(_ record: [String: Any]?) -> [String: Any] {
        (record?["candidates"] as? [[String: Any]])?.first ?? [:]
    }

    @Test("by default the responder named in AIA answers: good people good, the revoked person refused")
    func responderFromAIA() throws {
        let (status, records, stderr) = try resolve([], ["alice@example.com", "revoked@example.com"])
        #expect(status == 67, "\(stderr)")
        let alice = candidate(records["alice@example.com"])
        #expect(records["alice@example.com"]?["status"] as? String == "ok")
        #expect(alice["revocation"] as? String == "good")
        #expect((alice["revocationSource"] as? String)?.hasPrefix("ocsp http://127.0.0.1:") == true, "\(alice)")
        let revoked = candidate(records["revoked@example.com"])
        #expect(records["revoked@example.com"]?["status"] as? String == "no-usable-certificate")
        #expect(revoked["revocation"] as? String == "revoked")
        #expect((revoked["revocationSource"] as? String)?.hasPrefix("ocsp http://127.0.0.1:") == true)
        #expect(stderr.contains("revocation: good, from ocsp http://127.0.0.1:"))
        #expect(stderr.contains("revocation: revoked, from ocsp http://127.0.0.1:"))
    }

    @Test("--revocation-sources crl: the CRL in the directory decides, and --explain names it")
    func crlOnly() throws {
        let (_, records, stderr) = try resolve(
            ["--revocation-sources", "crl"], ["alice@example.com", "revoked@example.com"])
        let crl = "crl ldap:///cn=intermediate-ca,ou=pki,dc=example,dc=com?certificateRevocationList;binary"
        #expect(candidate(records["alice@example.com"])["revocationSource"] as? String == crl)
        #expect(candidate(records["revoked@example.com"])["revocation"] as? String == "revoked")
        #expect(candidate(records["revoked@example.com"])["revocationSource"] as? String == crl)
        #expect(stderr.contains("revocation: good, from \(crl)"))
    }

    @Test("a responder that is down falls back to the CRL")
    func responderDownFallsBack() throws {
        let (_, records, stderr) = try resolve(
            ["--ocsp-responder", "http://127.0.0.1:1/", "--revocation", "require"],
            ["alice@example.com", "revoked@example.com"])
        #expect(records["alice@example.com"]?["status"] as? String == "ok", "\(stderr)")
        #expect((candidate(records["alice@example.com"])["revocationSource"] as? String)?.hasPrefix("crl ") == true)
        #expect(candidate(records["revoked@example.com"])["revocation"] as? String == "revoked")
    }

    @Test("ocsp alone with the responder down: unknown, refused under require with the responder's failure")
    func ocspOnlyDown() throws {
        let (status, records, _) = try resolve(
            ["--revocation-sources", "ocsp", "--ocsp-responder", "http://127.0.0.1:1/", "--revocation", "require"],
            ["alice@example.com"])
        #expect(status == 67)
        let alice = candidate(records["alice@example.com"])
        #expect(alice["revocation"] as? String == "unknown")
        let reasons = alice["reasons"] as? [[String: Any]] ?? []
        #expect(
            reasons.contains {
                $0["code"] as? String == "revocation-unknown"
                    && ($0["message"] as? String)?.contains("ocsp http://127.0.0.1:1/") == true
            }, "\(reasons)")
    }

    @Test("revocation-sources = \"crl\" in the config file keeps OCSP off; the flag still wins")
    func configFile() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("certdir-xdg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        try FileManager.default.createDirectory(
            at: home.appendingPathComponent("certdir"), withIntermediateDirectories: true)
        try "revocation-sources = \"crl\"\n".write(
            to: home.appendingPathComponent("certdir/config.toml"), atomically: true, encoding: .utf8)
        let environment = ["XDG_CONFIG_HOME": home.path]
        let fromFile = try resolve([], ["alice@example.com"], environment: environment)
        #expect(
            (candidate(fromFile.records["alice@example.com"])["revocationSource"] as? String)?.hasPrefix("crl ")
                == true, "\(fromFile.stderr)")
        let flag = try resolve(["--revocation-sources", "ocsp,crl"], ["alice@example.com"], environment: environment)
        #expect(
            (candidate(flag.records["alice@example.com"])["revocationSource"] as? String)?.hasPrefix("ocsp ") == true)
        let bad = try CertDirProcess.run(
            ["resolve", "--revocation-sources", "ocsp,ldap", "alice@example.com"])
        #expect(bad.status == 64)
    }
}

import CertDirectoryTestSupport
import Foundation
import Testing

/// `certdir export` against the real directory: paging past the size limit,
/// every format read back by another tool, and nothing left behind on failure.
@Suite("certdir export", .enabled(if: TestDirectory.isAvailable, "\(TestDirectory.unavailableReason)"))
struct ExportCommandTests {
    let directory: TestDirectory
    let sample: SampleManifest
    let folder: URL

    init() throws {
        directory = try TestDirectory.require()
        sample = try directory.sample()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("certdir-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func export(_ extra: [String], uri: String? = nil, base: String? = nil) throws -> CertDirProcess.Outcome {
        try CertDirProcess.run(
            [
                "export", "--uri", uri ?? directory.ldapURI, "--base", base ?? directory.base, "--trust-anchor",
                sample.path(sample.trustAnchor), "--intermediates", sample.path(sample.intermediate),
            ] + extra)
    }

    func records(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    /// Distinct certificates of the sample people, with whether the manifest calls them usable.
    var sampleExpectation: [String: Bool] {
        var expected: [String: Bool] = [:]
        for record in sample.certificates { expected[record.sha256] = record.reasons.isEmpty }
        return expected
    }

    /// The sample's revoked certificates (revoked@example.com, listed on the intermediate's CRL).
    var revokedBySample: Set<String> {
        Set(sample.certificates.filter { $0.reasons.contains("revoked") }.map(\.sha256))
    }

    @Test("an anonymous export pages past the 1,000-entry size limit and returns every certificate")
    func pastSizeLimit() throws {
        let output = folder.appendingPathComponent("all.jsonl")
        let outcome = try export(["--format", "jsonl", "--out", output.path, "--page-size", "400"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let all = try records(String(contentsOf: output, encoding: .utf8))
        let bulk = all.filter {
            (($0["entries"] as? [[String: Any]])?.first?["dn"] as? String)?.hasPrefix("uid=bulk") == true
        }
        #expect(bulk.count == sample.bulkCount)
        #expect(bulk.count > 1000)
        #expect(all.count == sample.bulkCount + sampleExpectation.count)
        // A malformed value has its record but is not counted as a certificate.
        let malformed = all.filter {
            ($0["reasons"] as? [[String: Any]])?.first?["code"] as? String == "malformed-value"
        }
        #expect(outcome.stderr.contains("\(all.count - malformed.count) distinct certificates"), "\(outcome.stderr)")
        #expect(malformed.isEmpty || outcome.stderr.contains("\(malformed.count) malformed value"), "\(outcome.stderr)")
    }

    @Test("-q leaves stderr empty; --format jsonl is still read as json")
    func quietAndAlias() throws {
        let quiet = try export(["-q", "--filter", "(uid=alice)", "--format", "jsonl"])
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
        #expect(try records(quiet.stdout).count >= 1)
        let plain = try export(["--filter", "(uid=alice)", "--format", "json"])
        #expect(plain.stdout == quiet.stdout)
        #expect(plain.stderr.contains("1 entry in 1 page: "), "\(plain.stderr)")
    }

    @Test("status and reasons per certificate match the sample manifest; the jsonl validates against its schema")
    func statusCounts() throws {
        let output = folder.appendingPathComponent("sample.jsonl")
        let outcome = try export(["--filter", "(!(uid=bulk*))", "--out", output.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let text = try String(contentsOf: output, encoding: .utf8)
        #expect(try JSONSchemaCheck.validate(lines: text, schema: "export-record.schema.json") == nil)
        let all = try records(text)
        let expected = sampleExpectation
        #expect(all.count == expected.count)
        for record in all {
            let sha = try #require(record["sha256"] as? String)
            let usable = record["status"] as? String == "usable"
            let manifestReasons = Set(sample.certificates.first { $0.sha256 == sha }?.reasons ?? [])
            let reasons = Set((record["reasons"] as? [[String: String]] ?? []).compactMap { $0["code"] })
            if revokedBySample.contains(sha) {
                #expect(record["revocation"] as? String == "revoked", "\(sha.prefix(12))")
                #expect((record["revocationSource"] as? String)?.hasPrefix("crl ") == true, "\(record)")
            }
            // A usable certificate was checked against a current CRL (the sample publishes them), or,
            // without a CRL for it (the EAI person's certificate names no distribution point), says unknown.
            if usable {
                let revocation = record["revocation"] as? String
                let source = record["revocationSource"] as? String
                #expect(
                    (revocation == "good" && source?.hasPrefix("crl ") == true)
                        || (revocation == "unknown" && source == nil),
                    "\(record["subject"] ?? "") \(revocation ?? "") \(source ?? "")")
            }
            #expect(expected[sha] == usable, "\(sha.prefix(12)) \(record["reasons"] ?? "")")
            #expect(reasons == manifestReasons, "\(sha.prefix(12))")
        }
        let intermediate = try #require(
            all.first { ($0["reasons"] as? [[String: String]])?.first?["code"] == "ca-certificate" })
        #expect((intermediate["entries"] as? [Any])?.count == 2, "the intermediate sits in two bundles")
    }

    @Test("--only-usable keeps exactly the usable certificates")
    func onlyUsable() throws {
        let output = folder.appendingPathComponent("usable.jsonl")
        let outcome = try export(["--filter", "(!(uid=bulk*))", "--only-usable", "--out", output.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let all = try records(String(contentsOf: output, encoding: .utf8))
        #expect(all.count == sampleExpectation.values.filter { $0 }.count)
        #expect(all.allSatisfy { $0["status"] as? String == "usable" })
        #expect(!revokedBySample.isEmpty)
        #expect(all.allSatisfy { !revokedBySample.contains($0["sha256"] as? String ?? "") })
        #expect(outcome.stderr.contains("revocation checked by crl: "), "\(outcome.stderr)")
    }

    @Test("--revocation off: every certificate says revocation not-checked, usable or not; revoked@ is then usable")
    func revocationOff() throws {
        let outcome = try export(["--filter", "(!(uid=bulk*))", "--revocation", "off"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let all = try records(outcome.stdout).filter { $0["subject"] is String }
        #expect(!all.isEmpty)
        #expect(all.allSatisfy { $0["revocation"] as? String == "not-checked" })
        let revoked = all.filter { revokedBySample.contains($0["sha256"] as? String ?? "") }
        #expect(!revoked.isEmpty && revoked.allSatisfy { $0["status"] as? String == "usable" })
        #expect(outcome.stderr.contains("revocation: not checked (--revocation off)"), "\(outcome.stderr)")
    }

    @Test("p7c is read by openssl pkcs7 -print_certs")
    func p7c() throws {
        let output = folder.appendingPathComponent("all.p7c")
        let outcome = try export(["--format", "p7c", "--out", output.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let printed = try runTool("openssl", ["pkcs7", "-inform", "DER", "-in", output.path, "-print_certs", "-noout"])
        #expect(printed.status == 0, "\(printed.stderr)")
        let subjects = String(decoding: printed.stdout, as: UTF8.self).components(separatedBy: "subject=").count - 1
        let malformed = sample.certificates.filter { $0.reasons == ["malformed-value"] }.count
        #expect(subjects == sample.bulkCount + sampleExpectation.count - malformed)
    }

    @Test("pem-dir and der-dir: openssl x509 reads every file, named by its SHA-256", arguments: ["pem", "der"])
    func folders(_ encoding: String) throws {
        let output = folder.appendingPathComponent("\(encoding)-dir")
        let outcome = try export(["--format", "\(encoding)-dir", "--filter", "(!(uid=bulk*))", "--out", output.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: output.path)
        #expect(names.count == sampleExpectation.count - 1)  // the malformed value has no file
        for name in names {
            let parsed = try runTool(
                "openssl",
                [
                    "x509", "-inform", encoding.uppercased(), "-in", output.appendingPathComponent(name).path,
                    "-outform", "DER",
                ])
            #expect(parsed.status == 0, "\(name): \(parsed.stderr)")
            #expect(name == sha256Hex(Array(parsed.stdout)) + ".\(encoding)")
        }
    }

    @Test("pem bundle: one block per certificate, parsable by openssl")
    func pemBundle() throws {
        let output = folder.appendingPathComponent("bundle.pem")
        let outcome = try export([
            "--format", "pem", "--filter", "(!(uid=bulk*))", "--only-usable", "--out", output.path,
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let text = try String(contentsOf: output, encoding: .utf8)
        #expect(
            text.components(separatedBy: "-----BEGIN CERTIFICATE-----").count - 1
                == sampleExpectation.values.filter { $0 }.count)
        #expect(try runTool("openssl", ["storeutl", "-noout", "-certs", output.path]).status == 0)
    }

    @Test("the LDIF, applied with ldapmodify to the same people without certificates, restores the same export")
    func ldifRoundTrip() throws {
        let stripped = folder.appendingPathComponent("people-without-certificates.ldif")
        try Self.withoutCertificates(sample.path("people.ldif")).write(to: stripped, atomically: true, encoding: .utf8)
        let scratch = try ScratchDirectory(ldifs: [stripped.path])
        defer { scratch.stop() }
        let ldif = folder.appendingPathComponent("certificates.ldif")
        let outcome = try export(["--format", "ldif", "--filter", "(!(uid=bulk*))", "--out", ldif.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let applied = try runTool(
            "ldapmodify",
            [
                "-x", "-H", scratch.info.ldapURI, "-D", "cn=admin,dc=example,dc=com", "-w", scratch.adminPassword, "-f",
                ldif.path,
            ])
        #expect(applied.status == 0, "\(applied.stderr)")
        let before = folder.appendingPathComponent("before.jsonl")
        let after = folder.appendingPathComponent("after.jsonl")
        #expect(try export(["--filter", "(!(uid=bulk*))", "--out", before.path]).status == 0)
        #expect(try export(["--out", after.path], uri: scratch.info.ldapURI).status == 0)
        let sortedLines = { (url: URL) in try String(contentsOf: url, encoding: .utf8).split(separator: "\n").sorted() }
        #expect(try sortedLines(before) == sortedLines(after))
    }

    @Test("slapd killed mid-export: exit 75, how far it got, and nothing at the output path")
    func killedMidway() throws {
        let scratch = try ScratchDirectory(ldifs: [sample.path("people.ldif"), sample.path("bulk.ldif")])
        defer { scratch.stop() }
        let output = folder.appendingPathComponent("partial.pem")
        let pid = try #require(scratch.pid)
        let killer = Thread {
            // Kill once the staged file beside the target has grown: the export is under way.
            for _ in 0..<2000 {
                let staged =
                    (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.filter {
                        $0.hasPrefix(".partial.pem.")
                    } ?? []
                if let name = staged.first,
                    let size = try? FileManager.default.attributesOfItem(
                        atPath: folder.appendingPathComponent(name).path)[.size]
                        as? Int, size > 0
                {
                    kill(pid, SIGKILL)
                    return
                }
                usleep(2000)
            }
        }
        killer.start()
        let outcome = try export(
            ["--format", "pem", "--page-size", "5", "--out", output.path], uri: scratch.info.ldapURI)
        #expect(outcome.status == 75, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("the export stopped after"))
        #expect(!FileManager.default.fileExists(atPath: output.path))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains("partial") }.isEmpty)
    }

    @Test("/dev/null is written through, never renamed over")
    func devNull() throws {
        let outcome = try export(["--format", "pem", "--filter", "(!(uid=bulk*))", "--out", "/dev/null"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
    }

    @Test("the GC-style endpoint with base \"\" exports the whole forest")
    func globalCatalog() throws {
        let outcome = try export(["--filter", "(!(uid=bulk*))", "--format", "jsonl"], uri: directory.gcURI, base: "")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try records(outcome.stdout).count == sampleExpectation.count)
    }

    /// The people LDIF without any certificate attribute (values and their folded continuation lines).
    static func withoutCertificates(_ path: String) throws -> String {
        var out: [Substring] = []
        var skipping = false
        for line in try String(contentsOfFile: path, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        {
            if line.hasPrefix(" ") {
                if !skipping { out.append(line) }
                continue
            }
            let lower = line.lowercased()
            skipping = lower.hasPrefix("usercertificate") || lower.hasPrefix("usersmimecertificate")
            if !skipping { out.append(line) }
        }
        return out.joined(separator: "\n")
    }
}

import CertDirectoryTestSupport
import Foundation
import Testing

/// Revocation through `certdir resolve`, against a private slapd holding a small
/// PKI (Fixtures/revocation-pki.py): CRLs from the issuer entry over LDAP, from an
/// HTTP distribution point, and an unreachable distribution point. Only the root
/// is a local file: the intermediates come from the directory.
@Suite(
    "certdir resolve: revocation", .serialized,
    .enabled(if: TestDirectory.isAvailable, "\(TestDirectory.unavailableReason)"))
final class RevocationCommandTests {
    let folder: URL
    let scratch: ScratchDirectory
    let httpPID: Int32

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certdir-revocation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let port = Int.random(in: 30_000..<39_000)
        let script = CertDirProcess.repository.appendingPathComponent("Tests/certdirTests/Fixtures/revocation-pki.py")
        let made = try runTool("python3", [script.path, folder.path, "\(port)"])
        #expect(made.status == 0, "\(made.stderr)")
        scratch = try ScratchDirectory(ldifs: [folder.appendingPathComponent("directory.ldif").path])
        let server = try runTool(
            "sh",
            [
                "-c",
                "cd '\(folder.path)' && python3 -m http.server \(port) --bind 127.0.0.1 >/dev/null 2>&1 & echo $!",
            ])
        httpPID =
            Int32(String(decoding: server.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
            ?? 0
        // Wait until the server answers.
        for _ in 0..<100 {
            if (try? Data(contentsOf: URL(string: "http://127.0.0.1:\(port)/ca2.crl")!)) != nil { break }
            usleep(50_000)
        }
    }

    deinit {
        if httpPID > 0 { kill(httpPID, SIGTERM) }
        scratch.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    func resolve(_ address: String, _ mode: String, book: [String] = []) throws -> (
        status: Int32, record: [String: Any], stderr: String
    ) {
        let outcome = try CertDirProcess.run(
            [
                "resolve", "--uri", scratch.info.ldapURI, "--base", "dc=example,dc=com", "--trust-anchor",
                folder.appendingPathComponent("root.pem").path, "--revocation", mode, "--format", "json",
                "--network-timeout", "2",
            ] + book + [address])
        let record = (try? JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any]) ?? [:]
        return (outcome.status, record, outcome.stderr)
    }

    func codes(_ record: [String: Any], _ key: String = "reasons") -> Set<String> {
        let candidates = record["candidates"] as? [[String: Any]] ?? []
        return Set(candidates.flatMap { ($0[key] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String } })
    }

    func revocation(_ record: [String: Any]) -> Set<String> {
        Set((record["candidates"] as? [[String: Any]] ?? []).compactMap { $0["revocation"] as? String })
    }

    @Test("a CRL from the issuer entry over LDAP; the intermediate comes from the directory")
    func issuerEntryCRL() throws {
        let (status, record, stderr) = try resolve("good@example.com", "require")
        #expect(status == 0, "\(stderr)")
        #expect(record["status"] as? String == "ok")
        #expect(!codes(record, "warnings").contains("revocation-unknown"))
        #expect(revocation(record) == ["good"])
    }

    @Test("the book keeps a positive answer no longer than the nextUpdate of the CRLs it was checked against")
    func bookAnswerCappedAtNextUpdate() throws {
        let book = folder.appendingPathComponent("capped.sqlite").path
        let (status, record, stderr) = try resolve("good@example.com", "require", book: ["--address-book", book])
        #expect(status == 0, "\(stderr)")
        #expect(record["status"] as? String == "ok")
        // The stored answer's cap (a JSON date: seconds since 2001) against the CRLs' nextUpdate
        // (the fixture gives every CRL the same one), both as Unix seconds.
        let script = """
            import datetime, json, sqlite3, sys
            from cryptography import x509
            detail = json.loads(sqlite3.connect(sys.argv[1]).execute(
                "SELECT detail FROM lookup WHERE address = 'good@example.com'").fetchone()[0])
            caps = [c["revocationDataValidUntil"] + 978307200 for e in detail["entries"] for c in e["candidates"]
                    if "revocationDataValidUntil" in c]
            crl = x509.load_der_x509_crl(open(sys.argv[2], "rb").read())
            print(int(min(caps)) if caps else "none", int(crl.next_update.replace(tzinfo=datetime.timezone.utc).timestamp()))
            """
        let outcome = try runTool(
            "python3", ["-c", script, book, folder.appendingPathComponent("ca2.crl").path])
        let fields = String(decoding: outcome.stdout, as: UTF8.self).split(separator: " ").map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(fields.count == 2 && fields[0] == fields[1], "stored cap, CRL nextUpdate: \(fields)")
    }

    @Test("a revoked recipient never resolves, under every mode that checks, and says revoked")
    func revokedNeverResolves() throws {
        for mode in ["prefer", "require"] {
            let (status, record, stderr) = try resolve("revoked@example.com", mode)
            #expect(status == 67, "\(stderr)")
            #expect(record["status"] as? String == "no-usable-certificate")
            #expect(codes(record).contains("revoked"))
            #expect(revocation(record) == ["revoked"])
        }
        // With revocation off the same certificate is chosen (its intermediate from the directory): the CRL refuses it.
        #expect(try resolve("revoked@example.com", "off").status == 0)
    }

    @Test("the address book keeps the revocation outcome: a revoked certificate is never served from it")
    func revokedFromTheBook() throws {
        let book = ["--address-book", folder.appendingPathComponent("book.sqlite").path]
        for round in ["directory", "address book"] {
            let revoked = try resolve("revoked@example.com", "prefer", book: book)
            #expect(revoked.status == 67, "\(round): \(revoked.stderr)")
            #expect(codes(revoked.record).contains("revoked"), "\(round)")
            let good = try resolve("good@example.com", "prefer", book: book)
            #expect(good.status == 0, "\(round): \(good.stderr)")
            #expect(revocation(good.record) == ["good"], "\(round)")
            let fromBook = (good.record["warnings"] as? [[String: Any]] ?? []).contains {
                $0["code"] as? String == "address-book"
            }
            #expect(fromBook == (round == "address book"))
        }
        // Stored with revocation off, the answer does not serve a run that checks revocation.
        #expect(try resolve("revoked@example.com", "off", book: book).status == 0)
        #expect(try resolve("revoked@example.com", "require", book: book).status == 67)
    }

    @Test("a CRL served over HTTP from the distribution point")
    func httpCRL() throws {
        let (status, record, stderr) = try resolve("http@example.com", "require")
        #expect(status == 0, "\(stderr)")
        #expect(record["status"] as? String == "ok")
    }

    @Test("an unreachable distribution point: require refuses (revocation-unknown), prefer accepts with a warning")
    func unreachableCDP() throws {
        let required = try resolve("down@example.com", "require")
        #expect(required.status == 67, "\(required.stderr)")
        #expect(codes(required.record).contains("revocation-unknown"))
        let preferred = try resolve("down@example.com", "prefer")
        #expect(preferred.status == 0, "\(preferred.stderr)")
        #expect(codes(preferred.record, "warnings").contains("revocation-unknown"))
        #expect(revocation(preferred.record) == ["unknown"])
    }

    /// `certdir export` of this directory's people, as JSON Lines records by mail address.
    func export(_ mode: String, _ extra: [String] = []) throws -> (
        status: Int32, records: [String: [String: Any]], stderr: String
    ) {
        let outcome = try CertDirProcess.run(
            [
                "export", "--uri", scratch.info.ldapURI, "--base", "dc=example,dc=com", "--trust-anchor",
                folder.appendingPathComponent("root.pem").path, "--revocation", mode, "--network-timeout", "2",
                "--filter", "(mail=*)",
            ] + extra)
        var records: [String: [String: Any]] = [:]
        for line in outcome.stdout.split(separator: "\n") {
            guard let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let mail = (record["entries"] as? [[String: Any]])?.first?["mail"] as? String
            else { continue }
            records[mail] = record
        }
        return (outcome.status, records, outcome.stderr)
    }

    func exportCodes(_ record: [String: Any]?) -> Set<String> {
        Set((record?["reasons"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String })
    }

    @Test("export checks revocation as resolve does: revoked is refused and left out of --only-usable")
    func exportRevoked() throws {
        for mode in ["prefer", "require"] {
            let all = try export(mode)
            #expect(all.status == 0, "\(all.stderr)")
            let revoked = all.records["revoked@example.com"]
            #expect(revoked?["status"] as? String == "unusable", "\(mode)")
            #expect(revoked?["revocation"] as? String == "revoked", "\(mode)")
            #expect(exportCodes(revoked).contains("revoked"), "\(mode)")
            #expect(all.records["good@example.com"]?["revocation"] as? String == "good", "\(mode)")
            #expect(all.records["good@example.com"]?["status"] as? String == "usable", "\(mode)")
            let usable = try export(mode, ["--only-usable"])
            #expect(usable.records["revoked@example.com"] == nil, "\(mode)")
            #expect(usable.records["good@example.com"] != nil, "\(mode)")
        }
    }

    @Test("export with an unreachable distribution point: require refuses, prefer marks revocation unknown")
    func exportUnreachableCDP() throws {
        let required = try export("require")
        #expect(required.status == 0, "\(required.stderr)")
        #expect(required.records["down@example.com"]?["status"] as? String == "unusable")
        #expect(exportCodes(required.records["down@example.com"]).contains("revocation-unknown"))
        #expect(try export("require", ["--only-usable"]).records["down@example.com"] == nil)
        let preferred = try export("prefer")
        #expect(preferred.records["down@example.com"]?["status"] as? String == "usable")
        #expect(preferred.records["down@example.com"]?["revocation"] as? String == "unknown")
    }

    @Test("export --revocation off: no record claims a revocation outcome; the summary says so")
    func exportRevocationOff() throws {
        let off = try export("off")
        #expect(off.status == 0, "\(off.stderr)")
        #expect(!off.records.isEmpty)
        for (mail, record) in off.records {
            #expect(record["revocation"] as? String == "not-checked", "\(mail)")
        }
        #expect(off.stderr.contains("revocation: not checked"), "\(off.stderr)")
    }
}

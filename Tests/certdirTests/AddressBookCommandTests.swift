import CertDirectoryTestSupport
import Foundation
import Testing

/// `resolve` through the address book, and the `book` commands, against a real slapd.
@Suite(
    "certdir book and resolve through the address book",
    .enabled(if: TestDirectory.isAvailable, "\(TestDirectory.unavailableReason)"))
struct AddressBookCommandTests {
    let directory: TestDirectory
    let sample: SampleManifest
    let folder: URL
    var book: String { folder.appendingPathComponent("book.sqlite").path }

    init() throws {
        directory = try TestDirectory.require()
        sample = try directory.sample()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("certdir-book-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    var checking: [String] {
        ["--trust-anchor", sample.path(sample.trustAnchor), "--intermediates", sample.path(sample.intermediate)]
    }

    func resolve(_ uri: String, _ arguments: [String]) throws -> CertDirProcess.Outcome {
        try CertDirProcess.run(
            ["resolve", "--uri", uri, "--base", directory.base, "--address-book", book, "--format", "json"]
                + checking + arguments)
    }

    func codes(_ outcome: CertDirProcess.Outcome) throws -> [[String]] {
        try outcome.stdout.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let warnings = try #require(object["warnings"] as? [[String: Any]])
            return warnings.compactMap { $0["code"] as? String }
        }
    }

    func status(_ outcome: CertDirProcess.Outcome) throws -> [String] {
        try outcome.stdout.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try #require(object["status"] as? String)
        }
    }

    @Test("online, slapd stopped, within the TTL, --offline, past the TTL (stale), past the maximum staleness (75)")
    func roundTrip() throws {
        let scratch = try ScratchDirectory(ldifs: [sample.path("people.ldif")])
        defer { scratch.stop() }
        let uri = scratch.info.ldapURI
        let alice = try #require(sample.people.first { $0.query == "alice@example.com" }?.sha256)

        let online = try resolve(uri, ["alice@example.com", "nobody@example.com"])
        #expect(online.status == 67, "\(online.stderr)")
        #expect(try status(online) == ["ok", "not-found"])
        #expect(try codes(online).allSatisfy { !$0.contains("address-book") })
        #expect(online.stdout.contains(alice))

        scratch.stop()
        let cached = try resolve(uri, ["alice@example.com", "nobody@example.com"])
        #expect(cached.status == 67, "\(cached.stderr)")
        #expect(try status(cached) == ["ok", "not-found"])
        #expect(try codes(cached).allSatisfy { $0.contains("address-book") })
        #expect(cached.stdout.contains(alice))

        let offline = try resolve(uri, ["--offline", "--explain", "alice@example.com"])
        #expect(offline.status == 0, "\(offline.stderr)")
        #expect(offline.stderr.contains("looked up"))
        // --offline names no directory: the newest answer from any directory serves.
        let anywhere = try CertDirProcess.run(
            ["resolve", "--offline", "--address-book", book, "--format", "json"] + checking + ["alice@example.com"])
        #expect(anywhere.status == 0, "\(anywhere.stderr)")
        #expect(anywhere.stdout.contains(alice))

        let stale = try resolve(uri, ["--ttl", "0", "--network-timeout", "2", "alice@example.com"])
        #expect(stale.status == 0, "\(stale.stderr)")
        #expect(try codes(stale).first?.first == "stale")
        #expect(stale.stderr.contains("alice@example.com: warning:"), "a stale answer is said on stderr too")
        #expect(stale.stdout.contains(alice))

        let tooOld = try resolve(
            uri, ["--ttl", "0", "--max-staleness", "0", "--network-timeout", "2", "alice@example.com"])
        #expect(tooOld.status == 75, "\(tooOld.stderr)")
        #expect(try status(tooOld) == ["error"])

        let unknown = try resolve(uri, ["--offline", "carol@example.com"])
        #expect(unknown.status == 75, "\(unknown.stderr)")
        #expect(try codes(unknown) == [["not-in-address-book"]])
    }

    @Test("a cached certificate that has expired since is refused at use, offline too")
    func expiredAtUse() throws {
        let online = try resolve(directory.ldapURI, ["alice@example.com"])
        #expect(online.status == 0, "\(online.stderr)")
        let later = try resolve(directory.ldapURI, ["--offline", "--at", "2031-01-01T00:00:00Z", "alice@example.com"])
        #expect(later.status == 67, "\(later.stderr)")
        #expect(try status(later) == ["no-usable-certificate"])
        #expect(later.stdout.contains("\"code\":\"expired\""))
        // Within the TTL the stored verdict is replayed, and the dates are still judged anew.
        let replay = try resolve(directory.ldapURI, ["--at", "2031-01-01T00:00:00Z", "alice@example.com"])
        #expect(replay.status == 67, "\(replay.stderr)")
        #expect(try codes(replay).first?.contains("address-book") == true)
    }

    @Test("Alice@Example.COM and alice@example.com are one contact and one lookup")
    func caseInsensitive() throws {
        #expect(try resolve(directory.ldapURI, ["Alice@Example.COM"]).status == 0)
        let second = try resolve(directory.ldapURI, ["alice@example.com"])
        #expect(try codes(second).first?.contains("address-book") == true)
        let list = try CertDirProcess.run(["book", "list", "--json", "--address-book", book] + checking)
        #expect(list.status == 0, "\(list.stderr)")
        let lines = list.stdout.split(separator: "\n")
        #expect(try JSONSchemaCheck.validate(lines: list.stdout, schema: "book-contact.schema.json") == nil)
        #expect(lines.count == 1)
        #expect(lines.first?.contains("\"address\":\"alice@example.com\"") == true)
        #expect(lines.first?.contains("\"status\":\"usable\"") == true)
    }

    @Test("two entries, one with a fit certificate: the book replays the same choice as the directory made")
    func twoEntriesReplay() throws {
        let online = try resolve(directory.ldapURI, ["twinone@example.com"])
        #expect(online.status == 0, "\(online.stderr)")
        let replay = try resolve(directory.ldapURI, ["twinone@example.com"])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(try codes(replay).first?.contains("address-book") == true)
        let chosen = { (text: String) in
            (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
                .flatMap { $0["certificate"] as? [String: Any] }?["sha256"] as? String
        }
        #expect(chosen(replay.stdout) != nil)
        #expect(chosen(replay.stdout) == chosen(online.stdout))
    }

    @Test("a contact found by an alias: its aliases once each, and its certificate usable as resolve found it")
    func aliasContact() throws {
        let resolved = try resolve(directory.ldapURI, ["alias@example.com"])
        #expect(resolved.status == 0, "\(resolved.stderr)")
        let show = try CertDirProcess.run(
            ["book", "show", "--json", "--address-book", book] + checking + ["alias@example.com"])
        #expect(show.status == 0, "\(show.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        let aliases = try #require(object["aliases"] as? [String])
        #expect(aliases.contains("primary@example.com"))
        #expect(Set(aliases).count == aliases.count)
        let statuses = (object["certificates"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? String }
        #expect(statuses == ["usable"])
    }

    @Test("a damaged or foreign book file: exit 74 naming the file, and the file is left as it was")
    func damagedBook() throws {
        let garbage = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try garbage.write(to: URL(fileURLWithPath: book))
        let outcome = try resolve(directory.ldapURI, ["alice@example.com"])
        #expect(outcome.status == 74, "\(outcome.stderr)")
        #expect(outcome.stderr.contains(book))
        #expect(outcome.stderr.contains("mv "))
        #expect(try Data(contentsOf: URL(fileURLWithPath: book)) == garbage)

        let foreign = folder.appendingPathComponent("foreign.sqlite").path
        let made = try CertDirProcess.run(
            ["-c", "python3 -c \"import sqlite3; sqlite3.connect('\(foreign)').execute('create table t(x)')\""],
            shell: true)
        #expect(made.status == 0, "\(made.stderr)")
        let before = try Data(contentsOf: URL(fileURLWithPath: foreign))
        let list = try CertDirProcess.run(["book", "list", "--address-book", foreign])
        #expect(list.status == 74, "\(list.stderr)")
        #expect(list.stderr.contains("not a certdir address book"))
        // Not even its journal mode changes (WAL would rewrite the header).
        #expect(try Data(contentsOf: URL(fileURLWithPath: foreign)) == before)
    }

    @Test(
        "import a folder, export vCards: Evolution's contact library (EDS) and vobject read every KEY of 3.0, vobject of 4.0"
    )
    func importAndVCard() throws {
        let imported = try CertDirProcess.run(
            ["book", "import", "--address-book", book, sample.path("keys")] + checking)
        #expect(imported.status == 0, "\(imported.stderr)")
        let added = imported.stdout.split(separator: "\n").filter { $0.hasPrefix("added ") }
        #expect(added.count >= 10)
        #expect(!imported.stderr.contains("PRIVATE KEY"))
        let expected = Set(added.map { String($0.split(separator: " ")[1]) })
        // Debian's python3 (python3-gi, gir1.2-ebookcontacts-1.2, python3-vobject); pyenv's has no gi.
        let parser = """
            import sys, hashlib, base64, ctypes, vobject
            text = open(sys.argv[1], encoding="utf-8").read()
            uids = set()
            for card in vobject.readComponents(text):
                uids.add(card.uid.value)
                keys = card.contents.get("key", [])
                if not keys: print("keyless", card.fn.value)
                for key in keys:
                    if sys.argv[2] == "3": print("vobject", hashlib.sha256(key.value).hexdigest())
            if sys.argv[2] == "4":
                # vobject's card model splits a 4.0 value at its comma; its content-line parser reads the data: URI whole.
                from vobject import base
                for line, _ in base.getLogicalLines(open(sys.argv[1], encoding="utf-8")):
                    name, params, value, group = base.parseLine(line)
                    if name.upper() == "KEY":
                        data = base64.b64decode(value.split("data:application/pkix-cert;base64,", 1)[1])
                        print("vobject", hashlib.sha256(data).hexdigest())
            print("cards", text.count("BEGIN:VCARD"), "uids", len(uids))
            if sys.argv[2] == "3":
                import gi
                gi.require_version("EBookContacts", "1.2")
                from gi.repository import EBookContacts as E
                class Cert(ctypes.Structure):
                    _fields_ = [("length", ctypes.c_size_t), ("data", ctypes.POINTER(ctypes.c_ubyte))]
                for card in text.split("END:VCARD")[:-1]:
                    contact = E.Contact.new_from_vcard(card + "END:VCARD\\r\\n")
                    # EDS's X509_CERT field (an EContactCert) is the first KEY it recognises as a certificate.
                    pointer = contact.get(E.ContactField.X509_CERT)
                    if pointer:
                        cert = ctypes.cast(pointer, ctypes.POINTER(Cert)).contents
                        print("eds", hashlib.sha256(bytes(cert.data[:cert.length])).hexdigest())
                    print("eds-keys", len(contact.get_attributes(E.ContactField.X509_CERT)))
            """
        let script = folder.appendingPathComponent("parse.py").path
        try parser.write(toFile: script, atomically: true, encoding: .utf8)
        for version in ["3", "4"] {
            let vcf = folder.appendingPathComponent("book\(version).vcf").path
            let export = try CertDirProcess.run(
                ["book", "export", "--address-book", book, "--all", "--vcard-version", version, "--out", vcf]
                    + checking)
            #expect(export.status == 0, "\(export.stderr)")
            let parsed = try CertDirProcess.run(["-c", "/usr/bin/python3 \(script) \(vcf) \(version)"], shell: true)
            #expect(parsed.status == 0, "\(parsed.stderr)")
            let lines = parsed.stdout.split(separator: "\n").map(String.init)
            func values(_ tag: String) -> [String] {
                lines.filter { $0.hasPrefix(tag + " ") }.map { String($0.dropFirst(tag.count + 1)) }
            }
            #expect(Set(values("vobject")) == expected, "vCard \(version)")
            #expect(values("vobject").count == expected.count, "each certificate once, vCard \(version)")
            #expect(values("keyless").isEmpty, "vCard \(version): \(values("keyless"))")
            let counts = try #require(lines.first { $0.hasPrefix("cards ") }).split(separator: " ")
            #expect(counts[1] == counts[3], "one UID per card, all different: \(counts)")
            if version == "3" {
                let eds = Set(values("eds"))
                #expect(!eds.isEmpty && eds.isSubset(of: expected), "EDS read no certificate")
                #expect(values("eds-keys").compactMap(Int.init).reduce(0, +) == expected.count)
            }
        }
    }

    @Test(
        "a person found by an alias is one card with both addresses; people without a usable certificate only when asked"
    )
    func vcardPeople() throws {
        let uri = directory.ldapURI
        let resolved = try resolve(uri, ["alias@example.com", "primary@example.com", "nocert@example.com"])
        #expect(resolved.status == 67, "\(resolved.stderr)")
        let plain = try CertDirProcess.run(["book", "export", "--address-book", book] + checking)
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout.components(separatedBy: "BEGIN:VCARD").count == 2, "\(plain.stdout)")
        #expect(plain.stdout.components(separatedBy: "KEY;TYPE=X509;ENCODING=b:").count == 2, "\(plain.stdout)")
        #expect(plain.stdout.contains(":primary@example.com\r\n") && plain.stdout.contains(":alias@example.com\r\n"))
        #expect(plain.stdout.contains("UID:urn:uuid:"))
        let keyless = try CertDirProcess.run(["book", "export", "--address-book", book, "--with-keyless"] + checking)
        #expect(keyless.stdout.components(separatedBy: "BEGIN:VCARD").count == 3, "\(keyless.stdout)")
    }

    @Test("a file that cannot be read is 66 in book import and harvest, as in verify")
    func unreadableInput() throws {
        for command in [["book", "import"], ["book", "harvest"]] {
            let outcome = try CertDirProcess.run(
                command + ["--address-book", book] + checking + ["/nonexistent/certdir-input"])
            #expect(outcome.status == 66, "\(command): \(outcome.stderr)")
        }
    }

    @Test("--ttl -1 is a value that is refused, not an unknown option")
    func negativeTTL() throws {
        for option in ["--ttl", "--negative-ttl", "--max-staleness"] {
            let outcome = try CertDirProcess.run(["resolve", option, "-1", "--offline", "a@example.com"])
            #expect(outcome.status == 64, "\(option): \(outcome.stderr)")
            #expect(outcome.stderr.contains("\(option) must be a number of seconds"), "\(option): \(outcome.stderr)")
        }
    }

    @Test("an endless input (/dev/zero) is refused at its size limit, not read until memory runs out")
    func endlessInput() throws {
        for command in [["book", "import"], ["book", "harvest"]] {
            let outcome = try CertDirProcess.run(command + ["--address-book", book] + checking + ["/dev/zero"])
            #expect(outcome.status == 65, "\(command): \(outcome.stderr)")
            #expect(outcome.stderr.contains("larger than"), "\(command): \(outcome.stderr)")
        }
    }

    @Test("a book locked by another process past the busy timeout: exit 75 (try again), not 74")
    func lockedBook() throws {
        #expect(try resolve(directory.ldapURI, ["alice@example.com"]).status == 0)
        let holder = try CertDirProcess.run(
            [
                "-c",
                "python3 -c \"import sqlite3,time; c=sqlite3.connect('\(book)', isolation_level=None); c.execute('begin exclusive'); time.sleep(34)\" & sleep 1; echo started",
            ], shell: true)
        #expect(holder.stdout.contains("started"))
        let outcome = try resolve(directory.ldapURI, ["--refresh", "alice@example.com"])
        #expect(outcome.status == 75, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("locked"))
    }

    @Test("remove by address and by sha256; prune drops expired certificates")
    func removeAndPrune() throws {
        #expect(try resolve(directory.ldapURI, ["dual@example.com", "alice@example.com"]).status == 0)
        let dual = try #require(sample.people.first { $0.query == "dual@example.com" }?.sha256)
        // The colon form that `openssl x509 -fingerprint -sha256` prints is accepted.
        let colons = stride(from: 0, to: dual.count, by: 2).map { offset in
            let start = dual.index(dual.startIndex, offsetBy: offset)
            return dual[start..<dual.index(start, offsetBy: 2)].uppercased()
        }.joined(separator: ":")
        let removed = try CertDirProcess.run(["book", "remove", "--address-book", book, "--sha256", colons])
        #expect(removed.status == 0, "\(removed.stderr)")
        let show = try CertDirProcess.run(["book", "show", "--json", "--address-book", book, "dual@example.com"])
        #expect(!show.stdout.contains(dual))
        // Its lookup is gone too, so the next resolve asks the directory again.
        let again = try resolve(directory.ldapURI, ["dual@example.com"])
        #expect(try codes(again).first?.contains("address-book") == false)

        #expect(try CertDirProcess.run(["book", "remove", "--address-book", book, "ALICE@example.com"]).status == 0)
        #expect(try CertDirProcess.run(["book", "show", "--address-book", book, "alice@example.com"]).status == 67)

        let pruned = try CertDirProcess.run(["book", "prune", "--address-book", book, "--at", "2040-01-01T00:00:00Z"])
        #expect(pruned.status == 0, "\(pruned.stderr)")
        #expect(pruned.stdout.contains("removed 2 expired certificates"))
    }

    /// The sample generator makes new keys each run: certificates are found through its manifest.
    func sha256(of address: String) throws -> String {
        try #require(sample.people.first { $0.query == address }?.sha256)
    }

    /// Signs `body` as the sample person whose certificate is `sha256`, with `openssl cms -sign`.
    func signed(_ sha256: String, from: String, opaque: Bool = false, tamper: Bool = false) throws -> String {
        let body = folder.appendingPathComponent("body.txt")
        try "Content-Type: text/plain\r\n\r\nHello from the test PKI.\r\n".write(
            to: body, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("\(UUID().uuidString).eml").path
        let signed = try CertDirProcess.run(
            [
                "-c",
                "openssl cms -sign -in \(body.path) -signer \(sample.path("keys/\(sha256).crt")) -inkey \(sample.path("keys/\(sha256).key")) -certfile \(sample.path(sample.intermediate)) -from '\(from)' -to bob@example.com -subject test \(opaque ? "-nodetach" : "") -out \(out)",
            ], shell: true)
        #expect(signed.status == 0, "\(signed.stderr)")
        if tamper {
            let text = try String(contentsOfFile: out, encoding: .utf8)
            try text.replacingOccurrences(of: "Hello from", with: "Hullo from").write(
                toFile: out, atomically: true, encoding: .utf8)
        }
        return out
    }

    func harvest(_ messages: [String]) throws -> CertDirProcess.Outcome {
        try CertDirProcess.run(
            ["book", "harvest", "--address-book", book, "--revocation", "off"] + checking + messages)
    }

    @Test("harvest: clear- and opaque-signed mail adds the signer under From; resolve then uses it offline")
    func harvestSigned() throws {
        let alice = try sha256(of: "alice@example.com")
        let clear = try harvest([try signed(alice, from: "Alice Example <Alice@Example.com>")])
        #expect(clear.status == 0, "\(clear.stderr)")
        #expect(clear.stdout.contains("added \(alice) for alice@example.com (signer)"))
        let opaque = try harvest([try signed(alice, from: "alice@example.com", opaque: true)])
        #expect(opaque.status == 0, "\(opaque.stderr)")
        let show = try CertDirProcess.run(
            ["book", "show", "--json", "--address-book", book] + checking + ["alice@example.com"])
        #expect(show.stdout.contains("\"origin\":\"signed-mail\""))
        #expect(show.stdout.contains("\"smimeCapabilities\":\""))
        // No directory answer is stored, but the harvested certificate serves.
        let resolved = try CertDirProcess.run(
            ["resolve", "--offline", "--revocation", "off", "--address-book", book, "--format", "json"] + checking
                + ["alice@example.com"])
        #expect(resolved.status == 0, "\(resolved.stderr)")
        #expect(resolved.stdout.contains(alice))
        // With the directory unreachable (nothing listens on port 1) it serves too.
        let down = try CertDirProcess.run(
            [
                "resolve", "--uri", "ldap://127.0.0.1:1", "--base", directory.base, "--network-timeout", "2",
                "--revocation", "off", "--address-book", book, "--format", "json",
            ] + checking + ["alice@example.com"])
        #expect(down.status == 0, "\(down.stderr)")
        #expect(down.stdout.contains(alice))
    }

    @Test("harvest adds nothing for a tampered body, an untrusted signer, or a From the certificate does not name")
    func harvestRefused() throws {
        let alice = try sha256(of: "alice@example.com")
        let untrusted = try #require(
            sample.certificates.first { $0.address == "untrusted@example.com" && $0.reasons == ["untrusted"] }?.sha256)
        let cases: [(String, String)] = [
            (try signed(alice, from: "alice@example.com", tamper: true), "bad-signature"),
            (try signed(untrusted, from: "untrusted@example.com"), "untrusted"),
            (try signed(alice, from: "mallory@example.com"), "address-mismatch"),
            (try signed(alice, from: "alice@example.com, mallory@example.com"), "authors"),
        ]
        for (message, code) in cases {
            let outcome = try harvest([message])
            #expect(outcome.status == 65, "\(code): \(outcome.stderr)")
            #expect(outcome.stderr.contains("nothing added"), "\(code)")
            #expect(outcome.stderr.contains(code), "\(code): \(outcome.stderr)")
        }
        let notMail = folder.appendingPathComponent("plain.eml").path
        try "From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n".write(
            toFile: notMail, atomically: true, encoding: .utf8)
        #expect(try harvest([notMail]).status == 65)
        let list = try CertDirProcess.run(["book", "list", "--json", "--address-book", book])
        #expect(list.stdout.isEmpty, "\(list.stdout)")
    }

    @Test("two processes × 500 lookups on one book at once: nothing lost, nothing corrupt")
    func twoProcesses() throws {
        let lists = try (0..<2).map { half in
            let file = folder.appendingPathComponent("addresses-\(half).txt")
            let addresses = (1...500).map { String(format: "bulk%06d@example.com", half * 500 + $0) }
            try addresses.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
            return file.path
        }
        let command = lists.map { list in
            ".build/debug/certdir resolve --uri \(directory.ldapURI) --base \(directory.base) --address-book \(book) "
                + checking.joined(separator: " ") + " --from \(list) >/dev/null"
        }
        let both = try CertDirProcess.run(
            [
                "-c",
                "cd \(CertDirProcess.repository.path) && (\(command[0])) & (\(command[1])); s=$?; wait $!; echo $s $?",
            ],
            shell: true)
        #expect(both.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0 0", "\(both.stderr)")
        let check = try CertDirProcess.run(
            [
                "-c",
                "python3 -c \"import sqlite3; c=sqlite3.connect('\(book)'); print(c.execute('pragma integrity_check').fetchone()[0], c.execute('select count(*) from lookup').fetchone()[0], c.execute('select count(*) from contact').fetchone()[0])\"",
            ], shell: true)
        #expect(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok 1000 1000", "\(check.stderr)")
    }
}

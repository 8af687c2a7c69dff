import CertDirectoryTestSupport
import Foundation
import Testing

/// `certdir resolve` on the sample directory's mailbox-identity people (EAI,
/// IDN in both spellings, several mail values): what `--explain`, JSON and the
/// exit status show.
@Suite(
    "certdir resolve: internationalised and multi-valued mailboxes",
    .enabled(if: TestDirectory.isAvailable, "\(TestDirectory.unavailableReason)"))
struct MailboxIdentityCommandTests {
    let directory: TestDirectory
    let sample: SampleManifest

    init() throws {
        directory = try TestDirectory.require()
        sample = try directory.sample()
    }

    var common: [String] {
        [
            "resolve", "--uri", directory.ldapURI, "--base", directory.base, "--trust-anchor",
            sample.path(sample.trustAnchor), "--intermediates", sample.path(sample.intermediate),
            "--revocation", "off",
        ]
    }

    func sha256(of person: String) -> String? { sample.people.first { $0.query == person }?.sha256 }

    func json(_ arguments: [String]) throws -> (status: Int32, objects: [[String: Any]], stderr: String) {
        let outcome = try CertDirProcess.run(common + ["--format", "json"] + arguments)
        let objects = try outcome.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        return (outcome.status, objects, outcome.stderr)
    }

    @Test("the EAI and IDN people resolve in either spelling; --explain shows the chosen certificate")
    func internationalised() throws {
        let people = [
            "jörg@example.com", "anna@bücher.example", "anna@xn--bcher-kva.example", "bernd@xn--bcher-kva.example",
        ]
        let answers = try json(people)
        #expect(answers.status == 0, "\(answers.stderr)")
        let chosen = answers.objects.map { ($0["certificate"] as? [String: Any])?["sha256"] as? String }
        #expect(chosen == people.map { sha256(of: $0) })
        let outcome = try CertDirProcess.run(common + ["--explain"] + people)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.components(separatedBy: "[CHOSEN]").count == people.count + 1, "\(outcome.stderr)")
    }

    @Test("ß is not ss, and an invalid label is refused with invalid-domain and exit 65")
    func refusals() throws {
        let sharpS = try json(["sam@straße.example"])
        #expect(sharpS.objects.first?["status"] as? String == "not-found")
        let invalid = try json(["a@xn--a.example"])
        #expect(invalid.status == 65, "\(invalid.stderr)")
        let warnings = invalid.objects.first?["warnings"] as? [[String: Any]] ?? []
        #expect(warnings.contains { $0["code"] as? String == "invalid-domain" }, "\(invalid.objects)")
    }

    @Test("several mail values: the certificate naming the asked address wins; another value's is accepted with a note")
    func severalMailValues() throws {
        let both = try json(["tina.first@example.com", "tina.second@example.com"])
        #expect(both.status == 0, "\(both.stderr)")
        let chosen = both.objects.map { ($0["certificate"] as? [String: Any])?["sha256"] as? String }
        #expect(chosen == [sha256(of: "tina.first@example.com"), sha256(of: "tina.second@example.com")])
        #expect(chosen[0] != chosen[1])

        let explained = try CertDirProcess.run(common + ["--explain", "olga.o@example.com"])
        #expect(explained.status == 0, "\(explained.stderr)")
        #expect(explained.stderr.contains("other-mail-value"), "\(explained.stderr)")
        #expect(explained.stderr.contains("olga@example.com"), "\(explained.stderr)")

        let strict = try json(["--strict-local-part", "olga.o@example.com"])
        #expect(strict.status == 67, "\(strict.stderr)")
        #expect(strict.objects.first?["status"] as? String == "no-usable-certificate")
    }

    @Test("the address book answers each mail value with its own certificate, never the other's")
    func bookKeysByAskedAddress() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certdir-twomail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let book = ["--address-book", folder.appendingPathComponent("book.sqlite").path]
        let first = try CertDirProcess.run(common + book + ["--format", "json", "tina.first@example.com"])
        #expect(first.status == 0, "\(first.stderr)")
        let offline = try json(book + ["--offline", "tina.second@example.com", "tina.first@example.com"])
        // Offline, only the asked address's own stored answer replays: second@ was never asked.
        #expect(offline.objects.map { $0["status"] as? String } == ["error", "ok"], "\(offline.objects)")
        let replayed = (offline.objects.last?["certificate"] as? [String: Any])?["sha256"] as? String
        #expect(replayed == sha256(of: "tina.first@example.com"))
    }
}

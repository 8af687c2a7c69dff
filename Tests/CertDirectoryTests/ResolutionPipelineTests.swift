import CertDirectoryTestSupport
import Foundation
import Testing

@testable import CertDirectory

/// A value behind a lock, for the in-memory source shared with the pipeline's tasks.
final class Locked<Value: Sendable>: @unchecked Sendable {
    // @unchecked: every access goes through `lock`.
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLockedValue<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}

/// The resolution pipeline with an in-memory directory source and a real
/// address book (SQLite in a temporary folder): TTLs, stale fallback, offline,
/// re-check at use, revocation refusals, known verdicts, ambiguity. No process, no network.
@Suite("resolution pipeline: sources, book, checks, one choice")
struct ResolutionPipelineTests {
    /// A directory held in memory: entries by address, or down. Counts the addresses asked.
    final class MemorySource: DirectorySource, Sendable {
        let entries: Locked<[String: [LDAPEntry]]>
        let down = Locked(false)
        let asked = Locked(0)
        let evaluator: RecipientEvaluator

        init(_ entries: [String: [LDAPEntry]], validator: CertificateValidator) {
            self.entries = Locked(entries)
            evaluator = RecipientEvaluator(validator: validator, intermediates: [], time: TestPKI.referenceTime)
        }

        func gather(_ addresses: [String], at time: Date) async throws -> SourceAnswer {
            if down.withLockedValue({ $0 }) {
                throw DirectoryUnavailableError(
                    attempts: [LDAPError(code: .serverDown, operation: "connect", kind: .connect, uri: "ldap://memory")]
                )
            }
            asked.withLockedValue { $0 += addresses.count }
            let known = entries.withLockedValue { $0 }
            let evaluator = RecipientEvaluator(
                validator: evaluator.validator, intermediates: [], time: time)
            return SourceAnswer(
                uri: "ldap://memory", failedOver: [],
                sets: addresses.map { address in
                    var set = evaluator.evaluate(
                        address: address, entries: known[address.lowercased()] ?? [], referrals: [],
                        uri: "ldap://memory")
                    set.fromDirectory = true
                    return set
                })
        }
    }

    let pki: TestPKI
    let folder: URL
    let validator: CertificateValidator
    let t0 = TestPKI.referenceTime

    init() throws {
        pki = try TestPKI()
        validator = CertificateValidator(trustAnchors: [pki.rootDER])
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("certdir-pipeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func entry(_ dn: String, mail: String, certificates: [[UInt8]]) -> LDAPEntry {
        var attributes: [LDAPEntry.Attribute] = [.init(description: "mail", values: [Array(mail.utf8)])]
        if !certificates.isEmpty {
            attributes.append(.init(description: "userCertificate;binary", values: certificates))
        }
        return LDAPEntry(dn: dn, attributes: attributes)
    }

    func resolver(_ revocation: RevocationMode = .off) -> Resolver {
        Resolver(directory: DirectorySettings(servers: []), validator: validator, revocation: revocation)
    }

    func caching(
        _ source: MemorySource, _ policy: CachePolicy = .init(), revocation: RevocationMode = .off,
        book name: String = "book.sqlite"
    ) throws -> CachingResolver {
        CachingResolver(
            resolver: resolver(revocation), book: try AddressBook(path: folder.appendingPathComponent(name).path),
            policy: policy, source: source)
    }

    func first(_ caching: CachingResolver, _ address: String, at time: Date? = nil, now: Date) async throws
        -> Resolution
    {
        try #require(try await caching.resolve([address], at: time ?? now, now: now).results.first)
    }

    @Test("TTL: a fresh positive answer comes from the book; past the TTL the directory is asked again")
    func positiveTTL() async throws {
        let der = try pki.leaf(san: ["alice@example.com"])
        let source = MemorySource(
            ["alice@example.com": [entry("uid=alice", mail: "alice@example.com", certificates: [der])]],
            validator: validator)
        let book = try caching(source, CachePolicy(positiveTTL: 100, negativeTTL: 10))
        #expect(try await first(book, "alice@example.com", now: t0).status == .ok)
        let again = try await first(book, "alice@example.com", now: t0 + 50)
        #expect(again.status == .ok)
        #expect(again.warnings.contains { $0.code == .addressBook })
        #expect(source.asked.withLockedValue { $0 } == 1)
        _ = try await first(book, "alice@example.com", now: t0 + 101)
        #expect(source.asked.withLockedValue { $0 } == 2)
    }

    @Test("negative TTL: not-found is reused only for the negative TTL")
    func negativeTTL() async throws {
        let source = MemorySource([:], validator: validator)
        let book = try caching(source, CachePolicy(positiveTTL: 100, negativeTTL: 10))
        #expect(try await first(book, "nobody@example.com", now: t0).status == .notFound)
        #expect(try await first(book, "nobody@example.com", now: t0 + 5).status == .notFound)
        #expect(source.asked.withLockedValue { $0 } == 1)
        // The entry appears; past the negative TTL (well within the positive one) it is found.
        let der = try pki.leaf(san: ["nobody@example.com"])
        source.entries.withLockedValue {
            $0["nobody@example.com"] = [entry("uid=nobody", mail: "nobody@example.com", certificates: [der])]
        }
        #expect(try await first(book, "nobody@example.com", now: t0 + 11).status == .ok)
        #expect(source.asked.withLockedValue { $0 } == 2)
    }

    @Test("stale fallback: directory down, an answer within the maximum staleness serves with a warning")
    func staleFallback() async throws {
        let der = try pki.leaf(san: ["alice@example.com"])
        let source = MemorySource(
            ["alice@example.com": [entry("uid=alice", mail: "alice@example.com", certificates: [der])]],
            validator: validator)
        let book = try caching(source, CachePolicy(positiveTTL: 10, negativeTTL: 10, maximumStaleness: 1000))
        #expect(try await first(book, "alice@example.com", now: t0).status == .ok)
        source.down.withLockedValue { $0 = true }
        let stale = try await first(book, "alice@example.com", at: t0, now: t0 + 500)
        #expect(stale.status == .ok)
        #expect(stale.warnings.contains { $0.code == .stale })
        let tooOld = try await first(book, "alice@example.com", at: t0, now: t0 + 2000)
        #expect(tooOld.status == .error)
        #expect(tooOld.error is DirectoryUnavailableError)
    }

    @Test("offline: never asks the directory; an address the book lacks is an error")
    func offline() async throws {
        let der = try pki.leaf(san: ["alice@example.com"])
        let source = MemorySource(
            ["alice@example.com": [entry("uid=alice", mail: "alice@example.com", certificates: [der])]],
            validator: validator)
        #expect(try await first(try caching(source), "alice@example.com", now: t0).status == .ok)
        let offline = try caching(source, CachePolicy(mode: .offline))
        #expect(try await first(offline, "alice@example.com", now: t0 + 86_400 * 30).status == .ok)
        let missing = try await first(offline, "bob@example.com", now: t0)
        #expect(missing.status == .error)
        #expect(missing.error is NotInAddressBookError)
        #expect(source.asked.withLockedValue { $0 } == 1)
    }

    @Test("re-check at use: a stored certificate that has expired since is refused, the next one chosen")
    func recheckAtUse() async throws {
        let short = try pki.leaf(san: ["alice@example.com"], notBefore: t0 - 10, notAfter: t0 + 100)
        let long = try pki.leaf(san: ["alice@example.com"], notBefore: t0 - 20, notAfter: t0 + 86_400 * 300)
        let source = MemorySource(
            ["alice@example.com": [entry("uid=alice", mail: "alice@example.com", certificates: [short, long])]],
            validator: validator)
        let book = try caching(source, CachePolicy(positiveTTL: 86_400))
        let now = try await first(book, "alice@example.com", now: t0)
        #expect(now.chosen?.sha256 == sha256Hex(short), "the newest notBefore wins")
        let later = try await first(book, "alice@example.com", now: t0 + 200)
        #expect(later.warnings.contains { $0.code == .addressBook })
        #expect(later.chosen?.sha256 == sha256Hex(long))
        #expect(
            later.candidates.contains { $0.sha256 == sha256Hex(short) && $0.reasons.contains { $0.code == .expired } })
    }

    @Test("without the network, an imported certificate is unknown: refused under require, warned under prefer")
    func revocationRefusals() async throws {
        let der = try pki.leaf(san: ["carol@example.com"])
        let source = MemorySource([:], validator: validator)
        for (mode, fit) in [(RevocationMode.require, false), (.prefer, true), (.off, true)] {
            let name = "book-\(mode.rawValue).sqlite"
            let book = try AddressBook(path: folder.appendingPathComponent(name).path)
            try book.add(
                [try ParsedCertificate(der: der)], to: "carol@example.com", origin: .import, detail: "t", at: t0)
            let offline = try caching(source, CachePolicy(mode: .offline), revocation: mode, book: name)
            let resolution = try await first(offline, "carol@example.com", now: t0)
            #expect((resolution.status == .ok) == fit, "\(mode)")
            let unknown = resolution.candidates.flatMap { $0.reasons + $0.warnings }.contains {
                $0.code == .revocationUnknown
            }
            #expect(unknown == (mode != .off), "\(mode)")
        }
    }

    @Test("a stored positive answer is not reused past the nextUpdate of the CRLs its revocation was checked with")
    func bookCappedAtCRLNextUpdate() async throws {
        let der = try pki.leaf(san: ["erin@example.com"])
        let certificate = try ParsedCertificate(der: der)
        // The directory's answer as Choice leaves it after a CRL check: good, CRLs valid for 30 s more.
        var checked = Candidate(
            certificate: certificate, sha256: certificate.sha256,
            source: ValueSource(uri: "ldap://memory", dn: "uid=erin", attribute: "userCertificate;binary", index: 0),
            reasons: [], warnings: [])
        checked.revocation = .good
        checked.revocationDataValidUntil = t0 + 30
        checked.networkChecked = true
        let set = CandidateSet(
            address: "erin@example.com",
            entries: [EntryCandidates(dn: "uid=erin", addresses: ["erin@example.com"], candidates: [checked])])
        let resolution = try await Choice(checker: nil, revocation: .prefer, intermediates: [], memo: VerdictMemo())
            .make(set, at: t0).resolution
        #expect(resolution.status == .ok)
        #expect(resolution.chosen?.revocationDataValidUntil == t0 + 30)

        let stage = BookStage(
            resolver: resolver(.prefer), book: try AddressBook(path: folder.appendingPathComponent("cap.sqlite").path),
            policy: CachePolicy(positiveTTL: 100, negativeTTL: 10))
        try stage.record([resolution], uri: "ldap://memory", at: t0)
        let stored = try #require(try stage.cachedAnswers(["erin@example.com"]).first ?? nil)
        #expect(stored.revocationDataValidUntil == t0 + 30)
        // Within the TTL (100 s) and before the CRLs' nextUpdate: replayed, with the cap kept.
        let replayed = stage.fresh(stored, address: "erin@example.com", at: t0 + 29, now: t0 + 29)
        #expect(replayed?.entries.first?.candidates.first?.revocationDataValidUntil == t0 + 30)
        // Still within the TTL, but past the nextUpdate: not fresh, so the directory is asked.
        #expect(stage.fresh(stored, address: "erin@example.com", at: t0 + 30, now: t0 + 30) == nil)
        #expect(stage.fresh(stored, address: "erin@example.com", at: t0 + 60, now: t0 + 60) == nil)
        // Without a cap, only the TTL counts (an answer checked without CRLs).
        var uncapped = resolution
        uncapped.candidates = uncapped.candidates.map {
            var candidate = $0
            candidate.revocationDataValidUntil = nil
            return candidate
        }
        try stage.record([uncapped], uri: "ldap://memory", at: t0)
        let plain = try #require(try stage.cachedAnswers(["erin@example.com"]).first ?? nil)
        #expect(stage.fresh(plain, address: "erin@example.com", at: t0 + 60, now: t0 + 60) != nil)
        #expect(stage.fresh(plain, address: "erin@example.com", at: t0 + 100, now: t0 + 100) == nil)
    }

    @Test("held certificates are read only when no entry gives a certificate")
    func heldReadLazily() async throws {
        let directory = try ParsedCertificate(der: try pki.leaf(san: ["fay@example.com"]))
        let imported = try ParsedCertificate(der: try pki.leaf(san: ["fay@example.com"]))
        let reads = Locked(0)
        var choice = Choice(checker: nil, revocation: .off, intermediates: [], memo: VerdictMemo())
        choice.heldCertificates = { _, _ in
            reads.withLockedValue { $0 += 1 }
            return [
                Candidate(
                    certificate: imported, sha256: imported.sha256,
                    source: ValueSource(uri: "addressbook:", dn: "import", attribute: "import", index: 0),
                    reasons: [], warnings: [])
            ]
        }
        let fit = Candidate(
            certificate: directory, sha256: directory.sha256,
            source: ValueSource(uri: "ldap://memory", dn: "uid=fay", attribute: "userCertificate;binary", index: 0),
            reasons: [], warnings: [])
        let answered = CandidateSet(
            address: "fay@example.com",
            entries: [EntryCandidates(dn: "uid=fay", addresses: ["fay@example.com"], candidates: [fit])])
        let fromDirectory = try await choice.make(answered, at: t0).resolution
        #expect(fromDirectory.chosen?.sha256 == directory.sha256)
        #expect(reads.withLockedValue { $0 } == 0)
        let notFound = try await choice.make(CandidateSet(address: "fay@example.com"), at: t0).resolution
        #expect(notFound.status == .ok)
        #expect(notFound.chosen?.sha256 == imported.sha256)
        #expect(reads.withLockedValue { $0 } == 1)
    }

    @Test("known verdicts win: a held copy of a certificate revoked in the directory's answer is revoked")
    func knownVerdictsWin() async throws {
        let der = try pki.leaf(san: ["dave@example.com"])
        let certificate = try ParsedCertificate(der: der)
        var revoked = Candidate(
            certificate: certificate, sha256: certificate.sha256,
            source: ValueSource(uri: "ldap://memory", dn: "uid=dave", attribute: "userCertificate;binary", index: 0),
            reasons: [Finding(.revoked, "revoked by the CRL")], warnings: [])
        revoked.revocation = .revoked
        revoked.networkChecked = true
        var set = CandidateSet(
            address: "dave@example.com",
            entries: [EntryCandidates(dn: "uid=dave", addresses: ["dave@example.com"], candidates: [revoked])])
        set.held = [
            Candidate(
                certificate: certificate, sha256: certificate.sha256,
                source: ValueSource(uri: "addressbook:", dn: "import", attribute: "import", index: 0), reasons: [],
                warnings: [])
        ]
        for mode in [RevocationMode.prefer, .require] {
            let outcome = try await Choice(checker: nil, revocation: mode, intermediates: [], memo: VerdictMemo())
                .make(set, at: t0)
            #expect(outcome.resolution.status == .noUsableCertificate, "\(mode)")
            #expect(outcome.resolution.chosen == nil)
            #expect(outcome.resolution.candidates.allSatisfy { $0.revocation == .revoked })
        }
        // The memo carries a verdict across addresses within one run.
        let memo = VerdictMemo()
        await memo.store(NetworkVerdict(revoked), for: certificate.sha256)
        var other = CandidateSet(address: "dave.alias@example.com")
        other.held = set.held
        let outcome = try await Choice(checker: nil, revocation: .prefer, intermediates: [], memo: memo).make(
            other, at: t0)
        #expect(outcome.resolution.status == .notFound)
        #expect(outcome.resolution.candidates.first?.reasons.contains { $0.code == .revoked } == true)
    }

    @Test("ambiguity: two entries with fit certificates are ambiguous; a held certificate does not break the tie")
    func ambiguity() async throws {
        let source = MemorySource(
            [
                "twin@example.com": [
                    entry("uid=a", mail: "twin@example.com", certificates: [try pki.leaf(san: ["twin@example.com"])]),
                    entry("uid=b", mail: "twin@example.com", certificates: [try pki.leaf(san: ["twin@example.com"])]),
                ]
            ], validator: validator)
        let name = "book-twin.sqlite"
        let book = try AddressBook(path: folder.appendingPathComponent(name).path)
        try book.add(
            [try ParsedCertificate(der: pki.leaf(san: ["twin@example.com"]))], to: "twin@example.com", origin: .import,
            detail: "t", at: t0)
        let resolution = try await first(try caching(source, book: name), "twin@example.com", now: t0)
        #expect(resolution.status == .ambiguous)
        #expect(resolution.chosen == nil)
    }
}

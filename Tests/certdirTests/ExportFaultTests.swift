import CertDirectoryTestSupport
import Foundation
import Testing

/// `certdir export` when the target is not what it expects: an existing
/// folder (refused, or merged into), a full disk, a signal mid-way, the umask.
/// Nothing the user had is lost and nothing half-written is left behind.
@Suite("certdir export faults", .enabled(if: TestDirectory.isAvailable, "\(TestDirectory.unavailableReason)"))
struct ExportFaultTests {
    let directory: TestDirectory
    let sample: SampleManifest
    let folder: URL

    init() throws {
        directory = try TestDirectory.require()
        sample = try directory.sample()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certdir-exportfault-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    var exportArguments: [String] {
        [
            "export", "--uri", directory.ldapURI, "--base", directory.base, "--trust-anchor",
            sample.path(sample.trustAnchor), "--intermediates", sample.path(sample.intermediate), "--quiet",
        ]
    }

    func export(_ extra: [String]) throws -> CertDirProcess.Outcome {
        try CertDirProcess.run(exportArguments + extra)
    }

    /// `certdir export …` as one shell word list, for scripts.
    var exportCommand: String {
        ([CertDirProcess.executable.path] + exportArguments).map { "'\($0)'" }.joined(separator: " ")
    }

    func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    func entries(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    /// A folder a user already has: a database, a subfolder, mode 0750.
    func occupiedFolder() throws -> URL {
        let target = folder.appendingPathComponent("certs")
        try FileManager.default.createDirectory(
            at: target.appendingPathComponent("keep/inner"), withIntermediateDirectories: true)
        try Data("precious".utf8).write(to: target.appendingPathComponent("data.db"))
        try FileManager.default.setAttributes([.posixPermissions: 0o750], ofItemAtPath: target.path)
        return target
    }

    /// The file names an export of the sample people writes into a new folder.
    func freshExport(_ format: String) throws -> [String] {
        let fresh = folder.appendingPathComponent("fresh-\(UUID().uuidString)")
        let outcome = try export(["--filter", "(!(uid=bulk*))", "--format", format, "--out", fresh.path])
        try #require(outcome.status == 0, "\(outcome.stderr)")
        defer { try? FileManager.default.removeItem(at: fresh) }
        let names = entries(fresh.path)
        try #require(names.count > 20)
        return names
    }

    @Test(
        "der-dir into a folder that is not empty exits 74 and touches nothing in it", arguments: ["der-dir", "pem-dir"])
    func refusesOccupiedFolder(format: String) throws {
        let target = try occupiedFolder()
        let outcome = try export(["--filter", "(!(uid=bulk*))", "--format", format, "--out", target.path])
        #expect(outcome.status == 74, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("not empty"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("--merge"), "\(outcome.stderr)")
        #expect(entries(target.path) == ["data.db", "keep"])
        #expect(try String(contentsOf: target.appendingPathComponent("data.db"), encoding: .utf8) == "precious")
        #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent("keep/inner").path))
        #expect(try mode(target.path) == 0o750)
        #expect(entries(folder.path) == ["certs"], "no staging folder is left beside it")
    }

    @Test("--merge adds and replaces only <sha256> files and keeps the folder's other files and mode")
    func mergesIntoOccupiedFolder() throws {
        let target = try occupiedFolder()
        let usable = try #require(sample.certificates.first { $0.reasons.isEmpty })
        // A stale copy of one certificate's file, which the export replaces.
        let stale = target.appendingPathComponent("\(usable.sha256).pem")
        try Data("old".utf8).write(to: stale)
        let outcome = try export([
            "--filter", "(!(uid=bulk*))", "--format", "pem-dir", "--merge", "--out", target.path,
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let names = entries(target.path)
        #expect(names.contains("data.db") && names.contains("keep"))
        #expect(try String(contentsOf: target.appendingPathComponent("data.db"), encoding: .utf8) == "precious")
        #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent("keep/inner").path))
        let written = names.filter { $0.hasSuffix(".pem") }
        #expect(Set(written) == Set(try freshExport("pem-dir")))
        #expect(try String(contentsOf: stale, encoding: .utf8).hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(!names.contains { $0.hasPrefix(".") }, "no staging folder is left inside: \(names)")
        #expect(try mode(target.path) == 0o750)
    }

    @Test("an existing empty folder is filled in place and keeps its mode")
    func fillsEmptyFolder() throws {
        let target = folder.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        try FileManager.default.setAttributes([.posixPermissions: 0o710], ofItemAtPath: target.path)
        let outcome = try export(["--filter", "(!(uid=bulk*))", "--format", "der-dir", "--out", target.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(entries(target.path) == (try freshExport("der-dir")))
        #expect(try mode(target.path) == 0o710)
    }

    @Test("exported certificates follow the umask, bundles and folders alike")
    func modesFollowUmask() throws {
        let bundle = folder.appendingPathComponent("all.pem").path
        let files = folder.appendingPathComponent("files").path
        let outcome = try CertDirProcess.run(
            [
                "-c",
                """
                umask 027
                \(exportCommand) --filter '(!(uid=bulk*))' --format pem --out '\(bundle)' || exit 1
                \(exportCommand) --filter '(!(uid=bulk*))' --format pem-dir --out '\(files)'
                """,
            ], shell: true)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try mode(bundle) == 0o640)
        #expect(try mode(files) == 0o750)
        let first = try #require(entries(files).first)
        #expect(try mode(files + "/" + first) == 0o640)
    }

    @Test("a full device is an output error: exit 74, not 75")
    func fullDevice() throws {
        let outcome = try export(["--filter", "(!(uid=bulk*))", "--format", "pem", "--out", "/dev/full"])
        #expect(outcome.status == 74, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("No space left on device"), "\(outcome.stderr)")
    }

    @Test(
        "a full file system (a 256 KiB tmpfs in a private mount namespace): exit 74, nothing at the target",
        arguments: ["pem", "pem-dir"])
    func fullFileSystem(format: String) throws {
        let mount = folder.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: mount, withIntermediateDirectories: false)
        // unshare -m: the tmpfs exists only for this shell and its children.
        let outcome = try CertDirProcess.run(
            [
                "-c",
                """
                unshare -m sh -c '
                  mount -t tmpfs -o size=256k certdir-test '\(mount.path)' || exit 99
                  \(exportCommand.replacingOccurrences(of: "'", with: "")) --format \(format) --out \(mount.path)/out
                  status=$?
                  ls -A \(mount.path)
                  exit $status'
                """,
            ], shell: true)
        try #require(outcome.status != 99, "cannot mount a tmpfs here: \(outcome.stderr)")
        #expect(outcome.status == 74, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("No space left on device"), "\(outcome.stderr)")
        #expect(outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "left: \(outcome.stdout)")
    }

    @Test("SIGTERM and SIGINT mid-export remove the staging file or folder", arguments: ["TERM", "INT"])
    func signalRemovesStaging(signal: String) throws {
        let files = folder.appendingPathComponent("files").path
        let bundle = folder.appendingPathComponent("all.pem").path
        // Waits (at most 20 s) until the staging folder holds files, i.e. the export is under way.
        let outcome = try CertDirProcess.run(
            [
                "-c",
                """
                run() {
                  \(exportCommand) --page-size 20 "$@" & pid=$!
                  i=0
                  until [ -n "$(find '\(folder.path)' -mindepth 2 -name '*.pem' 2>/dev/null | head -1)" ] \
                    || [ -n "$(find '\(folder.path)' -maxdepth 1 -name '.all.pem.*' -size +1k 2>/dev/null)" ]; do
                    i=$((i+1)); [ $i -gt 400 ] && break; sleep 0.05
                  done
                  kill -\(signal) $pid; wait $pid; echo "status $?"
                }
                run --format pem-dir --out '\(files)'
                run --format pem --out '\(bundle)'
                ls -A '\(folder.path)'
                """,
            ], shell: true)
        let killed = signal == "TERM" ? 143 : 130
        #expect(outcome.stdout.components(separatedBy: "status \(killed)").count == 3, "\(outcome.stdout)")
        #expect(entries(folder.path).isEmpty, "left behind: \(entries(folder.path))")
    }
}

import Foundation

/// The test directory that `scripts/sample-directory start DIR` (or the test
/// runner `scripts/test`) started: its endpoints, credentials and sample
/// manifest, read from `DIR/certdir-test.json`.
///
/// Found through `CERTDIR_TEST_DIRECTORY` (a folder or the JSON file). When it
/// is not set, integration tests are skipped and say why; under `CI=true` a
/// missing directory is a failure, never a silent pass (see ``requireUnderCI()``).
public struct TestDirectory: Decodable, Sendable {
    public struct BadTLS: Decodable, Sendable {
        public let untrusted: String
        public let expired: String
        public let wrongHost: String
    }

    public let ldapURI: String
    public let ldapsURI: String
    public let gcURI: String
    public let tlsCAFile: String
    public let base: String
    public let peopleBase: String
    public let readerDN: String
    public let readerPasswordFile: String
    public let badTLS: BadTLS
    public let manifest: String?
    public let sampleDir: String?
    public let slapdLog: String

    /// The directory from the environment, or `nil` when none is configured or it cannot be read.
    public static let current: TestDirectory? = {
        guard var path = ProcessInfo.processInfo.environment["CERTDIR_TEST_DIRECTORY"], !path.isEmpty else {
            return nil
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            path += "/certdir-test.json"
        }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(TestDirectory.self, from: data)
    }()

    /// Why integration tests cannot run, for a Swift Testing `.enabled(if:)` comment.
    public static let unavailableReason =
        "no test directory: set CERTDIR_TEST_DIRECTORY (scripts/test does), e.g. after scripts/sample-directory start DIR"

    /// True when integration tests should run. Under `CI=true` it is always
    /// true, so that a missing directory fails the run instead of skipping.
    public static var isAvailable: Bool {
        current != nil || ProcessInfo.processInfo.environment["CI"] == "true"
    }

    /// The directory, or a thrown error saying why it is missing (fails the test under CI).
    public static func require() throws -> TestDirectory {
        guard let current else { throw TestDirectoryMissing(description: unavailableReason) }
        return current
    }

    public var readerPassword: String {
        (try? String(contentsOfFile: readerPasswordFile, encoding: .utf8))?.trimmingCharacters(in: .newlines) ?? ""
    }

    public func sample() throws -> SampleManifest {
        guard let manifest, let data = FileManager.default.contents(atPath: manifest) else {
            throw TestDirectoryMissing(description: "the test directory has no sample manifest")
        }
        var decoded = try JSONDecoder().decode(SampleManifest.self, from: data)
        decoded.folder = URL(fileURLWithPath: manifest).deletingLastPathComponent().path
        return decoded
    }
}

public struct TestDirectoryMissing: Error, CustomStringConvertible {
    public let description: String
}

/// `manifest.json` from `scripts/gen-sample.py`: what the generator meant to
/// build, written without running certdir.
public struct SampleManifest: Decodable, Sendable {
    public struct Person: Decodable, Sendable {
        public let address: String
        public let query: String
        public let status: String
        public let sha256: String?
        public let note: String?
    }

    public struct CertificateRecord: Decodable, Sendable {
        public let sha256: String
        public let dn: String
        public let attribute: String
        public let address: String
        public let reasons: [String]
        public let ca: Bool
        public let key: String?
    }

    public let trustAnchor: String
    public let intermediate: String
    public let untrustedRoot: String
    public let people: [Person]
    public let certificates: [CertificateRecord]
    /// The bulk people (`--bulk N`): one fit certificate each.
    public let bulk: Bulk?
    /// The folder the manifest's relative paths start from.
    public var folder = ""

    enum CodingKeys: String, CodingKey {
        case trustAnchor, intermediate, untrustedRoot, people, certificates, bulk
    }

    public struct Bulk: Decodable, Sendable {
        public let count: Int
    }

    /// How many bulk people the directory holds (0 without `--bulk`).
    public var bulkCount: Int { bulk?.count ?? 0 }

    public func path(_ relative: String) -> String { folder + "/" + relative }
}

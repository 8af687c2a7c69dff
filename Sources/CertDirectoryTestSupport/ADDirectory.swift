public import Foundation

/// The Samba Active Directory domain controller that `scripts/samba-directory start DIR` (or the
/// test runner `scripts/test`) started: its endpoints, seeded users and credentials, read from
/// `DIR/certdir-ad.json`.
///
/// Found through `CERTDIR_TEST_AD` (a folder or the JSON file). Samba's ports are fixed, so the DC
/// runs in its own network namespace (``netns``) and ``certdir(_:environment:stdin:)`` runs the
/// binary through `ip netns exec`. When `CERTDIR_TEST_AD` is not set, the AD tests are skipped and
/// say why; under `CI=true` a missing domain controller fails the run (see ``require()``).
public struct ADDirectory: Decodable, Sendable {
    public struct User: Decodable, Sendable {
        public let dn: String
        public let address: String?
        /// SHA-256 (lowercase hex) of the certificate `resolve` must choose.
        public let sha256: String?
        public let sam: String?
        public let upn: String?
        public let alias: String?
        public let sip: String?
        public let signing: String?
        public let expired: String?
        public let passwordFile: String?

        public var password: String {
            passwordFile.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? ""
        }
    }

    public struct Bulk: Decodable, Sendable {
        public let count: Int
        public let sha256: [String]
        /// The address of a group holding every bulk user (more than AD's MaxValRange).
        public let group: String?
    }

    /// The network namespace the DC listens in; empty when it runs in the host's.
    public let netns: String
    public let realm: String
    public let domain: String
    public let base: String
    /// The DC's host name (resolves to 127.0.0.1 inside the namespace), for Kerberos.
    public let host: String
    public let ldapURI: String
    public let ldapsURI: String
    public let gcURI: String
    public let gcsURI: String
    public let tlsCAFile: String
    public let readerDN: String
    public let readerUPN: String
    public let readerPasswordFile: String
    public let trustAnchor: String
    public let intermediate: String
    public let users: [String: User]
    public let bulk: Bulk
    public let krb5Config: String
    public let log: String

    /// The domain controller from the environment, or `nil` when none is configured or it cannot be read.
    public static let current: ADDirectory? = {
        guard var path = ProcessInfo.processInfo.environment["CERTDIR_TEST_AD"], !path.isEmpty else { return nil }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            path += "/certdir-ad.json"
        }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(ADDirectory.self, from: data)
    }()

    /// Why the AD tests cannot run, for a Swift Testing `.enabled(if:)` comment.
    public static let unavailableReason =
        "no Active Directory test DC: set CERTDIR_TEST_AD (scripts/test does), "
        + "e.g. after sudo scripts/samba-directory start DIR"

    /// True when the AD tests should run. Under `CI=true`, or when the runner said the DC is
    /// required (`CERTDIR_TEST_AD_REQUIRED=1`, set by `scripts/test`), it is always true, so that a
    /// missing or unreadable DC fails the run instead of skipping it.
    public static var isAvailable: Bool {
        let environment = ProcessInfo.processInfo.environment
        return current != nil || environment["CI"] == "true" || environment["CERTDIR_TEST_AD_REQUIRED"] == "1"
    }

    /// The domain controller, or a thrown error saying why it is missing (fails the test).
    public static func require() throws -> ADDirectory {
        guard let current else {
            let configured = ProcessInfo.processInfo.environment["CERTDIR_TEST_AD"] ?? ""
            throw TestDirectoryMissing(
                description: configured.isEmpty
                    ? unavailableReason : "CERTDIR_TEST_AD=\(configured) has no readable certdir-ad.json")
        }
        return current
    }

    public func user(_ key: String) throws -> User {
        guard let user = users[key] else {
            throw TestDirectoryMissing(description: "the AD sample has no user \(key)")
        }
        return user
    }

    /// `ip netns exec NETNS` (or nothing when the DC runs in the host's namespace).
    public var launcher: [String] { netns.isEmpty ? [] : ["/usr/sbin/ip", "netns", "exec", netns] }

    /// Runs `certdir arguments…` inside the DC's network namespace, as ``CertDirProcess/run(_:environment:stdin:shell:)`` does.
    public func certdir(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws
        -> CertDirProcess.Outcome
    {
        try CertDirProcess.run(arguments, environment: environment, stdin: stdin, launcher: launcher)
    }

    /// Runs a tool (`ldapsearch`, `kinit`…) inside the DC's network namespace.
    public func tool(_ name: String, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil)
        throws -> CertDirProcess.Outcome
    {
        let path =
            ["/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/"].map { $0 + name }.first {
                FileManager.default.isExecutableFile(atPath: $0)
            } ?? name
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value.isEmpty ? nil : value }
        let command = launcher + [path] + arguments
        let result = try ProcessRunner.run(
            URL(fileURLWithPath: command[0]), Array(command.dropFirst()), environment: env,
            stdin: stdin.map { Data($0.utf8) })
        return CertDirProcess.Outcome(
            status: result.status, stdout: String(decoding: result.stdout, as: UTF8.self),
            stderr: String(decoding: result.stderr, as: UTF8.self))
    }
}

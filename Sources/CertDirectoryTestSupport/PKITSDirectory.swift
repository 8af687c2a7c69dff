public import Foundation

/// The PKITS directory that `scripts/pkits-directory` started, read from
/// `$CERTDIR_PKITS_DIRECTORY/pkits.json` (`scripts/test` sets it).
public struct PKITSDirectory: Decodable, Sendable {
    /// `ldap://127.0.0.1:PORT`.
    public let uri: String
    /// `o=Test Certificates 2011,c=US`.
    public let base: String
    /// The private copy of `x509/PKITS_data` (holds `smime/` and `certs/`).
    public let data: String
    public let slapdLog: String

    public static let current: PKITSDirectory? = {
        guard let path = ProcessInfo.processInfo.environment["CERTDIR_PKITS_DIRECTORY"], !path.isEmpty,
            let json = FileManager.default.contents(atPath: path + "/pkits.json")
        else { return nil }
        return try? JSONDecoder().decode(PKITSDirectory.self, from: json)
    }()

    public static let unavailableReason =
        "no PKITS directory: set CERTDIR_PKITS_DIRECTORY (scripts/test does), after scripts/pkits-directory start DIR"

    /// True when the PKITS tests should run; always under `CI=true`, so that a missing directory fails.
    public static var isAvailable: Bool {
        current != nil || ProcessInfo.processInfo.environment["CI"] == "true"
    }

    public static func require() throws -> PKITSDirectory {
        guard let current else { throw TestDirectoryMissing(description: unavailableReason) }
        return current
    }
}

import CertDirectoryTestSupport
import Foundation

@testable import CertDirectory

/// Shared set-up for tests against the real slapd.
enum Fixture {
    static func directory() throws -> TestDirectory { try TestDirectory.require() }

    static func validator(_ sample: SampleManifest) throws -> (CertificateValidator, [ParsedCertificate]) {
        let anchors = try CertificateFile.load(path: sample.path(sample.trustAnchor))
        let intermediates = try CertificateFile.load(path: sample.path(sample.intermediate))
        return (CertificateValidator(trustAnchors: anchors.map(\.der)), intermediates)
    }

    static func configuration(
        _ uri: String, _ directory: TestDirectory, startTLS: Bool = false,
        bind: LDAPConfiguration.BindMethod = .anonymous,
        caFile: String? = nil
    ) -> LDAPConfiguration {
        LDAPConfiguration(
            uri: uri, bind: bind, tls: .init(startTLS: startTLS, caFile: caFile ?? directory.tlsCAFile),
            timeouts: .init(network: .seconds(5), operation: .seconds(10)))
    }

    static func resolver(
        _ uris: [String], base: String? = nil, startTLS: Bool = false, globalCatalog: Bool = false
    ) throws -> (Resolver, SampleManifest) {
        let directory = try directory()
        let sample = try directory.sample()
        let (validator, intermediates) = try validator(sample)
        let settings = DirectorySettings(
            servers: uris.map { configuration($0, directory, startTLS: startTLS) }, base: base ?? directory.base,
            globalCatalog: globalCatalog)
        // The sample PKI publishes CRLs and runs an OCSP responder: revoked@example.com is refused.
        return (
            Resolver(directory: settings, validator: validator, intermediates: intermediates, revocation: .prefer),
            sample
        )
    }
}

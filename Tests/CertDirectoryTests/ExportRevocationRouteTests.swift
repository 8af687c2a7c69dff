import CertDirectoryTestSupport
import Foundation
import Testing

@testable import CertDirectory

/// Export's signature-only route with revocation (a serial-number lookup in the
/// issuer's CRL that OpenSSL verified) against `resolve`'s full path
/// (`X509_verify_cert` with CRL checking), on the sample directory's real slapd
/// and the CRLs it publishes: every verdict equal, the revoked leaf included.
@Suite(
    "Export: the signature-only route with CRLs agrees with OpenSSL's full path",
    .enabled(if: TestDirectory.isAvailable, "\(TestDirectory.unavailableReason)"))
struct ExportRevocationRouteTests {
    /// Collects what an export writes.
    final class Collector: ExportSink, @unchecked Sendable {
        var records: [ExportRecord] = []
        func record(_ record: ExportRecord) throws { records.append(record) }
        func finish() throws {}
        func discard() {}
    }

    @Test("every sample certificate: the export's verdict equals the full path's; revoked@ is revoked on both routes")
    func sameVerdicts() async throws {
        let directory = try TestDirectory.require()
        let sample = try directory.sample()
        let anchors = try CertificateFile.load(path: sample.path(sample.trustAnchor))
        let intermediates = try CertificateFile.load(path: sample.path(sample.intermediate))
        var policy = ValidationPolicy()
        policy.revocationSources = .crlOnly
        let validator = CertificateValidator(trustAnchors: anchors.map(\.der), policy: policy)
        let settings = DirectorySettings(servers: [LDAPConfiguration(uri: directory.ldapURI)], base: directory.base)
        let time = Date()
        let sink = Collector()
        let exporter = DirectoryExporter(directory: settings, validator: validator, intermediates: intermediates)
        _ = try await exporter.run(
            ExportOptions(filter: LDAPFilter(rawValue: "(!(uid=bulk*))"), time: time, revocation: .prefer), into: sink)

        // Every entry's mail values, the primary first (export judges against all of them).
        let mailValues = try await DirectoryConnector.withConnection(settings, logger: exporter.logger) {
            connection, _ in
            let found = try await connection.search(
                SearchRequest(
                    base: directory.base, filter: LDAPFilter(rawValue: "(&(mail=*)(!(uid=bulk*)))"),
                    attributes: ["mail"]))
            return Dictionary(
                found.entries.map { entry in
                    (entry.dn, entry.values("mail").compactMap { MailAddress(String(decoding: $0, as: UTF8.self)) })
                }, uniquingKeysWith: { first, _ in first })
        }
        let full = CertificateChecker(validator: validator, directory: settings, revocation: .prefer)
        let fast = validator.promotingVerifiedCAs(intermediates, at: time)
        var signatureOnly = 0
        var revokedOnSignatureRoute = 0
        var goodOnSignatureRoute = 0
        for record in sink.records {
            guard let certificate = record.certificate, !certificate.isCA,
                let holder = record.holders.first, let address = holder.mail.flatMap(MailAddress.init)
            else { continue }
            let others = Array((mailValues[holder.dn] ?? []).dropFirst())
            let expected = await full.check(
                certificate, purpose: .encrypt, address: AddressExpectation(address: address, otherMail: others),
                intermediates: intermediates, at: time
            ).result
            let name = "\(address) \(record.sha256.prefix(12))"
            #expect(record.status == (expected.isFit ? .usable : .unusable), "\(name)")
            #expect(Set(record.reasons.map(\.code)) == Set(expected.reasons.map(\.code)), "\(name)")
            #expect(record.reasons.map(\.message).sorted() == expected.reasons.map(\.message).sorted(), "\(name)")
            #expect(record.revocation == expected.revocation, "\(name)")
            #expect(record.revocationSource == expected.revocationSource, "\(name)")
            if let issuer = fast.verifiedIssuer(of: certificate, intermediates: intermediates)?.issuer {
                signatureOnly += 1
                // The lookup in the issuer's verified CRL answers for it (not a fall-back to the full path).
                let lookup = await full.issuerCRLStatus(
                    of: try #require(certificate.x509), issuer: try #require(issuer.certificate.x509),
                    intermediates: intermediates.compactMap(\.x509), at: time)
                // Without a CRL of the issuer for it, the lookup declines and the full path says unknown.
                #expect(lookup?.status ?? .unknown == expected.revocation, "\(name)")
                if lookup?.status == .revoked { revokedOnSignatureRoute += 1 }
                if lookup?.status == .good { goodOnSignatureRoute += 1 }
            }
        }
        await full.close()
        // The comparison covers both outcomes on the signature-only route, not only the full path.
        #expect(signatureOnly > 1)
        #expect(goodOnSignatureRoute >= 1)
        #expect(revokedOnSignatureRoute >= 1)
        let revoked = Set(sample.certificates.filter { $0.reasons.contains("revoked") }.map(\.sha256))
        #expect(!revoked.isEmpty)
        #expect(sink.records.filter { revoked.contains($0.sha256) }.allSatisfy { $0.revocation == .revoked })
    }
}

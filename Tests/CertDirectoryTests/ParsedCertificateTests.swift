import CertDirectoryTestSupport
import Testing
import X509

@testable import CertDirectory

/// The public face of ``ParsedCertificate`` never carries the stand-in key
/// that lets swift-certificates read names and extensions of a certificate
/// whose key it cannot model.
@Suite("ParsedCertificate: no stand-in key in the public face")
struct ParsedCertificateTests {
    @Test("an RSA-1024 certificate: no swift-certificates model exposed; key facts from OpenSSL; names still read")
    func standInHidden() throws {
        let pki = try TestPKI()
        let weak = try ParsedCertificate(der: pki.leaf(key: .rsa(bits: 1024), san: ["weak@example.com"]))
        #expect(weak.certificate == nil)
        #expect(weak.hasStandIn)
        #expect(weak.key.algorithm == "rsa" && weak.key.bits == 1024)
        #expect(weak.rfc822Names == ["weak@example.com"])
        let strong = try ParsedCertificate(der: pki.leaf(san: ["strong@example.com"]))
        #expect(strong.certificate != nil)
        #expect(!strong.hasStandIn)
        #expect(strong.certificate?.publicKey == strong.view.publicKey)
    }
}

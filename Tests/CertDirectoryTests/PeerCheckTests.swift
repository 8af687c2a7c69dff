import CertDirectoryTestSupport
import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

@testable import CertDirectory

/// `TrustStore.verifyPeer`, the check behind `scripts/limbo`: the path of
/// certdir's trust store with a peer name, role, depth limit and strict mode.
@Suite("Peer check for the x509-limbo harness")
struct PeerCheckTests {
    let time = TestPKI.referenceTime
    let rootKey = P256.Signing.PrivateKey()
    let rootName = try! DistinguishedName { CommonName("peer-check root") }

    func root(subjectKeyID: Bool = true) throws -> ParsedCertificate {
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(rootKey.publicKey),
            notValidBefore: time - 86_400, notValidAfter: time + 86_400 * 365, issuer: rootName, subject: rootName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                if subjectKeyID {
                    SubjectKeyIdentifier(hash: .init(rootKey.publicKey))
                }
            },
            issuerPrivateKey: .init(rootKey))
        return try ParsedCertificate(der: TestPKI.der(certificate))
    }

    func server(_ names: [GeneralName], eku: ExtendedKeyUsage.Usage = .serverAuth, keyID: Bool = true) throws
        -> X509Ref
    {
        let key = P256.Signing.PrivateKey()
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey), notValidBefore: time - 86_400,
            notValidAfter: time + 86_400 * 30, issuer: rootName, subject: try DistinguishedName { CommonName("srv") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                try ExtendedKeyUsage([eku])
                SubjectAlternativeNames(names)
                if keyID {
                    AuthorityKeyIdentifier(
                        keyIdentifier: SubjectKeyIdentifier(hash: .init(rootKey.publicKey)).keyIdentifier)
                }
            },
            issuerPrivateKey: .init(rootKey))
        return try #require(X509Ref(der: TestPKI.der(certificate)))
    }

    func verdict(_ leaf: X509Ref, _ peer: PeerExpectation, anchor: ParsedCertificate? = nil) throws -> ChainVerdict {
        let store = TrustStore(anchors: [try (anchor ?? root()).der])
        return store.verifyPeer(leaf: leaf, intermediates: [], crls: [], at: time, expecting: peer)
    }

    @Test("a DNS name in the SAN passes the host check; another name fails it")
    func hostName() throws {
        let leaf = try server([.dnsName("mail.example.com")])
        #expect(
            try verdict(leaf, PeerExpectation(name: .dns("mail.example.com"), role: .server)) == .trusted(length: 2))
        guard case .untrusted(let reason, _) = try verdict(leaf, PeerExpectation(name: .dns("www.example.com"))) else {
            Issue.record("another host name was accepted")
            return
        }
        #expect(reason.hasPrefix("hostname mismatch"))
    }

    @Test("an IP address is matched against the SAN iPAddress")
    func ipAddress() throws {
        let leaf = try server([.ipAddress(ASN1OctetString(contentBytes: [192, 0, 2, 7]))])
        #expect(try verdict(leaf, PeerExpectation(name: .ip("192.0.2.7"))) == .trusted(length: 2))
        #expect(try verdict(leaf, PeerExpectation(name: .ip("192.0.2.8"))) != .trusted(length: 2))
    }

    @Test("the role is OpenSSL's purpose: a clientAuth-only certificate is no server")
    func role() throws {
        let leaf = try server([.dnsName("a.example.com")], eku: .clientAuth)
        #expect(try verdict(leaf, PeerExpectation(role: .client)) == .trusted(length: 2))
        #expect(try verdict(leaf, PeerExpectation(role: .server)) != .trusted(length: 2))
    }

    @Test("strict mode refuses a leaf without authorityKeyIdentifier; certdir's own flags accept it")
    func strict() throws {
        let leaf = try server([.dnsName("a.example.com")], keyID: false)
        #expect(try verdict(leaf, PeerExpectation(role: .server)) == .trusted(length: 2))
        #expect(try verdict(leaf, PeerExpectation(role: .server, strict: true)) != .trusted(length: 2))
    }
}

import CertDirectoryTestSupport
import Foundation
import SwiftASN1
import Testing
import X509

@testable import CertDirectory

/// The pieces of path discovery and signed-message reading that need no network.
@Suite("Verification: CertificatePair, key preference, CRL distribution URLs")
struct VerificationTests {
    let pki: TestPKI

    init() throws { pki = try TestPKI() }

    /// DER of `[tag] EXPLICIT` around `body` (X.690 §8.14), for short and long lengths.
    func tagged(_ tag: UInt8, _ body: [UInt8]) -> [UInt8] { [tag] + length(body.count) + body }

    func length(_ count: Int) -> [UInt8] {
        if count < 0x80 { return [UInt8(count)] }
        var bytes: [UInt8] = []
        var remaining = count
        while remaining > 0 {
            bytes.insert(UInt8(remaining & 0xff), at: 0)
            remaining >>= 8
        }
        return [0x80 | UInt8(bytes.count)] + bytes
    }

    @Test("a crossCertificatePair gives both its forward and reverse certificates (RFC 4523 §2.3)")
    func certificatePair() throws {
        let forward = try pki.leaf(isCA: true)
        let reverse = pki.rootDER
        let pair = tagged(0x30, tagged(0xa0, forward) + tagged(0xa1, reverse))
        #expect(PKIFetcher.certificatePair(pair) == [forward, reverse])
        let onlyReverse = tagged(0x30, tagged(0xa1, reverse))
        #expect(PKIFetcher.certificatePair(onlyReverse) == [reverse])
        #expect(PKIFetcher.certificatePair([0x30, 0x03, 0x02, 0x01, 0x00]).isEmpty)
    }

    @Test("SMIMEEncryptionKeyPreference names a certificate by issuer and serial number (RFC 8551 §2.5.3)")
    func keyPreference() throws {
        let mine = try ParsedCertificate(der: pki.leaf())
        let other = try ParsedCertificate(der: pki.leaf())
        var serializer = DER.Serializer()
        try serializer.serialize(mine.view.issuer)
        // A positive INTEGER (X.690 §8.3): a leading zero byte when the high bit is set.
        var serial = Array(mine.view.serialNumber.bytes.drop { $0 == 0 })
        if (serial.first ?? 0x80) >= 0x80 { serial.insert(0, at: 0) }
        let integer = [0x02] + length(serial.count) + serial
        let preference = tagged(0xa0, serializer.serializedBytes + integer)
        #expect(SignedMessage.preference(preference, names: mine))
        #expect(!SignedMessage.preference(preference, names: other))
        // [2] subjectAltKeyIdentifier with bytes no certificate has.
        #expect(!SignedMessage.preference([0x82, 0x02, 0xde, 0xad], names: mine))
    }

    @Test("an LDAP URL's attribute part is kept; no host means the configured directory (RFC 4516)")
    func ldapURLAttributes() throws {
        let url = try #require(LDAPURL("ldap:///cn=CA1,o=Example?certificateRevocationList;binary"))
        #expect(url.host == nil)
        #expect(url.baseDN == "cn=CA1,o=Example")
        #expect(url.attributes == ["certificateRevocationList;binary"])
        #expect(LDAPURL("ldap://h.example/o=x")?.attributes == [])
    }

    @Test("a message that is not S/MIME signed-data is refused with a reason")
    func notSigned() throws {
        #expect(throws: SignedMessageError.self) {
            try SignedMessage(parsing: Array("From: a@example.com\r\n\r\nhello\r\n".utf8))
        }
    }
}

import CertDirectoryTestSupport
import Foundation
import Testing
import X509

@testable import CertDirectory

@Suite("Certificate checks, one rule at a time, at a fixed time")
struct CertificateValidatorTests {
    let pki: TestPKI
    let validator: CertificateValidator
    let time = TestPKI.referenceTime
    let alice = AddressExpectation(address: MailAddress("alice@example.com")!)

    init() throws {
        pki = try TestPKI()
        validator = CertificateValidator(trustAnchors: [pki.rootDER])
    }

    func check(
        _ der: [UInt8], purpose: Purpose = .encrypt, address: AddressExpectation? = nil, at: Date? = nil,
        validator: CertificateValidator? = nil
    ) throws -> ValidationResult {
        let certificate = try ParsedCertificate(der: der)
        return (validator ?? self.validator).validate(
            certificate, purpose: purpose, address: address ?? alice, intermediates: [], at: at ?? time)
    }

    func codes(_ result: ValidationResult) -> [ReasonCode] { result.reasons.map(\.code) }

    @Test("an EC P-256 keyAgreement certificate is fit")
    func ecFit() throws {
        let result = try check(pki.leaf())
        #expect(result.isFit)
        #expect(result.pathLength == 2)
    }

    @Test("an RSA-2048 keyEncipherment certificate is fit")
    func rsaFit() throws {
        #expect(try check(pki.leaf(key: .rsa(bits: 2048), keyUsage: KeyUsage(keyEncipherment: true))).isFit)
    }

    @Test("RSA without keyEncipherment is refused for encryption, accepted for signatures")
    func rsaSigningOnly() throws {
        let der = try pki.leaf(key: .rsa(bits: 2048), keyUsage: KeyUsage(digitalSignature: true, nonRepudiation: true))
        #expect(try codes(check(der)) == [.keyUsage])
        #expect(try check(der, purpose: .verify).isFit)
    }

    @Test("keyEncipherment on an EC key is invalid (RFC 5480 §3)")
    func ecKeyEncipherment() throws {
        #expect(try codes(check(pki.leaf(key: .p256, keyUsage: KeyUsage(keyEncipherment: true)))) == [.keyUsage])
    }

    @Test("EC without keyAgreement is refused for encryption")
    func ecSigningOnly() throws {
        #expect(try codes(check(pki.leaf(keyUsage: KeyUsage(digitalSignature: true)))) == [.keyUsage])
    }

    @Test("no keyUsage extension means unrestricted")
    func noKeyUsage() throws {
        #expect(try check(pki.leaf(keyUsage: nil)).isFit)
    }

    @Test("an EKU without emailProtection is refused; anyExtendedKeyUsage is accepted; none is unrestricted")
    func extendedKeyUsage() throws {
        #expect(try codes(check(pki.leaf(eku: [.serverAuth]))) == [.extendedKeyUsage])
        #expect(try check(pki.leaf(eku: [.any])).isFit)
        #expect(try check(pki.leaf(eku: nil)).isFit)
    }

    @Test("validity dates: expired and not yet valid")
    func validity() throws {
        let der = try pki.leaf(notBefore: time - 1000, notAfter: time + 1000)
        #expect(try check(der).isFit)
        #expect(try codes(check(der, at: time + 2000)) == [.expired])
        #expect(try codes(check(der, at: time - 2000)) == [.notYetValid])
    }

    @Test("RSA below the floor is weak; the floor is configurable")
    func weakRSA() throws {
        let der = try pki.leaf(key: .rsa(bits: 1024), keyUsage: KeyUsage(keyEncipherment: true))
        #expect(try codes(check(der)) == [.weakKey])
        let lenient = CertificateValidator(trustAnchors: [pki.rootDER], policy: ValidationPolicy(minimumRSABits: 1024))
        #expect(try check(der, validator: lenient).isFit)
    }

    @Test("for signatures a weak key only warns unless the policy is strict")
    func weakSignerKey() throws {
        let der = try pki.leaf(key: .rsa(bits: 1024), keyUsage: KeyUsage(digitalSignature: true))
        let result = try check(der, purpose: .verify)
        #expect(result.isFit)
        #expect(result.warnings.map(\.code) == [.weakKey])
        let strict = CertificateValidator(
            trustAnchors: [pki.rootDER], policy: ValidationPolicy(strictSignerStrength: true))
        #expect(try codes(check(der, purpose: .verify, validator: strict)) == [.weakKey])
    }

    @Test("P-384 is allowed by default and can be excluded")
    func curves() throws {
        let der = try pki.leaf(key: .p384)
        #expect(try check(der).isFit)
        let p256Only = CertificateValidator(
            trustAnchors: [pki.rootDER], policy: ValidationPolicy(allowedCurves: ["prime256v1"]))
        #expect(try codes(check(der, validator: p256Only)) == [.weakKey])
    }

    @Test("a certificate from another CA is untrusted")
    func untrusted() throws {
        let other = try TestPKI(name: "someone else's CA")
        #expect(try codes(check(other.leaf())) == [.untrusted])
    }

    @Test("an anchor-less validator trusts nothing")
    func noAnchors() throws {
        let none = CertificateValidator(trustAnchors: [])
        #expect(try codes(check(pki.leaf(), validator: none)) == [.untrusted])
    }

    @Test("a tampered certificate is untrusted: the leaf signature is verified")
    func tampered() throws {
        var der = try pki.leaf()
        // Flip one bit inside the signature value at the end of the DER.
        der[der.count - 5] ^= 0x01
        #expect(try codes(check(der)) == [.untrusted])
    }

    @Test("the address must be in subjectAltName rfc822Name")
    func addressMismatch() throws {
        let result = try check(pki.leaf(san: ["bob@example.com"]))
        #expect(codes(result) == [.addressMismatch])
        #expect(result.reasons.first?.message.contains("bob@example.com") == true)
    }

    @Test("the local part compares case-insensitively unless strict")
    func localPartCase() throws {
        let der = try pki.leaf(san: ["Alice@EXAMPLE.com"])
        #expect(try check(der).isFit)
        let strict = CertificateValidator(trustAnchors: [pki.rootDER], policy: ValidationPolicy(strictLocalPart: true))
        #expect(try codes(check(der, validator: strict)) == [.addressMismatch])
    }

    @Test("subject emailAddress counts only without rfc822Name, and then with a warning")
    func legacyEmailAddress() throws {
        let legacy = try check(pki.leaf(san: [], subjectEmail: "alice@example.com"))
        #expect(legacy.isFit)
        #expect(legacy.warnings.map(\.code) == [.legacyEmailAddress])
        let shadowed = try check(pki.leaf(san: ["bob@example.com"], subjectEmail: "alice@example.com"))
        #expect(codes(shadowed) == [.addressMismatch])
    }

    @Test("reached through an alias, a certificate naming the primary address is accepted with a note")
    func alias() throws {
        let expectation = AddressExpectation(
            address: MailAddress("alias@example.com")!, primary: MailAddress("alice@example.com")!)
        let result = try check(pki.leaf(), address: expectation)
        #expect(result.isFit)
        #expect(result.warnings.map(\.code) == [.aliasAddress])
    }

    @Test("a CA certificate is never a recipient")
    func caCertificate() throws {
        #expect(try codes(check(pki.leaf(isCA: true))).contains(.caCertificate))
    }

    @Test("several reasons are all reported")
    func severalReasons() throws {
        let der = try pki.leaf(
            keyUsage: KeyUsage(digitalSignature: true), san: ["bob@example.com"], notAfter: time - 10)
        #expect(Set(try codes(check(der))) == [.addressMismatch, .expired, .keyUsage])
    }
}

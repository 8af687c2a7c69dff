import CertDirectoryTestSupport
import Foundation
import Testing
import X509

@testable import CertDirectory

/// The checks and the modify `certdir publish` plans, on entries built in the test (no directory).
@Suite("Publish: rules and the planned modify")
struct PublishPlanTests {
    let pki: TestPKI
    let validator: CertificateValidator
    let time = TestPKI.referenceTime
    let dn = "uid=alice,ou=people,dc=example,dc=com"

    init() throws {
        pki = try TestPKI()
        validator = CertificateValidator(trustAnchors: [pki.rootDER])
    }

    func certificate(_ der: [UInt8]) throws -> ParsedCertificate { try ParsedCertificate(der: der) }

    func leaf(
        san: [String] = ["alice@example.com"], keyUsage: KeyUsage? = KeyUsage(keyAgreement: true), expired: Bool = false
    )
        throws -> ParsedCertificate
    {
        let notAfter = expired ? time - 86_400 : time + 86_400 * 365
        return try certificate(
            pki.leaf(keyUsage: keyUsage, san: san, notBefore: time - 86_400 * 400, notAfter: notAfter))
    }

    func target(
        mail: String? = "alice@example.com", proxy: [String] = [], userCertificates: [[UInt8]] = [],
        smime: [[UInt8]] = [], stamp: String? = "20260101000000.000000Z#000000#000#000000"
    ) -> PublishTarget {
        var attributes: [LDAPEntry.Attribute] = []
        if let mail { attributes.append(.init(description: "mail", values: [Array(mail.utf8)])) }
        if !proxy.isEmpty {
            attributes.append(.init(description: "proxyAddresses", values: proxy.map { Array($0.utf8) }))
        }
        if !userCertificates.isEmpty {
            attributes.append(.init(description: "userCertificate;binary", values: userCertificates))
        }
        if !smime.isEmpty { attributes.append(.init(description: "userSMIMECertificate", values: smime)) }
        let entry = LDAPEntry(dn: dn, attributes: attributes)
        let values = EntryValues(entry: entry, uri: "ldap://test")
        return PublishTarget(
            entry: entry, server: .openLDAP, addresses: values.mail + values.smtpAddresses,
            stamp: stamp.map { ("entryCSN", $0) })
    }

    func plan(
        _ certificate: ParsedCertificate, _ target: PublishTarget, _ attributes: PublishAttributes = .userCertificate,
        replaceExpired: Bool = false
    ) throws -> PublishPlan {
        let request = PublishRequest(
            certificate: certificate, attributes: attributes, replaceExpired: replaceExpired, time: time)
        let assessment = PublishChecks.assess(
            certificate, for: target, validator: validator, intermediates: [], at: time)
        return try PublishPlan.make(request, target, assessment: assessment, intermediates: [])
    }

    @Test("the address rule accepts mail and smtp: proxyAddresses, and names the rule when it refuses")
    func addressRule() throws {
        let certificate = try leaf(san: ["Alias@Example.COM"])
        #expect(
            PublishChecks.addressRefusal(certificate, target(proxy: ["smtp:alias@example.com"]), strictLocalPart: false)
                == nil)
        #expect(
            PublishChecks.addressRefusal(certificate, target(proxy: ["SIP:alias@example.com"]), strictLocalPart: false)
                != nil)
        let refusal = try #require(
            PublishChecks.addressRefusal(try leaf(san: ["bob@example.com"]), target(), strictLocalPart: false))
        #expect(refusal.rule == .address)
        #expect(
            refusal.description
                == "refused by the address rule: the certificate names bob@example.com; the entry \(dn) has alice@example.com"
        )
    }

    @Test("fitness says which purposes; a certificate fit for neither is refused by the fitness rule")
    func fitness() throws {
        let signing = PublishChecks.assess(
            try leaf(keyUsage: KeyUsage(digitalSignature: true)), for: target(), validator: validator,
            intermediates: [], at: time)
        #expect(signing.fitFor == [.verify])
        #expect(signing.fitness == "signing only")
        #expect(signing.refusals.isEmpty)
        let neither = PublishChecks.assess(
            try leaf(keyUsage: KeyUsage(keyCertSign: true)), for: target(), validator: validator, intermediates: [],
            at: time)
        #expect(neither.refusals.map(\.rule) == [.fitness])
        let expired = PublishChecks.assess(
            try leaf(expired: true), for: target(), validator: validator, intermediates: [], at: time)
        #expect(expired.refusals.map(\.rule) == [.validity])
    }

    @Test("userCertificate: an add, never a replace; already there means no change")
    func addOnly() throws {
        let old = try leaf()
        let new = try leaf()
        let first = try plan(new, target(userCertificates: [old.der]))
        #expect(first.changes == [LDAPModification(.add, "userCertificate;binary", [new.der])])
        #expect(first.assertion == nil)
        let again = try plan(new, target(userCertificates: [old.der, new.der]))
        #expect(again.isEmpty)
        #expect(again.alreadyIn == ["userCertificate;binary"])
    }

    @Test("--replace-expired deletes exactly the expired values, guarded by the change stamp")
    func replaceExpired() throws {
        let expired = try leaf(expired: true)
        let valid = try leaf()
        let new = try leaf()
        let result = try plan(
            new, target(userCertificates: [expired.der, valid.der, [0x30, 0x00]]), replaceExpired: true)
        #expect(
            result.changes == [
                LDAPModification(.add, "userCertificate;binary", [new.der]),
                LDAPModification(.delete, "userCertificate;binary", [expired.der]),
            ])
        #expect(result.assertion?.rawValue == "(entryCSN=20260101000000.000000Z#000000#000#000000)")
        #expect(result.expiredRemoved == 1)
    }

    @Test("userSMIMECertificate: one merged bundle keeps what was there, adds the new one, drops the expired")
    func mergedBundle() throws {
        let kept = try leaf()
        let expired = try leaf(expired: true)
        let new = try leaf()
        let existing = CertsOnlyBundle.der([kept, expired])
        let result = try plan(new, target(smime: [existing]), .userSMIMECertificate, replaceExpired: true)
        let change = try #require(result.changes.first)
        #expect(result.changes.count == 1 && change.operation == .replace && change.attribute == "userSMIMECertificate")
        let inside = try #require(CMSCertificates.certificates(in: change.values[0]))
        #expect(Set(inside.map(sha256Hex)) == [kept.sha256, new.sha256])
        #expect(result.assertion != nil)
        #expect(try plan(kept, target(smime: [existing]), .userSMIMECertificate).isEmpty)
    }

    @Test(
        "without the assertion control (Active Directory) the bundle is a delete of exactly the values read plus an add, with no assertion"
    )
    func bundleWithoutAssertion() throws {
        let kept = try leaf()
        let expired = try leaf(expired: true)
        let new = try leaf()
        let existing = CertsOnlyBundle.der([kept])
        var ad = target(userCertificates: [expired.der], smime: [existing], stamp: nil)
        ad.supportsAssertion = false
        let result = try plan(new, ad, .both, replaceExpired: true)
        #expect(result.assertion == nil)
        #expect(
            result.changes.map { "\($0.operation) \($0.attribute)" } == [
                "add userCertificate;binary", "delete userCertificate;binary", "delete userSMIMECertificate",
                "add userSMIMECertificate",
            ])
        #expect(result.changes[1].values == [expired.der])
        #expect(result.changes[2].values == [existing])
        let inside = try #require(CMSCertificates.certificates(in: result.changes[3].values[0]))
        #expect(Set(inside.map(sha256Hex)) == [kept.sha256, new.sha256])
        var empty = target(stamp: nil)
        empty.supportsAssertion = false
        #expect(try plan(new, empty, .userSMIMECertificate).changes.map(\.operation) == [.add])
    }

    @Test("an unreadable userSMIMECertificate value is never replaced; no change stamp, no guarded write")
    func refusesToLose() throws {
        #expect(throws: PublishError(.unreadableValue, "")) {
            try plan(try leaf(), target(smime: [Array("garbage".utf8)]), .userSMIMECertificate)
        }
        #expect(throws: PublishError(.unsupported, "")) {
            try plan(try leaf(), target(stamp: nil), .both)
        }
    }

    @Test("the dry-run LDIF is an RFC 2849 change record with the assertion as a control line")
    func ldif() throws {
        var result = try plan(try leaf(), target(), .both)
        result.assertionValue = [0xa3, 0x03, 0x04, 0x01, 0x41]
        let lines = result.ldif.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(
            Array(lines.prefix(6)) == [
                "version: 1", "", "dn: \(dn)", "control: 1.3.6.1.1.12 true:: owMEAUE=", "changetype: modify",
                "add: userCertificate;binary",
            ])
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(lines.contains("replace: userSMIMECertificate"))
        #expect(result.ldif.hasSuffix("-\n\n"))
    }
}

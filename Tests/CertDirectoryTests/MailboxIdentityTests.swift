import CertDirectoryTestSupport
import Foundation
import Testing
import X509

@testable import CertDirectory

/// The mailbox identity layer without a directory: IDNA2008 domains through
/// ICU (UTS #46 non-transitional), UTF-8 local parts octet for octet, the
/// book's key, the search spellings, and a certificate's mailbox names.
@Suite("Mailbox identity: IDN domains, UTF-8 local parts, certificate mailboxes")
struct MailboxIdentityTests {
    func address(_ text: String) throws -> MailAddress { try #require(MailAddress(text)) }

    @Test("a U-label and its A-label are one domain, compared as the lower-case A-label")
    func uLabelAndALabel() throws {
        let unicode = try address("anna@bücher.example")
        let ascii = try address("anna@xn--bcher-kva.example")
        #expect(unicode.asciiDomain == "xn--bcher-kva.example")
        #expect(ascii.asciiDomain == "xn--bcher-kva.example")
        #expect(unicode.matches(ascii, strictLocalPart: true))
        #expect(ascii.unicodeDomain == "bücher.example")
        #expect(unicode.description == "anna@bücher.example", "the address keeps its spelling")
    }

    @Test("domain case: upper-case U-labels and A-labels fold to the same A-label")
    func domainCase() throws {
        #expect(try address("anna@BÜCHER.Example").asciiDomain == "xn--bcher-kva.example")
        #expect(try address("anna@XN--BCHER-KVA.EXAMPLE").asciiDomain == "xn--bcher-kva.example")
        #expect(try address("Anna@Example.COM").asciiDomain == "example.com")
    }

    @Test("non-transitional: ß stays ß (never ss), ς stays ς, so they name other domains")
    func nonTransitional() throws {
        let sharpS = try address("info@straße.example")
        #expect(sharpS.asciiDomain == "xn--strae-oqa.example")
        #expect(!sharpS.matches(try address("info@strasse.example"), strictLocalPart: false))
        let finalSigma = try address("info@ς.example")
        #expect(finalSigma.asciiDomain != "xn--4xa.example", "ς must not become σ")
        #expect(!finalSigma.matches(try address("info@σ.example"), strictLocalPart: false))
    }

    @Test(
        "invalid IDNA2008 labels are refused with invalid-domain and the reason",
        arguments: [
            ("a@xn--a.example", "A-label"),  // Punycode that decodes to a disallowed code point
            ("a@a\u{200D}b.example", "CONTEXTJ"),  // ZWJ without a virama before it
            ("a@b.\u{0301}a.example", "combining mark"),
            ("a@a\u{05D0}.example", "Bidi"),  // Latin and Hebrew in one label
            ("a@xn--ab--c.example", "A-label"),
            ("a@a\u{2488}.example", "disallows"),  // ⒈ is disallowed under STD3 rules
        ])
    func invalidLabels(_ text: String, _ why: String) throws {
        #expect(MailAddress(text) == nil)
        #expect(throws: MailAddressError.self) { try MailAddress.parse(text) }
        let error = MalformedAddressError(address: text)
        guard case .invalidDomain(let reason) = error.problem else {
            Issue.record("\(text): \(error.problem) is not invalidDomain")
            return
        }
        #expect(reason.contains(why), "\(reason)")
        #expect(error.findings.map(\.code) == [.invalidDomain])
    }

    @Test("a plain syntax error stays a syntax error, with no invalid-domain finding")
    func syntaxError() {
        let error = MalformedAddressError(address: "no at sign")
        #expect(error.problem == .syntax)
        #expect(error.findings.isEmpty)
    }

    @Test("UTF-8 local parts compare octet for octet; only ASCII letters fold")
    func utf8LocalParts() throws {
        let jorg = try address("jörg@example.com")
        #expect(!jorg.matches(try address("jorg@example.com"), strictLocalPart: false))
        #expect(!jorg.matches(try address("jÖrg@example.com"), strictLocalPart: false), "no Unicode case folding")
        #expect(try address("JÖRG@example.com").matches(try address("jÖrg@example.com"), strictLocalPart: false))
        #expect(!(try address("JÖRG@example.com").matches(try address("jÖrg@example.com"), strictLocalPart: true)))
        // Canonically equivalent, but other octets: NFC ö versus o + combining diaeresis.
        #expect(!jorg.matches(try address("jo\u{0308}rg@example.com"), strictLocalPart: false))
        #expect(jorg.matches(try address("jörg@EXAMPLE.com"), strictLocalPart: true))
    }

    @Test("the book key: A-label domain, local part folded for ASCII only")
    func bookKey() throws {
        #expect(try address("Jörg.Anna@Bücher.Example").bookKey == "jörg.anna@xn--bcher-kva.example")
        #expect(try address("ANNA@xn--bcher-kva.example").bookKey == "anna@xn--bcher-kva.example")
        #expect(try address("Jörg@example.com").bookKey == "jörg@example.com")
        #expect(try address("jÖrg@example.com").bookKey != (try address("jörg@example.com").bookKey))
        #expect(BookAddress.normalise("Anna@BÜCHER.example") == BookAddress.normalise("anna@xn--bcher-kva.example"))
    }

    @Test("the search asks for every spelling of the domain, once each")
    func searchSpellings() throws {
        #expect(
            try address("anna@bücher.example").searchSpellings == ["anna@bücher.example", "anna@xn--bcher-kva.example"])
        #expect(
            try address("anna@xn--bcher-kva.example").searchSpellings == [
                "anna@xn--bcher-kva.example", "anna@bücher.example",
            ])
        #expect(try address("Alice@Example.com").searchSpellings == ["Alice@Example.com"])
        #expect(try address("jörg@example.com").searchSpellings == ["jörg@example.com"])
        // Found by fuzz-address: this A-label decodes to Canadian syllabics that map to another
        // A-label, so the decoded text is no spelling of it and is not searched.
        let odd = try address("örg@xn--bhepleeplevxlrevxlrexample")
        #expect(odd.unicodeDomain == nil)
        #expect(odd.searchSpellings == ["örg@xn--bhepleeplevxlrevxlrexample"])
        for spelling in odd.searchSpellings {
            #expect(try address(spelling).matches(odd, strictLocalPart: true))
        }
        let filter = RecipientSearch.filter(for: "anna@bücher.example").description
        #expect(filter.contains("(mail=anna@xn--bcher-kva.example)"), "\(filter)")
        // RFC 4515 escapes the UTF-8 octets of ü (C3 BC).
        #expect(filter.contains("(proxyAddresses=smtp:anna@b\\c3\\bccher.example)"), "\(filter)")
    }

    @Test("a certificate's SmtpUTF8Mailbox names a mailbox; emailAddress counts only without any SAN mailbox")
    func smtpUTF8Mailbox() throws {
        let pki = try TestPKI()
        let validator = CertificateValidator(trustAnchors: [pki.rootDER])
        func check(_ der: [UInt8], _ text: String) throws -> ValidationResult {
            validator.validate(
                try ParsedCertificate(der: der), purpose: .encrypt,
                address: AddressExpectation(address: try address(text)), intermediates: [], at: TestPKI.referenceTime)
        }
        let eai = try pki.leaf(san: [], subjectEmail: "legacy@example.com", smtpUTF8Mailboxes: ["jörg@bücher.example"])
        let parsed = try ParsedCertificate(der: eai)
        #expect(parsed.smtpUTF8Mailboxes == ["jörg@bücher.example"])
        #expect(parsed.mailboxNames.names == ["jörg@bücher.example"] && !parsed.mailboxNames.legacy)
        #expect(try check(eai, "jörg@bücher.example").isFit)
        #expect(try check(eai, "jörg@xn--bcher-kva.example").isFit)
        #expect(try check(eai, "jorg@bücher.example").reasons.map(\.code) == [.addressMismatch])
        #expect(
            try check(eai, "legacy@example.com").reasons.map(\.code) == [.addressMismatch],
            "the subject emailAddress does not count beside an SmtpUTF8Mailbox")
        // An rfc822Name with the A-label is the same mailbox as the U-label question.
        let idn = try pki.leaf(san: ["anna@xn--bcher-kva.example"])
        #expect(try check(idn, "anna@bücher.example").isFit)
        #expect(try check(idn, "Anna@BÜCHER.example").isFit)
    }
}

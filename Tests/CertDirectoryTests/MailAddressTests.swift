import Testing

@testable import CertDirectory

@Suite("Mail address matching (RFC 5321 §2.4, RFC 8550 §3)")
struct MailAddressTests {
    @Test func domainIsCaseInsensitive() throws {
        let a = try #require(MailAddress("alice@Example.COM"))
        let b = try #require(MailAddress("alice@example.com"))
        #expect(a.matches(b, strictLocalPart: true))
    }

    @Test func localPartCaseFollowsPolicy() throws {
        let a = try #require(MailAddress("Alice@example.com"))
        let b = try #require(MailAddress("alice@example.com"))
        #expect(a.matches(b, strictLocalPart: false))
        #expect(!a.matches(b, strictLocalPart: true))
    }

    @Test func prefixIsNotAMatch() throws {
        let a = try #require(MailAddress("alice@example.com"))
        let b = try #require(MailAddress("malice@example.com"))
        #expect(!a.matches(b, strictLocalPart: false))
    }

    @Test(
        "not addresses",
        arguments: [
            "", "alice", "@example.com", "alice@", "Alice <alice@example.com>", "a b@example.com", "a@b\n",
            "alice@@example.com", "alice@example..com", "x@example.com)(mail=*", "a@b.com,c@d.com",
            ".alice@example.com",
            "alice.@example.com", "al..ice@example.com", "alice@-example.com", "alice@exa_mple.com",
        ])
    func rejects(_ text: String) {
        #expect(MailAddress(text) == nil)
    }

    @Test(
        "hostile but usable addresses",
        arguments: [
            "star*@example.com", "paren(x)@example.com", "back\\slash@example.com", "\"quoted local\"@example.com",
            "jörg@bücher.example", "a@[192.0.2.1]", "o'brien+tag@example.co.uk",
        ])
    func accepts(_ text: String) {
        #expect(MailAddress(text)?.description == text)
    }
}

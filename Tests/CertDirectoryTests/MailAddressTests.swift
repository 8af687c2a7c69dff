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
        arguments: ["", "alice", "@example.com", "alice@", "Alice <alice@example.com>", "a b@example.com", "a@b\n"])
    func rejects(_ text: String) {
        #expect(MailAddress(text) == nil)
    }

    @Test(
        "hostile but valid local parts",
        arguments: ["star*@example.com", "paren(x)@example.com", "back\\slash@example.com"])
    func accepts(_ text: String) {
        #expect(MailAddress(text)?.description == text)
    }
}

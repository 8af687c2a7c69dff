import Testing

@testable import CertDirectory

@Suite("RFC 5322 messages: header split, address lists, canonical line endings")
struct MailMessageTests {
    func parse(_ text: String) throws -> MailMessage { try MailMessage(parsing: Array(text.utf8)) }

    @Test("fields keep their raw bytes, folding included; the body starts after the empty line")
    func split() throws {
        let message = try parse("Subject: a\n folded\nTo: x@example.com\nContent-Type: text/plain\n\nbody\n\nmore\n")
        #expect(message.fields.map(\.name) == ["Subject", "To", "Content-Type"])
        #expect(String(decoding: message.fields[0].raw, as: UTF8.self) == "Subject: a\n folded\n")
        #expect(message.fields[0].value == "a folded")
        #expect(String(decoding: message.body, as: UTF8.self) == "body\n\nmore\n")
        #expect(!message.usesCRLF)
        #expect(message.fields[2].isContentField)
    }

    @Test("CRLF messages are recognised")
    func crlf() throws {
        #expect(try parse("To: a@example.com\r\n\r\nhi\r\n").usesCRLF)
    }

    @Test("not a message", arguments: ["no colon here\n\nbody", " continuation first: x\n\n", "To: a@b\u{0}\n\n"])
    func rejects(_ text: String) {
        #expect(throws: MailMessageError.self) { try parse(text) }
    }

    @Test("To, Cc and Bcc addresses in order, duplicates removed")
    func recipients() throws {
        let message = try parse(
            """
            To: "Doe, Jane" <jane@example.com>, bob@example.com (Bob)
            Cc: undisclosed-recipients:;, Team: carol@example.com, <dave@example.com>;
            Bcc: JANE@example.com, "quoted local"@example.com
            Subject: x

            body
            """)
        #expect(
            message.recipientAddresses == [
                "jane@example.com", "bob@example.com", "carol@example.com", "dave@example.com",
                "\"quoted local\"@example.com",
            ])
    }

    @Test(
        "address list vectors",
        arguments: [
            ("a@example.com", ["a@example.com"]),
            ("A <a@example.com>", ["a@example.com"]),
            ("\"A <b@x>\" <a@example.com>", ["a@example.com"]),
            ("a@example.com (comment, with comma), b@example.com", ["a@example.com", "b@example.com"]),
            ("<@route.example:a@example.com>", ["a@example.com"]),
            ("Group:;", []),
            ("", []),
        ])
    func addressList(_ text: String, _ expected: [String]) {
        #expect(AddressList.addresses(in: text) == expected)
    }

    @Test("line endings become CRLF; existing CRLF stays")
    func canonical() {
        func canonical(_ text: String) -> String {
            String(decoding: SMIMEEnvelope.canonicalLineEndings(Array(text.utf8)), as: UTF8.self)
        }
        #expect(canonical("a\nb\r\nc\rd") == "a\r\nb\r\nc\r\nd")
        #expect(canonical("end\r") == "end\r\n")
        #expect(canonical("a\r\rb\n\n") == "a\r\n\r\nb\r\n\r\n")
        #expect(canonical("") == "")
        #expect(SMIMEEnvelope.isCanonical(Array("a\r\nb\r\n".utf8)[...]))
        #expect(!SMIMEEnvelope.isCanonical(Array("a\r\nb\n".utf8)[...]))
        #expect(!SMIMEEnvelope.isCanonical(Array("a\rb".utf8)[...]))
    }

    @Test("content fields move inside, Bcc and MIME-Version leave the outside")
    func envelope() throws {
        let text = "From: s@x\nBcc: b@x\nMIME-Version: 1.0\nContent-Type: text/plain\nSubject: s\n\nhi\n"
        let message = try parse(text)
        #expect(SMIMEEnvelope.clearFields(of: message).map(\.name) == ["From", "Subject"])
        let inner = SMIMEEnvelope.innerEntity(of: message, original: Array(text.utf8), bodyOnly: false)
        #expect(String(decoding: inner, as: UTF8.self) == "Content-Type: text/plain\r\n\r\nhi\r\n")
    }
}

import Foundation
import Testing

@testable import CertDirectory

@Suite("Who a message goes to: Bcc apart, Resent blocks, envelope recipients; already-encrypted input")
struct RecipientPlanTests {
    func parse(_ text: String) throws -> MailMessage { try MailMessage(parsing: Array(text.utf8)) }

    @Test("To and Cc are visible, Bcc blind; an address in both counts as visible")
    func bccApart() throws {
        let plan = try RecipientPlan(
            message: parse("To: a@x.org, B@x.org\nCc: c@x.org\nBcc: d@x.org, b@x.org\nSubject: s\n\nbody\n"))
        #expect(plan.visible == ["a@x.org", "B@x.org", "c@x.org"])
        #expect(plan.blind == ["d@x.org"])
    }

    @Test("the topmost Resent block gives the recipients; older blocks and To/Cc/Bcc do not")
    func resent() throws {
        let message = try parse(
            """
            Resent-From: second@x.org
            Resent-Date: Mon, 7 Dec 2026 10:00:00 +0000
            Resent-To: new@x.org
            Resent-Bcc: hidden@x.org
            Received: from a by b; Mon, 7 Dec 2026 09:00:00 +0000
            Resent-From: first@x.org
            Resent-Date: Sun, 6 Dec 2026 10:00:00 +0000
            Resent-To: older@x.org
            From: author@x.org
            To: original@x.org
            Bcc: originalbcc@x.org

            body

            """)
        #expect(message.topmostResentBlock?.count == 4)
        let plan = try RecipientPlan(message: message)
        #expect(plan.visible == ["new@x.org"])
        #expect(plan.blind == ["hidden@x.org"])
    }

    @Test("a topmost Resent block without Resent-To, -Cc or -Bcc is malformed")
    func resentWithoutDestination() throws {
        let message = try parse(
            "Resent-From: a@x.org\nResent-Date: Mon, 7 Dec 2026 10:00:00 +0000\nTo: b@x.org\n\nbody\n")
        #expect(throws: MailMessageError.self) { try RecipientPlan(message: message) }
    }

    @Test("envelope recipients are the list; those not in To/Cc are blind")
    func envelope() throws {
        let message = try parse("To: a@x.org\nCc: c@x.org\n\nbody\n")
        let plan = try RecipientPlan(message: message, envelope: ["A@x.org", "e@x.org"])
        #expect(plan.visible == ["A@x.org"])
        #expect(plan.blind == ["e@x.org"])
    }

    @Test(
        "Bcc copy names stay inside the folder and are unique",
        arguments: [
            ("../../etc/passwd@x.org", "_._.._etc_passwd@x.org.eml"), ("a/b@x.org", "a_b@x.org.eml"),
            (".hidden@x.org", "_hidden@x.org.eml"), ("-rf@x.org", "_rf@x.org.eml"),
            ("Jöe\u{1b}[2J@x.org", "j_e__2j@x.org.eml"),
        ])
    func fileNames(address: String, expected: String) {
        var taken = Set<String>()
        let name = BlindCopyName.fileName(for: address, taken: &taken)
        #expect(name == expected)
        #expect(!name.contains("/"))
        #expect(BlindCopyName.fileName(for: address.uppercased(), taken: &taken) != name)
    }

    @Test(
        "already enveloped: smime-type, or the ContentInfo's type when smime-type is absent",
        arguments: [
            ("application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m", "", true),
            ("Application/X-PKCS7-MIME; smime-type=\"authEnveloped-data\"", "", true),
            ("application/pkcs7-mime; smime-type=signed-data", "", false),
            ("application/pkcs7-mime", "MIAGCSqGSIb3DQEHA6CAMIACAQAx", true),
            ("application/pkcs7-mime", "MIAGCSqGSIb3DQEHAqCAMIACAQEx", false),
            ("text/plain", "", false),
        ])
    func enveloped(contentType: String, body: String, expected: Bool) throws {
        let message = try parse("To: a@x.org\nContent-Type: \(contentType)\n\n\(body)\n")
        #expect(EncryptedInput.isEnveloped(message) == expected)
    }

    @Test("passing through removes Bcc and Resent-Bcc and nothing else")
    func passThrough() throws {
        let text = "To: a@x.org\r\nBcc: b@x.org\r\nResent-Bcc: c@x.org\r\nSubject: s\r\n\r\nMIAG\r\n"
        let out = EncryptedInput.withoutBlindCopies(try parse(text))
        #expect(String(decoding: out, as: UTF8.self) == "To: a@x.org\r\nSubject: s\r\n\r\nMIAG\r\n")
    }
}

@Suite("Group expansion helpers: AD range options, uniqueMember UIDs")
struct MemberRangeTests {
    @Test(
        "range options",
        arguments: [
            ("member;range=0-1499", MemberRange.Range(low: 0, high: 1499)),
            ("member;Range=1500-*", MemberRange.Range(low: 1500, high: nil)),
            ("member", nil), ("member;range=5-2", nil), ("member;range=x-*", nil),
        ])
    func ranges(description: String, expected: MemberRange.Range?) {
        #expect(MemberRange.range(in: description) == expected)
    }

    @Test(
        "uniqueMember UIDs",
        arguments: [
            ("uid=a,dc=x#'0101'B", "uid=a,dc=x"), ("uid=a,dc=x", "uid=a,dc=x"), ("cn=#'x'B", "cn=#'x'B"),
        ])
    func uids(value: String, expected: String) {
        #expect(MemberRange.withoutUID(value) == expected)
    }
}

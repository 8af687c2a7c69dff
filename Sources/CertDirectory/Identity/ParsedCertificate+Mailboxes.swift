import SwiftASN1
import X509

extension ParsedCertificate {
    /// id-on-SmtpUTF8Mailbox (RFC 9598 §3): an otherName holding a UTF8String mailbox.
    static let smtpUTF8MailboxOID: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 8, 9]

    /// The SmtpUTF8Mailbox otherName values of subjectAltName (RFC 9598 §3), in
    /// order; a value that is not a UTF8String is skipped.
    public var smtpUTF8Mailboxes: [String] {
        guard let names = try? view.extensions.subjectAlternativeNames else { return [] }
        return names.compactMap { name in
            guard case .otherName(let other) = name, other.typeID == Self.smtpUTF8MailboxOID, let value = other.value,
                let text = try? ASN1UTF8String(asn1Any: value)
            else { return nil }
            return String(text)
        }
    }

    /// The mailboxes the certificate names for S/MIME: its subjectAltName
    /// rfc822Name and SmtpUTF8Mailbox values (RFC 8550 §3, RFC 9598 §3), or,
    /// only when it has neither, the subject's emailAddress (`legacy`).
    public var mailboxNames: (names: [String], legacy: Bool) {
        let san = rfc822Names + smtpUTF8Mailboxes
        return san.isEmpty ? (subjectEmailAddresses, true) : (san, false)
    }

    /// ``mailboxNames`` that are mail addresses (an invalid one names nobody).
    var mailboxAddresses: [MailAddress] { mailboxNames.names.compactMap(MailAddress.init) }
}

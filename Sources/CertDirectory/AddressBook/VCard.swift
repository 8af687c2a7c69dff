import Foundation

/// vCard 4.0 (RFC 6350) for address book contacts: `FN`, `EMAIL` for the
/// address and each alias, and one `KEY` per certificate as a `data:` URI of
/// type `application/pkix-cert` (RFC 6350 §6.8.1, RFC 2397), which
/// Thunderbird, Evolution and Apple Contacts import.
public enum VCard {
    /// One vCard, lines folded at 75 octets and ended with CRLF (RFC 6350 §3.2).
    public static func card(_ contact: BookContact, certificates: [ParsedCertificate]) -> String {
        var lines = ["BEGIN:VCARD", "VERSION:4.0"]
        lines.append("FN:" + escape(contact.displayName ?? contact.address))
        lines.append("EMAIL;PREF=1:" + escape(contact.address))
        lines += contact.aliases.map { "EMAIL:" + escape($0) }
        for certificate in certificates {
            // RFC 6350 §3.4: a comma in any value is escaped, the data URI's too.
            lines.append("KEY:data:application/pkix-cert;base64\\," + Data(certificate.der).base64EncodedString())
        }
        lines.append("END:VCARD")
        return lines.map(fold).joined()
    }

    /// RFC 6350 §3.4: backslash, comma, semicolon and newline are escaped in text values.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case ",": out += "\\,"
            case ";": out += "\\;"
            case "\n", "\r\n", "\r": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    /// RFC 6350 §3.2: lines longer than 75 octets continue on lines starting
    /// with a space; a multi-octet UTF-8 character is never split.
    static func fold(_ line: String) -> String {
        var out = ""
        var width = 0
        for scalar in line.unicodeScalars {
            let size = String(scalar).utf8.count
            if width + size > 75 {
                out += "\r\n "
                width = 1
            }
            out.unicodeScalars.append(scalar)
            width += size
        }
        return out + "\r\n"
    }
}

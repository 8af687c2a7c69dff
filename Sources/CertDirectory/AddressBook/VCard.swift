import Crypto
import Foundation

/// vCards of address book contacts: one card per person, `FN`, `EMAIL` for
/// the address and each alias, a `UID`, and one `KEY` per certificate.
///
/// The KEY encoding is the one each reader recognises as a certificate:
/// vCard 3.0 (RFC 2426 §3.7.4) `KEY;TYPE=X509;ENCODING=b:BASE64`, which
/// Evolution's contact library (EDS) and python-vobject read, and vCard 4.0
/// (RFC 6350 §6.8.1) a `data:application/pkix-cert;base64,` URI (RFC 2397),
/// which Thunderbird reads and EDS 3.46 does not.
public enum VCard {
    public enum Version: String, Sendable, CaseIterable {
        case v3 = "3"
        case v4 = "4"
    }

    /// One person: every address they go by and every certificate they hold.
    public struct Person: Sendable {
        public var displayName: String?
        /// The primary address first, then the aliases, without repeats.
        public var addresses: [String]
        public var certificates: [ParsedCertificate]
        /// Stable across exports: the directory entry (URI and DN), else the certificates held, else the address.
        public var uidSeed: String
    }

    /// The book's contacts as people: contacts found under one directory entry
    /// (an address and its aliases, each looked up on its own) become one person.
    /// - Parameter certificates: The certificates to put on each contact's card.
    public static func people(_ contacts: [BookContact], certificates: (BookContact) -> [ParsedCertificate])
        -> [Person]
    {
        var people: [Person] = []
        var index: [String: Int] = [:]
        for contact in contacts {
            let chosen = certificates(contact)
            // One entry is one person; without one, the addresses of one certificate are one person.
            let held = contact.certificates.map(\.certificate.sha256).sorted().joined(separator: ",")
            let seed =
                contact.dn.map { "\(contact.directoryURI ?? "")\n\($0)" }
                ?? (held.isEmpty ? "mailto:\(contact.address)" : "certificates:\(held)")
            if let at = index[seed] {
                var person = people[at]
                person.displayName = person.displayName ?? contact.displayName
                for address in [contact.address] + contact.aliases where !person.addresses.contains(address) {
                    person.addresses.append(address)
                }
                let held = Set(person.certificates.map(\.sha256))
                person.certificates += chosen.filter { !held.contains($0.sha256) }
                people[at] = person
            } else {
                index[seed] = people.count
                var addresses = [contact.address]
                for alias in contact.aliases where !addresses.contains(alias) { addresses.append(alias) }
                people.append(
                    Person(
                        displayName: contact.displayName, addresses: addresses, certificates: chosen, uidSeed: seed))
            }
        }
        return people
    }

    /// One vCard, lines folded at 75 octets and ended with CRLF.
    public static func card(_ person: Person, version: Version = .v3) -> String {
        var lines = ["BEGIN:VCARD", version == .v3 ? "VERSION:3.0" : "VERSION:4.0"]
        let name = person.displayName ?? person.addresses.first ?? ""
        lines.append("FN:" + escape(name, version: version))
        // RFC 2426 §3.1.2: N is required in 3.0; the directory gives no name parts, so they stay empty.
        if version == .v3 { lines.append("N:;;;;") }
        lines.append("UID:" + uid(person.uidSeed))
        for (position, address) in person.addresses.enumerated() {
            let preferred = position == 0 ? (version == .v3 ? ";TYPE=INTERNET,PREF" : ";PREF=1") : ""
            let type = position > 0 && version == .v3 ? ";TYPE=INTERNET" : ""
            lines.append("EMAIL" + preferred + type + ":" + escape(address, version: version))
        }
        for certificate in person.certificates {
            let base64 = Data(certificate.der).base64EncodedString()
            switch version {
            case .v3: lines.append("KEY;TYPE=X509;ENCODING=b:" + base64)
            // A URI value is not text: its comma is not escaped (RFC 6350 §6.8.1's example).
            case .v4: lines.append("KEY:data:application/pkix-cert;base64," + base64)
            }
        }
        lines.append("END:VCARD")
        return lines.map(fold).joined()
    }

    /// A `urn:uuid:` from the SHA-256 of the seed, in the form of a name-based UUID (RFC 9562 §5.8).
    static func uid(_ seed: String) -> String {
        var bytes = Array(SHA256.hash(data: Array(seed.utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0f) | 0x80
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(
                hex[
                    hex.index(
                        hex.startIndex, offsetBy: range.lowerBound)..<hex.index(
                            hex.startIndex, offsetBy: range.upperBound)])
        }
        return "urn:uuid:" + parts.joined(separator: "-")
    }

    /// A single text value (FN, EMAIL): backslash, comma and newline escaped.
    /// In 4.0 a semicolon is escaped only in compound values such as N (RFC 6350
    /// §3.4; Thunderbird shows `\;` in FN literally); in 3.0 it is escaped in
    /// every text value (RFC 2426 §4), and EDS cuts FN at a bare one.
    static func escape(_ text: String, version: Version = .v4) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case ",": out += "\\,"
            case ";" where version == .v3: out += "\\;"
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

/// A mail address (RFC 5322 addr-spec, RFC 6531 with UTF-8) split into local
/// part and domain, for comparing the address asked for with the ones a
/// certificate names, searching the directory and keying the address book.
///
/// The one place that says what makes two mailboxes the same (RFC 5321 §2.4,
/// RFC 8550 §3, RFC 9598 §4): the domains as lower-case A-labels (IDNA2008, UTS
/// #46 non-transitional, by ICU: ``UTS46``), the local parts octet for octet,
/// ASCII letters case-insensitively unless the policy is strict.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    public let localPart: String
    /// The domain as written (U-labels, A-labels or both).
    public let domain: String
    /// The domain as compared and keyed: lower case, every label an A-label or
    /// ASCII; an address literal (`[192.0.2.1]`) lower-cased as it is.
    public let asciiDomain: String

    /// Splits at the last `@` and checks the shape of both parts; `nil` when ``parse(_:)`` throws.
    public init?(_ text: String) {
        guard let parsed = try? Self.parse(text) else { return nil }
        self = parsed
    }

    private init(localPart: String, domain: String, asciiDomain: String) {
        self.localPart = localPart
        self.domain = domain
        self.asciiDomain = asciiDomain
    }

    /// Splits at the last `@` and checks the shape of both parts.
    ///
    /// Refuses text that cannot be an addr-spec (RFC 5322 §3.4.1,
    /// RFC 5321 §4.5.3.1): an empty or over-long part; whitespace or control
    /// characters; an unquoted `@ < > , ; : [ ] "` in the local part; a local
    /// part starting or ending with `.` or holding `..` (unless quoted); a domain with an
    /// empty label or characters other than letters, digits, `-` and non-ASCII
    /// (IDN), unless it is an address literal in brackets. `*`, `(`, `)` and `\`
    /// are tolerated in the local part: they occur in real directories, and
    /// filters escape them. A domain with a non-ASCII label or an A-label
    /// (`xn--`) must be a valid IDNA2008 name (``MailAddressError/invalidDomain(_:)``).
    public static func parse(_ text: String) throws(MailAddressError) -> MailAddress {
        guard let at = text.lastIndex(of: "@") else { throw .syntax }
        let local = String(text[..<at])
        let domain = String(text[text.index(after: at)...])
        guard !local.isEmpty, local.utf8.count <= 64, !domain.isEmpty, domain.utf8.count <= 255 else { throw .syntax }
        guard !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7f }) else { throw .syntax }
        guard isLocalPart(local), isDomain(domain) else { throw .syntax }
        return MailAddress(localPart: local, domain: domain, asciiDomain: try asciiForm(of: domain))
    }

    /// The lower-case A-label form of a domain that passed ``isDomain(_:)``.
    /// An all-ASCII domain without an `xn--` label needs no IDNA processing
    /// (its labels are letters, digits and hyphens already): lower-casing is all.
    private static func asciiForm(of domain: String) throws(MailAddressError) -> String {
        let bytes = domain.utf8
        if bytes.first == UInt8(ascii: "[") { return asciiLowercased(domain) }
        if bytes.allSatisfy({ $0 < 0x80 }) && !hasACELabel(bytes) { return asciiLowercased(domain) }
        switch UTS46.toASCII(domain) {
        case .converted(let ascii): return ascii
        case .invalid(let why): throw .invalidDomain("\(domain): \(why)")
        }
    }

    /// True when a label starts with the ACE prefix `xn--` (any case).
    private static func hasACELabel(_ bytes: String.UTF8View) -> Bool {
        for label in bytes.split(separator: dot) where label.count >= 4 {
            let prefix = Array(label.prefix(4))
            if prefix[2] == hyphen && prefix[3] == hyphen && prefix[0] | 0x20 == UInt8(ascii: "x")
                && prefix[1] | 0x20 == UInt8(ascii: "n")
            {
                return true
            }
        }
        return false
    }

    /// ASCII letters lower-cased, every other byte kept: the fold RFC 5321 §2.4
    /// allows for the local part, which never touches a non-ASCII character
    /// (two different Unicode mailboxes must never fold to one).
    static func asciiLowercased(_ text: String) -> String {
        guard text.utf8.contains(where: { (0x41...0x5a).contains($0) }) else { return text }
        return String(decoding: text.utf8.map { (0x41...0x5a).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    // The checks read UTF-8 bytes: every rule is about ASCII characters, and a
    // byte of a multi-byte sequence is never ASCII (measured: Character-based
    // checks cost 14 µs per address in a bulk export).
    private static let forbiddenInLocalPart = Set(" @<>,;:[]\"".utf8)
    private static let quote = UInt8(ascii: "\""), dot = UInt8(ascii: "."), hyphen = UInt8(ascii: "-")

    private static func isLocalPart(_ local: String) -> Bool {
        let bytes = local.utf8
        if bytes.count >= 2 && bytes.first == quote && bytes.last == quote { return true }
        guard bytes.first != dot, bytes.last != dot else { return false }
        var previous: UInt8 = 0
        for byte in bytes {
            if forbiddenInLocalPart.contains(byte) || (byte == dot && previous == dot) { return false }
            previous = byte
        }
        return true
    }

    private static func isDomain(_ domain: String) -> Bool {
        let bytes = domain.utf8
        if bytes.first == UInt8(ascii: "[") && bytes.last == UInt8(ascii: "]") { return bytes.count > 2 }
        return bytes.split(separator: dot, omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != hyphen && label.last != hyphen
                && label.allSatisfy { byte in
                    byte > 0x7f || byte == hyphen || (0x61...0x7a).contains(byte) || (0x41...0x5a).contains(byte)
                        || (0x30...0x39).contains(byte)
                }
        }
    }

    public var description: String { "\(localPart)@\(domain)" }

    /// The address with its domain as a lower-case A-label: the form stored and compared.
    public var normalized: String { "\(localPart)@\(asciiDomain)" }

    /// The address book's key: the A-label domain and the local part folded
    /// for ASCII letters only, so that `Jörg@Bücher.example` and
    /// `jörg@xn--bcher-kva.example` are one contact and `jörg@` and `jorg@` never are.
    public var bookKey: String { "\(Self.asciiLowercased(localPart))@\(asciiDomain)" }

    /// The domain with its A-labels as U-labels (ICU `nameToUnicode`); `nil`
    /// when that spelling is the ASCII one (no A-label) or ICU refuses it.
    public var unicodeDomain: String? {
        guard Self.hasACELabel(asciiDomain.utf8), case .converted(let unicode) = UTS46.toUnicode(asciiDomain),
            unicode != asciiDomain,
            // Found by fuzz-address: `xn--bhepleeplevxlrevxlrexample` decodes to a U-label that an
            // address cannot be written with, so it is no second spelling of this domain. Only a
            // U-label spelling that parses and maps back to this A-label is searched.
            MailAddress("\(localPart)@\(unicode)")?.asciiDomain == asciiDomain
        else { return nil }
        return unicode
    }

    /// The spellings a directory may hold the address in: as written, with the
    /// domain's A-labels, and with its U-labels, each once (the directory's
    /// equality matching ignores case). Searching all of them finds an entry
    /// that stores the other spelling (RFC 5890 §2.3.2.1: both name the domain).
    public var searchSpellings: [String] {
        var spellings = [description]
        for domain in [asciiDomain, unicodeDomain].compactMap({ $0 }) {
            let spelling = "\(localPart)@\(domain)"
            if !spellings.contains(where: { Self.asciiLowercased($0) == Self.asciiLowercased(spelling) }) {
                spellings.append(spelling)
            }
        }
        return spellings
    }

    /// Compares two addresses the way a directory's case-insensitive matching
    /// (`caseIgnoreIA5Match`, `caseIgnoreMatch`) does: the domains as A-labels,
    /// the local parts with Unicode case folded. Only for telling which entry
    /// holds an address as its own; a certificate's names use ``matches(_:strictLocalPart:)``.
    func matchesAsDirectory(_ other: MailAddress) -> Bool {
        asciiDomain == other.asciiDomain && localPart.lowercased() == other.localPart.lowercased()
    }

    /// Compares two addresses: the domains as lower-case A-labels (RFC 5321
    /// §2.4, RFC 5890), the local parts octet for octet (RFC 6531 §3.2, RFC 9598
    /// §4), ASCII letters case-insensitively unless `strictLocalPart`. No
    /// Unicode case folding or normalisation: `Jörg` and `jörg` differ.
    public func matches(_ other: MailAddress, strictLocalPart: Bool) -> Bool {
        guard asciiDomain == other.asciiDomain else { return false }
        if strictLocalPart { return localPart.utf8.elementsEqual(other.localPart.utf8) }
        return Self.asciiLowercased(localPart).utf8.elementsEqual(Self.asciiLowercased(other.localPart).utf8)
    }
}

/// Why a text is not a usable mail address.
public enum MailAddressError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not an addr-spec (RFC 5322 §3.4.1, RFC 5321 §4.5.3.1).
    case syntax
    /// The domain is not a valid IDNA2008 name (RFC 5891 §4.2, UTS #46 non-transitional); the text says which label rule.
    case invalidDomain(String)

    public var description: String {
        switch self {
        case .syntax: "not a mail address (RFC 5322 addr-spec)"
        case .invalidDomain(let why): "the domain is not a valid internationalised domain name (IDNA2008): \(why)"
        }
    }
}

/// How a recipient's entries are found: the filter and the attributes asked for.
enum RecipientSearch {
    /// Attribute types that hold certificates. Both spellings are requested:
    /// OpenLDAP returns `userCertificate` only as `userCertificate;binary` (RFC 4522),
    /// Active Directory only plainly, and each returns nothing for the other.
    static let certificateAttributes = [
        "userCertificate", "userCertificate;binary", "userSMIMECertificate", "userSMIMECertificate;binary",
    ]

    /// The most entries one address may match, asked of the server as a size
    /// limit and enforced by the client; more is reported as ambiguous.
    static let entryLimit = 100

    /// Everything a lookup reads from an entry.
    static let attributes = ["mail", "proxyAddresses"] + certificateAttributes

    /// `(|(mail=ADDRESS)(proxyAddresses=smtp:ADDRESS))`, every value escaped
    /// (RFC 4515). Equality only, never a substring: `alice@` must not find
    /// `malice@`. `proxyAddresses` matches case-insensitively on AD and with
    /// the project schema, so `smtp:` also finds the primary `SMTP:` value;
    /// other prefixes (`SIP:`, `X500:`) never match.
    static func filter(for address: String) -> LDAPFilter {
        MailAddress(address).map(filter(for:))
            ?? .or([.equal("mail", address), .equal("proxyAddresses", "smtp:" + address)])
    }

    /// The same two terms for every spelling of the address (as written, with
    /// A-labels, with U-labels; ``MailAddress/searchSpellings``), so that an entry
    /// storing `bücher.example` is found by `xn--bcher-kva.example` and the other
    /// way round. A UTF-8 value in a term on OpenLDAP's IA5 `mail` (RFC 4524 §2.16)
    /// is an invalid assertion there, which slapd evaluates as Undefined, so the
    /// other terms still match (measured with slapd 2.5; `SampleDirectoryTests`).
    static func filter(for address: MailAddress) -> LDAPFilter {
        .or(address.searchSpellings.flatMap { [.equal("mail", $0), .equal("proxyAddresses", "smtp:" + $0)] })
    }
}

import Crypto

/// The certificates and addresses that one directory entry holds.
///
/// Every value of every certificate attribute becomes either certificates or
/// a malformed-value record. `userSMIMECertificate` holds a PKCS#7 SignedData
/// (certs-only or a real signed message, RFC 2798 §2.8); its CA certificates
/// serve as path intermediates and are never recipients. The same certificate
/// repeated across attributes is kept once, at its first place.
struct EntryValues: Sendable {
    struct Found: Sendable {
        var certificate: ParsedCertificate
        var source: ValueSource
    }

    struct Malformed: Sendable {
        var sha256: String
        var source: ValueSource
        var reason: String
    }

    let dn: String
    var certificates: [Found] = []
    var malformed: [Malformed] = []
    /// `mail` values, in order.
    var mail: [String] = []
    /// `proxyAddresses` with an `smtp:` prefix (any case), prefix removed; the
    /// primary (`SMTP:`) first.
    var smtpAddresses: [String] = []
    /// True when ``smtpAddresses`` starts with a primary (`SMTP:`) address.
    var hasPrimarySMTP = false
    /// Every raw certificate value with the digests of the certificates it holds
    /// (empty when malformed), in directory order.
    var rawValues: [(attribute: String, value: [UInt8], sha256s: [String])] = []

    init(entry: LDAPEntry, uri: String) {
        dn = entry.dn
        mail = entry.strings("mail")
        var primary: [String] = []
        var aliases: [String] = []
        for value in entry.strings("proxyAddresses") {
            guard value.count > 5, value.prefix(5).lowercased() == "smtp:" else { continue }
            if value.hasPrefix("SMTP:") {
                primary.append(String(value.dropFirst(5)))
            } else {
                aliases.append(String(value.dropFirst(5)))
            }
        }
        smtpAddresses = primary + aliases
        hasPrimarySMTP = !primary.isEmpty
        var seen = Set<String>()
        for attribute in entry.attributes
        where RecipientSearch.certificateAttributes.contains(where: { $0.lowercased() == attribute.type.lowercased() })
        {
            for (index, value) in attribute.values.enumerated() {
                let source = ValueSource(uri: uri, dn: entry.dn, attribute: attribute.description, index: index)
                let decoded = Self.decode(value)
                rawValues.append((attribute.type, value, decoded.certificates.map(\.sha256)))
                for certificate in decoded.certificates where seen.insert(certificate.sha256).inserted {
                    self.certificates.append(Found(certificate: certificate, source: source))
                }
                if let problem = decoded.problem {
                    malformed.append(
                        Malformed(sha256: SHA256.hash(data: value).hexString, source: source, reason: problem))
                }
            }
        }
    }

    /// The entry's primary address: the first `mail` value, else the `SMTP:` proxy address.
    var primaryAddress: String? { mail.first ?? smtpAddresses.first }

    /// What one directory value holds.
    struct Decoded {
        var certificates: [ParsedCertificate]
        /// Why (part of) the value could not be read; `nil` when all of it was.
        var problem: String?
    }

    /// A value is a DER certificate or a PKCS#7 bundle, whatever attribute it is
    /// in: directories in the field mix them up. A bundle with one bad
    /// certificate still yields the good ones, and reports the problem.
    static func decode(_ value: [UInt8]) -> Decoded {
        if value.isEmpty { return Decoded(certificates: [], problem: "empty value") }
        if let certificate = try? ParsedCertificate(der: value) { return Decoded(certificates: [certificate]) }
        guard let bundle = CMSCertificates.certificates(in: value) else {
            return Decoded(certificates: [], problem: "neither a DER certificate nor a PKCS#7 SignedData")
        }
        let parsed = bundle.compactMap { try? ParsedCertificate(der: $0) }
        if bundle.isEmpty { return Decoded(certificates: [], problem: "the PKCS#7 bundle holds no certificate") }
        if parsed.count < bundle.count {
            return Decoded(
                certificates: parsed,
                problem:
                    "\(bundle.count - parsed.count) of the \(bundle.count) certificates in the PKCS#7 bundle cannot be parsed"
            )
        }
        return Decoded(certificates: parsed)
    }
}

/// The entry a certificate is published to, read in one search together with
/// its change stamp, plus what the server is.
struct PublishTarget: Sendable {
    enum Server: String, Sendable {
        /// OpenLDAP: `userCertificate;binary` (RFC 4522), change stamp `entryCSN`.
        case openLDAP
        /// Active Directory: plain `userCertificate`, change stamp `uSNChanged`.
        case activeDirectory
        case other
    }

    let entry: LDAPEntry
    let server: Server
    /// The addresses the certificate must name: `mail`, then `smtp:` `proxyAddresses`.
    let addresses: [String]
    /// The entry's change stamp as read with it: (`entryCSN` or `uSNChanged`, value).
    let stamp: (attribute: String, value: String)?
    /// Whether the root DSE lists the assertion control (RFC 4528) in `supportedControl`, or
    /// could not be read. Active Directory (Windows and Samba) does not support it.
    var supportsAssertion = true

    var dn: String { entry.dn }

    /// The description `userCertificate` values are written with: `;binary` on
    /// OpenLDAP (it refuses the plain name with "requires ;binary transfer") and
    /// wherever the entry returns it so; plain on AD and where the entry returns it plainly.
    var userCertificateAttribute: String {
        switch server {
        case .activeDirectory: return "userCertificate"
        case .openLDAP: return "userCertificate;binary"
        case .other:
            let plain = entry.attributes(ofType: "userCertificate").contains {
                $0.description.equalsIgnoringCase("userCertificate")
            }
            return plain ? "userCertificate" : "userCertificate;binary"
        }
    }

    /// Everything read from the entry: addresses, both spellings of the
    /// certificate attributes, and both kinds of change stamp.
    static let attributes = RecipientSearch.attributes + ["entryCSN", "uSNChanged"]

    /// AD's LDAP_CAP_ACTIVE_DIRECTORY_OID in the root DSE's supportedCapabilities.
    static let activeDirectoryCapability = "1.2.840.113556.1.4.800"
    /// The assertion control's OID (RFC 4528 §3).
    static let assertionControl = "1.3.6.1.1.12"

    /// Finds the one entry for `target`, reading the root DSE first to know the server.
    /// - Parameter base: The search base, asked for only when searching by address.
    /// - Throws: ``PublishError`` (``PublishError/Code/entryNotFound``,
    ///   ``PublishError/Code/ambiguousEntry``) or ``LDAPError``.
    static func read(
        _ target: PublishRequest.Target, certificate: ParsedCertificate, on connection: LDAPConnection,
        base: () async throws -> String
    ) async throws -> PublishTarget {
        let (server, supportsAssertion) = await serverKind(connection)
        let entry: LDAPEntry
        switch target {
        case .dn(let dn):
            entry = try await read(dn: dn, on: connection)
        case .mail(let address):
            entry = try await find([address.description], on: connection, base: try await base())
        case .certificateAddress:
            let addresses = certificate.publishAddresses.map(\.description)
            guard !addresses.isEmpty else {
                throw PublishError(
                    .entryNotFound, "the certificate names no mail address to find its entry by; give --dn or --mail")
            }
            entry = try await find(addresses, on: connection, base: try await base())
        }
        let values = EntryValues(entry: entry, uri: connection.uri)
        let stamp =
            entry.strings("entryCSN").first.map { ("entryCSN", $0) }
            ?? entry.strings("uSNChanged").first.map { ("uSNChanged", $0) }
        let kind: Server =
            server == .other
                && entry.attributes.contains { $0.description.equalsIgnoringCase("userCertificate;binary") }
            ? .openLDAP : server
        return PublishTarget(
            entry: entry, server: kind, addresses: values.mail + values.smtpAddresses, stamp: stamp,
            supportsAssertion: supportsAssertion)
    }

    private static func read(dn: String, on connection: LDAPConnection) async throws -> LDAPEntry {
        let request = SearchRequest(base: dn, scope: .base, filter: .present("objectClass"), attributes: attributes)
        do {
            guard let entry = try await connection.search(request).entries.first else {
                throw PublishError(.entryNotFound, "no entry \(dn) is visible to this bind", dn: dn)
            }
            return entry
        } catch let error as LDAPError where error.code == .noSuchObject || error.code == .invalidDNSyntax {
            let why = error.code == .noSuchObject ? "no entry \(dn) in the directory" : "not a DN: \(dn)"
            throw PublishError(.entryNotFound, "\(why) (\(error.code))", dn: dn, cause: error)
        }
    }

    private static func find(_ addresses: [String], on connection: LDAPConnection, base: String) async throws
        -> LDAPEntry
    {
        let filter = LDAPFilter.or(addresses.map(RecipientSearch.filter(for:)))
        let request = SearchRequest(
            base: base, filter: filter, attributes: attributes, sizeLimit: RecipientSearch.entryLimit)
        var entries: [LDAPEntry] = []
        for entry in try await connection.search(request).entries
        where !entries.contains(where: { $0.dn.equalsIgnoringCase(entry.dn) }) {
            entries.append(entry)
        }
        let named = addresses.joined(separator: ", ")
        guard entries.count == 1 else {
            if entries.isEmpty {
                throw PublishError(.entryNotFound, "no entry under \(base) has the address \(named)")
            }
            throw PublishError(
                .ambiguousEntry,
                "\(entries.count) entries have the address \(named): "
                    + entries.map(\.dn).joined(separator: "; ") + "; choose one with --dn")
        }
        return entries[0]
    }

    /// The server kind from the root DSE: AD by its capability OID, OpenLDAP by
    /// `structuralObjectClass: OpenLDAProotDSE`; and whether it lists the assertion control.
    /// An unreadable root DSE is `.other`, assumed to support the control.
    private static func serverKind(_ connection: LDAPConnection) async -> (Server, supportsAssertion: Bool) {
        let request = SearchRequest(
            base: "", scope: .base, filter: .present("objectClass"),
            attributes: ["supportedCapabilities", "structuralObjectClass", "vendorName", "supportedControl"])
        guard let root = try? await connection.search(request).entries.first else { return (.other, true) }
        let controls = root.strings("supportedControl")
        let assertion = controls.isEmpty || controls.contains(assertionControl)
        if root.strings("supportedCapabilities").contains(activeDirectoryCapability) {
            return (.activeDirectory, assertion)
        }
        if root.strings("structuralObjectClass").contains(where: { $0.equalsIgnoringCase("OpenLDAProotDSE") }) {
            return (.openLDAP, assertion)
        }
        return (.other, assertion)
    }
}

extension ParsedCertificate {
    /// The addresses the certificate names for S/MIME: its rfc822Name and
    /// SmtpUTF8Mailbox values, or, only without any, its subject emailAddress
    /// (RFC 8550 §3, RFC 9598).
    var publishAddresses: [MailAddress] { mailboxAddresses }
}

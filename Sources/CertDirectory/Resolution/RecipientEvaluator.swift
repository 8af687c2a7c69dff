import Foundation

/// Turns the entries a directory returned for one address into a ``CandidateSet``:
/// applies the alias rules and checks every candidate with the shared
/// ``CertificateValidator``. The choice is ``Choice``'s.
struct RecipientEvaluator: Sendable {
    let validator: CertificateValidator
    /// Extra path intermediates from local files.
    let intermediates: [ParsedCertificate]
    let time: Date

    func evaluate(address: String, entries: [LDAPEntry], referrals: [String], uri: String) -> CandidateSet {
        var warnings = referrals.map { Finding(.referral, "not followed: \($0)") }
        guard let wanted = MailAddress(address) else {
            return CandidateSet(settled: MalformedAddressError.settled(address, warnings: warnings))
        }
        // The same entry returned twice (a server or referral quirk) is one entry.
        var seenDNs = Set<String>()
        let unique = entries.filter { seenDNs.insert($0.dn.lowercased()).inserted }
        // Entries that carry the address as their own (mail, or the primary SMTP:
        // proxy address) outrank entries that list it only as an alias: an alias
        // on someone else's entry must never capture the address.
        let all = unique.map { EntryValues(entry: $0, uri: uri) }
        let owners = all.filter { holdsAsPrimary(wanted, $0) }
        let values = owners.isEmpty ? all : owners
        if !owners.isEmpty && owners.count < all.count {
            let ignored = all.filter { !holdsAsPrimary(wanted, $0) }.map(\.dn)
            warnings.append(
                Finding(
                    .aliasIgnored,
                    "ignored \(ignored.joined(separator: "; ")): \(address) is only an alias there, and another entry's own address"
                ))
        }
        // Every certificate the answer carries may complete a path (RFC 5280 §6 leaves
        // the source of intermediates open); bundles often carry the issuing CA.
        let pathPool = intermediates + values.flatMap { $0.certificates.map(\.certificate) }.filter(\.isCA)
        var checked: [EntryCandidates] = []
        for entry in values {
            let expectation = expectation(for: wanted, in: entry)
            var entryCandidates: [Candidate] = []
            for found in entry.certificates {
                // The path is checked later (PendingPath): the network check decides it for the candidates it reaches.
                let (result, pathApplies) = validator.validateLocally(
                    found.certificate, purpose: .encrypt, address: expectation, at: time)
                entryCandidates.append(
                    Candidate(
                        certificate: found.certificate, sha256: found.certificate.sha256, source: found.source,
                        reasons: result.reasons, warnings: result.warnings, primaryAddress: expectation.primary,
                        pendingPath: pathApplies
                            ? PendingPath(validator: validator, intermediates: pathPool, time: time) : nil))
            }
            for bad in entry.malformed {
                warnings.append(
                    Finding(
                        .malformedValue,
                        "skipped \(bad.source.attribute) value \(bad.source.index) of \(entry.dn): \(bad.reason)"))
                entryCandidates.append(
                    Candidate(
                        certificate: nil, sha256: bad.sha256, source: bad.source,
                        reasons: [Finding(.malformedValue, bad.reason)], warnings: []))
            }
            checked.append(
                EntryCandidates(dn: entry.dn, addresses: entry.mail + entry.smtpAddresses, candidates: entryCandidates))
        }
        return CandidateSet(address: address, entries: checked, warnings: warnings)
    }

    /// The address a certificate must name. When the entry was found through a
    /// `proxyAddresses` alias rather than its `mail`, a certificate naming the
    /// entry's primary address is accepted too (with a warning).
    private func expectation(for wanted: MailAddress, in entry: EntryValues) -> AddressExpectation {
        if holdsAsPrimary(wanted, entry) {
            let mail = entry.mail.compactMap(MailAddress.init)
            guard mail.contains(where: { $0.matchesAsDirectory(wanted) }) else {
                return AddressExpectation(address: wanted)
            }
            return AddressExpectation(address: wanted, otherMail: mail.filter { !$0.matchesAsDirectory(wanted) })
        }
        guard let primary = entry.primaryAddress.flatMap(MailAddress.init) else {
            return AddressExpectation(address: wanted)
        }
        return AddressExpectation(address: wanted, primary: primary)
    }

    /// True when `wanted` is the entry's own address (a `mail` value or the
    /// primary `SMTP:` proxy address) rather than an alias. Compared the way the
    /// directory matched it, case-insensitively, whatever the local-part policy:
    /// that policy applies to what the certificate names.
    private func holdsAsPrimary(_ wanted: MailAddress, _ entry: EntryValues) -> Bool {
        let own = entry.mail + entry.smtpAddresses.prefix(entry.hasPrimarySMTP ? 1 : 0)
        return own.compactMap(MailAddress.init).contains { $0.matchesAsDirectory(wanted) }
    }
}

/// One entry's checked candidates, in directory order.
struct EntryCandidates: Sendable {
    var dn: String
    /// The entry's own addresses: `mail`, then `smtp:` proxy addresses (primary first).
    var addresses: [String]
    var candidates: [Candidate]
}

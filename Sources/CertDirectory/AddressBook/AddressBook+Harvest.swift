public import Foundation

/// What `book harvest` did with one message.
public struct HarvestOutcome: Sendable {
    /// The From address the certificates were filed under; `nil` when nothing was added.
    public var address: String?
    /// The certificates added: the signer's, and the encryption certificate the
    /// sender named in SMIMEEncryptionKeyPreference when the message carried it.
    public var added: [ParsedCertificate] = []
    /// Why nothing was added (bad signature, untrusted chain, address mismatch…); empty when added.
    public var reasons: [Finding] = []
    public var warnings: [Finding] = []
    /// A source the check needed was unreachable: trying later may add the certificates.
    public var needsRetry = false
}

extension AddressBook {
    /// Verifies a received signed message and, when the signature and the
    /// signer's path verify (the `verify` purpose of the shared validator, with
    /// revocation as `verifier` is set up) and the signer's certificate names the
    /// From address (RFC 8550 §3), files the signer's certificate and the
    /// smimeCapabilities attribute under that address (RFC 8551 §2.5.2), and the
    /// certificate named by SMIMEEncryptionKeyPreference (RFC 8551 §2.5.3) if
    /// the message carries it, so that a reply can be encrypted. Otherwise the
    /// book is left unchanged.
    /// - Parameters:
    ///   - bytes: The message as received (RFC 5322).
    ///   - source: Names the message in the book (its file).
    /// - Throws: ``AddressBookError`` when the book cannot be written.
    public func harvest(
        _ bytes: [UInt8], source: String, verifier: MessageVerifier, at time: Date, now: Date = Date()
    ) async throws -> HarvestOutcome {
        let verdict = await verifier.verify(bytes, at: time)
        var outcome = HarvestOutcome(reasons: verdict.reasons, warnings: verdict.warnings)
        outcome.needsRetry = verdict.needsRetry
        guard let message = verdict.message, let signer = message.signer else {
            if outcome.reasons.isEmpty { outcome.reasons.append(Finding(.badSignature, "no signer certificate")) }
            return outcome
        }
        guard let from = message.from.flatMap(MailAddress.init) else {
            outcome.reasons.append(Finding(.addressMismatch, "the message has no From address"))
            return outcome
        }
        let named = signer.mailboxAddresses
        if !named.contains(where: { $0.matches(from, strictLocalPart: false) }) {
            // The verifier skips the address check for a certificate without any
            // address; the book files certificates only under an address they name.
            if !outcome.reasons.contains(where: { $0.code == .addressMismatch }) {
                outcome.reasons.append(Finding(.addressMismatch, "the signer's certificate does not name \(from)"))
            }
        }
        guard outcome.reasons.isEmpty else { return outcome }
        let address = BookAddress.normalise(from.description)
        let preferred = message.preferredEncryptionCertificate
        var certificates = [signer]
        if let preferred, preferred.sha256 != signer.sha256, !preferred.isCA { certificates.append(preferred) }
        try add(
            certificates, to: address, origin: .signedMail, detail: source, displayName: signer.commonName,
            capabilities: message.smimeCapabilities, preferred: preferred?.sha256, at: now)
        outcome.address = address
        outcome.added = certificates
        return outcome
    }
}

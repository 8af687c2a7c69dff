import Foundation
import X509

@testable import CertDirectory

/// What certdir answered for one testcase.
struct Outcome {
    var accepted: Bool
    var context: String
    /// The signature-only route took the leaf (export's shortcut applied).
    var shortcut = false
    /// The signature-only route and OpenSSL's full path disagreed.
    var disagreement: String?
}

/// Runs one testcase through certdir's path validation and through export's signature-only route.
enum Runner {
    /// - Parameter strict: OpenSSL's strict mode (`X509_V_FLAG_X509_STRICT`), as the suite's own OpenSSL harness sets it.
    static func run(_ testcase: Testcase, strict: Bool) -> Outcome {
        guard let leafDER = pemBlocks(testcase.peerCertificate, label: "CERTIFICATE").first else {
            return Outcome(accepted: false, context: "no peer certificate")
        }
        let leaf: ParsedCertificate
        do {
            leaf = try ParsedCertificate(der: leafDER)
        } catch {
            return Outcome(accepted: false, context: "certdir cannot read the peer certificate: \(error)")
        }
        guard let leafX509 = leaf.x509 else {
            return Outcome(accepted: false, context: "OpenSSL cannot read the peer certificate")
        }
        let anchors = testcase.trustedCerts.flatMap { pemBlocks($0, label: "CERTIFICATE") }
        let intermediateDERs = testcase.untrustedIntermediates.flatMap { pemBlocks($0, label: "CERTIFICATE") }
        let intermediates = intermediateDERs.compactMap { X509Ref(der: $0) }
        let parsedIntermediates = intermediateDERs.compactMap { try? ParsedCertificate(der: $0) }
        let crls = testcase.crls.flatMap { pemBlocks($0, label: "X509 CRL") }.compactMap { CRLRef(der: $0) }
        let time = testcase.validationTime.flatMap { try? Date($0, strategy: .iso8601) } ?? Date()
        // Strict signer strength: a weak key or digest refuses a signer, as it refuses a recipient.
        let validator = CertificateValidator(
            trustAnchors: anchors, policy: ValidationPolicy(strictSignerStrength: true))

        var outcome = Outcome(accepted: false, context: "")
        // Export's route: the same verdict with and without promoted intermediates.
        let promoted = validator.promotingVerifiedCAs(parsedIntermediates, at: time)
        outcome.shortcut = promoted.pathThroughVerifiedIssuer(leaf, intermediates: parsedIntermediates) != nil
        for purpose in [Purpose.encrypt, .verify] {
            let full = validator.validate(
                leaf, purpose: purpose, address: nil, intermediates: parsedIntermediates, at: time)
            let fast = promoted.validate(
                leaf, purpose: purpose, address: nil, intermediates: parsedIntermediates, at: time)
            if full != fast {
                outcome.disagreement =
                    "\(purpose): full path \(full.reasons) \(full.pathLength.map(String.init) ?? "-"), "
                    + "signature-only \(fast.reasons) \(fast.pathLength.map(String.init) ?? "-")"
            }
        }

        // A SERVER testcase is a TLS server's certificate (EKU serverAuth), a CLIENT one a client's.
        var peer = PeerExpectation(maxDepth: testcase.maxChainDepth, strict: strict)
        peer.role = testcase.validationKind == "CLIENT" ? .client : .server
        switch testcase.expectedPeerName?.kind {
        case "DNS": peer.name = .dns(testcase.expectedPeerName!.value)
        case "IP": peer.name = .ip(testcase.expectedPeerName!.value)
        default: break
        }
        let verdict = validator.trustStore.verifyPeer(
            leaf: leafX509, intermediates: intermediates, crls: crls, at: time, expecting: peer)
        guard case .trusted(let length) = verdict else {
            if case .untrusted(let reason, let depth) = verdict { outcome.context = "\(reason) at depth \(depth)" }
            return outcome
        }
        // certdir's rule: a CA certificate is a path element, never a recipient nor (by default) a signer.
        if leaf.isCA {
            outcome.context = "path of \(length) certificates, but the peer is a CA certificate"
            return outcome
        }
        // certdir's strength floor on the peer's key and signature (RFC 8551 §2).
        var strength = ValidationResult()
        validator.checkStrength(leaf, purpose: .verify, &strength)
        if let weak = strength.reasons.first {
            outcome.context = "path of \(length) certificates, but \(weak)"
            return outcome
        }
        if let refusal = keyUsageRefusal(leaf, testcase.keyUsage) ?? mailboxRefusal(leaf, testcase) {
            outcome.context = refusal
            return outcome
        }
        outcome.accepted = true
        outcome.context = "path of \(length) certificates"
        return outcome
    }

    /// The keyUsage bits the testcase requires, when the leaf has the extension.
    static func keyUsageRefusal(_ leaf: ParsedCertificate, _ required: [String]) -> String? {
        guard !required.isEmpty, let usage = try? leaf.view.extensions.keyUsage else { return nil }
        let bits: [String: Bool] = [
            "digitalSignature": usage.digitalSignature, "contentCommitment": usage.nonRepudiation,
            "keyEncipherment": usage.keyEncipherment, "dataEncipherment": usage.dataEncipherment,
            "keyAgreement": usage.keyAgreement, "keyCertSign": usage.keyCertSign, "cRLSign": usage.cRLSign,
            "encipherOnly": usage.encipherOnly, "decipherOnly": usage.decipherOnly,
        ]
        let missing = required.filter { bits[$0] != true }
        return missing.isEmpty ? nil : "keyUsage lacks \(missing.joined(separator: ", "))"
    }

    /// RFC822 peer names: certdir's own mailbox match (RFC 8550 §3: the SAN
    /// rfc822Names, or the subject emailAddress when there are none).
    static func mailboxRefusal(_ leaf: ParsedCertificate, _ testcase: Testcase) -> String? {
        let expected = ([testcase.expectedPeerName].compactMap { $0 } + testcase.expectedPeerNames)
            .filter { $0.kind == "RFC822" }
        guard !expected.isEmpty else { return nil }
        let named = (leaf.rfc822Names.isEmpty ? leaf.subjectEmailAddresses : leaf.rfc822Names)
            .compactMap(MailAddress.init)
        for name in expected {
            guard let address = MailAddress(name.value) else { return "\(name.value) is not a mail address" }
            if !named.contains(where: { $0.matches(address, strictLocalPart: false) }) {
                return "the certificate does not name \(name.value)"
            }
        }
        return nil
    }
}

public import Foundation

/// Verifies S/MIME signed messages: the signature (OpenSSL CMS), then the
/// signer's certificate with the `verify` purpose of the shared validator,
/// path discovery and revocation (``CertificateChecker``), and the From
/// address against the certificate's addresses (RFC 8550 §3; skipped when the
/// certificate names no address). The verdict `book harvest` uses too.
public struct MessageVerifier: Sendable {
    public let checker: CertificateChecker
    /// Certificates at hand beyond those in the message (local intermediates).
    public let intermediates: [ParsedCertificate]

    public init(checker: CertificateChecker, intermediates: [ParsedCertificate] = []) {
        self.checker = checker
        self.intermediates = intermediates
    }

    /// - Parameter time: The evaluation instant (signer validity, CRLs).
    /// - Returns: The verdict; never throws: an unreadable message is an invalid one.
    public func verify(_ bytes: [UInt8], at time: Date) async -> MessageVerification {
        var message: SignedMessage
        do {
            message = try SignedMessage(parsing: bytes)
            // A message need not carry its signer's certificate (RFC 5652 §5.1): ask the directory.
            if message.signer == nil, let issuer = message.signerIssuer, let serial = message.signerSerial {
                let found = await checker.certificates(issuer: issuer, serial: serial)
                if !found.isEmpty { message = try SignedMessage(parsing: bytes, additionalCertificates: found) }
            }
        } catch let error as SignedMessageError where error.notSigned {
            return MessageVerification(message: nil, reasons: [Finding(.notSigned, error.description)])
        } catch {
            return MessageVerification(message: nil, reasons: [Finding(.badSignature, "\(error)")])
        }
        var verification = MessageVerification(message: message)
        if let failure = message.signatureFailure {
            verification.reasons.append(Finding(.badSignature, failure))
        }
        guard let signer = message.signer else {
            verification.reasons.append(Finding(.badSignature, "the message does not carry the signer's certificate"))
            return verification
        }
        let hasAddresses = !signer.mailboxNames.names.isEmpty
        let address =
            hasAddresses ? message.from.flatMap(MailAddress.init).map { AddressExpectation(address: $0) } : nil
        if hasAddresses && address == nil {
            verification.reasons.append(Finding(.addressMismatch, "the message has no From address to compare"))
        }
        if message.authors.count > 1 {
            // Which author signed is not for the reader to guess; a second From is a classic spoof.
            verification.reasons.append(
                Finding(
                    .addressMismatch,
                    "the message names \(message.authors.count) authors (From): \(message.authors.joined(separator: ", "))"
                ))
        }
        let others = message.certificates.filter { $0.sha256 != signer.sha256 }
        let checked = await checker.check(
            signer, purpose: .verify, address: address, intermediates: others + intermediates, at: time)
        verification.signer = checked
        verification.reasons += checked.result.reasons
        verification.warnings += checked.result.warnings
        return verification
    }
}

/// The verdict on one signed message.
public struct MessageVerification: Sendable {
    /// The message as read; `nil` when it is not S/MIME signed-data.
    public var message: SignedMessage?
    /// Every reason the message is invalid; empty means valid.
    public var reasons: [Finding] = []
    public var warnings: [Finding] = []
    /// The signer's check, when the message carried the signer's certificate.
    public var signer: CheckedCertificate?

    public var isValid: Bool { reasons.isEmpty }
    /// True when the message is invalid and a source that the check needed
    /// could not be reached: trying later may give another answer.
    public var needsRetry: Bool { !isValid && (signer?.sourceUnreachable ?? false) }
}

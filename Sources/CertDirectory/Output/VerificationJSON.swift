import Foundation

/// The JSON form of a ``MessageVerification`` (`certdir verify --format json`),
/// one object per message (JSON Lines).
///
/// Keys: `file`, `valid` (bool), `reasons`/`warnings` (objects of `code` and
/// `message`), `from`, `signer` (`subject`, `issuer`, `serial`, `sha256`) or
/// null, `revocation` (`good`, `revoked`, `unknown`, `not-checked`),
/// `certificates` (SHA-256 of every certificate in the message),
/// `preferredEncryptionCertificate` (SHA-256, RFC 8551 §2.5.3) or null,
/// `smimeCapabilities` (base64 DER) or null, `failedSources`, `retry` (bool);
/// published in `schema/verification.schema.json`.
public enum VerificationJSON {
    /// Encodes one verdict as a single line of JSON without a trailing newline.
    public static func line(_ verification: MessageVerification, file: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(Record(verification, file: file))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    struct Signer: Encodable {
        let subject: String
        let issuer: String
        let serial: String
        let sha256: String
    }

    struct Record: Encodable {
        let file: String
        let valid: Bool
        let reasons: [Finding]
        let warnings: [Finding]
        let from: String?
        let signer: Signer?
        let revocation: String
        let revocationSource: String?
        let certificates: [String]
        let preferredEncryptionCertificate: String?
        let smimeCapabilities: String?
        let failedSources: [String]
        let retry: Bool

        init(_ verification: MessageVerification, file: String) {
            self.file = file
            valid = verification.isValid
            reasons = verification.reasons
            warnings = verification.warnings
            let message = verification.message
            from = message?.from
            signer = message?.signer.map {
                Signer(subject: $0.subject, issuer: $0.issuer, serial: $0.serial, sha256: $0.sha256)
            }
            revocation = (verification.signer?.result.revocation ?? .notChecked).rawValue
            revocationSource = verification.signer?.result.revocationSource
            certificates = message?.certificates.map(\.sha256) ?? []
            preferredEncryptionCertificate = message?.preferredEncryptionCertificate?.sha256
            smimeCapabilities = message?.smimeCapabilities.map { Data($0).base64EncodedString() }
            failedSources = verification.signer?.failedSources ?? []
            retry = verification.needsRetry
        }

        /// Every key is written; absent values are an explicit `null`, as the schema requires.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(file, forKey: .file)
            try container.encode(valid, forKey: .valid)
            try container.encode(reasons, forKey: .reasons)
            try container.encode(warnings, forKey: .warnings)
            try container.encode(from, forKey: .from)
            try container.encode(signer, forKey: .signer)
            try container.encode(revocation, forKey: .revocation)
            try container.encode(revocationSource, forKey: .revocationSource)
            try container.encode(certificates, forKey: .certificates)
            try container.encode(preferredEncryptionCertificate, forKey: .preferredEncryptionCertificate)
            try container.encode(smimeCapabilities, forKey: .smimeCapabilities)
            try container.encode(failedSources, forKey: .failedSources)
            try container.encode(retry, forKey: .retry)
        }

        enum CodingKeys: String, CodingKey {
            case file, valid, reasons, warnings, from, signer, revocation, revocationSource, certificates
            case preferredEncryptionCertificate, smimeCapabilities, failedSources, retry
        }
    }
}

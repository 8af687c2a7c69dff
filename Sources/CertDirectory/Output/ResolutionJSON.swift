import Foundation

/// The JSON form of a ``Resolution``, one object per address (JSON Lines),
/// as published in `schema/resolution.schema.json`.
///
/// Formats: `sha256` lowercase hex of the DER; `serial` lowercase hex;
/// `subject`/`issuer` RFC 4514; times RFC 3339 UTC; `reasons`/`warnings`
/// objects of `code` (``ReasonCode``) and `message`.
public enum ResolutionJSON {
    /// Encodes one resolution as a single line of JSON without a trailing newline.
    public static func line(_ resolution: Resolution) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain structs cannot fail.
        let data = (try? encoder.encode(Record(resolution))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    struct Record: Encodable {
        let address: String
        let status: String
        let certificate: CertificateRecord?
        let candidates: [CandidateRecord]
        let warnings: [Finding]
        let entries: [String]
        let error: String?

        init(_ resolution: Resolution) {
            address = resolution.address
            status = resolution.status.rawValue
            certificate = resolution.chosen.flatMap(CertificateRecord.init)
            candidates = resolution.candidates.map(CandidateRecord.init)
            warnings = resolution.warnings
            entries = resolution.entries
            error = resolution.error.map { "\($0)" }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(address, forKey: .address)
            try container.encode(status, forKey: .status)
            try container.encode(certificate, forKey: .certificate)  // explicit null when none
            try container.encode(candidates, forKey: .candidates)
            try container.encode(warnings, forKey: .warnings)
            try container.encode(entries, forKey: .entries)
            try container.encodeIfPresent(error, forKey: .error)
        }

        enum CodingKeys: String, CodingKey {
            case address, status, certificate, candidates, warnings, entries, error
        }
    }

    struct SourceRecord: Encodable {
        let uri: String
        let dn: String
        let attribute: String
        let index: Int

        init(_ source: ValueSource) {
            uri = source.uri
            dn = source.dn
            attribute = source.attribute
            index = source.index
        }
    }

    struct CertificateRecord: Encodable {
        let sha256: String
        let subject: String
        let issuer: String
        let serial: String
        let notBefore: String
        let notAfter: String
        let pem: String
        let source: SourceRecord

        init?(_ candidate: Candidate) {
            guard let certificate = candidate.certificate else { return nil }
            sha256 = certificate.sha256
            subject = certificate.subject
            issuer = certificate.issuer
            serial = certificate.serial
            notBefore = RFC3339.format(certificate.notBefore)
            notAfter = RFC3339.format(certificate.notAfter)
            pem = certificate.pem
            source = SourceRecord(candidate.source)
        }
    }

    struct CandidateRecord: Encodable {
        let sha256: String
        let accepted: Bool
        let reasons: [Finding]
        let warnings: [Finding]
        let source: SourceRecord
        let revocation: String
        /// Omitted when not checked (the key is absent, not null).
        let revocationSource: String?

        init(_ candidate: Candidate) {
            sha256 = candidate.sha256
            accepted = candidate.isFit
            reasons = candidate.reasons
            warnings = candidate.warnings
            source = SourceRecord(candidate.source)
            revocation = candidate.revocation.rawValue
            revocationSource = candidate.revocation == .notChecked ? nil : candidate.revocationSource
        }
    }
}

import Foundation

/// The JSON form of an address book contact, one object per contact (JSON
/// Lines), as published in `schema/book-contact.schema.json`: what
/// `book list --json`, `book show --json` and `book export --format json` write.
///
/// Formats: `sha256` lowercase hex of the DER; times RFC 3339 UTC; `status`
/// a ``CertificateStatus`` judged at the time given; `reasons` objects of
/// `code` (``ReasonCode``) and `message`.
public enum BookJSON {
    /// One contact as a single line of JSON, without a trailing newline.
    /// - Parameter assess: The status of each certificate now.
    public static func line(
        _ contact: BookContact, assess: (ParsedCertificate) -> (status: CertificateStatus, reasons: [Finding])
    ) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(ContactRecord(contact, assess: assess))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    struct ContactRecord: Encodable {
        let address: String
        let displayName: String?
        let aliases: [String]
        let origin: String
        let directoryURI: String?
        let dn: String?
        let certificates: [CertificateRecord]

        init(_ contact: BookContact, assess: (ParsedCertificate) -> (status: CertificateStatus, reasons: [Finding])) {
            address = contact.address
            displayName = contact.displayName
            aliases = contact.aliases
            origin = contact.origin.rawValue
            directoryURI = contact.directoryURI
            dn = contact.dn
            certificates = contact.certificates.map { CertificateRecord($0, assess($0.certificate)) }
        }
    }

    struct CertificateRecord: Encodable {
        let sha256: String
        let subject: String
        let issuer: String
        let serial: String
        let notBefore: String
        let notAfter: String
        let keyUsage: String
        let status: String
        let reasons: [Finding]
        let origin: String
        let originDetail: String?
        let firstSeen: String
        let lastSeen: String
        let encryptionPreference: Bool
        let smimeCapabilities: String?

        init(_ held: BookCertificate, _ verdict: (status: CertificateStatus, reasons: [Finding])) {
            let certificate = held.certificate
            sha256 = certificate.sha256
            subject = certificate.subject
            issuer = certificate.issuer
            serial = certificate.serial
            notBefore = RFC3339.format(certificate.notBefore)
            notAfter = RFC3339.format(certificate.notAfter)
            keyUsage = certificate.usageSummary
            status = verdict.status.rawValue
            reasons = verdict.reasons
            origin = held.origin.rawValue
            originDetail = held.originDetail
            firstSeen = RFC3339.format(held.firstSeen)
            lastSeen = RFC3339.format(held.lastSeen)
            encryptionPreference = held.encryptionPreference
            smimeCapabilities = held.smimeCapabilities.map { Data($0).base64EncodedString() }
        }
    }
}

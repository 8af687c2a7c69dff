import CertDirectory
import Crypto
import SwiftASN1
import X509

/// The RFC 4387 §2.2 search keys of one certificate: SHA-1 over DER values
/// taken byte for byte from the certificate as it was published.
struct CertificateHashes: Sendable {
    var values: [SearchQuery.HashAttribute: [UInt8]] = [:]

    init(_ certificate: ParsedCertificate) {
        values[.certHash] = Self.sha1(certificate.der)
        guard let parts = Self.tbsParts(certificate.der) else { return }
        values[.iHash] = Self.sha1(parts.issuer)
        values[.sHash] = Self.sha1(parts.subject)
        // IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber INTEGER } (RFC 5652 §10.2.4)
        values[.iAndSHash] = Self.sha1(Self.sequence(parts.issuer + parts.serial))
        if let skid = certificate.subjectKeyIdentifier {
            values[.sKIDHash] = Self.sha1(skid)
        }
    }

    static func sha1(_ bytes: [UInt8]) -> [UInt8] { Array(Insecure.SHA1.hash(data: bytes)) }

    /// The encoded serialNumber, issuer and subject of the TBSCertificate (RFC 5280 §4.1).
    static func tbsParts(_ der: [UInt8]) -> (serial: [UInt8], issuer: [UInt8], subject: [UInt8])? {
        guard let root = try? DER.parse(der), case .constructed(let top) = root.content,
            let tbs = top.first(where: { _ in true }), case .constructed(let fields) = tbs.content
        else { return nil }
        var nodes = Array(fields)
        // Skip the [0] version.
        if let first = nodes.first, first.identifier.tagClass == .contextSpecific { nodes.removeFirst() }
        // serialNumber, signature, issuer, validity, subject
        guard nodes.count >= 5 else { return nil }
        return (Array(nodes[0].encodedBytes), Array(nodes[2].encodedBytes), Array(nodes[4].encodedBytes))
    }

    /// `content` wrapped as a DER SEQUENCE (swift-asn1's serializer).
    static func sequence(_ content: [UInt8]) -> [UInt8] {
        var serializer = DER.Serializer()
        serializer.appendConstructedNode(identifier: .sequence) { $0.serializeRawBytes(content) }
        return serializer.serializedBytes
    }
}

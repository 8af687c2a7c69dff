import Crypto
import SwiftASN1
import X509

/// swift-certificates models only the public keys swift-crypto can use
/// (RSA ≥ 2048 bits, P-256/384/521, Ed25519) and only current signature
/// algorithms; any other key or algorithm (RSA-1024, DSA, ecdsa-with-SHA1…)
/// makes `Certificate(derEncoded:)` throw, though the certificate is well
/// formed; so do issuerUniqueID and subjectUniqueID. Those are exactly the certificates the strength checks must name
/// (`weak-key`, `weak-signature`, `unsupported-key`), and the other checks
/// should still report their findings.
///
/// So, for reading names, dates and extensions only, the certificate is
/// re-encoded with a stand-in P-256 SubjectPublicKeyInfo and a stand-in
/// sha256WithRSAEncryption algorithm identifier. Everything about the real key
/// and signature algorithm comes from OpenSSL (``X509Ref/publicKeyInfo``,
/// ``X509Ref/signatureDigest``), and signatures are verified by OpenSSL on the
/// original DER; the stand-ins are never used for either.
enum StandIn {
    private static let standInKey: [UInt8] = Array(P256.Signing.PrivateKey().publicKey.derRepresentation)
    /// AlgorithmIdentifier sha256WithRSAEncryption with NULL parameters (RFC 4055 §5):
    /// swift-certificates then reads the signature value as opaque bytes.
    private static let standInAlgorithm: [UInt8] = [
        0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00,
    ]

    /// The certificate with its key and signature algorithms replaced, parsed by swift-certificates.
    static func certificate(standingIn der: [UInt8]) throws -> Certificate {
        let root = try DER.parse(der)
        guard case .constructed(let parts) = root.content else {
            throw ASN1Error.invalidASN1Object(reason: "not a SEQUENCE")
        }
        let top = Array(parts)
        guard top.count == 3, case .constructed(let tbsChildren) = top[0].content else {
            throw ASN1Error.invalidASN1Object(reason: "not a Certificate")
        }
        var fields = Array(tbsChildren)
        // TBSCertificate (RFC 5280 §4.1): an optional [0] version, then serial,
        // signature, issuer, validity, subject, subjectPublicKeyInfo.
        let hasVersion = fields.first?.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)
        let algorithmIndex = hasVersion ? 2 : 1
        let keyIndex = algorithmIndex + 4
        guard fields.count > keyIndex else { throw ASN1Error.invalidASN1Object(reason: "TBSCertificate too short") }
        var tbsBody: [UInt8] = []
        for (index, field) in fields.enumerated() {
            switch index {
            case keyIndex: tbsBody += standInKey
            case algorithmIndex: tbsBody += standInAlgorithm
            case keyIndex + 1..<fields.count
            where field.identifier == ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific)
                || field.identifier == ASN1Identifier(tagWithNumber: 2, tagClass: .contextSpecific):
                // issuerUniqueID and subjectUniqueID (RFC 5280 §4.1.2.8), which swift-certificates
                // does not read; OpenSSL sees them in the original DER.
                break
            default: tbsBody += Array(field.encodedBytes)
            }
        }
        fields.removeAll()
        let tbs = sequence(tbsBody)
        let rebuilt = sequence(tbs + standInAlgorithm + Array(top[2].encodedBytes))
        return try Certificate(derEncoded: rebuilt)
    }

    /// A DER SEQUENCE around `body`.
    private static func sequence(_ body: [UInt8]) -> [UInt8] { DERFraming.header(0x30, body.count) + body }
}

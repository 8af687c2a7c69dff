import Crypto
import SwiftASN1
import X509
import _CryptoExtras

/// The key and digest facts of a certificate whose key and signature algorithm
/// swift-certificates models, in the same terms OpenSSL gives for the others
/// (`EVP_PKEY_get_bits(3)`, `OBJ_nid2sn(3)` short names); a test holds the two
/// sources equal.
struct SwiftFacts {
    let key: KeyDescription
    let digest: String?

    /// `nil` for a key or algorithm outside the model: OpenSSL answers then.
    init?(_ certificate: Certificate) {
        let digest: String?
        switch certificate.signatureAlgorithm {
        case .sha1WithRSAEncryption: digest = "SHA1"
        case .sha256WithRSAEncryption, .ecdsaWithSHA256: digest = "SHA256"
        case .sha384WithRSAEncryption, .ecdsaWithSHA384: digest = "SHA384"
        case .sha512WithRSAEncryption, .ecdsaWithSHA512: digest = "SHA512"
        case .ed25519: digest = nil  // EdDSA hashes inside the algorithm (RFC 8410 §6)
        default: return nil
        }
        let key = certificate.publicKey
        if P256.Signing.PublicKey(key) != nil {
            self.key = KeyDescription(algorithm: "ec", bits: 256, curve: "prime256v1")
        } else if P384.Signing.PublicKey(key) != nil {
            self.key = KeyDescription(algorithm: "ec", bits: 384, curve: "secp384r1")
        } else if P521.Signing.PublicKey(key) != nil {
            self.key = KeyDescription(algorithm: "ec", bits: 521, curve: "secp521r1")
        } else if let rsa = _RSA.Signing.PublicKey(key) {
            // RSA_bits: the modulus length, as OpenSSL counts it.
            self.key = KeyDescription(algorithm: "rsa", bits: rsa.keySizeInBits, curve: nil)
        } else if Curve25519.Signing.PublicKey(key) != nil {
            self.key = KeyDescription(algorithm: "edwards", bits: 253, curve: nil)
        } else {
            return nil
        }
        self.digest = digest
    }
}

/// The parts of the signed TBSCertificate (RFC 5280 §4.1) read as bytes:
/// the names, for OpenSSL to print, where the key's algorithm is named, and whether the inner
/// signature algorithm equals the outer one.
struct SignedFields {
    let issuer: ArraySlice<UInt8>
    let subject: ArraySlice<UInt8>
    /// Where, in the certificate's DER, the content octets of the subject
    /// public key's algorithm OID lie (§4.1.2.7).
    let keyAlgorithmOID: Range<Int>?
    /// RFC 5280 §4.1.1.2: signatureAlgorithm MUST equal TBSCertificate.signature
    /// (OpenSSL refuses a mismatch); compared byte for byte.
    let algorithmsAgree: Bool

    init(_ certificate: Certificate, der: [UInt8]) throws {
        let tbs = certificate.tbsCertificateBytes
        guard case .constructed(let children) = try DER.parse(tbs).content else {
            throw ASN1Error.invalidASN1Object(reason: "TBSCertificate is not a SEQUENCE")
        }
        var fields = Array(children)
        // An optional [0] version, then serialNumber, signature, issuer, validity, subject.
        if fields.first?.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
            fields.removeFirst()
        }
        guard fields.count >= 5 else { throw ASN1Error.invalidASN1Object(reason: "TBSCertificate too short") }
        issuer = fields[2].encodedBytes
        subject = fields[4].encodedBytes
        // subjectPublicKeyInfo: SEQUENCE { AlgorithmIdentifier SEQUENCE { OID, ... }, BIT STRING }.
        if fields.count > 5, case .constructed(let keyInfo) = fields[5].content,
            let algorithm = keyInfo.first(where: { _ in true }), case .constructed(let parts) = algorithm.content,
            let oid = parts.first(where: { _ in true }), oid.identifier == .objectIdentifier,
            case .primitive(let content) = oid.content, !content.isEmpty
        {
            keyAlgorithmOID = content.startIndex..<content.endIndex
        } else {
            keyAlgorithmOID = nil
        }
        // The outer AlgorithmIdentifier follows the TBSCertificate in `der`
        // (swift-certificates' slices keep the indices of the parsed array).
        let inner = fields[1].encodedBytes
        let start = tbs.endIndex
        algorithmsAgree =
            start + inner.count <= der.count && der[tbs.startIndex..<start].elementsEqual(tbs)
            && der[start..<start + inner.count].elementsEqual(inner)
    }
}

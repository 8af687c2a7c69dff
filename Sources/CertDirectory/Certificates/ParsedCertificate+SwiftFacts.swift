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

/// The parts of the signed TBSCertificate (RFC 5280 §4.1) read as bytes, as
/// slices of the certificate's DER: the names, for OpenSSL to print, and what
/// OpenSSL's leaf rules read (`X509Ref.keyless(_:)`); whether the inner
/// signature algorithm equals the outer one; the signature's unused bits.
struct SignedFields: Sendable {
    /// The version field's value: 0 for v1, 1 for v2, 2 for v3 (§4.1.2.1).
    let version: Int
    /// TBSCertificate.signature (§4.1.2.3).
    let signatureAlgorithm: ArraySlice<UInt8>
    let issuer: ArraySlice<UInt8>
    let notBefore: ArraySlice<UInt8>
    let notAfter: ArraySlice<UInt8>
    let subject: ArraySlice<UInt8>
    /// The Extensions SEQUENCE inside `[3]` (§4.1.2.9); `nil` without one.
    let extensions: ArraySlice<UInt8>?
    /// RFC 5280 §4.1.1.2: signatureAlgorithm MUST equal TBSCertificate.signature
    /// (OpenSSL refuses a mismatch); compared byte for byte. Only then are the
    /// slices known to index `der` itself and the next field read.
    let algorithmsAgree: Bool
    /// The signature BIT STRING declares no unused bits (OpenSSL's
    /// `ASN1_item_verify` refuses any); false when not read.
    let signatureWholeOctets: Bool

    init(_ certificate: Certificate, der: [UInt8]) throws {
        let tbs = certificate.tbsCertificateBytes
        guard case .constructed(let children) = try DER.parse(tbs).content else {
            throw ASN1Error.invalidASN1Object(reason: "TBSCertificate is not a SEQUENCE")
        }
        var fields = Array(children)
        // An optional [0] EXPLICIT version (default v1), then serialNumber, signature, issuer, validity, subject.
        if fields.first?.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
            guard case .constructed(let wrapped) = fields.removeFirst().content,
                let number = wrapped.first(where: { _ in true })
            else { throw ASN1Error.invalidASN1Object(reason: "version is not an INTEGER") }
            version = try Int(derEncoded: number)
        } else {
            version = 0
        }
        guard fields.count >= 6, case .constructed(let validity) = fields[3].content else {
            throw ASN1Error.invalidASN1Object(reason: "TBSCertificate too short")
        }
        let times = Array(validity)
        guard times.count == 2 else { throw ASN1Error.invalidASN1Object(reason: "Validity is not two Times") }
        signatureAlgorithm = fields[1].encodedBytes
        issuer = fields[2].encodedBytes
        notBefore = times[0].encodedBytes
        notAfter = times[1].encodedBytes
        subject = fields[4].encodedBytes
        let extensionsTag = ASN1Identifier(tagWithNumber: 3, tagClass: .contextSpecific)
        if let wrapper = fields.dropFirst(6).first(where: { $0.identifier == extensionsTag }),
            case .constructed(let inner) = wrapper.content, let sequence = inner.first(where: { _ in true })
        {
            extensions = sequence.encodedBytes
        } else {
            extensions = nil
        }
        // The outer AlgorithmIdentifier and the signature follow the TBSCertificate
        // in `der` (swift-certificates' slices keep the indices of the parsed array).
        let inner = signatureAlgorithm
        let start = tbs.endIndex
        algorithmsAgree =
            start + inner.count <= der.count && der[tbs.startIndex..<start].elementsEqual(tbs)
            && der[start..<start + inner.count].elementsEqual(inner)
        if algorithmsAgree, let bits = try? ASN1BitString(derEncoded: DER.parse(der[(start + inner.count)...])) {
            signatureWholeOctets = bits.paddingBits == 0
        } else {
            signatureWholeOctets = false
        }
    }
}

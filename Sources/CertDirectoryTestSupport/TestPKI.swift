public import Crypto
public import Foundation
import SwiftASN1
public import X509
import _CryptoExtras

/// Mints certificates in tests around a fixed reference time, so that each
/// checking rule can be exercised alone (the swift-certificates test style).
public struct TestPKI: Sendable {
    public static let referenceTime = Date(timeIntervalSince1970: 1_790_000_000)  // 2026-09-21T14:13:20Z

    public let rootKey = P256.Signing.PrivateKey()
    public let rootName: DistinguishedName
    public let root: Certificate

    public init(name: String = "certdir test root") throws {
        rootName = try DistinguishedName {
            OrganizationName("certdir tests")
            CommonName(name)
        }
        root = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(rootKey.publicKey),
            notValidBefore: Self.referenceTime - 86_400 * 365, notValidAfter: Self.referenceTime + 86_400 * 3650,
            issuer: rootName, subject: rootName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(rootKey))
    }

    /// The kinds of subject key a test leaf can have.
    public enum LeafKey {
        case rsa(bits: Int)
        case p256
        case p384

        func make() throws -> (Certificate.PublicKey, Any) {
            switch self {
            case .rsa(let bits):
                let key = try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: bits))
                return (Certificate.PublicKey(key.publicKey), key)
            case .p256:
                let key = P256.Signing.PrivateKey()
                return (Certificate.PublicKey(key.publicKey), key)
            case .p384:
                let key = P384.Signing.PrivateKey()
                return (Certificate.PublicKey(key.publicKey), key)
            }
        }
    }

    /// Issues an end-entity certificate from the root.
    /// - Parameters:
    ///   - keyUsage: `nil` omits the extension.
    ///   - eku: `nil` omits the extension.
    ///   - san: rfc822Name values; empty omits the extension.
    ///   - subjectEmail: a legacy emailAddress RDN in the subject.
    ///   - smtpUTF8Mailboxes: SmtpUTF8Mailbox otherName values (RFC 9598 §3), after the rfc822Names.
    public func leaf(
        key: LeafKey = .p256, keyUsage: KeyUsage? = KeyUsage(keyAgreement: true),
        eku: [ExtendedKeyUsage.Usage]? = [.emailProtection], san: [String] = ["alice@example.com"],
        subjectEmail: String? = nil, notBefore: Date = referenceTime - 86_400,
        notAfter: Date = referenceTime + 86_400 * 365,
        isCA: Bool = false, issuedBy other: TestPKI? = nil, smtpUTF8Mailboxes: [String] = []
    ) throws -> [UInt8] {
        let issuer = other ?? self
        let (publicKey, _) = try key.make()
        var rdns = [RelativeDistinguishedName(.init(type: .RDNAttributeType.commonName, utf8String: "test leaf"))]
        if let subjectEmail {
            rdns.append(
                RelativeDistinguishedName(try .init(type: .RDNAttributeType.emailAddress, ia5String: subjectEmail)))
        }
        let subject = DistinguishedName(rdns)
        let extensions = try Certificate.Extensions {
            Critical(
                isCA
                    ? BasicConstraints.isCertificateAuthority(maxPathLength: 0)
                    : BasicConstraints.notCertificateAuthority)
            if let keyUsage { Critical(keyUsage) }
            if let eku { try ExtendedKeyUsage(eku) }
            if !san.isEmpty || !smtpUTF8Mailboxes.isEmpty {
                SubjectAlternativeNames(
                    san.map { .rfc822Name($0) }
                        + (try smtpUTF8Mailboxes.map { .otherName(try Self.smtpUTF8Mailbox($0)) }))
            }
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: publicKey, notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: issuer.rootName, subject: subject, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
            issuerPrivateKey: .init(issuer.rootKey))
        return try Self.der(certificate)
    }

    /// An SmtpUTF8Mailbox otherName (id-on-SmtpUTF8Mailbox, 1.3.6.1.5.5.7.8.9): a UTF8String.
    static func smtpUTF8Mailbox(_ mailbox: String) throws -> GeneralName.OtherName {
        var serializer = DER.Serializer()
        try serializer.serialize(ASN1UTF8String(mailbox))
        return GeneralName.OtherName(
            typeID: [1, 3, 6, 1, 5, 5, 7, 8, 9], value: try ASN1Any(derEncoded: serializer.serializedBytes))
    }

    public var rootDER: [UInt8] { (try? Self.der(root)) ?? [] }

    public static func der(_ certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }
}

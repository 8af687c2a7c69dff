import Crypto
public import Foundation
import SwiftASN1
public import X509

/// One certificate, parsed once, with the facts the checks and the JSON need.
///
/// Parsing uses swift-certificates for the X.509 structure, extensions, key and
/// signature algorithm. OpenSSL prints the names (RFC 4514, from the name bytes
/// alone) and is asked for more only where swift-certificates has no model:
/// keys swift-crypto will not hold (RSA under 2048 bits, DSA, other curves),
/// other signature algorithms, and path validation (``TrustStore``). Its full
/// parse is slow in OpenSSL 3.0 (see ``LazyX509``), so it happens on demand.
public struct ParsedCertificate: Sendable {
    /// The DER encoding, bytes exactly as found.
    public let der: [UInt8]
    /// Lowercase hex SHA-256 of ``der``.
    public let sha256: String
    /// The swift-certificates view, for names, dates and extensions inside the
    /// library. For a key or signature algorithm swift-certificates does not
    /// model, its public key and algorithms are stand-ins (see `StandIn`):
    /// never use its key; ``key`` has the facts about the real one.
    let view: Certificate
    /// True when ``view`` carries stand-ins rather than the real key and algorithm.
    let hasStandIn: Bool
    /// The swift-certificates model of the certificate, with its real key and
    /// signature algorithm; `nil` when swift-certificates cannot model them
    /// (RSA under 2048 bits, DSA, other curves, SHA-1 signatures…): a stand-in
    /// key never leaves the library. ``key`` and ``signatureDigest`` describe every certificate.
    public var certificate: Certificate? { hasStandIn ? nil : view }
    /// The subjectKeyIdentifier extension's value (RFC 5280 §4.2.1.2), `nil` without one.
    public var subjectKeyIdentifier: [UInt8]? {
        (try? view.extensions.subjectKeyIdentifier).map { Array($0.keyIdentifier) }
    }
    /// Subject and issuer as RFC 4514 strings, printed by OpenSSL on each use
    /// (`X509_NAME_print_ex(3)`, `XN_FLAG_RFC2253`): about 12 µs each, which a
    /// bulk export in a format without names need not spend.
    public var subject: String { signedFields.map { X509Ref.rfc4514(nameDER: $0.subject) } ?? "" }
    public var issuer: String { issuerDER.map(X509Ref.rfc4514(nameDER:)) ?? "" }
    /// The issuer Name (RFC 5280 §4.1.2.4) as found; `nil` if unreadable.
    var issuerDER: ArraySlice<UInt8>? { signedFields?.issuer }
    /// The serial number as lowercase hex, without leading zero bytes.
    public let serial: String
    public var notBefore: Date { view.notValidBefore }
    public var notAfter: Date { view.notValidAfter }
    /// The subject public key: algorithm, size in bits, EC curve.
    public let key: KeyDescription
    /// Short name of the signature's digest (`SHA256`, `SHA1`, …), `nil` if none or unknown.
    public let signatureDigest: String?
    /// True when swift-certificates models the real key and signature algorithm
    /// (no stand-in), and the signature algorithm inside the signed part equals
    /// the outer one (RFC 5280 §4.1.1.2): swift-crypto can then check signatures
    /// by this certificate's key and on this certificate.
    let verifiableInSwift: Bool
    /// The signed fields as slices of ``der``; `nil` if unreadable.
    let signedFields: SignedFields?
    private let openSSL: LazyX509

    /// The OpenSSL view, parsed on first use; `nil` when OpenSSL cannot read
    /// the bytes although swift-certificates could.
    var x509: X509Ref? { openSSL.value }

    /// Parses one DER certificate.
    /// - Throws: ``CertificateParseError`` when `der` is not exactly one X.509
    ///   certificate that swift-certificates (or, for keys and algorithms it
    ///   does not model, OpenSSL) accepts.
    public init(der: [UInt8]) throws {
        let certificate: Certificate
        var swiftModel = false
        let modelled = try? Certificate(derEncoded: der)
        if let modelled, let facts = SwiftFacts(modelled) {
            certificate = modelled
            self.key = facts.key
            self.signatureDigest = facts.digest
            self.openSSL = LazyX509(der: der)
            swiftModel = true
        } else {
            guard let x509 = X509Ref(der: der) else {
                OpenSSLErrorQueue.clear()
                throw CertificateParseError(reason: "not a DER X.509 certificate")
            }
            do {
                // Well formed, but with a key or signature algorithm swift-certificates does not model.
                certificate = try modelled ?? StandIn.certificate(standingIn: der)
            } catch {
                throw CertificateParseError(reason: "not an X.509 certificate: \(error)")
            }
            let info = x509.publicKeyInfo
            self.key = KeyDescription(algorithm: info.algorithm.rawValue, bits: info.bits, curve: info.curve)
            self.signatureDigest = x509.signatureDigest
            self.openSSL = LazyX509(der: der, parsed: x509)
        }
        let fields = try? SignedFields(certificate, der: der)
        self.der = der
        self.view = certificate
        self.hasStandIn = !swiftModel && modelled == nil
        self.sha256 = SHA256.hash(data: der).hexString
        self.signedFields = fields
        let serialBytes = certificate.serialNumber.bytes.drop { $0 == 0 }
        self.serial = serialBytes.isEmpty ? "0" : serialBytes.hexString
        self.verifiableInSwift = swiftModel && fields?.algorithmsAgree == true
    }

    /// True when basicConstraints says cA (RFC 5280 §4.2.1.9).
    public var isCA: Bool {
        guard let constraints = try? view.extensions.basicConstraints else { return false }
        if case .isCertificateAuthority = constraints { return true }
        return false
    }

    /// The rfc822Name entries of subjectAltName, in order.
    public var rfc822Names: [String] {
        guard let names = try? view.extensions.subjectAlternativeNames else { return [] }
        return names.compactMap { name in
            if case .rfc822Name(let address) = name { return address }
            return nil
        }
    }

    /// The subject's emailAddress attributes (PKCS #9), the legacy place for an address.
    public var subjectEmailAddresses: [String] {
        view.subject.flatMap { rdn in
            rdn.filter { $0.type == .RDNAttributeType.emailAddress }.map { String(describing: $0.value) }
        }
    }

    /// The subject's last commonName, the usual display name; `nil` without one.
    public var commonName: String? {
        view.subject.flatMap { rdn in
            // The text itself, not its RFC 4514 escaped form: a display name.
            rdn.filter { $0.type == .RDNAttributeType.commonName }.map {
                String($0.value) ?? String(describing: $0.value)
            }
        }.last
    }

    /// The certificate as PEM text (RFC 7468), ending with a newline.
    public var pem: String {
        PEMDocument(type: "CERTIFICATE", derBytes: der).pemString + "\n"
    }
}

/// The subject public key of a certificate.
public struct KeyDescription: Sendable, Hashable {
    /// `rsa`, `ec`, `dsa`, `edwards`, `montgomery` or `unknown`.
    public let algorithm: String
    /// Key size in bits (RSA modulus, EC field size).
    public let bits: Int
    /// OpenSSL's short name of the EC curve (`prime256v1`, `secp384r1`, …), else `nil`.
    public let curve: String?
}

/// A value that is not a usable X.509 certificate.
public struct CertificateParseError: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}

extension Sequence where Element == UInt8 {
    /// Lowercase hex, two digits per byte.
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

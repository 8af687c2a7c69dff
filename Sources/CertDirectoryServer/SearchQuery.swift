import CertDirectory
import Foundation

/// One RFC 4387 query (§3, §2.2) to `/search.cgi`, parsed and checked.
enum SearchQuery: Sendable, Equatable {
    /// `email=`: the certificate `resolve` chooses, or with `purpose=any` every certificate held for the address.
    case email(String, everyCertificate: Bool)
    /// A hashed attribute: 20 bytes of SHA-1 (RFC 4387 §2.1).
    case hash(HashAttribute, [UInt8], everyCertificate: Bool)
    /// `name=`: the subject CommonName, matched exactly (RFC 4387 §2.2).
    case name(String, everyCertificate: Bool)

    /// The hashed attributes of RFC 4387 §2.2, each the SHA-1 of a DER value.
    enum HashAttribute: String, Sendable, CaseIterable {
        /// The whole certificate.
        case certHash
        /// The subject Name.
        case sHash
        /// The issuer Name.
        case iHash
        /// `IssuerAndSerialNumber` (RFC 5652 §10.2.4).
        case iAndSHash
        /// The subjectKeyIdentifier's key identifier octets.
        case sKIDHash
    }

    var everyCertificate: Bool {
        switch self {
        case .email(_, let every), .hash(_, _, let every), .name(_, let every): every
        }
    }

    /// Parses decoded query parameters.
    /// - Throws: ``QueryError`` with a one-line reason: no or several search
    ///   attributes, an unknown attribute, an empty or malformed value.
    static func parse(_ parameters: [(name: String, value: String)]) throws(QueryError) -> SearchQuery {
        var every = false
        var searches: [(String, String)] = []
        for (name, value) in parameters {
            switch name {
            case "purpose":
                switch value {
                case "any": every = true
                case "encrypt", "": every = false
                default: throw QueryError("purpose must be encrypt or any")
                }
            case "email", "name", "uri": searches.append((name, value))
            case _ where HashAttribute(rawValue: name) != nil: searches.append((name, value))
            default: throw QueryError("unknown attribute \(Self.printable(name))")
            }
        }
        guard searches.count == 1, let (name, value) = searches.first else {
            throw QueryError(
                searches.isEmpty ? "give one search attribute (RFC 4387 §2.2)" : "give only one search attribute")
        }
        guard !value.isEmpty else { throw QueryError("\(name) is empty") }
        switch name {
        case "email", "uri":
            guard MailAddress(value) != nil else {
                throw QueryError("\(name) is not a mail address (RFC 5322 addr-spec)")
            }
            return .email(value, everyCertificate: every)
        case "name":
            return .name(value, everyCertificate: every)
        default:
            guard let digest = decodeHash(value) else {
                throw QueryError("\(name) must be the base64 of a 20-byte SHA-1 hash (RFC 4387 §2.1)")
            }
            return .hash(HashAttribute(rawValue: name)!, digest, everyCertificate: every)
        }
    }

    /// RFC 4387 §2.1: base64 of 20 bytes is 27 characters from `A–Z a–z 0–9 + /`
    /// after the `=` pad is dropped. One trailing `=` is tolerated; a space is read
    /// as the `+` that form encoding turned into one.
    static func decodeHash(_ value: String) -> [UInt8]? {
        var text = value.replacingOccurrences(of: " ", with: "+")
        if text.hasSuffix("=") { text.removeLast() }
        guard text.utf8.count == 27,
            text.utf8.allSatisfy({ $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "/") }),
            let data = Data(base64Encoded: text + "="), data.count == 20
        else { return nil }
        return Array(data)
    }

    /// A name for an error message: short and printable, since a reason line must stay one line.
    static func printable(_ text: String) -> String {
        let cleaned = String(text.unicodeScalars.prefix(40).map { $0.isASCIIPrintable ? Character($0) : "?" })
        return cleaned.debugDescription
    }
}

/// A malformed query: 400 with ``reason`` as the body, one line.
struct QueryError: Error, Sendable, Equatable {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self)
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIIPrintable: Bool { (0x20...0x7E).contains(value) }
}

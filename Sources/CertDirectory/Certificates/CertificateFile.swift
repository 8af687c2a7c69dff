import Foundation
import SwiftASN1

/// Reads certificates from a file: PEM (one or many `CERTIFICATE` blocks,
/// RFC 7468), a single DER certificate, or a DER PKCS#7 certs-only bundle
/// (`.p7c`/`.p7b`).
public enum CertificateFile {
    /// - Returns: The certificates in file order; at least one.
    /// - Throws: ``CertificateFileError`` naming the file and what is wrong with it.
    public static func load(path: String) throws -> [ParsedCertificate] {
        let bytes: [UInt8]
        do {
            bytes = try InputFile.read(path: path, limit: InputFile.certificateLimit)
        } catch let error as InputFileError {
            throw CertificateFileError(path: path, reason: "cannot read: \(error.reason)")
        }
        return try parse(bytes, path: path)
    }

    /// Parses file contents; `path` only names the source in errors.
    public static func parse(_ bytes: [UInt8], path: String) throws -> [ParsedCertificate] {
        if let text = String(validating: bytes, as: UTF8.self), text.contains("-----BEGIN") {
            let documents: [PEMDocument]
            do {
                documents = try PEMDocument.parseMultiple(pemString: text)
            } catch {
                // Not the parser's message: it quotes the file, which may hold a private key.
                throw CertificateFileError(path: path, reason: "malformed PEM (a corrupt or unterminated block)")
            }
            let certificates = documents.filter { $0.discriminator == "CERTIFICATE" || $0.discriminator == "PKCS7" }
            guard !certificates.isEmpty else {
                throw CertificateFileError(path: path, reason: "no CERTIFICATE block in the PEM")
            }
            return try certificates.flatMap { try decodeDER($0.derBytes, path: path) }
        }
        return try decodeDER(bytes, path: path)
    }

    private static func decodeDER(_ der: [UInt8], path: String) throws -> [ParsedCertificate] {
        let decoded = EntryValues.decode(der)
        if let problem = decoded.problem { throw CertificateFileError(path: path, reason: problem) }
        return decoded.certificates
    }
}

/// A certificate file that cannot be read or parsed.
public struct CertificateFileError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}

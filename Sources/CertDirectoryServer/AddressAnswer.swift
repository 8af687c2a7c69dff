import CertDirectory
import Crypto
import Foundation
import HTTPTypes
import NIOCore

/// One address's resolution, with what its HTTP answers need computed once.
/// A class, so that the front and every request share one copy.
final class AddressAnswer: Sendable {
    let resolution: Resolution
    /// The chosen certificate's DER, ready to send (`application/pkix-cert`).
    let chosenBody: ByteBuffer?
    /// Every distinct certificate held for the address, in directory order (`purpose=any`).
    let allCertificates: [ParsedCertificate]
    /// Strong validators of the chosen certificate and of the whole set (RFC 9110 §8.8.3).
    let chosenETag: String?
    let allETag: String?
    /// True when the answer came from the book because the directory could not be asked.
    let isStale: Bool
    /// True when the directory failed and the book had nothing recent enough.
    let isUnavailable: Bool
    /// The headers of the 200 `application/pkix-cert` answer, when there is a chosen certificate.
    let chosenHeaders: HTTPFields?

    /// - Parameter maxAge: `Cache-Control: max-age` of the chosen certificate's answer, in seconds.
    init(_ resolution: Resolution, maxAge: Int) {
        self.resolution = resolution
        let chosen = resolution.chosen?.certificate
        chosenBody = chosen.map { ByteBuffer(bytes: $0.der) }
        var seen = Set<String>()
        allCertificates = resolution.candidates.compactMap(\.certificate).filter { seen.insert($0.sha256).inserted }
        chosenETag = chosen.map { Self.etag([$0]) }
        allETag = allCertificates.isEmpty ? nil : Self.etag(allCertificates)
        isStale = resolution.warnings.contains { $0.code == .stale }
        isUnavailable = resolution.status == .error
        chosenHeaders = chosenETag.map { etag in
            [
                .vary: "Accept", .eTag: etag, .cacheControl: "max-age=\(max(0, maxAge))",
                .contentType: HTTPAnswers.pkixCert,
            ]
        }
    }

    /// Fit to keep in the front: neither an error nor a stale fallback.
    var isDefinite: Bool { !isStale && !isUnavailable }

    /// A quoted strong ETag from the certificates' SHA-256 values, in order.
    static func etag(_ certificates: [ParsedCertificate]) -> String {
        if certificates.count == 1 { return "\"\(certificates[0].sha256.prefix(32))\"" }
        let digest = SHA256.hash(data: Array(certificates.map(\.sha256).joined(separator: ",").utf8))
        return "\"" + digest.prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
    }
}

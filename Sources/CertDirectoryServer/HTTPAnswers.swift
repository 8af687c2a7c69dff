import CertDirectory
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Builds the HTTP responses of the certificate store (RFC 4387 §2.2, §3).
enum HTTPAnswers {
    static let pkixCert = "application/pkix-cert"
    static let json = "application/json"

    /// A one-line plain-text reason: 400, 404, 414, 429, 503.
    static func text(_ status: HTTPResponse.Status, _ reason: String, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "text/plain; charset=utf-8"
        if headers[.cacheControl] == nil { headers[.cacheControl] = "no-store" }
        let line = reason.replacingOccurrences(of: "\n", with: " ") + "\n"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: line)))
    }

    /// One certificate as `application/pkix-cert` (RFC 2585 §4.1), or several
    /// as `multipart/mixed` with one `application/pkix-cert` part each (RFC 4387 §2.2, RFC 2046 §5.1).
    /// A matching `If-None-Match` gets 304.
    static func certificates(
        _ certificates: [ParsedCertificate], single: ByteBuffer? = nil, etag: String, maxAge: Int,
        request: Request, extra: HTTPFields = [:]
    ) -> Response {
        var headers = extra
        headers[.eTag] = etag
        headers[.cacheControl] = "max-age=\(max(0, maxAge))"
        if matches(request.headers[.ifNoneMatch], etag) {
            return Response(status: .notModified, headers: headers)
        }
        if certificates.count == 1 {
            headers[.contentType] = pkixCert
            return Response(
                status: .ok, headers: headers, body: .init(byteBuffer: single ?? ByteBuffer(bytes: certificates[0].der))
            )
        }
        let boundary = "certdir-" + etag.filter(\.isHexDigit)
        var body = ByteBuffer()
        for certificate in certificates {
            body.writeString("--\(boundary)\r\nContent-Type: \(pkixCert)\r\n\r\n")
            body.writeBytes(certificate.der)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        headers[.contentType] = "multipart/mixed; boundary=\"\(boundary)\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }

    /// The same object as `certdir resolve --format json` (``ResolutionJSON``), one line.
    static func resolutionJSON(
        _ resolution: Resolution, status: HTTPResponse.Status, etag: String?, maxAge: Int, request: Request,
        extra: HTTPFields = [:]
    ) -> Response {
        var headers = extra
        headers[.contentType] = json
        headers[.cacheControl] = etag == nil ? "no-store" : "max-age=\(max(0, maxAge))"
        if let etag {
            headers[.eTag] = etag
            if matches(request.headers[.ifNoneMatch], etag) { return Response(status: .notModified, headers: headers) }
        }
        let line = ResolutionJSON.line(resolution) + "\n"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: line)))
    }

    /// `If-None-Match` (RFC 9110 §13.1.2): `*` or a list containing the tag; weak comparison.
    static func matches(_ header: String?, _ etag: String) -> Bool {
        guard let header else { return false }
        if header.trimmingCharacters(in: .whitespaces) == "*" { return true }
        return header.split(separator: ",").contains { candidate in
            var tag = candidate.trimmingCharacters(in: .whitespaces)
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag == etag
        }
    }

    /// True when the client asked for JSON (`Accept: application/json`) rather than certificates.
    static func wantsJSON(_ request: Request) -> Bool {
        guard let accept = request.headers[.accept] else { return false }
        return accept.split(separator: ",").contains {
            $0.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() == json
        }
    }
}

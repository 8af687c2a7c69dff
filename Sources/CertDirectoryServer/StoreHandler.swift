import CertDirectory
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The routes of `certdir serve`: `/search.cgi` (RFC 4387), `/v1/resolve` (JSON) and `/healthz`.
struct StoreHandler: Sendable {
    let lookups: AddressLookups
    let index: CertificateIndex
    let pool: DirectoryPool
    let configuration: ServeConfiguration
    let negativeTTL: TimeInterval

    /// `GET /search.cgi?ATTRIBUTE=VALUE[&purpose=any]`.
    func search(_ request: Request, _ context: ServeContext) async throws -> Response {
        let query: SearchQuery
        do throws(QueryError) {
            query = try SearchQuery.parse(try Self.parameters(request.uri.query))
        } catch {
            return HTTPAnswers.text(.badRequest, error.reason)
        }
        context.logger.debug("query", metadata: ["query": "\(request.uri.query ?? "")"])
        switch query {
        case .email(let address, let every):
            return try await email(address, every: every, json: HTTPAnswers.wantsJSON(request), request: request)
        case .hash(let attribute, let digest, let every):
            return served(index.find(attribute, digest), every: every, request: request)
        case .name(let name, let every):
            return served(index.find(name: name), every: every, request: request)
        }
    }

    /// `GET /v1/resolve?email=ADDRESS`: always JSON.
    func resolve(_ request: Request, _ context: ServeContext) async throws -> Response {
        let parameters: [(name: String, value: String)]
        do throws(QueryError) {
            parameters = try Self.parameters(request.uri.query)
        } catch {
            return HTTPAnswers.text(.badRequest, error.reason)
        }
        guard parameters.count == 1, parameters[0].name == "email" else {
            return HTTPAnswers.text(.badRequest, "give exactly one parameter, email")
        }
        guard MailAddress(parameters[0].value) != nil else {
            return HTTPAnswers.text(.badRequest, "email is not a mail address (RFC 5322 addr-spec)")
        }
        return try await email(parameters[0].value, every: false, json: true, request: request)
    }

    /// `GET /healthz`: 200 when the directory answers, 503 otherwise; JSON either way.
    func health(_ request: Request, _ context: ServeContext) async -> Response {
        let health = await pool.probe()
        var object: [String: Any] = [
            "front": lookups.front.count, "index": index.count, "searches": await pool.searches,
            "connects": await pool.connects,
        ]
        let status: HTTPResponse.Status
        switch health {
        case .up(let uri):
            (object["status"], object["directory"], object["uri"]) = ("ok", "up", uri)
            status = .ok
        case .down(let since, let reason, let retryAt):
            (object["status"], object["directory"], object["reason"]) = ("degraded", "down", reason)
            object["since"] = RFC3339.format(since)
            object["retry_at"] = RFC3339.format(retryAt)
            status = .serviceUnavailable
        case .unknown:
            (object["status"], object["directory"]) = ("degraded", "unknown")
            status = .serviceUnavailable
        }
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: HTTPAnswers.json, .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data + Data("\n".utf8))))
    }

    private func email(_ address: String, every: Bool, json: Bool, request: Request) async throws -> Response {
        let answer = try await lookups.answer(address)
        if !every, !json, let headers = answer.chosenHeaders, let body = answer.chosenBody, !answer.isStale {
            // The hot path: one certificate, headers made once per answer.
            if let etag = headers[.eTag], HTTPAnswers.matches(request.headers[.ifNoneMatch], etag) {
                var unchanged = headers
                unchanged[.contentType] = nil
                return Response(status: .notModified, headers: unchanged)
            }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
        }
        let resolution = answer.resolution
        var extra: HTTPFields = [.vary: "Accept"]
        var maxAge = configuration.maxAge
        if answer.isStale {
            // RFC 9111 §5.5 (obsoleted but widely understood): 110 Response is Stale.
            extra[.warning] = "110 certdir \"Response is Stale\""
            maxAge = 0
        }
        if answer.isUnavailable {
            let retry = await retryAfter()
            extra[.retryAfter] = "\(retry)"
            if json {
                return HTTPAnswers.resolutionJSON(
                    resolution, status: .serviceUnavailable, etag: nil, maxAge: 0, request: request, extra: extra)
            }
            return HTTPAnswers.text(
                .serviceUnavailable, "the directory cannot be reached and the address book has no recent answer",
                headers: extra)
        }
        let certificates =
            every ? answer.allCertificates : answer.chosenBody == nil ? [] : [resolution.chosen!.certificate!]
        let etag = every ? answer.allETag : answer.chosenETag
        if json {
            let negative = certificates.isEmpty
            return HTTPAnswers.resolutionJSON(
                resolution, status: negative ? .notFound : .ok, etag: etag.map { "W/" + $0 },
                maxAge: negative ? min(maxAge, Int(negativeTTL)) : maxAge, request: request, extra: extra)
        }
        guard let etag, !certificates.isEmpty else {
            extra[.cacheControl] = "max-age=\(min(maxAge, Int(negativeTTL)))"
            return HTTPAnswers.text(.notFound, Self.reason(resolution), headers: extra)
        }
        return HTTPAnswers.certificates(
            certificates, single: every ? nil : answer.chosenBody, etag: etag, maxAge: maxAge, request: request,
            extra: extra)
    }

    private func served(_ items: [CertificateIndex.Item], every: Bool, request: Request) -> Response {
        let certificates = CertificateIndex.served(items, everyCertificate: every, now: Date())
        guard !certificates.isEmpty else {
            return HTTPAnswers.text(
                .notFound, items.isEmpty ? "no certificate matches" : "no certificate that matches is fit for use",
                headers: [.cacheControl: "max-age=\(min(configuration.maxAge, Int(negativeTTL)))"])
        }
        return HTTPAnswers.certificates(
            certificates, etag: AddressAnswer.etag(certificates), maxAge: configuration.maxAge, request: request)
    }

    /// Seconds until the pool tries the directory again.
    private func retryAfter() async -> Int {
        if case .down(_, _, let retryAt) = await pool.health {
            return max(1, Int(retryAt.timeIntervalSinceNow.rounded(.up)))
        }
        return max(1, Int(pool.retryInterval))
    }

    /// Why an address has no certificate to serve, in one line; the address itself is not repeated.
    static func reason(_ resolution: Resolution) -> String {
        switch resolution.status {
        case .notFound: "no directory entry has this address"
        case .noUsableCertificate: "no certificate for this address is fit for encryption"
        case .ambiguous: "several directory entries have this address (ambiguous)"
        case .ok: "no certificate"
        case .error: "the directory could not answer"
        }
    }

    /// The query string split into decoded name–value pairs (RFC 3986 §3.4;
    /// `+` stays a plus, as mail addresses need it).
    /// - Throws: ``QueryError`` for a bad percent escape or a parameter without `=`.
    static func parameters(_ query: String?) throws(QueryError) -> [(name: String, value: String)] {
        guard let query, !query.isEmpty else { return [] }
        var pairs: [(name: String, value: String)] = []
        for item in query.split(separator: "&", omittingEmptySubsequences: true) {
            guard let equals = item.firstIndex(of: "=") else {
                throw QueryError("parameter \(SearchQuery.printable(String(item))) has no value")
            }
            guard let name = percentDecoded(item[..<equals]) else {
                throw QueryError("bad percent-encoding in the query")
            }
            var raw = item[item.index(after: equals)...]
            // A CommonName is text a form sends with spaces as '+' (HTML form encoding); an
            // address keeps its '+' (RFC 5322 allows it: alice+tag@example.com), and a hash its own.
            if name == "name" { raw = Substring(raw.replacingOccurrences(of: "+", with: " ")) }
            guard let value = percentDecoded(raw) else { throw QueryError("bad percent-encoding in the query") }
            pairs.append((name, value))
        }
        return pairs
    }
}

/// `%XX` escapes decoded (RFC 3986 §2.1); `nil` for a bad escape or bytes that are not UTF-8.
func percentDecoded(_ text: Substring) -> String? {
    guard text.utf8.contains(UInt8(ascii: "%")) else { return String(text) }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count)
    var iterator = text.utf8.makeIterator()
    while let byte = iterator.next() {
        guard byte == UInt8(ascii: "%") else {
            bytes.append(byte)
            continue
        }
        guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
            return nil
        }
        bytes.append(high << 4 | low)
    }
    return String(validating: bytes, as: UTF8.self)
}

private func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}

extension HTTPField.Name {
    /// `Warning` (RFC 7234 §5.5).
    static var warning: Self { .init("Warning")! }
}

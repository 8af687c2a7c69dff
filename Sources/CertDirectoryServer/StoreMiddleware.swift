import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// In front of every route: the methods served (GET, and HEAD as a GET
/// without its body; others 405), transfer codings (a request naming one
/// other than chunked is 501, RFC 9112 §6.1), the target-length limit (414),
/// the per-client rate limit (429), and one access-log line per request.
///
/// The access log names the method, the path, the status, the time taken and
/// the client, at `info`; never the query, since it holds mail addresses
/// (personal data). The query is logged only at `debug`, by the handler.
struct StoreMiddleware: RouterMiddleware {
    typealias Context = ServeContext
    let limiter: RateLimiter
    let maxTargetLength: Int
    let accessLog: Bool

    func handle(_ request: Request, context: ServeContext, next: (Request, ServeContext) async throws -> Response)
        async throws -> Response
    {
        let started = ContinuousClock.now
        var response: Response
        if request.method != .get && request.method != .head {
            response = HTTPAnswers.text(
                .methodNotAllowed, "only GET and HEAD are served", headers: [.allow: "GET, HEAD"])
        } else if let coding = request.headers[.transferEncoding], coding.lowercased() != "chunked" {
            // The body's framing is unknown: answer and close rather than guess where the next request starts.
            response = HTTPAnswers.text(
                .notImplemented, "transfer coding not supported: \(coding)", headers: [.connection: "close"])
        } else if request.uri.string.utf8.count > maxTargetLength {
            response = HTTPAnswers.text(.uriTooLong, "the request target is longer than \(maxTargetLength) bytes")
        } else if limiter.rate > 0, let wait = limiter.admit(context.client) {
            response = HTTPAnswers.text(
                .tooManyRequests, "too many requests from this client", headers: [.retryAfter: "\(wait)"])
        } else {
            do {
                response = try await next(request, context)
            } catch let error as any HTTPResponseError {
                log(request, context, status: error.status, started)
                throw error
            } catch {
                // Never let an unexpected failure take the server down or leak details.
                context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
                response = HTTPAnswers.text(.internalServerError, "internal error")
            }
        }
        log(request, context, status: response.status, started)
        if request.method == .head {
            // The GET's header fields, its length among them, without the body (RFC 9110 §9.3.2).
            let length = response.body.contentLength
            response.body = .init()
            if let length { response.headers[.contentLength] = "\(length)" }
        }
        return response
    }

    private func log(
        _ request: Request, _ context: ServeContext, status: HTTPResponse.Status, _ started: ContinuousClock.Instant
    ) {
        guard accessLog, context.logger.logLevel <= .info else { return }
        let elapsed = ContinuousClock.now - started
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        context.logger.info(
            "\(request.method) \(request.uri.path) \(status.code)",
            metadata: ["client": "\(context.client)", "us": "\(micros)"])
    }
}

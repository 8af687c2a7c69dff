import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// OCSP over HTTP (RFC 6960 appendix A.1): GET with the base64 request in the
/// path when that stays short, else POST of the DER request; through
/// `URLSession` with a delegate, so that redirects are judged (only to the same
/// scheme) and the body is capped while it arrives.
enum OCSPTransport {
    /// Largest answer accepted, in bytes (a response for one certificate is a few KB).
    static let maxBytes = 1 << 20
    /// RFC 6960 appendix A.1: GET for requests whose encoding is under 255 bytes.
    static let maxGETLength = 255

    /// - Returns: The body of a 200 answer.
    /// - Throws: ``FetchError`` (unreachable for connection failures and timeouts).
    static func exchange(_ request: [UInt8], responder: String, timeout: Duration) async throws -> [UInt8] {
        guard let base = URL(string: responder), let scheme = base.scheme?.lowercased(),
            scheme == "http" || scheme == "https"
        else { throw FetchError(description: "not an http URL", unreachable: false) }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        var urlRequest: URLRequest
        let encoded =
            Data(request).base64EncodedString()
            .addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let separator = responder.hasSuffix("/") ? "" : "/"
        if encoded.utf8.count < maxGETLength, let url = URL(string: responder + separator + encoded) {
            urlRequest = URLRequest(url: url)
            urlRequest.httpMethod = "GET"
        } else {
            urlRequest = URLRequest(url: base)
            urlRequest.httpMethod = "POST"
            urlRequest.httpBody = Data(request)
            urlRequest.setValue("application/ocsp-request", forHTTPHeaderField: "Content-Type")
        }
        urlRequest.timeoutInterval = seconds
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = seconds
        configuration.timeoutIntervalForResource = seconds
        let transfer = Transfer(scheme: scheme)
        let session = URLSession(configuration: configuration, delegate: transfer, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        return try await withCheckedThrowingContinuation { continuation in
            transfer.start(continuation)
            session.dataTask(with: urlRequest).resume()
        }
    }

    /// Collects one answer; every callback runs on the session's serial delegate queue.
    private final class Transfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
        private let scheme: String
        private var body = Data()
        private var tooLarge = false
        private var continuation: CheckedContinuation<[UInt8], any Error>?
        private let lock = NSLock()

        init(scheme: String) { self.scheme = scheme }

        func start(_ continuation: CheckedContinuation<[UInt8], any Error>) {
            lock.withLock { self.continuation = continuation }
        }

        private func finish(_ result: Result<[UInt8], FetchError>) {
            let continuation = lock.withLock {
                defer { self.continuation = nil }
                return self.continuation
            }
            continuation?.resume(with: result.mapError { $0 as any Error })
        }

        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
        ) {
            // Never to another scheme (an OCSP answer fetched over ldap:, file: or https: downgrades).
            completionHandler(request.url?.scheme?.lowercased() == scheme ? request : nil)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
            guard !tooLarge else { return }
            body.append(data)
            if body.count > OCSPTransport.maxBytes {
                tooLarge = true
                dataTask.cancel()
            }
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
            if tooLarge {
                finish(
                    .failure(FetchError(description: "answer over \(OCSPTransport.maxBytes) bytes", unreachable: false))
                )
                return
            }
            if let error {
                finish(.failure(FetchError(description: error.localizedDescription, unreachable: true)))
                return
            }
            let status = (task.response as? HTTPURLResponse)?.statusCode ?? 0
            guard status == 200 else {
                let redirect = (300..<400).contains(status) ? " (a redirect to another scheme is not followed)" : ""
                finish(
                    .failure(FetchError(description: "HTTP status \(status)\(redirect)", unreachable: status >= 500)))
                return
            }
            finish(.success([UInt8](body)))
        }
    }
}

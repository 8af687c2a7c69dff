import Dispatch
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A small HTTP GET for CRLs and caIssuers certificates (RFC 5280 §4.2.1.13,
/// §4.2.2.1: `http` URIs return a DER CRL, or a DER certificate or PKCS#7
/// certs-only bundle), through Foundation's `URLSession`.
enum HTTPFetch {
    /// Largest body accepted, in bytes (a CRL of a large CA is a few MB).
    static let maxBytes = 32 << 20

    /// - Parameter timeout: The whole request's limit.
    /// - Returns: The body of a 200 answer.
    /// - Throws: ``FetchError`` (unreachable for connection failures and timeouts).
    static func get(_ url: String, timeout: Duration) async throws -> [UInt8] {
        guard let target = URL(string: url) else { throw FetchError(description: "not a URL", unreachable: false) }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = seconds
        configuration.timeoutIntervalForResource = seconds
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        var request = URLRequest(url: target)
        request.timeoutInterval = seconds
        return try await withCheckedThrowingContinuation { continuation in
            let task = session.dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(
                        throwing: FetchError(description: "\(error.localizedDescription)", unreachable: true))
                    return
                }
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                guard status == 200, let data else {
                    continuation.resume(
                        throwing: FetchError(description: "HTTP status \(status)", unreachable: status >= 500))
                    return
                }
                guard data.count <= maxBytes else {
                    continuation.resume(
                        throwing: FetchError(description: "answer over \(maxBytes) bytes", unreachable: false))
                    return
                }
                continuation.resume(returning: [UInt8](data))
            }
            task.resume()
        }
    }
}

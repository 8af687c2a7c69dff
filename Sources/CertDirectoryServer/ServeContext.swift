import Hummingbird
import NIOCore

/// The request context of `certdir serve`: Hummingbird's core storage plus the client's address,
/// which the per-client rate limit is keyed on.
struct ServeContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The client's IP address (no port), or `"unknown"`.
    let client: String

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        client = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}

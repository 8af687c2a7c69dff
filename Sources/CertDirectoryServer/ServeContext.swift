import Hummingbird
import NIOCore

/// The request context of `certdir serve`: Hummingbird's core storage plus the client's address,
/// which the per-client rate limit is keyed on.
struct ServeContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address (no port), or `"unknown"`.
    var client: String { remoteAddress?.ipAddress ?? "unknown" }
}

import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Per-connection time limits of `certdir serve`, around Hummingbird's HTTP/1.1 channel.
///
/// Hummingbird's own idle timeout counts from the last decoded request part,
/// so it cannot tell a client that sends nothing from one that trickles a
/// request head byte by byte. Two handlers share the job: ``RequestBytes``
/// sits before the HTTP decoder (after TLS) and sees when a request's first
/// byte arrives; ``RequestHeads`` sits after it and sees when the head is
/// complete and when the response has been written. A connection that sends
/// nothing for `idleTimeout` after opening or after its last response is
/// closed; a request head not complete within `headerTimeout` of its first
/// byte gets 408 and the connection is closed. A head too long for the
/// decoder (80 KiB) gets 414 when its request line is 8 KiB or more, else 431,
/// with a one-line body, instead of Hummingbird's bare 400.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let base: HTTP1Channel
    let headerTimeout: TimeAmount
    let idleTimeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(
                RequestBytes(headerTimeout: headerTimeout, idleTimeout: idleTimeout))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with ``GuardedHTTP1Channel``'s time limits.
    static func guardedHTTP1(headerTimeout: TimeAmount, idleTimeout: TimeAmount) -> HTTPServerBuilder {
        .init { responder in
            GuardedHTTP1Channel(
                base: HTTP1Channel(
                    responder: responder, configuration: .init(additionalChannelHandlers: [RequestHeads()])),
                headerTimeout: headerTimeout, idleTimeout: idleTimeout)
        }
    }
}

/// Raw bytes before the HTTP decoder: notes when a request starts and enforces the timeouts.
final class RequestBytes: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    enum Phase {
        /// Waiting for a request since this instant (connection open or last response).
        case idle(since: NIODeadline)
        /// A request's first byte came at this instant; `line` counts the bytes of its
        /// request line so far, `lineEnded` once it ended.
        case head(since: NIODeadline, line: Int, lineEnded: Bool)
        /// The head is complete; the request is being answered (no limit here).
        case busy
    }

    let headerTimeout: TimeAmount
    let idleTimeout: TimeAmount
    private(set) var phase = Phase.idle(since: .now())
    private var timer: RepeatedTask?
    private var context: ChannelHandlerContext?

    init(headerTimeout: TimeAmount, idleTimeout: TimeAmount) {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        phase = .idle(since: .now())
        // Checked a few times per shortest limit: a late close by a fraction is harmless.
        let quarter = min(headerTimeout.nanoseconds, idleTimeout.nanoseconds) / 4
        let tick = TimeAmount.nanoseconds(max(50_000_000, min(1_000_000_000, quarter)))
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleRepeatedTask(initialDelay: tick, delay: tick) { _ in
            loopBound.value.check()
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let view = unwrapInboundIn(data).readableBytesView
        let lineEnd = view.firstIndex(of: 0x0A).map { $0 - view.startIndex }
        switch phase {
        case .idle:
            phase = .head(since: .now(), line: lineEnd ?? view.count, lineEnded: lineEnd != nil)
        case .head(let since, let line, let lineEnded):
            phase =
                lineEnded
                ? .head(since: since, line: line, lineEnded: true)
                : .head(since: since, line: line + (lineEnd ?? view.count), lineEnded: lineEnd != nil)
        case .busy: break
        }
        context.fireChannelRead(data)
    }

    /// The decoder produced a complete request head.
    func headReceived() { phase = .busy }

    /// The response was written; the connection waits for the next request.
    func responseWritten() { phase = .idle(since: .now()) }

    /// True when the current request's line is long (8 KiB or more): its target
    /// is what made the head too long for the decoder, rather than its header fields.
    var longRequestLine: Bool {
        if case .head(_, let line, _) = phase { return line >= 8192 }
        return false
    }

    private func check() {
        guard let context else { return }
        let now = NIODeadline.now()
        switch phase {
        case .idle(let since) where now - since >= idleTimeout:
            timer?.cancel()
            context.close(promise: nil)
        case .head(let since, _, _) where now - since >= headerTimeout:
            refuse(.requestTimeout, "the request head did not arrive in time")
        default:
            break
        }
    }

    /// Writes a whole response straight to the connection and closes it.
    func refuse(_ status: HTTPResponseStatus, _ reason: String) {
        guard let context else { return }
        timer?.cancel()
        phase = .busy
        let body = reason + "\n"
        var buffer = context.channel.allocator.buffer(capacity: 160 + body.utf8.count)
        buffer.writeString(
            "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
        context.writeAndFlush(NIOAny(buffer)).whenComplete { _ in context.close(promise: nil) }
    }
}

/// Decoded parts after the HTTP decoder: tells ``RequestBytes`` where each request stands,
/// and answers a head the decoder refused for its size.
final class RequestHeads: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var bytes: RequestBytes?

    func handlerAdded(context: ChannelHandlerContext) {
        bytes = try? context.pipeline.syncOperations.handler(type: RequestBytes.self)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { bytes?.headReceived() }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { bytes?.responseWritten() }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let bytes, let parserError = error as? HTTPParserError, parserError == .headerOverflow {
            if bytes.longRequestLine {
                bytes.refuse(.uriTooLong, "the request target is too long")
            } else {
                bytes.refuse(.requestHeaderFieldsTooLarge, "the request header fields are too large")
            }
            return
        }
        context.fireErrorCaught(error)
    }
}

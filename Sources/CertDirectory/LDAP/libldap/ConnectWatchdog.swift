internal import CLDAP
import Dispatch
import Foundation
import Synchronization

/// Bounds the blocking connect, TLS handshake and bind of one handle.
///
/// libldap bounds the TCP connect (`LDAP_OPT_NETWORK_TIMEOUT`) and each
/// synchronous operation (`LDAP_OPT_TIMEOUT`), but not an `ldaps://` TLS
/// handshake: a server that accepts TCP and never answers keeps
/// `gnutls_handshake` retrying for ever. A connection callback
/// (`LDAP_OPT_CONNECT_CB`) records the socket as soon as it is connected; if
/// the deadline passes first, a timer on another thread shuts the socket down,
/// so the blocked call fails and the caller can fail over.
final class ConnectWatchdog: Sendable {
    private struct State {
        var descriptor: Int32 = -1
        var finished = false
        var fired = false
    }

    private let state = Mutex(State())
    /// Touched only by ``arm(after:)`` and ``finish()``, which run on the connection's queue.
    nonisolated(unsafe) private var timer: (any DispatchSourceTimer)?
    /// The callback record libldap keeps a pointer to; freed in `deinit`, after the handle.
    nonisolated(unsafe) let callbacks: UnsafeMutablePointer<ldap_conncb>

    init() {
        callbacks = .allocate(capacity: 1)
        callbacks.initialize(to: ldap_conncb(lc_add: watchdogAdd, lc_del: watchdogDelete, lc_arg: nil))
        callbacks.pointee.lc_arg = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit { callbacks.deallocate() }

    /// True when the deadline passed and the socket was shut down.
    var fired: Bool { state.withLock { $0.fired } }

    /// Starts the clock.
    func arm(after duration: Duration) {
        let timer = DispatchSource.makeTimerSource(queue: .global())
        let (seconds, attoseconds) = duration.components
        timer.schedule(deadline: .now() + .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)))
        timer.setEventHandler { [weak self] in self?.expire() }
        self.timer = timer
        timer.resume()
    }

    /// Stops the clock: the blocking phase is over.
    func finish() {
        state.withLock { $0.finished = true }
        timer?.cancel()
        timer = nil
    }

    private func expire() {
        state.withLock { state in
            guard !state.finished else { return }
            state.fired = true
            if state.descriptor >= 0 { shutdown(state.descriptor, Int32(SHUT_RDWR)) }
        }
    }

    fileprivate func connected(_ descriptor: Int32) {
        state.withLock { state in
            state.descriptor = descriptor
            if state.fired && !state.finished { shutdown(descriptor, Int32(SHUT_RDWR)) }
        }
    }

    fileprivate func closing() {
        state.withLock { $0.descriptor = -1 }
    }
}

/// `lc_add`: called by libldap right after the TCP connect, before TLS.
private func watchdogAdd(
    _ ld: OpaquePointer?, _ sockbuf: OpaquePointer?, _ url: UnsafeMutablePointer<LDAPURLDesc>?,
    _ address: UnsafeMutablePointer<sockaddr>?, _ context: UnsafeMutablePointer<ldap_conncb>?
) -> Int32 {
    guard let argument = context?.pointee.lc_arg, let sockbuf else { return 0 }
    var descriptor: ber_socket_t = -1
    _ = ber_sockbuf_ctrl(sockbuf, LBER_SB_OPT_GET_FD, &descriptor)
    Unmanaged<ConnectWatchdog>.fromOpaque(argument).takeUnretainedValue().connected(Int32(descriptor))
    return 0
}

/// `lc_del`: called before the socket is closed (and with no Sockbuf when the handle is freed).
private func watchdogDelete(
    _ ld: OpaquePointer?, _ sockbuf: OpaquePointer?, _ context: UnsafeMutablePointer<ldap_conncb>?
) {
    guard let argument = context?.pointee.lc_arg else { return }
    Unmanaged<ConnectWatchdog>.fromOpaque(argument).takeUnretainedValue().closing()
}

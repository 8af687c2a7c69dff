import Dispatch
import Foundation

/// One connection to one directory server, with many operations outstanding.
///
/// The actor runs on its own serial `DispatchQueue` (a custom executor), so
/// every libldap call, blocking ones included, stays off Swift's cooperative
/// pool. Searches are sent with `ldap_search_ext(3)` and their message ids
/// recorded; a `DispatchSource` on the socket wakes the queue when the server
/// has sent something, and the actor drains `ldap_result(LDAP_RES_ANY, …, zero
/// timeout)` and routes each message to its waiting search by message id. So
/// any number of searches may be outstanding at once (RFC 4511 §3.1).
///
/// Use ``withConnection(_:_:)``, which always unbinds.
public actor LDAPConnection {
    private let executor: QueueExecutor
    let handle: LDAPHandle
    /// libldap's default search base (`BASE` in ldap.conf, `LDAPBASE`), if any.
    public private(set) var defaultBase: String?
    /// The client-side limit for each search, from ``LDAPConfiguration/Timeouts/operation``.
    var operationTimeout: Duration?
    /// `nonisolated(unsafe)` only so that `deinit` may cancel it; otherwise touched on the queue alone.
    nonisolated(unsafe) var source: (any DispatchSourceRead)?
    var pending: [Int32: PendingSearch] = [:]
    var failure: LDAPError?
    /// The most searches that were outstanding at once; lets tests prove pipelining.
    var mostOutstanding = 0
    /// While searches are outstanding, a slow timer drains results too (``sweepInterval``).
    nonisolated(unsafe) var sweeper: (any DispatchSourceTimer)?
    /// While true, results stay unread in the socket (tests hold them to prove
    /// that many searches can be outstanding at once).
    var readingPaused = false

    /// The URI of the server this connection talks to.
    public nonisolated let uri: String

    nonisolated var executorQueue: DispatchQueue { executor.queue }

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    private init(handle: LDAPHandle, executor: QueueExecutor) {
        self.handle = handle
        self.executor = executor
        self.uri = handle.uri
    }

    /// A connection released without ``close()`` still stops watching its socket before the
    /// descriptor is closed: libdispatch keys its epoll registrations by descriptor number, so a
    /// source left on a closed descriptor would blind the next connection given that number.
    deinit {
        sweeper?.cancel()
        guard let source else { return }
        if readingPaused { source.resume() }  // a suspended source never runs its cancel handler
        let handle = self.handle
        source.setCancelHandler { handle.unbind() }
        source.cancel()
    }

    /// Opens a connection, runs `body`, and unbinds afterwards, also when `body` throws.
    /// - Throws: ``LDAPError`` from connecting or binding, or whatever `body` throws.
    public static func withConnection<T: Sendable>(
        _ configuration: LDAPConfiguration, _ body: (LDAPConnection) async throws -> T
    ) async throws -> T {
        let connection = try await connect(configuration)
        do {
            let result = try await body(connection)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Connects, optionally sends StartTLS, and binds: TCP and TLS happen here,
    /// bounded by ``LDAPConfiguration/Timeouts/network``.
    ///
    /// A simple bind with a password over a connection that is neither
    /// `ldaps://`, StartTLS nor `ldapi://` is refused before anything is sent,
    /// unless ``LDAPConfiguration/allowPlaintextBind`` is set.
    /// - Throws: ``LDAPError``; a TLS failure carries ``LDAPError/tlsFailure``;
    ///   ``LDAPConfigurationError`` for the plaintext-bind refusal.
    public static func connect(_ configuration: LDAPConfiguration) async throws -> LDAPConnection {
        let executor = QueueExecutor(label: "certdir.ldap")
        let handle = try LDAPHandle(uri: configuration.uri)
        let connection = LDAPConnection(handle: handle, executor: executor)
        do {
            try await connection.open(configuration)
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }

    private func open(_ configuration: LDAPConfiguration) throws {
        let scheme = uri.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        let encrypted = scheme == "ldaps" || scheme == "ldapi" || configuration.tls.startTLS
        if case .simple(let dn, let password) = configuration.bind, password.value.isEmpty {
            // RFC 4513 §5.1.2: a name with no password is an unauthenticated bind, which
            // some servers accept as anonymous; never send one by accident.
            throw LDAPConfigurationError(
                "the password for \(dn) is empty (an unauthenticated bind)", kind: .emptyPassword)
        }
        if case .simple = configuration.bind, !encrypted, !configuration.allowPlaintextBind {
            throw LDAPConfigurationError(
                "refusing to send a password over the unencrypted connection to \(uri)", kind: .plaintextBind)
        }
        operationTimeout = configuration.timeouts.operation
        try handle.applyOptions(configuration)
        if let deadline = Self.connectDeadline(configuration.timeouts) { handle.watchdog.arm(after: deadline) }
        defer { handle.watchdog.finish() }
        if configuration.tls.startTLS && scheme == "ldap" {
            try call("StartTLS", .startTLS, configuration) { handle.startTLS() }
        }
        try bind(configuration)
        defaultBase = handle.defaultBase
        try watchSocket()
    }

    private func bind(_ configuration: LDAPConfiguration) throws {
        if case .sasl(let mechanism, let noCanonicalization) = configuration.bind {
            try saslBind(configuration, mechanism: mechanism, noCanonicalization: noCanonicalization)
            return
        }
        // An anonymous bind too: it opens the connection now, so that failover
        // and TLS errors surface here rather than on the first search.
        let (dn, password): (String?, String) =
            switch configuration.bind {
            case .anonymous, .sasl: (nil, "")
            case .simple(let dn, let secret): (dn, secret.value)
            }
        try call(bindOperation(configuration), bindKind(configuration), configuration) {
            handle.simpleBind(dn: dn, password: password)
        }
    }

    /// A SASL bind with no prompts (see ``LDAPConfiguration/BindMethod/sasl(mechanism:noCanonicalization:)``).
    /// Inside TLS it asks for no SASL security layer (`maxssf=0`): the channel is encrypted
    /// already, and Active Directory refuses GSSAPI sign or seal over TLS ("Sign or Seal are not
    /// allowed if TLS is used", unwillingToPerform).
    private func saslBind(_ configuration: LDAPConfiguration, mechanism: String, noCanonicalization: Bool) throws {
        try handle.prepareSASL(noCanonicalization: noCanonicalization, insideTLS: usesTLS(configuration))
        try call(bindOperation(configuration), bindKind(configuration), configuration) {
            handle.saslBind(mechanism: mechanism)
        }
    }

    /// How the bind step reads in messages: it is also where the connection opens.
    private func bindOperation(_ configuration: LDAPConfiguration) -> String {
        switch configuration.bind {
        case .anonymous: "connect (anonymous bind)"
        case .simple(let dn, _): "bind as \(dn)"
        case .sasl(let mechanism, _): "bind with SASL \(mechanism)"
        }
    }

    /// An anonymous bind only opens the connection; one with credentials can be refused (exit 77 in the CLI).
    private func bindKind(_ configuration: LDAPConfiguration) -> LDAPOperation {
        if case .anonymous = configuration.bind { return .connect }
        return .bind
    }

    /// The longest the connect phase (TCP, TLS, StartTLS, bind) may take: both
    /// timeouts together, or `nil` when either is unbounded.
    static func connectDeadline(_ timeouts: LDAPConfiguration.Timeouts) -> Duration? {
        guard let network = timeouts.network, let operation = timeouts.operation else { return nil }
        return network + operation
    }

    /// Runs a blocking libldap call and turns a TLS failure into a precise reason.
    private func call(
        _ operation: String, _ kind: LDAPOperation, _ configuration: LDAPConfiguration,
        _ body: () -> Int32
    ) throws {
        let rc = body()
        guard LDAPResultCode(rawValue: rc) != .success else { return }
        if handle.watchdog.fired {
            throw LDAPError(
                code: .timeout, operation: operation, kind: kind,
                diagnosticMessage: "no answer within the network and operation timeouts", uri: uri)
        }
        var error = handle.error(rc, operation: operation)
        error.kind = kind
        if error.code.isUnreachable || error.code == .connectError, error.tlsFailure == nil, usesTLS(configuration) {
            error.tlsFailure = TLSProbe.diagnose(uri: uri, configuration: configuration)
        }
        throw error
    }

    private func usesTLS(_ configuration: LDAPConfiguration) -> Bool {
        configuration.tls.startTLS || uri.lowercased().hasPrefix("ldaps:")
    }

    /// Closes the connection: fails outstanding searches, stops watching the
    /// socket and unbinds. The unbind runs in the source's cancel handler so that
    /// the descriptor is never closed while the source still watches it.
    public func close() {
        stopSweeper()
        failAll(
            LDAPError(
                code: .serverDown, operation: "close", kind: .close, diagnosticMessage: "connection closed", uri: uri))
        if let source {
            self.source = nil
            if readingPaused { source.resume() }  // a suspended source never runs its cancel handler
            let handle = self.handle
            source.setCancelHandler { handle.unbind() }
            source.cancel()
        } else {
            handle.unbind()
        }
    }
}

/// A setting that makes an LDAP operation unsafe or impossible, detected before anything is sent.
public struct LDAPConfigurationError: Error, Sendable, CustomStringConvertible {
    /// Which setting is at fault, so that a caller can say how to change it.
    public enum Kind: Sendable, Hashable {
        /// A simple bind with a password over a connection that is not encrypted.
        case plaintextBind
        /// A simple bind with a DN and an empty password (an unauthenticated bind, RFC 4513 §5.1.2).
        case emptyPassword
        case other
    }

    public let description: String
    public let kind: Kind
    public init(_ description: String, kind: Kind = .other) {
        self.description = description
        self.kind = kind
    }
}

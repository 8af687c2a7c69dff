import Dispatch
import Foundation

/// A search sent and waiting for its searchResultDone.
struct PendingSearch {
    var continuation: CheckedContinuation<SearchResult, any Error>
    var entries: [LDAPEntry] = []
    var referrals: [String] = []
    var timer: (any DispatchSourceTimer)?
    /// More entries than this fail the search on the client side, whatever the
    /// server does: a server that streams without end cannot exhaust memory.
    var entryLimit: Int
}

extension LDAPConnection {
    /// Sends a search and waits for all of its results.
    ///
    /// Many searches may be outstanding at once on one connection; each is
    /// matched to its results by message id.
    /// - Returns: The entries in server order, plus referrals and search
    ///   references (reported, never followed).
    /// - Throws: ``LDAPError`` with the searchResultDone code when it is neither
    ///   success nor referral (e.g. ``LDAPResultCode/noSuchObject``,
    ///   ``LDAPResultCode/sizeLimitExceeded``); ``LDAPResultCode/timeout``
    ///   after ``LDAPConfiguration/Timeouts/operation`` (the search is then abandoned); or
    ///   ``LDAPResultCode/serverDown`` when the connection broke.
    ///   Uses `ldap_search_ext(3)` and `ldap_result(3)`.
    public func search(_ request: SearchRequest) async throws -> SearchResult {
        try await search(request, page: nil)
    }

    /// Sends a search, with a paged-results control when `page` is given.
    func search(_ request: SearchRequest, page: PageRequest?) async throws -> SearchResult {
        if let failure { throw failure }
        let msgid = try handle.sendSearch(request, page: page)
        return try await withCheckedThrowingContinuation { continuation in
            var entry = PendingSearch(continuation: continuation, entryLimit: Self.entryLimit(request, page: page))
            if let timeout = operationTimeout { entry.timer = makeTimer(msgid: msgid, after: timeout) }
            pending[msgid] = entry
            mostOutstanding = max(mostOutstanding, pending.count)
            startSweeper()
            // Results may already sit in libldap's buffer (TLS reads ahead), where
            // the socket source cannot see them.
            drain()
        }
    }

    /// A timer that fails operation `msgid` with `error` (and abandons it) when
    /// `timeout` passes without its result.
    func makeTimer(msgid: Int32, after timeout: Duration, error: LDAPError? = nil) -> any DispatchSourceTimer {
        let failure =
            error
            ?? LDAPError(
                code: .timeout, operation: "search", diagnosticMessage: "no answer within the operation timeout",
                uri: uri)
        let timer = DispatchSource.makeTimerSource(queue: executorQueue)
        let (seconds, attoseconds) = timeout.components
        timer.schedule(
            deadline: .now() + .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)))
        timer.setEventHandler { [weak self] in
            self?.assumeIsolated { $0.fail(msgid, failure) }
        }
        timer.resume()
        return timer
    }

    /// Abandons one operation (RFC 4511 §4.11) and resumes its caller with `error`.
    func fail(_ msgid: Int32, _ error: LDAPError) {
        guard let entry = pending.removeValue(forKey: msgid) else { return }
        entry.timer?.cancel()
        handle.abandon(msgid)
        entry.continuation.resume(throwing: error)
    }

    /// Starts watching the socket once the bind has opened it.
    func watchSocket() throws {
        let fd = handle.descriptor
        guard fd >= 0 else {
            throw LDAPError(code: .serverDown, operation: "ldap_get_option(LDAP_OPT_DESC)", uri: uri)
        }
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: executorQueue)
        source.setEventHandler { [weak self] in
            self?.assumeIsolated { $0.drain() }
        }
        self.source = source
        source.resume()
    }

    /// Reads every message libldap can hand over without blocking and routes it.
    ///
    /// At most ``drainBudget`` messages per turn: when more are waiting, the rest
    /// is read in a new turn on the queue, so that timers (operation timeouts)
    /// still run while a server floods the connection.
    func drain() {
        guard handle.isOpen, failure == nil, !readingPaused else { return }
        var askedForBuffered = false
        defer { if pending.isEmpty { stopSweeper() } }
        for _ in 0..<Self.drainBudget {
            switch handle.read() {
            case .nothing:
                // Nothing more on the socket; but bytes liblber already holds would never
                // wake the socket source again: ask once more while there are any. Only once
                // in a row: libldap may decline to read them (it judges readiness by its last
                // poll), and then the sweep, not a spin, comes back for them.
                if !askedForBuffered, handle.hasBufferedData {
                    askedForBuffered = true
                    continue
                }
                return
            case .broken:
                failAll(handle.error(-1, operation: "reading results"))
                source?.cancel()
                return
            case .missing:
                return
            case .response(let response):
                askedForBuffered = false
                route(response)
            }
        }
        executorQueue.async { [weak self] in self?.assumeIsolated { $0.drain() } }
    }

    /// How often the sweep timer drains while searches are outstanding. The socket
    /// source is the only wake-up libldap's design gives us, and a wake-up it misses
    /// (a descriptor's registration lost, data libldap buffered) would leave an answered
    /// search waiting for its whole operation timeout, which turns a CRL the server sent
    /// into "revocation unknown" (issue 14). With the sweep, a missed wake-up costs at
    /// most one interval.
    static let sweepInterval = DispatchTimeInterval.milliseconds(200)

    /// Starts the sweep timer when the first search is outstanding.
    func startSweeper() {
        guard sweeper == nil else { return }
        let timer = DispatchSource.makeTimerSource(queue: executorQueue)
        timer.schedule(deadline: .now() + Self.sweepInterval, repeating: Self.sweepInterval)
        timer.setEventHandler { [weak self] in self?.assumeIsolated { $0.drain() } }
        sweeper = timer
        timer.resume()
    }

    func stopSweeper() {
        sweeper?.cancel()
        sweeper = nil
    }

    static let drainBudget = 256

    /// The client-side cap on entries for one search: the request's size limit,
    /// or twice the page size for a page, or 1,000,000.
    static func entryLimit(_ request: SearchRequest, page: PageRequest?) -> Int {
        if request.sizeLimit > 0 { return request.sizeLimit }
        if let page, page.size > 0 { return page.size * 2 }
        return 1_000_000
    }

    private func route(_ response: consuming LDAPResponse) {
        let msgid = response.msgid
        guard pending[msgid] != nil else { return }  // an abandoned or timed-out search; freed unread
        switch response.kind {
        case .searchEntry:
            guard let entry = response.entry() else {
                // An entry that cannot be decoded must not silently vanish (it would read as "not found").
                fail(
                    msgid,
                    LDAPError(
                        code: .decodingError, operation: "search", diagnosticMessage: "undecodable entry", uri: uri))
                return
            }
            pending[msgid]?.entries.append(entry)
            if let search = pending[msgid], search.entries.count > search.entryLimit {
                fail(
                    msgid,
                    LDAPError(
                        code: .sizeLimitExceeded, operation: "search",
                        diagnosticMessage: "more than \(search.entryLimit) entries (client-side limit)", uri: uri))
            }
        case .searchReference:
            pending[msgid]?.referrals += response.references()
        // A modify result is an LDAPResult too. So is an extendedResponse: Samba's AD DC answers an
        // operation carrying a critical control it does not support (e.g. the RFC 4528 assertion)
        // with an extendedResponse, not a modifyResponse, under the operation's message id, with
        // unavailableCriticalExtension (12). Dropping it left the caller waiting until its timeout.
        case .done:
            let done = response.result()
            guard let search = pending.removeValue(forKey: msgid) else { return }
            search.timer?.cancel()
            switch done.code {
            case .success, .referral:
                search.continuation.resume(
                    returning: SearchResult(
                        entries: search.entries, referrals: search.referrals + done.referrals, code: done.code,
                        diagnosticMessage: done.diagnosticMessage, pageCookie: done.pageCookie))
            default:
                search.continuation.resume(
                    throwing: LDAPError(
                        code: done.code, operation: "search", diagnosticMessage: done.diagnosticMessage,
                        matchedDN: done.matchedDN, uri: uri))
            }
        case .other:
            break
        }
    }

    /// Stops or restarts reading results; searches can still be sent meanwhile.
    func setReadingPaused(_ paused: Bool) {
        guard paused != readingPaused else { return }
        readingPaused = paused
        // Suspend the source too, or its level-triggered handler would spin.
        if paused { source?.suspend() } else { source?.resume() }
        if !paused { drain() }
    }

    /// The number of searches sent and not yet answered.
    var outstandingCount: Int { pending.count }

    func failAll(_ error: LDAPError) {
        if failure == nil { failure = error }
        let searches = pending
        pending.removeAll()
        for search in searches.values {
            search.timer?.cancel()
            search.continuation.resume(throwing: error)
        }
    }
}

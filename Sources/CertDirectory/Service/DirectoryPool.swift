public import Foundation
import Logging

/// A small, fixed number of persistent connections to the directory, shared by
/// every lookup of a long-running process (`certdir serve`).
///
/// - At most ``size`` connections are ever open, each with at most
///   ``DirectorySettings/maxOutstandingSearches`` lookups in flight; further
///   lookups wait their turn, so the directory never sees unbounded connections.
/// - Connections are opened on first use with the same failover as
///   ``Resolver/resolve(_:at:)``, one connect at a time.
/// - A connection that breaks is dropped and the lookup retried once on a new one.
/// - When no server can be reached, lookups fail at once with
///   ``DirectoryUnavailableError`` until ``retryInterval`` has passed
///   (``Health/down(since:reason:retryAt:)`` says when), so a dead directory is
///   not hammered with connects.
public actor DirectoryPool: DirectorySource {
    /// What the pool last knew of the directory.
    public enum Health: Sendable, Equatable {
        /// Nothing was asked yet.
        case unknown
        /// At least one connection is open; `uri` is the server it talks to.
        case up(uri: String)
        /// The last connect failed; no connect is tried before `retryAt`.
        case down(since: Date, reason: String, retryAt: Date)
    }

    private struct Member {
        let id: Int
        let connection: LDAPConnection
        let base: String
        var load: Int
    }

    public nonisolated let resolver: Resolver
    /// The most connections open at once (at least 1).
    public nonisolated let size: Int
    /// Seconds to wait after a failed connect before trying again.
    public nonisolated let retryInterval: TimeInterval
    /// One checker for the pool's lifetime, so that CRLs and issuer certificates
    /// fetched for one answer serve the next (CRLs until their nextUpdate; other
    /// values and failures for ``retryInterval`` at least, at most a few minutes).
    nonisolated let sharedChecker: CertificateChecker
    private let logger: Logger
    private var members: [Member] = []
    private var nextID = 0
    private var connecting: Task<Member, any Error>?
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var lastFailure: (error: DirectoryUnavailableError, since: Date, retryAt: Date)?
    private var closed = false
    /// Directory searches sent so far, one per address asked.
    public private(set) var searches = 0
    /// Connections opened so far.
    public private(set) var connects = 0

    /// - Parameters:
    ///   - resolver: Its directory settings, validator and intermediates are used for every lookup.
    ///   - size: The most connections to open (default 2).
    ///   - retryInterval: Seconds between connect attempts while the directory is down (default 5).
    public init(resolver: Resolver, size: Int = 2, retryInterval: TimeInterval = 5) {
        self.resolver = resolver
        self.size = max(1, size)
        self.retryInterval = max(0, retryInterval)
        self.logger = resolver.logger
        self.sharedChecker = CertificateChecker(
            validator: resolver.validator, directory: resolver.directory, revocation: resolver.revocation,
            networkTimeout: resolver.directory.servers.first?.timeouts.network ?? .seconds(10),
            cacheLifetime: max(60, min(300, retryInterval)), logger: resolver.logger)
    }

    /// What the pool knows now, without touching the network.
    public var health: Health {
        if let live = members.first { return .up(uri: live.connection.uri) }
        if let lastFailure {
            return .down(since: lastFailure.since, reason: "\(lastFailure.error)", retryAt: lastFailure.retryAt)
        }
        return .unknown
    }

    /// Makes sure a connection is open (connecting if needed, within the retry
    /// interval's limits), then reports ``health``.
    public func probe() async -> Health {
        if let member = members.first, await member.connection.failure != nil {
            drop(member.id)
        }
        if members.isEmpty, !closed {
            _ = try? await connect()
        }
        return health
    }

    /// Resolves `addresses` on a pooled connection, as ``Resolver/resolve(_:at:)``
    /// does on a new one: the same pipeline, searches, checks and choice.
    /// - Throws: ``DirectoryUnavailableError`` when no server answers (at once
    ///   during the retry interval); ``LDAPError`` for a refused bind;
    ///   ``MissingBaseError``; `CancellationError` after ``close()``.
    public func resolve(_ addresses: [String], at time: Date) async throws -> ResolveReport {
        try await ResolutionPipeline(resolver: resolver, source: self, book: nil).resolve(
            addresses, at: time, now: Date())
    }

    /// Searches `addresses` on a pooled connection (the pipeline's source).
    func gather(_ addresses: [String], at time: Date) async throws -> SourceAnswer {
        var member = try await checkout()
        var results = await run(addresses, at: time, on: member)
        release(member.id)
        let failed = await member.connection.failure != nil
        if failed || results.contains(where: Self.isBroken) {
            // The server closed an idle connection, or went away: one more try on a new connection.
            logger.info("directory connection lost", metadata: ["uri": "\(member.connection.uri)"])
            drop(member.id)
            let retry = results.indices.filter { Self.isBroken(results[$0]) }
            member = try await checkout()
            let again = await run(retry.map { addresses[$0] }, at: time, on: member)
            release(member.id)
            for (index, set) in zip(retry, again) { results[index] = set }
            if again.contains(where: Self.isBroken) { drop(member.id) }
        }
        return SourceAnswer(uri: member.connection.uri, failedOver: [], sets: results)
    }

    /// Closes every connection; later lookups throw `CancellationError`.
    public func close() async {
        closed = true
        connecting?.cancel()
        let open = members
        members.removeAll()
        wakeAll()
        for member in open { await member.connection.close() }
        await sharedChecker.close()
    }

    private func run(_ addresses: [String], at time: Date, on member: Member) async -> [CandidateSet] {
        searches += addresses.count
        return await resolver.gather(addresses, at: time, on: member.connection, base: member.base)
    }

    private static func isBroken(_ set: CandidateSet) -> Bool {
        guard let settled = set.settled, settled.status == .error, let error = settled.error as? LDAPError else {
            return false
        }
        return error.isUnreachable
    }

    /// A connection with room for one more lookup: an idle one, else a new one
    /// while the pool may grow, else the least busy, else wait.
    private func checkout() async throws -> Member {
        let limit = max(1, resolver.directory.maxOutstandingSearches)
        var mayGrow = true
        while true {
            if closed { throw CancellationError() }
            let canGrow = mayGrow && members.count + (connecting == nil ? 0 : 1) < size
            let best = members.indices.filter { members[$0].load < limit }.min { members[$0].load < members[$1].load }
            if let best, members[best].load == 0 || !canGrow {
                members[best].load += 1
                return members[best]
            }
            if canGrow {
                if connecting != nil {
                    // Wait for the connect under way to land (or fail); never spin on the actor.
                    await withCheckedContinuation { waiters.append($0) }
                    continue
                }
                do {
                    _ = try await connect()
                } catch {
                    if members.isEmpty { throw error }
                    mayGrow = false
                }
                continue
            }
            await withCheckedContinuation { waiters.append($0) }
        }
    }

    private func release(_ id: Int) {
        if let index = members.firstIndex(where: { $0.id == id }) { members[index].load -= 1 }
        if !waiters.isEmpty { waiters.removeFirst().resume() }
    }

    private func drop(_ id: Int) {
        guard let index = members.firstIndex(where: { $0.id == id }) else { return }
        let member = members.remove(at: index)
        Task { await member.connection.close() }
        wakeAll()
    }

    /// Lets every waiting lookup look again (a connection came or went).
    private func wakeAll() {
        let woken = waiters
        waiters.removeAll()
        for waiter in woken { waiter.resume() }
    }

    /// Opens one more connection; concurrent callers share one attempt.
    private func connect() async throws -> Member {
        if let connecting { return try await connecting.value }
        if let lastFailure, Date() < lastFailure.retryAt { throw lastFailure.error }
        let directory = resolver.directory
        let logger = self.logger
        let id = nextID
        nextID += 1
        let task = Task { () throws -> Member in
            let (connection, _) = try await DirectoryConnector.connect(directory, logger: logger)
            do {
                let base = try await DirectoryConnector.base(directory, for: connection)
                return Member(id: id, connection: connection, base: base, load: 0)
            } catch {
                await connection.close()
                throw error
            }
        }
        connecting = task
        do {
            let member = try await task.value
            connecting = nil
            connects += 1
            lastFailure = nil
            if closed {
                await member.connection.close()
                throw CancellationError()
            }
            members.append(member)
            wakeAll()
            return member
        } catch {
            connecting = nil
            if let error = error as? DirectoryUnavailableError {
                let now = Date()
                lastFailure = (error, lastFailure?.since ?? now, now.addingTimeInterval(retryInterval))
            }
            wakeAll()
            throw error
        }
    }
}

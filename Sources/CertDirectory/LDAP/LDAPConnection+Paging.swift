extension LDAPConnection {
    /// Runs a search with the simple paged-results control (RFC 2696),
    /// handing each page to `body` as it arrives.
    ///
    /// One page is fetched ahead while `body` works on the current one, so
    /// directory I/O overlaps the caller's work; at most two pages are in memory.
    /// When `body` returns `false` or throws, the paged search is abandoned the
    /// RFC 2696 §3 way (page size 0 with the last cookie). Run one paged search
    /// per connection at a time: slapd refuses a second (INTEROP.md).
    /// - Parameters:
    ///   - pageSize: Entries per page; Active Directory caps it at 1,000.
    ///   - body: Gets the entries of a page and the referrals it carried;
    ///     returns whether to continue.
    /// - Returns: The number of pages received.
    /// - Throws: ``LDAPError``: any result code but success, including
    ///   `sizeLimitExceeded`/`adminLimitExceeded` when a server caps the total,
    ///   so a capped export never looks complete; or what `body` throws.
    @discardableResult
    public func pagedSearch(
        _ request: SearchRequest, pageSize: Int,
        _ body: @Sendable ([LDAPEntry], [String]) async throws -> Bool
    ) async throws -> Int {
        precondition(pageSize > 0, "page size must be positive")
        var pages = 0
        var pending = Task { try await self.search(request, page: PageRequest(size: pageSize, cookie: [])) }
        while true {
            let page = try await pending.value
            pages += 1
            let cookie = page.pageCookie ?? []
            if !cookie.isEmpty {
                pending = Task { try await self.search(request, page: PageRequest(size: pageSize, cookie: cookie)) }
            }
            let proceed: Bool
            do {
                proceed = try await body(page.entries, page.referrals)
            } catch {
                await abandonPaging(request, after: pending, cookieSent: !cookie.isEmpty)
                throw error
            }
            if cookie.isEmpty { return pages }
            if !proceed {
                await abandonPaging(request, after: pending, cookieSent: true)
                return pages
            }
        }
    }

    /// Waits for the prefetched page, then tells the server to drop the paged search.
    private func abandonPaging(
        _ request: SearchRequest, after prefetch: Task<SearchResult, any Error>, cookieSent: Bool
    ) async {
        guard cookieSent, let page = try? await prefetch.value, let cookie = page.pageCookie, !cookie.isEmpty else {
            return
        }
        _ = try? await search(request, page: PageRequest(size: 0, cookie: cookie))
    }
}

public import Foundation

extension Resolver {
    /// Looks up every address on an open connection, with up to
    /// ``DirectorySettings/maxOutstandingSearches`` searches in flight: the
    /// same searches, checks and choice as ``resolve(_:at:)``, without
    /// connecting. For callers that keep connections open (``DirectoryPool``).
    /// - Parameters:
    ///   - base: The search base (a DN), as the connector chose it for this connection.
    ///   - time: The evaluation instant for every check.
    /// - Returns: One ``Resolution`` per address, in the order given. A failed
    ///   search is a ``ResolutionStatus/error`` carrying its ``LDAPError``; this never throws.
    public func resolve(_ addresses: [String], at time: Date, on connection: LDAPConnection, base: String) async
        -> [Resolution]
    {
        let evaluator = RecipientEvaluator(validator: validator, intermediates: intermediates, time: time)
        let uri = connection.uri
        if addresses.count == 1 {
            return [await lookup(addresses[0], base: base, on: connection, evaluator: evaluator, uri: uri)]
        }
        var results = [Resolution?](repeating: nil, count: addresses.count)
        await withTaskGroup(of: (Int, Resolution).self) { group in
            var next = 0
            func addTask() {
                let index = next
                let address = addresses[index]
                next += 1
                group.addTask {
                    (index, await lookup(address, base: base, on: connection, evaluator: evaluator, uri: uri))
                }
            }
            while next < min(addresses.count, max(1, directory.maxOutstandingSearches)) { addTask() }
            while let (index, resolution) = await group.next() {
                results[index] = resolution
                if next < addresses.count { addTask() }
            }
        }
        return results.compactMap { $0 }
    }
}

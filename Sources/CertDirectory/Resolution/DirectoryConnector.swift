import Logging

/// Opens a connection to the first configured server that answers.
enum DirectoryConnector {
    /// Tries each server in order; an unreachable server or a TLS failure moves
    /// on to the next, any other error stops.
    /// - Returns: The connection and the failures of the servers tried before it.
    /// - Throws: ``DirectoryUnavailableError`` when none answers, else the first non-reachability error.
    static func connect(_ directory: DirectorySettings, logger: Logger) async throws -> (LDAPConnection, [LDAPError]) {
        var attempts: [LDAPError] = []
        for server in directory.servers {
            do {
                let connection = try await LDAPConnection.connect(server)
                logger.info("connected", metadata: ["uri": "\(connection.uri)"])
                return (connection, attempts)
            } catch let error as LDAPError where error.isUnreachable {
                logger.warning("directory unreachable, trying the next", metadata: ["error": "\(error)"])
                attempts.append(error)
            }
        }
        throw DirectoryUnavailableError(attempts: attempts)
    }

    /// Connects to the first server that answers, runs `body`, and closes the
    /// connection afterwards, also when `body` throws.
    /// - Throws: What ``connect(_:logger:)`` or `body` throws.
    static func withConnection<T: Sendable>(
        _ directory: DirectorySettings, logger: Logger, _ body: (LDAPConnection, [LDAPError]) async throws -> T
    ) async throws -> T {
        let (connection, attempts) = try await connect(directory, logger: logger)
        do {
            let result = try await body(connection, attempts)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }

    /// The search base: the configured one, else the DN in the URI, else `""` on a
    /// Global Catalog, else libldap's default (`BASE` in ldap.conf).
    static func base(_ directory: DirectorySettings, for connection: LDAPConnection) async throws -> String {
        if let base = directory.base { return base }
        if let url = LDAPURL(connection.uri) {
            if let dn = url.baseDN { return dn }
            if directory.globalCatalog || url.isGlobalCatalogPort { return "" }
        }
        if let base = await connection.defaultBase { return base }
        throw MissingBaseError(uri: connection.uri)
    }
}

import ArgumentParser
import CertDirectory

/// Maps outcomes and errors to exit statuses and one-line messages.
enum ResolveExit {
    static func status(_ resolution: Resolution) -> ExitStatus {
        switch resolution.status {
        case .ok: .ok
        case .notFound, .noUsableCertificate, .ambiguous: .noUser
        case .error: resolution.error.map { classify($0).status } ?? .tempFail
        }
    }

    static func summary(_ resolution: Resolution) -> String {
        switch resolution.status {
        case .ok: return "ok"
        case .notFound: return "not found in the directory"
        case .ambiguous:
            if resolution.entries.isEmpty { return "ambiguous: " + (resolution.warnings.first?.message ?? "") }
            return "ambiguous: " + resolution.entries.joined(separator: "; ")
        case .error: return resolution.error.map { classify($0).message } ?? "error"
        case .noUsableCertificate:
            let codes = Set(resolution.candidates.flatMap { $0.reasons.map(\.code.rawValue) }).sorted()
            if resolution.candidates.isEmpty { return "no usable certificate: the entry has no certificate" }
            return "no usable certificate (" + codes.joined(separator: ", ") + "); --explain tells more"
        }
    }

    /// Runs a command body; any error but an `ExitCode` is reported in one line
    /// on stderr and becomes its exit status. The one error exit of every command.
    static func guarded(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ExitCode {
            throw error
        } catch {
            let (status, message) = classify(error)
            Console.fail(message)
            throw status.exitCode
        }
    }

    /// The exit status and message for an error that stopped a command.
    static func classify(_ error: any Error) -> (status: ExitStatus, message: String) {
        switch error {
        case let error as ExportInterruptedError:
            let cause = error.cause.code
            let status: ExitStatus =
                cause == .sizeLimitExceeded || cause == .adminLimitExceeded ? .tempFail : classify(error.cause).status
            return (status, error.description)
        case let error as CLIError:
            return (error.status, error.description)
        case let error as OutputFileError:
            // A full disk or a read-only target is an output error (74), not a temporary one.
            return (.ioError, error.description)
        case let error as DirectoryUnavailableError:
            return (.tempFail, error.description + CLIHint.tlsCAFile(error.attempts))
        case let error as NotInAddressBookError:
            return (.tempFail, error.description)
        case let error as AddressBookError:
            return (error.kind == .busy ? .tempFail : .ioError, error.description)
        case let error as LDAPConfigurationError:
            return (.config, error.description + CLIHint.text(for: error))
        case let error as MissingBaseError:
            return (.config, "no search base for \(error.uri): give --base, a DN in the URI, or BASE in ldap.conf")
        case let error as MalformedAddressError:
            return (.dataError, error.description)
        case let error as LDAPError:
            if error.isRefusedBind {
                return (.noPermission, "the bind was refused: \(error)")
            }
            if error.code == .operationsError || error.code.isAccessDenied {
                let hint =
                    error.code == .operationsError || error.code == .strongerAuthRequired
                    ? "the directory requires authentication (bind with --bind-dn over TLS): " : "access refused: "
                return (.noPermission, hint + error.description)
            }
            if error.code == .noSuchObject || error.code == .invalidDNSyntax {
                return (.config, "the search base does not exist: \(error)")
            }
            if error.code == .filterError || error.code == .paramError { return (.usage, error.description) }
            return (.tempFail, error.description + CLIHint.tlsCAFile([error]))
        default:
            return (.tempFail, "\(error)")
        }
    }
}

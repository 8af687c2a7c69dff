import CertDirectory
import Foundation
import Logging
import ServiceLifecycle

/// Rebuilds the ``CertificateIndex`` from a full export of the directory: once
/// at start, then every ``interval`` seconds, until shutdown. The export uses
/// one connection of its own for its paged search (RFC 2696), which slapd
/// allows only one of per connection, so pooled lookups are never held up.
struct IndexBuilder: Service {
    let exporter: DirectoryExporter
    let index: CertificateIndex
    let interval: TimeInterval
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let started = Date()
                let (exporter, index) = (self.exporter, self.index)
                let progress = try await cancelWhenGracefulShutdown {
                    try await exporter.run(ExportOptions(time: started), into: IndexSink(into: index))
                }
                logger.info(
                    "certificate index built",
                    metadata: [
                        "entries": "\(progress.entries)", "certificates": "\(index.count)",
                        "seconds": "\(String(format: "%.2f", Date().timeIntervalSince(started)))",
                    ])
            } catch {
                logger.warning("certificate index not built", metadata: ["error": "\(error)"])
            }
            guard interval > 0 else {
                // Returning early would end the whole service group.
                try? await gracefulShutdown()
                break
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
            } catch {
                break
            }
        }
    }
}

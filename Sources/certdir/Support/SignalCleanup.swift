import CertDirectory
import Dispatch
import Foundation

/// On SIGTERM, SIGINT or SIGHUP, removes every staging file and folder
/// (``StagingRegistry``) and then dies of the same signal, so that an
/// interrupted export or write leaves nothing half-written beside its target
/// and the caller still sees the signal in the exit status.
enum SignalCleanup {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []
    private static let queue = DispatchQueue(label: "certdir.signals")

    /// Installs the handlers; call before anything is staged. Idempotent.
    static func install() {
        guard sources.isEmpty else { return }
        for signalNumber in [SIGTERM, SIGINT, SIGHUP] {
            // Ignored here so that only the dispatch source sees it.
            signal(signalNumber, SIG_IGN)
            // A queue of its own: the global queues' threads may all be busy checking certificates.
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler {
                StagingRegistry.removeAll()
                signal(signalNumber, SIG_DFL)
                // kill, not raise: this dispatch thread blocks signals; the process must get it.
                kill(getpid(), signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }
}

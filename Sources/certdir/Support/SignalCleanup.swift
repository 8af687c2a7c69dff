import CertDirectory
import Dispatch
import Foundation

/// On SIGTERM, SIGINT or SIGHUP, removes every staging file and folder
/// (``StagingRegistry``) and then dies of the same signal, so that an
/// interrupted export or write leaves nothing half-written beside its target
/// and the caller still sees the signal in the exit status.
enum SignalCleanup {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    /// Installs the handlers; call before anything is staged. Idempotent.
    static func install() {
        guard sources.isEmpty else { return }
        for signalNumber in [SIGTERM, SIGINT, SIGHUP] {
            // Ignored here so that only the dispatch source sees it.
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
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

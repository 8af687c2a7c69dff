import Foundation
import Synchronization

/// Every staging file and folder this process has open, so that a signal
/// handler can remove them before the process dies.
///
/// ``OutputFile`` and the folder export register what they stage and
/// unregister it once it is renamed into place or discarded. A catchable
/// signal (SIGTERM, SIGINT, SIGHUP) must not leave a hidden half-written
/// file or folder beside the target; the CLI's handler calls ``removeAll()``.
public enum StagingRegistry {
    private static let paths = Mutex<Set<String>>([])

    /// Notes a staging file or folder that ``removeAll()`` must delete.
    public static func register(_ path: String) {
        _ = paths.withLock { $0.insert(path) }
    }

    /// Forgets a path that was renamed into place or already removed.
    public static func unregister(_ path: String) {
        _ = paths.withLock { $0.remove(path) }
    }

    /// Deletes every registered file and folder (folders with their contents).
    public static func removeAll() {
        let all = paths.withLock { current in
            defer { current.removeAll() }
            return current
        }
        for path in all { try? FileManager.default.removeItem(atPath: path) }
    }
}

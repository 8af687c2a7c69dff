import Foundation
import Synchronization

/// Every staging file and folder this process has open, so that a signal
/// handler can remove them before the process dies.
///
/// ``OutputFile`` and the folder export register what they stage and claim
/// it back (``claim(_:)``) just before renaming it into place. A catchable
/// signal (SIGTERM, SIGINT, SIGHUP) must not leave a hidden half-written
/// file or folder beside the target; the CLI's handler calls ``removeAll()``.
/// Once that has run, nothing more is claimed, so no output is renamed into
/// place while the process is being stopped.
public enum StagingRegistry {
    private struct State {
        var paths: Set<String> = []
        var stopping = false
    }

    private static let state = Mutex(State())

    /// Notes a staging file or folder that ``removeAll()`` must delete.
    public static func register(_ path: String) {
        _ = state.withLock { $0.paths.insert(path) }
    }

    /// Forgets a path that was removed.
    public static func unregister(_ path: String) {
        _ = state.withLock { $0.paths.remove(path) }
    }

    /// Takes a staged path back to rename it into place.
    /// - Returns: false when the process is being stopped: the caller must not rename it.
    public static func claim(_ path: String) -> Bool {
        state.withLock { state in
            guard !state.stopping else { return false }
            state.paths.remove(path)
            return true
        }
    }

    /// True once ``removeAll()`` has begun: the process is being stopped by a signal.
    public static var isStopping: Bool { state.withLock { $0.stopping } }

    /// Deletes every registered file and folder (folders with their contents)
    /// and refuses every later ``claim(_:)``.
    public static func removeAll() {
        let all = state.withLock { state in
            state.stopping = true
            defer { state.paths.removeAll() }
            return state.paths
        }
        for path in all { remove(path) }
    }

    /// A folder is first renamed aside, so that no new file can appear in it while it is emptied.
    private static func remove(_ path: String) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return }
        guard isFolder.boolValue else {
            unlink(path)
            return
        }
        let aside = path + ".removing"
        let target = rename(path, aside) == 0 ? aside : path
        for _ in 0..<5 where FileManager.default.fileExists(atPath: target) {
            try? FileManager.default.removeItem(atPath: target)
        }
    }
}

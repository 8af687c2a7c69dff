import Dispatch

/// A serial executor backed by one `DispatchQueue`, so that an actor using it
/// runs every job, and therefore every libldap call, on that queue and never
/// on Swift's cooperative thread pool (see INTEROP.md: blocking calls there
/// starve unrelated tasks). `DispatchSerialQueue` is not available on Linux.
final class QueueExecutor: SerialExecutor {
    let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Lets `assumeIsolated` succeed from a `DispatchSource` handler that runs on the queue.
    func checkIsolated() {
        dispatchPrecondition(condition: .onQueue(queue))
    }
}

import NIOCore

/// Runs a task's jobs on a NIO event loop (SE-0417 task executor preference).
///
/// Certificate checks are `async` (swift-certificates' verifier is); as plain tasks they would wait for a thread of
/// the cooperative pool, which an application may keep busy for a long time — and the handshake with them. With
/// this executor preferred, they run on the connection's own event loop instead.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = self.asUnownedTaskExecutor()
        self.loop.execute {
            job.runSynchronously(on: executor)
        }
    }
}

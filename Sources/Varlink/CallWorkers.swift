import Foundation

/// A fixed set of threads that run calls. Fixed rather than Dispatch's
/// elastic pool because handlers block (durable commits, card I/O): the
/// count bounds how much blocking work the daemon takes on at once, and
/// further calls simply queue.
///
/// Idle threads wait on their own semaphore, kept on a stack: a new job
/// wakes the thread that went idle most recently (its stack and caches are
/// warm), and only one thread, never a herd.
final class CallWorkers: @unchecked Sendable {
    private let lock = NSLock()
    private var jobs: [@Sendable () -> Void] = []
    private var head = 0
    private var stopping = false
    private var running = 0
    /// Threads waiting for work, most recently idle last.
    private var idle: [DispatchSemaphore] = []

    init(count: Int, name: String) {
        for index in 0..<max(1, count) {
            let wake = DispatchSemaphore(value: 0)
            let thread = Thread { [self] in work(wake) }
            thread.name = "\(name)-\(index)"
            lock.lock()
            running += 1
            lock.unlock()
            thread.start()
        }
    }

    func submit(_ job: @escaping @Sendable () -> Void) {
        lock.lock()
        jobs.append(job)
        let sleeper = idle.popLast()
        lock.unlock()
        sleeper?.signal()
    }

    /// Lets each thread exit once the queue is empty. Threads busy in a
    /// handler finish it first; nothing waits for them.
    func shutdown() {
        lock.lock()
        stopping = true
        let sleepers = idle
        idle = []
        lock.unlock()
        for sleeper in sleepers { sleeper.signal() }
    }

    /// Number of threads still alive; for tests of shutdown.
    var runningCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return running
    }

    private func work(_ wake: DispatchSemaphore) {
        while true {
            lock.lock()
            if head == jobs.count {
                if stopping {
                    running -= 1
                    lock.unlock()
                    return
                }
                idle.append(wake)
                lock.unlock()
                wake.wait()
                continue
            }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            } else if head > 64 && head * 2 > jobs.count {
                jobs.removeSubrange(0..<head)
                head = 0
            }
            lock.unlock()
            job()
        }
    }
}

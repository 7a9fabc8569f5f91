import CKernels
import Dispatch
import Foundation
import Synchronization

/// The helper threads `Parallel.forEachRange` splits work over: they stay awake for a moment after each job.
///
/// A decoder step at batch 1, or a short sentence through BERT, is dozens of products of tens of microseconds
/// each. Waking a parked thread for every split (what `DispatchQueue.concurrentPerform` does) cost 30–60 µs on
/// the 2-core VM, as much as the half of the product it saved. A helper here spins for `spinNanoseconds` after
/// its last job, so the next split reaches it within a microsecond; idle for longer, it parks on a semaphore and
/// costs nothing (OpenMP runtimes and OpenBLAS keep their threads the same way).
///
/// One job runs at a time: `run` returns false at once when another thread's job holds the team (two inference
/// workers busy at once already fill the cores), and the caller then does the work alone. Within a job the
/// parts are claimed, not assigned, so a helper that is parked or preempted when it starts delays nothing: the
/// caller runs the parts nobody has taken.
final class WorkerTeam: @unchecked Sendable {
    // @unchecked: `body` and `helpers` are written only by the caller that holds `busy`; a helper reads `body`
    // only for a part it claimed, while the caller waits for that part (the release of `done`).

    static let shared = WorkerTeam()

    /// How long a helper spins for the next job before it parks.
    static let spinNanoseconds: UInt64 = 100_000

    /// The published job: its sequence number above, its number of parts in the low byte, so a helper reads
    /// both in one load.
    private let job = Atomic<Int>(0)
    /// The job's sequence number above, its next unclaimed part in the low byte. Parts are claimed, not assigned:
    /// the caller takes whatever a helper has not started, so a helper slow to wake costs nothing but itself.
    private let claims = Atomic<Int>(0)
    /// Parts of the current job finished.
    private let done = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    /// Set by `quiesce`: spinning helpers park at once instead of finishing their spin.
    private let quiet = Atomic<Bool>(false)
    private var body: ((Int) -> Void)?
    private var helpers: [Helper] = []

    /// Most parts in one job (the low byte of `job` and `claims`).
    static let maxParticipants = 64

    private final class Helper: Sendable {
        /// True while parked (or about to park) on `wake`; whoever resets it owes or consumes one signal.
        let parked = Atomic<Bool>(false)
        let wake = DispatchSemaphore(value: 0)
    }

    /// Runs `body(0)` … `body(parts - 1)`, on the caller and whichever helpers are awake, and returns when all
    /// are done; returns false without running anything when another caller's job holds the team. At most
    /// `participants` threads (the caller included) are asked to join, by default one per part; more parts than
    /// participants balance the load, as whoever finishes first claims the next part.
    func run(parts: Int, participants: Int? = nil, _ body: (Int) -> Void) -> Bool {
        guard parts <= Self.maxParticipants else { return false }
        guard parts > 1 else {
            body(0)
            return true
        }
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        defer { busy.store(false, ordering: .releasing) }
        let helpersWanted = max(0, min(parts, participants ?? parts) - 1)
        while helpers.count < helpersWanted { startHelper() }
        withoutActuallyEscaping(body) { body in
            let sequence = (job.load(ordering: .relaxed) >> 8) + 1
            self.body = body
            done.store(0, ordering: .relaxed)
            claims.store(sequence << 8, ordering: .relaxed)
            quiet.store(false, ordering: .relaxed)
            job.store(sequence << 8 | parts, ordering: .sequentiallyConsistent)
            for helper in helpers.prefix(helpersWanted)
            where helper.parked.exchange(false, ordering: .sequentiallyConsistent) {
                helper.wake.signal()
            }
            while let part = claim(sequence, parts) {
                body(part)
                done.add(1, ordering: .releasing)
            }
            // Parts a helper claimed are running; the body must outlive them.
            var waits = 0
            while done.load(ordering: .acquiring) < parts {
                waits += 1
                // A helper preempted inside its part needs a core back.
                if waits & 1023 == 0 { sched_yield() } else { kotoba_cpu_relax() }
            }
            self.body = nil
        }
        return true
    }

    /// The next unstarted part of job `sequence`, or nil once all are taken or the job is over.
    private func claim(_ sequence: Int, _ parts: Int) -> Int? {
        var current = claims.load(ordering: .relaxed)
        while current >> 8 == sequence && current & 0xFF < parts {
            let (exchanged, original) = claims.compareExchange(expected: current, desired: current + 1,
                                                               ordering: .acquiringAndReleasing)
            if exchanged { return current & 0xFF }
            current = original
        }
        return nil
    }

    /// Makes spinning helpers park now. Called before a multi-threaded BLAS product: OpenBLAS's own threads need
    /// the cores then, and a helper spinning beside them slowed a BERT-base batch by up to a tenth.
    func quiesce() {
        if !quiet.load(ordering: .relaxed) { quiet.store(true, ordering: .releasing) }
    }

    private func startHelper() {
        let helper = Helper()
        helpers.append(helper)
        let seen = job.load(ordering: .acquiring)
        let thread = Thread { [self] in work(helper: helper, seen: seen) }
        thread.name = "kotoba.team.\(helpers.count)"
        thread.stackSize = 4 << 20
        thread.start()
    }

    private func work(helper: Helper, seen: Int) -> Never {
        var seen = seen
        while true {
            seen = nextJob(after: seen, helper: helper)
            // A claim succeeds only while the job runs, and the caller waits for every claimed part, so the
            // body read here is this job's.
            while let part = claim(seen >> 8, seen & 0xFF) {
                body?(part)
                done.add(1, ordering: .releasing)
            }
        }
    }

    /// Spins until a job after `seen` is published, parking once the spin has lasted `spinNanoseconds`.
    private func nextJob(after seen: Int, helper: Helper) -> Int {
        var spinStart = DispatchTime.now().uptimeNanoseconds
        var spins = 0
        while true {
            let current = job.load(ordering: .acquiring)
            if current != seen { return current }
            spins += 1
            if spins & 63 != 0 {
                kotoba_cpu_relax()
                continue
            }
            if !quiet.load(ordering: .acquiring) && DispatchTime.now().uptimeNanoseconds - spinStart < Self.spinNanoseconds {
                // Give way to any other thread waiting for this core (another inference worker, an event loop):
                // the spin is worth it only on a core nobody else wants.
                sched_yield()
                continue
            }
            // Park: announce it, then look once more. A caller that publishes after the announcement sees it
            // and signals; one that published before it is seen by the second look.
            helper.parked.store(true, ordering: .sequentiallyConsistent)
            if job.load(ordering: .sequentiallyConsistent) != seen {
                // Whoever clears the flag owes the signal: if a caller did, consume its signal here.
                if !helper.parked.exchange(false, ordering: .sequentiallyConsistent) { helper.wake.wait() }
            } else {
                helper.wake.wait()
            }
            spinStart = DispatchTime.now().uptimeNanoseconds
            spins = 0
        }
    }
}

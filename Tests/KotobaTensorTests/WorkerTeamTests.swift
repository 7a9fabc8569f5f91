import Foundation
import Synchronization
import Testing
@testable import KotobaTensor

/// The spinning helper threads behind `Parallel.forEachRange`: every part of every job runs exactly once, whether
/// the helpers are spinning, parked or quiesced, and a second caller is turned away instead of waiting.
@Suite(.timeLimit(.minutes(1))) struct WorkerTeamTests {
    /// Counts, per job and part, how often the part ran.
    /// NSLock rather than `Mutex`: ThreadSanitizer sees pthread locks, not the futex under `Mutex` on Linux.
    final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [Int]
        init(_ size: Int) { counts = Array(repeating: 0, count: size) }
        func hit(_ index: Int) { lock.withLock { counts[index] += 1 } }
        var all: [Int] { lock.withLock { counts } }
    }

    @Test func everyPartOfEveryJobRunsOnceWhetherHelpersSpinOrPark() {
        let team = WorkerTeam()
        let jobs = 400
        let tally = Tally(jobs * 8)
        for job in 0..<jobs {
            let parts = 2 + job % 7
            // Back-to-back jobs find the helpers spinning; every 50th waits past the spin, so they park first.
            if job % 50 == 49 { Thread.sleep(forTimeInterval: 0.002) }
            if job % 97 == 0 { team.quiesce() }
            #expect(team.run(parts: parts) { tally.hit(job * 8 + $0) })
        }
        let expected = (0..<jobs).flatMap { job in (0..<8).map { $0 < 2 + job % 7 ? 1 : 0 } }
        #expect(tally.all == expected)
    }

    /// More parts than participants (load balancing): still every part once, on at most that many threads.
    @Test func morePartsThanParticipantsRunOnceEachOnTheCallerAndOneHelper() {
        let team = WorkerTeam()
        let tally = Tally(200 * 16)
        let threads = NSLock()
        nonisolated(unsafe) var seen = Set<UInt>()
        for job in 0..<200 {
            if job % 50 == 49 { Thread.sleep(forTimeInterval: 0.002) }
            #expect(team.run(parts: 16, participants: 2) { part in
                tally.hit(job * 16 + part)
                let id = UInt(pthread_self())
                threads.withLock { _ = seen.insert(id) }
            })
        }
        #expect(tally.all == Array(repeating: 1, count: 200 * 16))
        #expect(threads.withLock { seen.count } <= 2, "only the caller and one helper were asked to join")
    }

    @Test func aJobStartedInsideAJobIsRefusedAndTheCallerRunsItAlone() {
        let team = WorkerTeam()
        let nested = Tally(2)
        #expect(team.run(parts: 2) { part in
            // Whichever thread runs part 0 asks for a job of its own while this one holds the team.
            if part == 0 { nested.hit(team.run(parts: 2) { _ in } ? 1 : 0) }
        })
        #expect(nested.all == [1, 0])
    }

    /// Several threads splitting work at once, as several inference workers do: each gets the team or runs its
    /// work alone, and every range is covered once.
    @Test func concurrentCallersEachCoverTheirWorkOnce() {
        let callers = 4, jobs = 200, count = 1_000
        let tally = Tally(callers * count)
        DispatchQueue.concurrentPerform(iterations: callers) { caller in
            for _ in 0..<jobs {
                Parallel.forEachRange(count, minimumPerThread: 100, threads: 2) { range in
                    for i in range { tally.hit(caller * count + i) }
                }
            }
        }
        #expect(tally.all == Array(repeating: jobs, count: callers * count))
    }

    /// Counts that do not divide into the parts: rounding the chunk up leaves the last parts empty (12 in 8
    /// parts of 2), which must cover nothing rather than form an inverted range.
    @Test(arguments: [5, 7, 12, 13, 25])
    func partsBeyondTheCountAreEmpty(count: Int) {
        let tally = Tally(count)
        Parallel.forEachRange(count, minimumPerThread: 1, threads: 2, partsPerThread: 4) { range in
            for i in range { tally.hit(i) }
        }
        #expect(tally.all == Array(repeating: 1, count: count))
    }

    @Test func oneCallerWithMorePartsThanTheTeamHoldsIsRefused() {
        let team = WorkerTeam()
        #expect(!team.run(parts: WorkerTeam.maxParticipants + 1) { _ in })
        let ran = Atomic<Int>(0)
        #expect(team.run(parts: 1) { _ in ran.add(1, ordering: .relaxed) })
        #expect(ran.load(ordering: .relaxed) == 1)
    }
}

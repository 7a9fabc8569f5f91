import Dispatch
import Foundation
@testable import KotobaHTTP
import Testing
@testable import KotobaService
import KotobaTasks

/// The batcher on its own, with a model that doubles numbers and records every batch it is given.
@Suite struct BatcherTests {
    /// Records batches; `gate` (when set) holds each batch until the test opens it.
    final class DoublingModel: Sendable {
        let batches = Locked<[[Int]]>([])
        let gate: DispatchSemaphore?
        let sawCancellation = Locked(false)

        init(gate: DispatchSemaphore? = nil) { self.gate = gate }

        func run(_ items: [Int], _ isCancelled: @escaping @Sendable (Int) -> Bool) -> [Result<Int, any Error>] {
            batches.withLock { $0.append(items) }
            gate?.wait()
            if items.indices.contains(where: isCancelled) { sawCancellation.withLock { $0 = true } }
            return items.map { .success($0 * 2) }
        }
    }

    private func limits(size: Int = 64, tokens: Int = 10_000, wait: Double = 0.05, capacity: Int = 256) -> Batcher<Int, Int>.Limits {
        .init(maxBatchSize: size, maxBatchTokens: tokens, maxWait: wait, queueCapacity: capacity)
    }

    /// Submits and waits for the answer.
    private func results(_ batcher: Batcher<Int, Int>, _ requests: [[Int]], tokens: Int = 1,
                         deadline: Double = 5) -> [Result<[Int], BatchError>] {
        let answers = Locked<[Int: Result<[Int], BatchError>]>([:])
        let group = DispatchGroup()
        for (index, items) in requests.enumerated() {
            group.enter()
            batcher.submit(items, tokens: items.map { _ in tokens }, deadline: .now() + deadline) { result in
                answers.withLock { $0[index] = result.map(\.0) }
                group.leave()
            }
        }
        _ = group.wait(timeout: .now() + 10)
        return requests.indices.map { answers.current[$0] ?? .failure(.failed("no answer")) }
    }

    /// Submits `requests` (items with their token counts) while the first one holds the gated model, so the
    /// rest queue and are cut into batches together; then opens the gate for every batch and waits.
    private func resultsBehindAHeldModel(_ batcher: Batcher<Int, Int>, _ model: DoublingModel, gate: DispatchSemaphore,
                                         _ requests: [(items: [Int], tokens: [Int])]) -> [Int: Result<[Int], BatchError>] {
        let answers = Locked<[Int: Result<[Int], BatchError>]>([:])
        let group = DispatchGroup()
        for (index, request) in requests.enumerated() {
            group.enter()
            batcher.submit(request.items, tokens: request.tokens, deadline: .now() + 5) { result in
                answers.withLock { $0[index] = result.map(\.0) }
                group.leave()
            }
            if index == 0 { #expect(KotobaProcess.eventually(within: 2) { model.batches.current.count == 1 }) }
        }
        for _ in requests.flatMap(\.items) { gate.signal() }
        _ = group.wait(timeout: .now() + 10)
        return answers.current
    }

    @Test func concurrentRequestsShareBatchesAndGetTheirOwnResults() {
        let model = DoublingModel()
        let pool = InferencePool(workers: 2)
        defer { pool.stop() }
        let batcher = Batcher<Int, Int>(model: "m", limits: limits(), pool: pool, run: model.run)
        let requests = (0..<20).map { [$0, 100 + $0] }
        let answers = results(batcher, requests)
        for (request, answer) in zip(requests, answers) {
            #expect(answer == .success(request.map { $0 * 2 }))
        }
        // 20 requests submitted within the 50 ms window run as one batch of 40 inputs.
        #expect(model.batches.current.count < 20)
        #expect(model.batches.current.map(\.count).reduce(0, +) == 40)
    }

    @Test func batchesRespectSizeAndTokenBudgetsOldestFirst() {
        let model = DoublingModel()
        let pool = InferencePool(workers: 1)
        defer { pool.stop() }
        let batcher = Batcher<Int, Int>(model: "m", limits: limits(size: 4, tokens: 30), pool: pool, run: model.run)
        let answers = results(batcher, (0..<10).map { [$0] }, tokens: 10)
        #expect(answers.allSatisfy { if case .success = $0 { true } else { false } })
        let batches = model.batches.current
        // Three tokens of 10 fit the budget of 30; order of arrival is kept inside and across batches.
        #expect(batches.allSatisfy { $0.count <= 3 })
        #expect(batches.flatMap { $0 } == Array(0..<10))
    }

    /// The budget counts what a padded batch costs, rows × the longest input, not the sum of real tokens.
    @Test func theTokenBudgetCountsPaddedTokens() {
        let gate = DispatchSemaphore(value: 0)
        let pool = InferencePool(workers: 1)
        defer { pool.stop() }
        let model = DoublingModel(gate: gate)
        let batcher = Batcher<Int, Int>(model: "m", limits: limits(tokens: 60, wait: 0), pool: pool, run: model.run)
        let tokens = [1, 20, 2, 2, 2, 2]
        let answers = resultsBehindAHeldModel(batcher, model, gate: gate,
                                              tokens.enumerated().map { ([$0.offset], [$0.element]) })
        #expect(answers.count == tokens.count)
        // 20, 2, 2 pad to 3 × 20 = 60, the budget; a fourth row would make 80. Counting real tokens (28 for all
        // five) would have put them in one batch.
        #expect(model.batches.current == [[0], [1, 2, 3], [4, 5]], "\(model.batches.current)")
    }

    @Test func aRequestLargerThanTheTokenBudgetRunsAlone() {
        let model = DoublingModel()
        let pool = InferencePool(workers: 1)
        defer { pool.stop() }
        let batcher = Batcher<Int, Int>(model: "m", limits: limits(tokens: 5), pool: pool, run: model.run)
        #expect(results(batcher, [[7]], tokens: 50) == [.success([14])])
    }

    @Test func aRequestWithMoreInputsThanABatchIsSplitAndAnsweredOnceInOrder() {
        let model = DoublingModel()
        let pool = InferencePool(workers: 1)
        defer { pool.stop() }
        let batcher = Batcher<Int, Int>(model: "m", limits: limits(size: 4, tokens: 25), pool: pool, run: model.run)
        let items = Array(0..<10)
        #expect(results(batcher, [items], tokens: 5) == [.success(items.map { $0 * 2 })])
        // Four rows of 5 tokens fit both budgets; five would pass the 25-token one.
        #expect(model.batches.current == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
    }

    /// The attention-memory bound splits by rows × longest²: 4 bytes per head, 2 heads, inputs of 10 tokens
    /// cost 800 bytes a row, so a 2,000-byte bound takes two rows at a time.
    @Test func theMemoryBoundSplitsByTheSquareOfTheLength() {
        let model = DoublingModel()
        let pool = InferencePool(workers: 1)
        defer { pool.stop() }
        var bounded = limits(size: 64, tokens: 10_000)
        bounded.maxBatchMemoryBytes = 2_000
        bounded.memoryBytesPerSquaredToken = 8
        #expect(bounded.memoryBytes(rows: 2, longest: 10) == 1_600)
        #expect(bounded.memoryBytes(rows: 3, longest: 10) == 2_400)
        #expect(bounded.memoryBytes(rows: .max, longest: .max) == .max)
        let batcher = Batcher<Int, Int>(model: "m", limits: bounded, pool: pool, run: model.run)
        #expect(results(batcher, [Array(0..<5)], tokens: 10) == [.success([0, 2, 4, 6, 8])])
        #expect(model.batches.current == [[0, 1], [2, 3], [4]])
        // Models without attention (0 bytes per squared token) are not bounded by it.
        let free = DoublingModel()
        let unbounded = Batcher<Int, Int>(model: "w", limits: limits(size: 64, tokens: 10_000), pool: pool, run: free.run)
        #expect(results(unbounded, [Array(0..<5)], tokens: 10) == [.success([0, 2, 4, 6, 8])])
        #expect(free.batches.current == [[0, 1, 2, 3, 4]])
    }

    /// The parts of a large request go behind the requests that were waiting, so those run between its parts.
    @Test func requestsWaitingBehindASplitRequestRunBetweenItsParts() {
        let gate = DispatchSemaphore(value: 0)
        let model = DoublingModel(gate: gate)
        let pool = InferencePool(workers: 1)
        defer { pool.stop() }
        let batcher = Batcher<Int, Int>(model: "m", limits: limits(size: 4, wait: 0), pool: pool, run: model.run)
        let answers = resultsBehindAHeldModel(batcher, model, gate: gate,
                                              [[-1], Array(0..<10), [100]].map { ($0, $0.map { _ in 1 }) })
        #expect(answers[1] == .success(Array(0..<10).map { $0 * 2 }))
        #expect(answers[2] == .success([200]))
        #expect(model.batches.current == [[-1], [0, 1, 2, 3], [100, 4, 5, 6], [7, 8, 9]], "\(model.batches.current)")
    }

    @Test func aFullQueueRefusesWithARetryAfter() {
        let gate = DispatchSemaphore(value: 0)
        let model = DoublingModel(gate: gate)
        let pool = InferencePool(workers: 1)
        defer { pool.stop() }
        let batcher = Batcher<Int, Int>(model: "m", limits: limits(size: 1, wait: 0, capacity: 2), pool: pool,
                                        run: model.run)
        let refused = Locked<[BatchError]>([])
        let group = DispatchGroup()
        // The first runs (and blocks on the gate), two wait in the queue, the fourth finds it full.
        for value in 0..<4 {
            group.enter()
            batcher.submit([value], tokens: [1], deadline: .now() + 5) { result in
                if case let .failure(error) = result { refused.withLock { $0.append(error) } }
                group.leave()
            }
            if value == 0 { waitUntil { model.batches.current.count == 1 } }
        }
        waitUntil { refused.current.count == 1 }
        guard case let .queueFull(capacity, retry)? = refused.current.first else {
            Issue.record("expected queueFull, got \(refused.current)")
            return
        }
        #expect(capacity == 2)
        #expect(retry >= 1)
        for _ in 0..<3 { gate.signal() }
        _ = group.wait(timeout: .now() + 5)
    }

    @Test func aPassedDeadlineAnswersAtOnceAndTheModelSeesItCancelled() {
        let gate = DispatchSemaphore(value: 0)
        let model = DoublingModel(gate: gate)
        let pool = InferencePool(workers: 1)
        defer { pool.stop() }
        let batcher = Batcher<Int, Int>(model: "m", limits: limits(wait: 0), pool: pool, run: model.run)
        let started = DispatchTime.now()
        let answer = Locked<Result<[Int], BatchError>?>(nil)
        batcher.submit([1], tokens: [1], deadline: .now() + 0.05) { result in answer.withLock { $0 = result.map(\.0) } }
        waitUntil { answer.current != nil }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        #expect(answer.current == .failure(.deadlineExceeded(milliseconds: 50)))
        #expect(elapsed < 1)
        gate.signal()
        waitUntil { model.sawCancellation.current }
        #expect(model.sawCancellation.current)
    }

    /// A model stops an input once its deadline passes, as decoding does; on a busy host that can be before
    /// the deadline timer has run. The answer is still the deadline's 504, not a client-gone 499.
    @Test func anInputStoppedByItsDeadlineIsAnsweredAsADeadlineEvenBeforeItsTimerRuns() {
        let timers = DispatchQueue(label: "held timers")
        timers.suspend()
        // A suspended queue must be resumed before it is released.
        defer { timers.resume() }
        let pool = InferencePool(workers: 1)
        defer { pool.stop() }
        let batcher = Batcher<Int, Int>(model: "m", limits: limits(wait: 0), pool: pool, timers: timers) { items, isCancelled in
            Thread.sleep(forTimeInterval: 0.08)
            return items.indices.map { isCancelled($0) ? .failure(TaskError.cancelled) : .success(items[$0]) }
        }
        let answer = Locked<Result<[Int], BatchError>?>(nil)
        batcher.submit([1], tokens: [1], deadline: .now() + 0.03) { result in answer.withLock { $0 = result.map(\.0) } }
        waitUntil { answer.current != nil }
        #expect(answer.current == .failure(.deadlineExceeded(milliseconds: 30)))
    }

    /// A reload retires a model's batcher while requests wait in it for their batch to fill: they are still
    /// answered, although nobody else holds the batcher any more.
    @Test func requestsQueuedInABatcherNobodyHoldsAreStillAnswered() {
        let model = DoublingModel()
        let pool = InferencePool(workers: 1)
        defer { pool.stop() }
        let answer = Locked<Result<[Int], BatchError>?>(nil)
        weak var released: Batcher<Int, Int>?
        do {
            let batcher = Batcher<Int, Int>(model: "m", limits: limits(wait: 0.1), pool: pool, run: model.run)
            released = batcher
            batcher.submit([4], tokens: [1], deadline: .now() + 5) { result in answer.withLock { $0 = result.map(\.0) } }
        }
        waitUntil { answer.current != nil }
        #expect(answer.current == .success([8]))
        // Once its queue has run, the batcher goes.
        waitUntil { released == nil }
        #expect(released == nil)
    }

    @Test func aQueuedRequestWhoseClientLeftIsDroppedAndNeverRun() {
        let gate = DispatchSemaphore(value: 0)
        let model = DoublingModel(gate: gate)
        let pool = InferencePool(workers: 1)
        defer { pool.stop() }
        let batcher = Batcher<Int, Int>(model: "m", limits: limits(size: 1, wait: 0), pool: pool, run: model.run)
        let answers = Locked<[Int: Result<[Int], BatchError>]>([:])
        batcher.submit([1], tokens: [1], deadline: .now() + 5) { r in answers.withLock { $0[1] = r.map(\.0) } }
        waitUntil { model.batches.current.count == 1 }
        let context = RequestContext(requestID: "gone")
        batcher.submit([2], tokens: [1], deadline: .now() + 5, context: context) { r in answers.withLock { $0[2] = r.map(\.0) } }
        #expect(batcher.queueDepth == 1)
        context.markClientGone()
        #expect(answers.current[2] == .failure(.clientGone))
        #expect(batcher.queueDepth == 0)
        gate.signal()
        waitUntil { answers.current[1] != nil }
        #expect(answers.current[1] == .success([2]))
        // Only the first request ever reached the model.
        Thread.sleep(forTimeInterval: 0.05)
        #expect(model.batches.current == [[1]])
    }

    @Test func batchMetricsCountSizesTokensAndPadding() throws {
        let metrics = ServiceMetrics(inFlightRequests: { 0 }, openConnections: { 0 }, modelStates: { [] })
        let model = DoublingModel()
        let pool = InferencePool(workers: 1)
        defer { pool.stop() }
        let batcher = Batcher<Int, Int>(model: "m", limits: limits(), pool: pool, metrics: metrics.tasks.batch,
                                        run: model.run)
        let done = DispatchSemaphore(value: 0)
        batcher.submit([1, 2, 3], tokens: [4, 10, 6], deadline: .now() + 5) { _ in done.signal() }
        _ = done.wait(timeout: .now() + 5)
        let parsed = try ParsedExposition(metrics.registry.render())
        #expect(parsed.value("kotoba_batch_size_count", ["model": "m"]) == 1)
        #expect(parsed.value("kotoba_batch_tokens_sum", ["model": "m"]) == 20)
        // Three rows padded to 10: 30 positions, 20 real.
        #expect(parsed.value("kotoba_batch_padding_tokens", ["model": "m"]) == 10)
        #expect(parsed.value("kotoba_queue_size", ["model": "m"]) == 0)
    }
}

/// Polls `condition` for up to five seconds.
func waitUntil(_ condition: () -> Bool) {
    let end = Date().addingTimeInterval(5)
    while !condition() && Date() < end { Thread.sleep(forTimeInterval: 0.002) }
}

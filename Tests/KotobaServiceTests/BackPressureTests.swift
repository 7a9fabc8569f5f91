import Dispatch
import Foundation
@testable import KotobaHTTP
import Testing
@testable import KotobaService

/// Batching, back-pressure and deadlines through the real endpoints and fixture models.
@Suite struct BackPressureTests {
    private func send(_ router: Router, _ body: String, headers: HTTPHeaders = [:],
                      context: RequestContext? = nil) -> HTTPResponse {
        ServedFixtures.send(router, .post, "/fill-mask", body: body, headers: headers, context: context)
    }

    private func concurrently(_ count: Int, _ body: @escaping @Sendable (Int) -> HTTPResponse) -> [HTTPResponse] {
        // A thread each: concurrentPerform would run only as many at once as there are cores.
        let responses = Locked<[Int: HTTPResponse]>([:])
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            Thread {
                let response = body(index)
                responses.withLock { $0[index] = response }
                group.leave()
            }.start()
        }
        _ = group.wait(timeout: .now() + 20)
        return (0..<count).map { responses.current[$0] ?? HTTPResponse(status: .internalServerError) }
    }

    @Test func concurrentRequestsRunInFewerBatchesWithTheResultsOfSingleRuns() throws {
        let texts = ["the cat [MASK] on the mat.", "paris is the [MASK] of france.", "i [MASK] this film",
                     "the dog [MASK] in the house.", "a [MASK] dog", "the sun is [MASK]."]
        let (single, _) = ServedFixtures.router { $0.batching.maxWaitSeconds = 0 }
        let alone = texts.map { send(single, #"{"text": "\#($0)", "top_k": 3}"#).body }
        let (router, context) = ServedFixtures.router { $0.batching.maxWaitSeconds = 0.2 }
        let count = 12
        let responses = concurrently(count) { index in
            send(router, #"{"text": "\#(texts[index % texts.count])", "top_k": 3}"#)
        }
        for (index, response) in responses.enumerated() {
            #expect(response.status == .ok)
            try expectSameAnswers(response.body, alone[index % texts.count], "request \(index)")
        }
        let batches = context.metrics.tasks.batch.size.count(["mlm"])
        #expect(batches >= 1 && batches < UInt64(count), "\(batches) batches for \(count) requests")
        #expect(responses.contains { Int($0.headers["x-batch-size"] ?? "") ?? 0 > 1 })
    }

    /// Tokens, token strings and sequences exactly; scores within 1e-5 absolute (probabilities, so at most 1):
    /// a padded batch sums in another order than a single text, which moves them by about 1e-7.
    private func expectSameAnswers(_ got: [UInt8], _ want: [UInt8], _ label: String) throws {
        let (gotJSON, wantJSON) = (try JSONSerialization.jsonObject(with: Data(got)), try JSONSerialization.jsonObject(with: Data(want)))
        #expect(GoldenCheck.difference(gotJSON, wantJSON, tolerance: 1e-5, at: label) == nil,
                "\(String(decoding: got, as: UTF8.self))")
    }

    @Test func aFullQueueAnswers429WithRetryAfter() throws {
        // Requests wait a whole second for their batch to fill, so the queue of two is full at the third.
        let (router, _) = ServedFixtures.router {
            $0.batching.maxWaitSeconds = 1
            $0.batching.queueCapacity = 2
        }
        let responses = concurrently(3) { _ in send(router, #"{"text": "a [MASK] dog"}"#) }
        let refused = try #require(responses.first { $0.status == .tooManyRequests })
        #expect(responses.filter { $0.status == .ok }.count == 2)
        #expect(Int(refused.headers["Retry-After"] ?? "") ?? 0 >= 1)
        #expect(try ServedFixtures.json(refused)["error_type"] as? String == "overloaded")
    }

    @Test func aPassedDeadlineAnswers504() throws {
        let (router, context) = ServedFixtures.router { $0.batching.maxWaitSeconds = 0.5 }
        let started = Date()
        let response = send(router, #"{"text": "a [MASK] dog"}"#, headers: ["X-Request-Timeout-Ms": "30"])
        #expect(response.status == .gatewayTimeout)
        #expect(Date().timeIntervalSince(started) < 0.4)
        #expect(try ServedFixtures.json(response)["error_type"] as? String == "timeout")
        #expect(context.metrics.tasks.failures.value(["mlm", "fill-mask", "timeout"]) == 1)
        // The configured default applies without the header.
        let (defaulted, _) = ServedFixtures.router {
            $0.batching.maxWaitSeconds = 0.5
            $0.requests.timeoutSeconds = 0.03
        }
        #expect(send(defaulted, #"{"text": "a [MASK] dog"}"#).status == .gatewayTimeout)
    }

    @Test func aRequestWhoseClientLeftIsDroppedFromTheQueue() throws {
        let (router, context) = ServedFixtures.router { $0.batching.maxWaitSeconds = 0.3 }
        let client = RequestContext(requestID: "leaving")
        let answer = Locked<HTTPResponse?>(nil)
        let request = HTTPRequest(method: .post, target: "/fill-mask", body: Array(#"{"text": "a [MASK] dog"}"#.utf8))
        let loadID = try #require(context.catalog.entries.first { $0.spec.name == "mlm" }).loadID
        let batcher = context.inference.batcher(for: "mlm", loadID: loadID, try #require(modelForTest()))
        router.respond(to: request, context: client) { response in answer.withLock { $0 = response } }
        waitUntil { batcher.queueDepth == 1 }
        client.markClientGone()
        // The job may register for the disconnect just after it became visible in the queue; a handler
        // registered after the client left runs at once, so either way it leaves the queue.
        waitUntil { batcher.queueDepth == 0 && answer.current != nil }
        #expect(batcher.queueDepth == 0)
        #expect(answer.current?.status.code == 499)
        Thread.sleep(forTimeInterval: 0.4)
        // Nothing ran: the only request left before its batch was cut.
        #expect(context.metrics.tasks.batch.size.count(["mlm"]) == 0)
        #expect(context.metrics.tasks.failures.value(["mlm", "fill-mask", "client_gone"]) == 1)
    }

    private func modelForTest() -> FillMaskModel? {
        ServedFixtures.catalog.model(named: "mlm") as? FillMaskModel
    }
}

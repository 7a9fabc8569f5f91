import Foundation
import KotobaHTTP
import Testing
@testable import KotobaService

/// One invalid request and exactly what it must get back.
struct InvalidRequest: Sendable, CustomTestStringConvertible {
    var name: String
    var method: HTTPMethod = .post
    var path: String
    var body: [UInt8]
    var headers: HTTPHeaders = [:]
    var status: Int
    var errorType: String

    init(_ name: String, _ path: String, _ body: String, _ status: Int, _ errorType: String,
         headers: HTTPHeaders = [:], method: HTTPMethod = .post) {
        self.name = name
        self.path = path
        self.body = Array(body.utf8)
        self.status = status
        self.errorType = errorType
        self.headers = headers
        self.method = method
    }

    init(_ name: String, _ path: String, bytes: [UInt8], _ status: Int, _ errorType: String) {
        self.name = name
        self.path = path
        self.body = bytes
        self.status = status
        self.errorType = errorType
    }

    var testDescription: String { name }
}

/// The validation table: every row is a request the service must refuse with this status and `error_type`,
/// in the JSON envelope carrying the request id; none may crash or reach a model.
@Suite struct ValidationTests {
    static let many = "[" + Array(repeating: #""a [MASK]""#, count: 65).joined(separator: ",") + "]"
    static let long = Array(repeating: "the dog runs in the house.", count: 20).joined(separator: " ")

    static let table: [InvalidRequest] = [
        .init("unterminated JSON", "/fill-mask", #"{"text": "a [MASK]""#, 400, "malformed_json"),
        .init("empty body", "/fill-mask", "", 400, "malformed_json"),
        .init("trailing garbage", "/fill-mask", #"{"text": "a [MASK]"} x"#, 400, "malformed_json"),
        .init("not JSON at all", "/classify", "text=hello", 400, "malformed_json"),
        .init("nesting deeper than the parser's limit", "/classify",
              #"{"text": "a dog", "x": \#(String(repeating: "[", count: 600))"#, 400, "malformed_json"),
        .init("number out of Double's range", "/classify", #"{"text": "a dog", "top_k": 1e999}"#, 400, "malformed_json"),
        .init("number with a leading zero", "/classify", #"{"text": "a dog", "top_k": 01}"#, 400, "malformed_json"),
        .init("array body", "/fill-mask", "[1, 2]", 422, "validation"),
        .init("string body", "/fill-mask", #""a [MASK]""#, 422, "validation"),
        .init("null body", "/embed", "null", 422, "validation"),
        .init("no text field", "/fill-mask", "{}", 422, "validation"),
        .init("null text", "/embed", #"{"text": null}"#, 422, "validation"),
        .init("no mask token", "/fill-mask", #"{"text": "paris is the capital of france"}"#, 422, "validation"),
        .init("empty text", "/fill-mask", #"{"text": ""}"#, 422, "validation"),
        .init("blank text", "/classify", #"{"text": "   "}"#, 422, "validation"),
        .init("empty list", "/classify", #"{"text": []}"#, 422, "validation"),
        .init("number in text list", "/fill-mask", #"{"text": ["a [MASK]", 3]}"#, 422, "validation"),
        .init("text is a number", "/classify", #"{"text": 5}"#, 422, "validation"),
        .init("top_k zero", "/fill-mask", #"{"text": "a [MASK]", "top_k": 0}"#, 422, "validation"),
        .init("top_k too large", "/fill-mask", #"{"text": "a [MASK]", "top_k": 1001}"#, 422, "validation"),
        .init("top_k as string", "/fill-mask", #"{"text": "a [MASK]", "top_k": "5"}"#, 422, "validation"),
        .init("top_k fractional", "/fill-mask", #"{"text": "a [MASK]", "top_k": 2.5}"#, 422, "validation"),
        .init("negative top_k", "/classify", #"{"text": "a dog", "top_k": -1}"#, 422, "validation"),
        .init("unknown parameter", "/fill-mask", #"{"text": "a [MASK]", "topk": 5}"#, 422, "validation"),
        .init("unknown parameter on embed", "/embed", #"{"text": "a dog", "top_k": 1}"#, 422, "validation"),
        .init("truncation as string", "/classify", #"{"text": "a dog", "truncation": "yes"}"#, 422, "validation"),
        .init("bad truncation_side", "/classify", #"{"text": "a dog", "truncation_side": "middle"}"#, 422, "validation"),
        .init("mask cut away by left truncation", "/fill-mask",
              #"{"text": "[MASK] \#(long)", "truncation": true, "truncation_side": "left"}"#, 422, "validation"),
        .init("empty targets", "/fill-mask", #"{"text": "a [MASK]", "targets": []}"#, 422, "validation"),
        .init("targets a number", "/fill-mask", #"{"text": "a [MASK]", "targets": 3}"#, 422, "validation"),
        .init("unknown function_to_apply", "/classify", #"{"text": "a dog", "function_to_apply": "relu"}"#, 422, "validation"),
        .init("model as number", "/classify", #"{"text": "a dog", "model": 5}"#, 422, "validation"),
        .init("model of another task", "/fill-mask", #"{"text": "a [MASK]", "model": "sentiment"}"#, 422, "validation"),
        .init("unknown model", "/classify", #"{"text": "a dog", "model": "nope"}"#, 404, "not_found"),
        .init("unknown model on tokenize", "/tokenize", #"{"text": "a dog", "model": "nope"}"#, 404, "not_found"),
        .init("tokenize without a model among several", "/tokenize", #"{"text": "a dog"}"#, 422, "validation"),
        .init("invalid UTF-8", "/classify", bytes: Array(#"{"text": "caf"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8),
              422, "validation"),
        .init("too many inputs", "/fill-mask", #"{"text": \#(many)}"#, 422, "validation"),
        .init("too long without truncation", "/classify", #"{"text": "\#(long)"}"#, 422, "input_too_long"),
        .init("missing text_pair", "/next-sentence", #"{"text": "a dog"}"#, 422, "validation"),
        .init("list text with string pair", "/next-sentence", #"{"text": ["a", "b"], "text_pair": "c"}"#, 422, "validation"),
        .init("pair lists of different lengths", "/next-sentence", #"{"text": ["a", "b"], "text_pair": ["c"]}"#, 422, "validation"),
        .init("timeout header not a number", "/classify", #"{"text": "a dog"}"#, 422, "validation",
              headers: ["X-Request-Timeout-Ms": "soon"]),
        .init("timeout header zero", "/classify", #"{"text": "a dog"}"#, 422, "validation",
              headers: ["X-Request-Timeout-Ms": "0"]),
        .init("GET on a task route", "/fill-mask", "", 405, "method_not_allowed", method: .get),
        .init("beam_size zero", "/translate", #"{"text": "Tom", "beam_size": 0}"#, 422, "validation"),
        .init("more sequences than beams", "/translate", #"{"text": "Tom", "beam_size": 2, "num_return_sequences": 3}"#, 422, "validation"),
        .init("max_new_tokens too large", "/translate", #"{"text": "Tom", "max_new_tokens": 5000}"#, 422, "validation"),
        .init("no_repeat_ngram_size negative", "/translate", #"{"text": "Tom", "no_repeat_ngram_size": -1}"#, 422, "validation"),
        .init("no_repeat_ngram_size fraction", "/translate", #"{"text": "Tom", "no_repeat_ngram_size": 1.5}"#, 422, "validation"),
        .init("length_penalty as string", "/translate", #"{"text": "Tom", "length_penalty": "high"}"#, 422, "validation"),
        .init("length_penalty out of range", "/translate", #"{"text": "Tom", "length_penalty": 100}"#, 422, "validation"),
        .init("repetition_penalty zero", "/translate", #"{"text": "Tom", "repetition_penalty": 0}"#, 422, "validation"),
        .init("repetition_penalty as string", "/translate", #"{"text": "Tom", "repetition_penalty": "high"}"#, 422, "validation"),
        .init("text_pair on translate", "/translate", #"{"text": "Tom", "text_pair": "x"}"#, 422, "validation"),
        .init("temperature without do_sample", "/translate", #"{"text": "Tom", "temperature": 0.7}"#, 422, "validation"),
        .init("do_sample with beams", "/translate", #"{"text": "Tom", "do_sample": true, "beam_size": 4}"#, 422, "validation"),
        .init("do_sample as string", "/translate", #"{"text": "Tom", "do_sample": "yes"}"#, 422, "validation"),
        .init("top_p above 1", "/translate", #"{"text": "Tom", "do_sample": true, "top_p": 1.5}"#, 422, "validation"),
        .init("negative seed", "/translate", #"{"text": "Tom", "do_sample": true, "seed": -1}"#, 422, "validation"),
        .init("fractional seed", "/translate", #"{"text": "Tom", "do_sample": true, "seed": 1.5}"#, 422, "validation"),
        .init("unknown route", "/fill_mask", #"{"text": "a [MASK]"}"#, 404, "not_found"),
    ]

    @Test(arguments: table)
    func isRefusedWithItsStatus(_ row: InvalidRequest) throws {
        let response = ServedFixtures.send(ServedFixtures.shared, row.method, row.path, bytes: row.body,
                                           headers: row.headers)
        #expect(response.status.code == row.status, "\(row.name): \(String(decoding: response.body, as: UTF8.self))")
        #expect(response.headers["Content-Type"] == "application/json")
        let body = try ServedFixtures.json(response)
        #expect(body["error_type"] as? String == row.errorType, "\(row.name)")
        #expect((body["error"] as? String)?.isEmpty == false)
        #expect(body["request_id"] is String)
    }

    @Test func theTableIsLargeEnough() {
        #expect(Self.table.count >= 30)
    }
}

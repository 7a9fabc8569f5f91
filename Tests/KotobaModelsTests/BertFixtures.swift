import Foundation
import Testing
import KotobaTensor
@testable import KotobaModels

/// The fixtures `training/fixtures/bert.py` writes: model directories and their reference outputs.
enum BertFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/bert")

    static func directory(_ name: String) -> URL { root.appendingPathComponent(name) }

    struct Array: Decodable {
        var shape: [Int]
        var data: [Float]
    }

    struct Case: Decodable {
        var name: String
        var inputs: [String: [[Int]]]
        var outputs: [String: Output]
    }

    /// An output entry: a float array, or (for `*_top5`) nested ids.
    enum Output: Decodable {
        case array(Array)
        case ids([[[Int]]])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let ids = try? container.decode([[[Int]]].self) { self = .ids(ids) } else { self = .array(try container.decode(Array.self)) }
        }

        var array: Array? { if case let .array(a) = self { a } else { nil } }
        var ids: [[[Int]]]? { if case let .ids(i) = self { i } else { nil } }
    }

    struct Reference: Decodable {
        var cases: [Case]
    }

    static func reference(_ name: String) throws -> [Case] {
        let data = try Data(contentsOf: directory(name).appendingPathComponent("reference.json"))
        return try JSONDecoder().decode(Reference.self, from: data).cases
    }

    static func batch(_ inputs: [String: [[Int]]]) throws -> TokenBatch {
        try TokenBatch(ids: inputs["input_ids"] ?? [], typeIds: inputs["token_type_ids"],
                       attentionMask: inputs["attention_mask"])
    }
}

/// Expects `actual` to match a reference array within `tolerance`, naming the worst element and its index.
func expectClose(_ actual: Tensor, _ expected: BertFixtures.Array, tolerance: Float = 1e-4, _ label: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    guard actual.shape == expected.shape else {
        Issue.record("\(label): shape \(actual.shape), expected \(expected.shape)", sourceLocation: sourceLocation)
        return
    }
    var worst = (index: 0, difference: Float(0))
    for (i, (a, e)) in zip(actual.storage, expected.data).enumerated() {
        let d = abs(a - e)
        if !(d <= worst.difference) { worst = (i, d) }
    }
    #expect(worst.difference <= tolerance,
            "\(label): worst element \(worst.index) differs by \(worst.difference): \(actual.storage[worst.index]) vs \(expected.data[worst.index])",
            sourceLocation: sourceLocation)
}

/// The largest absolute difference, for reports.
func worstDifference(_ actual: Tensor, _ expected: BertFixtures.Array) -> Float {
    zip(actual.storage, expected.data).map { abs($0 - $1) }.max() ?? 0
}

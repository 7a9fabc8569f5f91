import Foundation
import Testing
@testable import KotobaModels
import KotobaTensor

/// Access to Fixtures/seq2seq, written by training/fixtures/seq2seq.py.
enum Seq2SeqFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/seq2seq")

    /// The model variants the fixture script writes.
    static let variants = ["gru_bahdanau_bi", "lstm_general_feed_tied", "rnn_tanh_dot", "rnn_relu_scaled_residual",
                           "lstm_peephole_stacked_dot", "lstm_peephole_bahdanau_bi", "lstm_peephole_general_bi_residual"]

    static func directory(_ name: String) -> URL { root.appendingPathComponent(name) }

    /// `reference.json` of a fixture directory as a JSON object.
    static func reference(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: directory(name).appendingPathComponent("reference.json"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw FixtureError.malformed(name)
        }
        return object
    }

    static func model(_ name: String) throws -> Seq2SeqModel {
        try Seq2SeqModel.load(directory: directory(name))
    }

    /// The unpadded source sequences of a variant's reference.
    static func sources(_ reference: [String: Any]) throws -> [[Int]] {
        let padded = try ints2(reference["source"]), lengths = try ints(reference["lengths"])
        return zip(padded, lengths).map { Array($0.prefix($1)) }
    }
}

enum FixtureError: Error { case malformed(String) }

func floats(_ value: Any?) throws -> [Float] {
    guard let array = value as? [Any] else { throw FixtureError.malformed("expected a float array") }
    return try array.map { element in
        guard let number = element as? NSNumber else { throw FixtureError.malformed("non-number") }
        return number.floatValue
    }
}

func ints(_ value: Any?) throws -> [Int] {
    guard let array = value as? [Any] else { throw FixtureError.malformed("expected an int array") }
    return try array.map { element in
        guard let number = element as? NSNumber else { throw FixtureError.malformed("non-number") }
        return number.intValue
    }
}

func ints2(_ value: Any?) throws -> [[Int]] {
    guard let array = value as? [Any] else { throw FixtureError.malformed("expected nested arrays") }
    return try array.map(ints)
}

/// Largest absolute difference and where it is; fails with both when it exceeds `tolerance`.
@discardableResult
func expectClose(_ actual: [Float], _ expected: [Float], tolerance: Float, _ what: String,
                 sourceLocation: SourceLocation = #_sourceLocation) -> Float {
    #expect(actual.count == expected.count, "\(what): \(actual.count) values, expected \(expected.count)",
            sourceLocation: sourceLocation)
    var worst: Float = 0, at = 0
    for i in 0..<min(actual.count, expected.count) {
        let d = abs(actual[i] - expected[i])
        if !(d <= worst) { worst = d; at = i }
    }
    #expect(worst <= tolerance, "\(what): worst |Δ| \(worst) at index \(at) (got \(actual[safe: at]), expected \(expected[safe: at]))",
            sourceLocation: sourceLocation)
    return worst
}

extension Array where Element == Float {
    subscript(safe index: Int) -> Float { indices.contains(index) ? self[index] : .nan }
}

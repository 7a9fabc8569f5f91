import Foundation

/// The start-up self-check: a model directory may ship `kotoba-golden.json`,
/// `{"request": <body for the task's endpoint>, "results": <the endpoint's results>, "tolerance": 1e-4}`, or,
/// for a checkpoint that serves several tasks (BERT's MLM and NSP heads),
/// `{"tasks": {"fill-mask": {"request": …, "results": …}, "next-sentence": {…}}, "tolerance": 1e-4}`;
/// the loader runs the request through the endpoint's own parse → prepare → run → encode and refuses the
/// model (state `failed`, `/readyz` 503) unless every string, integer and boolean matches exactly and
/// every other number within `tolerance`. A checkpoint whose weights, tokenizer or config drifted from
/// what produced the golden file is caught before it serves.
///
/// A model loaded with int8 weights answers a little differently from the float checkpoint the file describes.
/// It is checked against the file's `"int8"` section (the same shape, holding the int8 model's own results and
/// tolerance) when there is one; otherwise against the float results with numbers loosened to
/// `int8Tolerance`, so drift is still caught while strings, labels and tokens must still match.
enum GoldenCheck {
    static let fileName = "kotoba-golden.json"
    /// How far an int8 model's numbers may be from float results: twice the largest difference measured on the
    /// shipped models' golden requests (0.0006–0.05 in probabilities and log-probabilities).
    static let int8Tolerance = 0.1

    /// Why the check failed.
    struct Failure: Error, CustomStringConvertible {
        var file: String
        var reason: String
        var description: String { "self-check \(file): \(reason)" }
    }

    /// Runs the directory's golden request against `model` with `call`; does nothing without the file.
    static func run<Model: ServedModel, Parsed: Sendable>(_ call: TaskCall<Model, Parsed>, model: Model,
                                                          directory: URL) throws(Failure) {
        let url = directory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        let golden: [String: Any]
        do {
            golden = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
        } catch { throw Failure(file: url.path, reason: "unreadable: \(error)") }
        var root = golden
        var tolerance = (golden["tolerance"] as? NSNumber)?.doubleValue ?? 1e-4
        if model.metadata.quantization == .int8 {
            if let section = golden["int8"] {
                guard let section = section as? [String: Any] else {
                    throw Failure(file: url.path, reason: "\"int8\" must be an object like the file itself")
                }
                root = section
                tolerance = (section["tolerance"] as? NSNumber)?.doubleValue ?? 1e-4
            } else {
                tolerance = max(tolerance, int8Tolerance)
            }
        }
        let check: [String: Any]
        if let tasks = root["tasks"] {
            guard let tasks = tasks as? [String: Any] else {
                throw Failure(file: url.path, reason: "\"tasks\" must map task names to checks")
            }
            // A task the file has no check for is served unchecked, as a directory without the file is.
            guard let section = tasks[Model.task] else { return }
            guard let section = section as? [String: Any] else {
                throw Failure(file: url.path, reason: "tasks.\(Model.task) must be an object")
            }
            check = section
        } else {
            check = root
        }
        guard let request = check["request"], let expected = check["results"] else {
            throw Failure(file: url.path, reason: "needs \"request\" and \"results\"")
        }
        let body: [UInt8]
        do { body = Array(try JSONSerialization.data(withJSONObject: request)) } catch {
            throw Failure(file: url.path, reason: "request is not JSON: \(error)")
        }
        let encoded: [UInt8]
        do throws(APIError) {
            encoded = try call.respond(to: body, model: model, name: "golden")
        } catch { throw Failure(file: url.path, reason: "the request failed: \(error.message)") }
        let got = (try? JSONSerialization.jsonObject(with: Data(encoded)) as? [String: Any])?["results"]
        if let difference = difference(got as Any, expected, tolerance: tolerance, at: "results") {
            throw Failure(file: url.path, reason: difference)
        }
    }

    /// The first place `got` and `want` differ, or nil. Strings, booleans and integers must be equal, other
    /// numbers within `tolerance`: the last bits of a computed float depend on the CPU's kernels and on the
    /// batch's shape, so a number the file was written with on one machine is only close on another. With an
    /// `elision` marker, an array in `want` ending in that string matches any `got` that starts like it (the
    /// README's `[-0.0577,0.0693,…]`).
    static func difference(_ got: Any, _ want: Any, tolerance: Double, at path: String,
                           elision: String? = nil) -> String? {
        switch (got, want) {
        case let (got as [String: Any], want as [String: Any]):
            guard Set(got.keys) == Set(want.keys) else { return "\(path): fields \(got.keys.sorted()) ≠ \(want.keys.sorted())" }
            for key in want.keys.sorted() {
                if let found = difference(got[key] as Any, want[key] as Any, tolerance: tolerance, at: "\(path).\(key)",
                                          elision: elision) { return found }
            }
            return nil
        case let (got as [Any], want as [Any]):
            var want = want
            let elided = elision != nil && (want.last as? String) == elision
            if elided { want.removeLast() }
            guard got.count == want.count || (elided && got.count > want.count) else {
                return "\(path): \(got.count) items ≠ \(want.count)\(elided ? " or more" : "")"
            }
            for (index, (g, w)) in zip(got, want).enumerated() {
                if let found = difference(g, w, tolerance: tolerance, at: "\(path)[\(index)]", elision: elision) { return found }
            }
            return nil
        case let (got as String, want as String):
            return got == want ? nil : "\(path): \"\(got)\" ≠ \"\(want)\""
        case (is NSNull, is NSNull):
            return nil
        case let (got as NSNumber, want as NSNumber):
            if Self.isBoolean(got) || Self.isBoolean(want) || (Self.isIntegral(got) && Self.isIntegral(want)) {
                return got == want ? nil : "\(path): \(got) ≠ \(want)"
            }
            return abs(got.doubleValue - want.doubleValue) <= tolerance ? nil
                : "\(path): \(got) differs from \(want) by more than \(tolerance)"
        default:
            return "\(path): \(got) ≠ \(want)"
        }
    }

    private static func isBoolean(_ number: NSNumber) -> Bool { String(cString: number.objCType) == "c" }

    /// Ids, counts and lengths. A score that happens to be whole on one machine (a probability of exactly 1)
    /// still compares within the tolerance against a fractional one from another.
    private static func isIntegral(_ number: NSNumber) -> Bool { number.doubleValue.rounded() == number.doubleValue }
}

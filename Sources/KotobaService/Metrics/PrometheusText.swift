/// Spelling rules of the Prometheus text exposition format, version 0.0.4
/// (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format).
enum PrometheusText {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Metric and label names: `[a-zA-Z_:][a-zA-Z0-9_:]*` (label names may not use `:`, which we never do).
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCIILetter || first == "_" || first == ":" else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" || $0 == ":" }
    }

    /// Integral values print without a fraction so counters read `3`, not `3.0`; the rest as Swift's shortest
    /// round-tripping form, which Go's ParseFloat (what Prometheus uses) reads back exactly.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return String(value)
    }

    /// `{a="1",b="2"}`, or nothing for no labels. Values escape `\`, `"` and newline.
    static func labels(_ names: [String], _ values: [String]) -> String {
        guard !names.isEmpty else { return "" }
        let pairs = zip(names, values).map { name, value in "\(name)=\"\(escape(value, quote: true))\"" }
        return "{" + pairs.joined(separator: ",") + "}"
    }

    static func sample(_ name: String, _ labels: String, _ value: Double, into output: inout String) {
        output += name
        output += labels
        output += " "
        output += number(value)
        output += "\n"
    }

    /// HELP text escapes `\` and newline; label values also escape `"`.
    static func escape(_ text: String, quote: Bool) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\"" where quote: escaped += "\\\""
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

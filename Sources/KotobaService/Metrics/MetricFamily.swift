import KotobaHTTP

/// What a family's `# TYPE` line says.
package enum MetricType: String, Sendable {
    case counter, gauge, histogram
}

/// A named metric with a fixed set of label names, rendered as one block of the text exposition.
package protocol MetricFamily: AnyObject, Sendable {
    var name: String { get }
    var help: String { get }
    var type: MetricType { get }
    /// Appends the sample lines (not `# HELP` / `# TYPE`) in a stable order.
    func renderSamples(into output: inout String)
}

/// A monotonically increasing value per label set (requests served, bytes sent).
package final class CounterFamily: MetricFamily {
    package let name: String
    package let help: String
    package let labelNames: [String]
    package var type: MetricType { .counter }
    private let values = Locked<[[String]: Double]>([:])

    init(name: String, help: String, labelNames: [String]) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
    }

    /// Adds `amount` (not negative: counters only go up) to the series for `labelValues`.
    package func increment(_ labelValues: [String] = [], by amount: Double = 1) {
        precondition(labelValues.count == labelNames.count, "\(name) takes labels \(labelNames)")
        precondition(amount >= 0, "\(name) is a counter; it cannot go down")
        values.withLock { $0[labelValues, default: 0] += amount }
    }

    package func value(_ labelValues: [String] = []) -> Double {
        values.withLock { $0[labelValues] ?? 0 }
    }

    package func renderSamples(into output: inout String) {
        for (labels, value) in values.current.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            PrometheusText.sample(name, PrometheusText.labels(labelNames, labels), value, into: &output)
        }
    }
}

/// A value read when `/metrics` is scraped (open connections, resident memory), so it is never stale and
/// nothing has to keep it up to date.
package final class SampledFamily: MetricFamily {
    package let name: String
    package let help: String
    package let type: MetricType
    package let labelNames: [String]
    private let sample: @Sendable () -> [([String], Double)]

    init(name: String, help: String, type: MetricType, labelNames: [String],
         sample: @escaping @Sendable () -> [([String], Double)]) {
        precondition(type != .histogram, "a sampled family is a counter or a gauge")
        self.name = name
        self.help = help
        self.type = type
        self.labelNames = labelNames
        self.sample = sample
    }

    package func renderSamples(into output: inout String) {
        for (labels, value) in sample().sorted(by: { $0.0.lexicographicallyPrecedes($1.0) }) {
            precondition(labels.count == labelNames.count, "\(name) takes labels \(labelNames)")
            PrometheusText.sample(name, PrometheusText.labels(labelNames, labels), value, into: &output)
        }
    }
}

import KotobaHTTP
import Synchronization

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

/// A monotonically increasing whole-number count per label set (requests served, bytes sent).
///
/// Each label set's count is a `CounterSeries`, bumped without a lock; the family's lock is taken only to find
/// or create a series, and hot callers keep the series itself (`ServiceMetrics.record`) to skip even that.
package final class CounterFamily: MetricFamily {
    package let name: String
    package let help: String
    package let labelNames: [String]
    package var type: MetricType { .counter }
    private let all = Locked<[[String]: CounterSeries]>([:])

    init(name: String, help: String, labelNames: [String]) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
    }

    /// The series for `labelValues`, created at zero on first use.
    package func series(_ labelValues: [String] = []) -> CounterSeries {
        precondition(labelValues.count == labelNames.count, "\(name) takes labels \(labelNames)")
        return all.withLock { all in
            if let existing = all[labelValues] { return existing }
            let created = CounterSeries()
            all[labelValues] = created
            return created
        }
    }

    /// Adds `amount` (not negative: counters only go up) to the series for `labelValues`.
    package func increment(_ labelValues: [String] = [], by amount: Int = 1) {
        precondition(amount >= 0, "\(name) is a counter; it cannot go down")
        series(labelValues).increment(by: amount)
    }

    package func value(_ labelValues: [String] = []) -> Double {
        all.withLock { $0[labelValues] }.map { Double($0.value) } ?? 0
    }

    package func renderSamples(into output: inout String) {
        for (labels, series) in all.current.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            PrometheusText.sample(name, PrometheusText.labels(labelNames, labels), Double(series.value), into: &output)
        }
    }
}

/// One label set's count: an atomic integer, so concurrent requests bump it without a lock.
package final class CounterSeries: Sendable {
    private let count = Atomic<UInt64>(0)

    package func increment(by amount: Int = 1) {
        count.wrappingAdd(UInt64(max(amount, 0)), ordering: .relaxed)
    }

    package var value: UInt64 { count.load(ordering: .relaxed) }
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

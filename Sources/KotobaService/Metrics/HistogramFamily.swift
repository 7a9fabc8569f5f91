import KotobaHTTP

/// Observations counted into fixed buckets per label set (request durations).
///
/// Counts are kept per bucket and summed when rendered, because the exposition format wants each
/// `le` bucket to include every smaller one, and the `+Inf` bucket to equal `_count`. Like `CounterFamily`, the
/// family's lock only finds a label set's `HistogramSeries`; an observation locks that series alone.
package final class HistogramFamily: MetricFamily {
    package let name: String
    package let help: String
    package let labelNames: [String]
    /// Finite upper bounds, ascending; `+Inf` is implied.
    package let bounds: [Double]
    package var type: MetricType { .histogram }
    private let all = Locked<[[String]: HistogramSeries]>([:])

    init(name: String, help: String, labelNames: [String], bounds: [Double]) {
        precondition(!bounds.isEmpty && bounds.allSatisfy(\.isFinite), "\(name): buckets must be finite")
        precondition(zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 }, "\(name): buckets must ascend")
        precondition(!labelNames.contains("le"), "\(name): le is the bucket label")
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.bounds = bounds
    }

    /// The series for `labelValues`, created empty on first use.
    package func series(_ labelValues: [String] = []) -> HistogramSeries {
        precondition(labelValues.count == labelNames.count, "\(name) takes labels \(labelNames)")
        return all.withLock { all in
            if let existing = all[labelValues] { return existing }
            let created = HistogramSeries(bounds: bounds)
            all[labelValues] = created
            return created
        }
    }

    package func observe(_ value: Double, _ labelValues: [String] = []) {
        series(labelValues).observe(value)
    }

    /// Observations so far for a label set.
    package func count(_ labelValues: [String] = []) -> UInt64 {
        all.withLock { $0[labelValues] }?.snapshot().counts.reduce(0, +) ?? 0
    }

    package func renderSamples(into output: inout String) {
        for (labels, series) in all.current.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            let (counts, sum) = series.snapshot()
            var cumulative: UInt64 = 0
            for (index, count) in counts.enumerated() {
                cumulative += count
                let bound = index < bounds.count ? PrometheusText.number(bounds[index]) : "+Inf"
                let rendered = PrometheusText.labels(labelNames + ["le"], labels + [bound])
                PrometheusText.sample(name + "_bucket", rendered, Double(cumulative), into: &output)
            }
            let rendered = PrometheusText.labels(labelNames, labels)
            PrometheusText.sample(name + "_sum", rendered, sum, into: &output)
            PrometheusText.sample(name + "_count", rendered, Double(cumulative), into: &output)
        }
    }
}

/// One label set's buckets and sum, under a lock of its own.
package final class HistogramSeries: Sendable {
    private let bounds: [Double]
    /// Observations per bucket, not cumulative; the last slot is above every bound.
    private let state: Locked<(counts: [UInt64], sum: Double)>

    init(bounds: [Double]) {
        self.bounds = bounds
        state = Locked((Array(repeating: 0, count: bounds.count + 1), 0))
    }

    package func observe(_ value: Double) {
        // The first bound not below the value: a bucket's `le` is inclusive.
        let slot = bounds.firstIndex { value <= $0 } ?? bounds.count
        state.withLock { state in
            state.counts[slot] += 1
            state.sum += value
        }
    }

    func snapshot() -> (counts: [UInt64], sum: Double) {
        state.current
    }
}

import KotobaHTTP

/// Observations counted into fixed buckets per label set (request durations).
///
/// Counts are kept per bucket and summed when rendered, because the exposition format wants each
/// `le` bucket to include every smaller one, and the `+Inf` bucket to equal `_count`.
package final class HistogramFamily: MetricFamily {
    package let name: String
    package let help: String
    package let labelNames: [String]
    /// Finite upper bounds, ascending; `+Inf` is implied.
    package let bounds: [Double]
    package var type: MetricType { .histogram }
    private let series = Locked<[[String]: Series]>([:])

    struct Series {
        /// Observations per bucket, not cumulative; the last slot is above every bound.
        var counts: [UInt64]
        var sum = 0.0
    }

    init(name: String, help: String, labelNames: [String], bounds: [Double]) {
        precondition(!bounds.isEmpty && bounds.allSatisfy(\.isFinite), "\(name): buckets must be finite")
        precondition(zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 }, "\(name): buckets must ascend")
        precondition(!labelNames.contains("le"), "\(name): le is the bucket label")
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.bounds = bounds
    }

    package func observe(_ value: Double, _ labelValues: [String] = []) {
        precondition(labelValues.count == labelNames.count, "\(name) takes labels \(labelNames)")
        // The first bound not below the value: a bucket's `le` is inclusive.
        let slot = bounds.firstIndex { value <= $0 } ?? bounds.count
        series.withLock { all in
            all[labelValues, default: Series(counts: Array(repeating: 0, count: bounds.count + 1))].counts[slot] += 1
            all[labelValues]?.sum += value
        }
    }

    /// Observations so far for a label set.
    package func count(_ labelValues: [String] = []) -> UInt64 {
        series.withLock { $0[labelValues]?.counts.reduce(0, +) ?? 0 }
    }

    package func renderSamples(into output: inout String) {
        for (labels, series) in series.current.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            var cumulative: UInt64 = 0
            for (index, count) in series.counts.enumerated() {
                cumulative += count
                let bound = index < bounds.count ? PrometheusText.number(bounds[index]) : "+Inf"
                let rendered = PrometheusText.labels(labelNames + ["le"], labels + [bound])
                PrometheusText.sample(name + "_bucket", rendered, Double(cumulative), into: &output)
            }
            let rendered = PrometheusText.labels(labelNames, labels)
            PrometheusText.sample(name + "_sum", rendered, series.sum, into: &output)
            PrometheusText.sample(name + "_count", rendered, Double(cumulative), into: &output)
        }
    }
}

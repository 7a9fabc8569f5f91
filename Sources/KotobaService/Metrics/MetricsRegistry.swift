import KotobaHTTP

/// The families `/metrics` renders, in registration order.
///
/// Small on purpose: counters, sampled counters and gauges, and histograms are all the service needs, and a
/// lock per family is cheap next to a request.
package final class MetricsRegistry: Sendable {
    private let families = Locked<[any MetricFamily]>([])

    package init() {}

    package func counter(_ name: String, help: String, labels: [String] = []) -> CounterFamily {
        register(CounterFamily(name: name, help: help, labelNames: labels))
    }

    package func histogram(_ name: String, help: String, labels: [String] = [], buckets: [Double]) -> HistogramFamily {
        register(HistogramFamily(name: name, help: help, labelNames: labels, bounds: buckets))
    }

    /// A family whose series are read from `sample` at each scrape.
    @discardableResult
    package func sampled(_ name: String, help: String, type: MetricType = .gauge, labels: [String] = [],
                        sample: @escaping @Sendable () -> [([String], Double)]) -> SampledFamily {
        register(SampledFamily(name: name, help: help, type: type, labelNames: labels, sample: sample))
    }

    /// An unlabelled sampled value; nil (a reading this platform cannot make) renders no sample.
    @discardableResult
    package func sampled(_ name: String, help: String, type: MetricType = .gauge,
                        value: @escaping @Sendable () -> Double?) -> SampledFamily {
        sampled(name, help: help, type: type, labels: []) { value().map { [([], $0)] } ?? [] }
    }

    private func register<Family: MetricFamily>(_ family: Family) -> Family {
        precondition(PrometheusText.isValidName(family.name), "invalid metric name \(family.name)")
        families.withLock { all in
            precondition(!all.contains { $0.name == family.name }, "metric \(family.name) registered twice")
            all.append(family)
        }
        return family
    }

    /// The text exposition of every family.
    package func render() -> String {
        var output = ""
        for family in families.current {
            output += "# HELP \(family.name) \(PrometheusText.escape(family.help, quote: false))\n"
            output += "# TYPE \(family.name) \(family.type.rawValue)\n"
            family.renderSamples(into: &output)
        }
        return output
    }
}

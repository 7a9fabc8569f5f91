/// Reading a request's `Accept-Encoding` (RFC 9110 §12.5.3) for the one coding the server produces.
package enum AcceptEncoding {
    /// True when the field gives gzip a non-zero weight, by name (`gzip`, `x-gzip`) or through `*`.
    /// No field at all is taken as "identity only": clients that can inflate say so.
    package static func allowsGzip(_ value: String?) -> Bool {
        guard let value else { return false }
        var gzipWeight: Double?
        var anyWeight: Double?
        for element in FieldList.elements(value) {
            let parts = element.split(separator: ";", omittingEmptySubsequences: false)
            let coding = parts[0].trimmingOWS().lowercased()
            var weight = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingOWS() }
                guard pair.count == 2, pair[0].lowercased() == "q" else { continue }
                // An unreadable weight counts as 0: refusing to compress is always safe.
                weight = Double(pair[1]).flatMap { (0...1).contains($0) ? $0 : nil } ?? 0
            }
            switch coding {
            case "gzip", "x-gzip": gzipWeight = max(gzipWeight ?? 0, weight)
            case "*": anyWeight = weight
            default: break
            }
        }
        return (gzipWeight ?? anyWeight ?? 0) > 0
    }
}

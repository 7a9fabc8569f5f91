/// Ordered header fields; names compare case-insensitively, the received spelling is kept.
package struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// One field as received (or added): the name keeps its spelling.
    package typealias Element = (name: String, value: String)

    private var fields: [Element]

    package init() {
        fields = []
    }

    package init(_ fields: [(String, String)]) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    package init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    package var count: Int { fields.count }
    package var isEmpty: Bool { fields.isEmpty }
    package var description: String { fields.map { "\($0.name): \($0.value)" }.joined(separator: ", ") }

    package func makeIterator() -> IndexingIterator<[Element]> {
        fields.makeIterator()
    }

    /// The first value for `name`, or nil.
    package subscript(_ name: String) -> String? {
        for field in fields where Self.namesEqual(field.name, name) {
            return field.value
        }
        return nil
    }

    /// Every value for `name`, in received order.
    package func values(for name: String) -> [String] {
        fields.filter { Self.namesEqual($0.name, name) }.map(\.value)
    }

    package func contains(name: String) -> Bool {
        fields.contains { Self.namesEqual($0.name, name) }
    }

    package mutating func add(name: String, value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces the first field called `name` (dropping any others), or appends one.
    package mutating func replaceOrAdd(name: String, value: String) {
        if let first = fields.firstIndex(where: { Self.namesEqual($0.name, name) }) {
            fields[first] = (name: name, value: value)
            var index = fields.count - 1
            while index > first {
                if Self.namesEqual(fields[index].name, name) { fields.remove(at: index) }
                index -= 1
            }
        } else {
            fields.append((name: name, value: value))
        }
    }

    package mutating func remove(name: String) {
        fields.removeAll { Self.namesEqual($0.name, name) }
    }

    /// ASCII case-insensitive comparison without allocating lowercased copies.
    static func namesEqual(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        return lhs.utf8.elementsEqual(rhs.utf8) { ASCII.lower($0) == ASCII.lower($1) }
    }
}

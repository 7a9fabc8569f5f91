/// One fuzz target: a name for the command line and the corpus folder, and the check one input must pass.
struct FuzzTarget: Sendable {
    let name: String
    /// What the target feeds and which rules it holds, for `kotoba-fuzz list`.
    let summary: String
    /// Runs one input; throws when a rule breaks. Input the code under test refuses is not a failure.
    let check: @Sendable ([UInt8]) throws(InvariantFailure) -> Void
}

/// A rule that broke on an input: what was expected and what was seen.
struct InvariantFailure: Error, CustomStringConvertible {
    let description: String
}

/// Fails the input unless `condition` holds.
func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws(InvariantFailure) {
    if !condition { throw InvariantFailure(description: message()) }
}

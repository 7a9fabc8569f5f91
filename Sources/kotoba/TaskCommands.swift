import ArgumentParser
import Foundation
import KotobaService

/// Options every task command takes.
struct ModelOptions: ParsableArguments {
    @Option(help: "Model directory in Hugging Face layout.")
    var model: String

    @Flag(help: "Cut inputs longer than the model accepts instead of refusing them.")
    var truncation = false

    @Option(help: "none, or int8 to quantize the linear layers at load (as a models entry's \"quantization\").")
    var quantization: String = "none"
}

/// Sends `body` to the endpoint at `path` for the model and prints its JSON; exits 1 on an error answer.
func runTask(_ options: ModelOptions, task: String, path: String, _ body: [String: Any]) throws {
    var body = body
    if options.truncation { body["truncation"] = true }
    guard let quantization = Quantization(rawValue: options.quantization) else {
        FileHandle.standardError.write(Data("kotoba: --quantization \(options.quantization): use none or int8\n".utf8))
        throw ExitCode(2)
    }
    try runTask(directory: options.model, task: task, path: path, quantization: quantization, body)
}

/// `runTask` for a model directory named some other way.
func runTask(directory: String, task: String, path: String, quantization: Quantization = .none,
             _ body: [String: Any]) throws {
    do {
        try ConfigurationLoader.checkKernelRequest(ProcessInfo.processInfo.environment)
    } catch {
        FileHandle.standardError.write(Data("kotoba: configuration error: \(error)\n".utf8))
        throw ExitCode(2)
    }
    let data = try JSONSerialization.data(withJSONObject: body)
    let outcome = LocalRun.run(task: task, directory: directory, quantization: quantization, body: Array(data))
    guard outcome.status == 200 else {
        FileHandle.standardError.write(Data("kotoba: \(outcome.status) \(outcome.body)\n".utf8))
        throw ExitCode.failure
    }
    print(outcome.body)
}

/// One text as a string, several as a list, as the endpoints take them.
func textField(_ texts: [String]) -> Any { texts.count == 1 ? texts[0] : texts }

/// `kotoba fill-mask --model DIR "Paris is the [MASK] of France."`
struct FillMaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fill-mask", abstract: "Fill the mask tokens of each text (POST /fill-mask).")
    @OptionGroup var options: ModelOptions
    @Option(name: .customLong("top-k"), help: "Candidates per mask.") var topK: Int?
    @Option(help: "Comma-separated words to restrict the candidates to.") var targets: String?
    @Argument(help: "Texts, each with the model's mask token.") var texts: [String]

    func run() throws {
        var body: [String: Any] = ["text": textField(texts)]
        if let topK { body["top_k"] = topK }
        if let targets { body["targets"] = targets.split(separator: ",").map(String.init) }
        try runTask(options, task: "fill-mask", path: "/fill-mask", body)
    }
}

/// `kotoba classify --model DIR TEXT`
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "classify", abstract: "Classify each text (POST /classify).")
    @OptionGroup var options: ModelOptions
    @Option(name: .customLong("top-k"), help: "Labels per text (default: all).") var topK: Int?
    @Option(name: .customLong("function"), help: "softmax, sigmoid or none (default: the model's).") var function: String?
    @Argument(help: "Texts.") var texts: [String]

    func run() throws {
        var body: [String: Any] = ["text": textField(texts)]
        if let topK { body["top_k"] = topK }
        if let function { body["function_to_apply"] = function }
        try runTask(options, task: "text-classification", path: "/classify", body)
    }
}

/// `kotoba next-sentence --model DIR A B`
struct NextSentenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "next-sentence", abstract: "Does B follow A? (POST /next-sentence).")
    @OptionGroup var options: ModelOptions
    @Argument(help: "The first sentence.") var first: String
    @Argument(help: "The second sentence.") var second: String

    func run() throws {
        try runTask(options, task: "next-sentence", path: "/next-sentence", ["text": first, "text_pair": second])
    }
}

/// `kotoba embed --model DIR TEXT`
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "embed", abstract: "Sentence embeddings (POST /embed).")
    @OptionGroup var options: ModelOptions
    @Argument(help: "Texts.") var texts: [String]

    func run() throws {
        try runTask(options, task: "feature-extraction", path: "/embed", ["text": textField(texts)])
    }
}

/// `kotoba translate --model DIR [--beam 4] TEXT`
struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "translate", abstract: "Translate each text (POST /translate).")
    @OptionGroup var options: ModelOptions
    @Option(help: "Beam width (default: the model's generation config).") var beam: Int?
    @Option(name: .customLong("max-new-tokens"), help: "Most generated tokens.") var maxNewTokens: Int?
    @Option(name: .customLong("num-return-sequences"), help: "Translations per text.") var numReturnSequences: Int?
    @Flag(help: "Include each translation's score.") var scores = false
    @Flag(help: "Include each translation's attention over the source (recurrent models).") var alignments = false
    @Argument(help: "Texts.") var texts: [String]

    func run() throws {
        var body: [String: Any] = ["text": textField(texts)]
        if let beam { body["beam_size"] = beam }
        if let maxNewTokens { body["max_new_tokens"] = maxNewTokens }
        if let numReturnSequences { body["num_return_sequences"] = numReturnSequences }
        if scores { body["return_scores"] = true }
        if alignments { body["return_alignments"] = true }
        try runTask(options, task: "translation", path: "/translate", body)
    }
}

/// `kotoba similar --model DIR [--negative WORD]... [--top-k N] [--method 3cosmul] WORD...`
struct SimilarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar", abstract: "Nearest words, or an analogy with --negative (POST /similar).")
    @Option(help: "Word-vector directory (vectors.bin or vectors.txt).") var model: String
    @Option(help: "A word to subtract; repeat for more.") var negative: [String] = []
    @Option(name: .customLong("top-k"), help: "Words to return (default 10).") var topK: Int?
    @Option(help: "3cosadd (default, gensim's most_similar) or 3cosmul (most_similar_cosmul).") var method: String?
    @Argument(help: "Words to add.") var positive: [String]

    func run() throws {
        var body: [String: Any] = ["positive": positive]
        if !negative.isEmpty { body["negative"] = negative }
        if let topK { body["top_k"] = topK }
        if let method { body["method"] = method }
        try runTask(directory: model, task: "word-vectors", path: "/similar", body)
    }
}

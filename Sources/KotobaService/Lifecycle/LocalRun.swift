import Foundation
import KotobaHTTP
import KotobaTasks

/// One request against one model directory, in this process, for the `kotoba fill-mask|classify|…` commands:
/// the model loads through the server's own loader (self-check included) and the body takes the endpoint's
/// own steps, parse → prepare → run → encode, with no socket, router or queue; so the command prints exactly
/// the JSON the endpoint would answer.
package enum LocalRun {
    /// What came back: the HTTP status and the JSON body (the error envelope when the status is not 200).
    package struct Outcome: Sendable {
        package var status: Int
        package var body: String
    }

    /// Loads `directory` as a model of `task` and answers `body` (the task endpoint's JSON).
    package static func run(task: String, directory: String, quantization: Quantization = .none,
                            body: [UInt8]) -> Outcome {
        let name = URL(fileURLWithPath: directory).lastPathComponent
        guard let loader = ServeRunner.builtInLoaders[task] as? TaskModelLoader else {
            return failure(.modelNotFound("no task named \"\(task)\""))
        }
        let model: any LoadedModel
        do { model = try loader.load(ModelSpec(name: name, task: task, path: directory, quantization: quantization)) } catch {
            return failure(.modelUnavailable("cannot load \(directory) as \(task): \(error)"))
        }
        do throws(APIError) {
            return Outcome(status: 200, body: String(decoding: try loader.respond(body, model, name), as: UTF8.self))
        } catch {
            return failure(error)
        }
    }

    private static func failure(_ error: APIError) -> Outcome {
        let response = error.response(requestID: "local")
        return Outcome(status: response.status.code, body: String(decoding: response.body, as: UTF8.self))
    }
}

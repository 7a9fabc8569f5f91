import Foundation
import Testing
@testable import KotobaHTTP
@testable import KotobaService

/// deploy/kubernetes as scripts/validate-kubernetes.sh renders it (make test runs it first): the Deployment's
/// own command, arguments, environment and mounts start the real binary, whose probes then answer as the
/// manifest expects, so the manifests and the binary cannot drift apart.
@Suite(.serialized, .enabled(if: FileManager.default.fileExists(atPath: RenderedManifests.url("example").path),
                              "run scripts/validate-kubernetes.sh first (make test does)"))
struct KubernetesManifestTests {
    static let root = KotobaProcess.repositoryRoot

    static func rendered(_ name: String) -> URL { RenderedManifests.url(name) }

    private func objects(_ name: String) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.rendered(name))) as? [[String: Any]])
    }

    private func object(_ kind: String, in objects: [[String: Any]]) throws -> [String: Any] {
        try #require(objects.first { $0["kind"] as? String == kind }, "no \(kind)")
    }

    private func container(_ objects: [[String: Any]]) throws -> [String: Any] {
        let deployment = try object("Deployment", in: objects)
        let pod = (deployment["spec"] as? [String: Any])?["template"] as? [String: Any]
        let containers = (pod?["spec"] as? [String: Any])?["containers"] as? [[String: Any]]
        return try #require(containers?.first)
    }

    @Test func theRenderedObjectsAreTheOnesTheREADMEDescribes() throws {
        #expect(try objects("base").compactMap { $0["kind"] as? String }.sorted() ==
                ["ConfigMap", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "PrometheusRule", "Service"])
        #expect(try objects("example").compactMap { $0["kind"] as? String }.sorted() ==
                ["ConfigMap", "Deployment", "HorizontalPodAutoscaler", "Namespace", "PodDisruptionBudget", "PrometheusRule",
                 "Secret", "Service"])
        // The ConfigMap's kotoba.json is the repository's Config/kotoba.json, byte for byte.
        let configMap = try object("ConfigMap", in: try objects("base"))
        let file = (configMap["data"] as? [String: String])?["kotoba.json"]
        #expect(file == (try String(contentsOf: Self.root.appendingPathComponent("Config/kotoba.json"), encoding: .utf8)))
    }

    @Test func thePodIsLockedDownAndItsTimingsFitTheService() throws {
        let objects = try objects("example")
        let container = try container(objects)
        let security = container["securityContext"] as? [String: Any]
        #expect(security?["readOnlyRootFilesystem"] as? Bool == true)
        #expect(security?["allowPrivilegeEscalation"] as? Bool == false)
        #expect((security?["capabilities"] as? [String: Any])?["drop"] as? [String] == ["ALL"])
        let deployment = try object("Deployment", in: objects)
        let podSpec = ((deployment["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any]
        #expect((podSpec?["securityContext"] as? [String: Any])?["runAsNonRoot"] as? Bool == true)
        let environment = Dictionary(uniqueKeysWithValues: (container["env"] as? [[String: Any]] ?? []).compactMap { entry in
            (entry["name"] as? String).map { ($0, entry["value"] as? String ?? "") }
        })
        let drain = Double(environment["KOTOBA_DRAIN_SECONDS"] ?? "") ?? 0
        let deadline = Double(environment["KOTOBA_SHUTDOWN_DEADLINE_SECONDS"] ?? "") ?? 0
        let preStop = ((((container["lifecycle"] as? [String: Any])?["preStop"] as? [String: Any])?["sleep"]
                        as? [String: Any])?["seconds"] as? NSNumber)?.doubleValue ?? 0
        let grace = (podSpec?["terminationGracePeriodSeconds"] as? NSNumber)?.doubleValue ?? 0
        #expect(grace > preStop + drain + deadline, "SIGKILL must not come before the drain and deadline end")
        // One BLAS thread per inference worker, workers no more than the CPU limit.
        let cpuLimit = ((container["resources"] as? [String: Any])?["limits"] as? [String: Any])?["cpu"] as? String
        #expect(environment["OPENBLAS_NUM_THREADS"] == "1")
        #expect(Int(environment["KOTOBA_INFERENCE_WORKERS"] ?? "") ?? 99 <= Int(cpuLimit ?? "") ?? 0)
    }

    @Test func alertsHaveTheirShapeAndNameMetricsTheServiceExports() throws {
        let rule = try object("PrometheusRule", in: try objects("base"))
        let groups = (rule["spec"] as? [String: Any])?["groups"] as? [[String: Any]] ?? []
        let rules = groups.flatMap { $0["rules"] as? [[String: Any]] ?? [] }
        #expect(rules.count == 4)
        let exported = ServiceMetrics(inFlightRequests: { 0 }, openConnections: { 0 }, modelStates: { [] }).registry.render()
        for entry in rules {
            let expression = try #require(entry["expr"] as? String)
            #expect(entry["alert"] is String && !(entry["for"] as? String ?? "").isEmpty)
            #expect(["warning", "critical"].contains((entry["labels"] as? [String: String])?["severity"] ?? ""))
            let summary = (entry["annotations"] as? [String: String])?["summary"] ?? ""
            #expect(summary.isEmpty == false)
            let names = expression.matches(of: /kotoba_[a-z_]+/).map { String($0.output) }
            for name in names {
                let family = name.hasSuffix("_bucket") ? String(name.dropLast("_bucket".count)) : name
                #expect(exported.contains("# TYPE \(family) "), "\(name) in \(entry["alert"] ?? "") is not a metric")
            }
        }
    }

    @Test func theDeploymentsCommandStartsTheBinaryAndItsProbesAnswer() throws {
        let objects = try objects("example")
        let container = try container(objects)
        let command = try #require(container["command"] as? [String])
        var arguments = try #require(container["args"] as? [String])
        #expect(command == ["kotoba"])
        let containerPort = try #require(((container["ports"] as? [[String: Any]])?.first?["containerPort"] as? NSNumber)?.intValue)
        // The container's mounts, mapped to the checkout: the ConfigMap is base/kotoba.json, the keys Secret
        // the example's api-keys.txt, /tmp a temporary folder. The image's working directory /app is the checkout.
        let mounts: [String: String] = [
            "/etc/kotoba": Self.root.appendingPathComponent("deploy/kubernetes/base").path,
            "/etc/kotoba-keys": Self.root.appendingPathComponent("deploy/kubernetes/overlays/example").path,
        ]
        for mount in container["volumeMounts"] as? [[String: Any]] ?? [] {
            let path = mount["mountPath"] as? String ?? ""
            #expect(mounts[path] != nil || path == "/tmp", "unmapped mount \(path)")
        }
        func mapped(_ value: String) -> String {
            for (inContainer, onHost) in mounts where value.hasPrefix(inContainer + "/") {
                return onHost + value.dropFirst(inContainer.count)
            }
            return value
        }
        // Another free port stands in for the container's, which this machine may be using.
        let port = try freePort()
        arguments = arguments.map { $0 == String(containerPort) ? String(port) : mapped($0) }
        #expect(arguments.contains(String(port)), "the args must name the container port")
        var environment: [String: String] = ["PATH": "/usr/bin:/bin", "TMPDIR": FileManager.default.temporaryDirectory.path]
        for entry in container["env"] as? [[String: Any]] ?? [] {
            if let name = entry["name"] as? String, let value = entry["value"] as? String { environment[name] = mapped(value) }
        }
        let started = Date()
        let kotoba = try KotobaProcess(arguments, environment: environment, directory: Self.root)
        defer { kill(kotoba.process.processIdentifier, SIGKILL) }

        func probe(_ key: String) throws -> [String: Any] {
            try #require(container[key] as? [String: Any])
        }
        func path(_ probe: [String: Any]) -> String { (probe["httpGet"] as? [String: Any])?["path"] as? String ?? "" }
        let startup = try probe("startupProbe")
        let budget = ((startup["periodSeconds"] as? NSNumber)?.doubleValue ?? 0) * ((startup["failureThreshold"] as? NSNumber)?.doubleValue ?? 0)
        // The probe's budget is sized for the release image (ready in about 1.5 s on 2 cores); this debug build
        // under a parallel test run loads several times slower, so the wait here is longer.
        #expect(budget >= 30)
        #expect(KotobaProcess.eventually(within: max(budget, 240)) {
            (try? HealthProbe.get(host: "127.0.0.1", port: port, path: path(startup)).status) == 200
        }, "not ready; stderr: \(kotoba.lines.suffix(5))")
        print("kubernetes: the manifest's command was ready in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        for key in ["readinessProbe", "livenessProbe"] {
            #expect(try HealthProbe.get(host: "127.0.0.1", port: port, path: path(try probe(key))).status == 200, "\(key)")
        }
        // Prometheus scrapes without a key (the overlay exempts /metrics); everything else needs one.
        let deployment = try object("Deployment", in: objects)
        let annotations = (((deployment["spec"] as? [String: Any])?["template"] as? [String: Any])?["metadata"]
                           as? [String: Any])?["annotations"] as? [String: String]
        #expect(try HealthProbe.get(host: "127.0.0.1", port: port, path: annotations?["prometheus.io/path"] ?? "?").status == 200)
        #expect(try HealthProbe.get(host: "127.0.0.1", port: port, path: "/v1/models").status == 401)
        let listening = kotoba.jsonLines.first { $0["msg"] as? String == "listening" }
        #expect(listening?["host"] as? String == "0.0.0.0")
        kill(kotoba.process.processIdentifier, SIGTERM)
        #expect(kotoba.exitStatus(within: 20) == 0)
    }

    /// A port nothing listens on now: the server code's own listen, on port 0, then closed.
    private func freePort() throws -> Int {
        let (fd, port) = try Socket.listen(host: "127.0.0.1", port: 0, backlog: 1)
        Socket.close(fd)
        return port
    }
}

/// Where scripts/validate-kubernetes.sh writes the rendered objects.
enum RenderedManifests {
    static func url(_ name: String) -> URL {
        KotobaProcess.repositoryRoot.appendingPathComponent(".build/kubernetes/\(name).json")
    }
}

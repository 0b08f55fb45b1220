import Foundation
import SCSGenerate

/// Replicate's predictions API on loopback, for the paper's three model versions:
/// `POST /v1/predictions` (Bearer token, `{"version", "input"}` checked against the version's input
/// schema like Cog does, 422 with `invalid_fields` otherwise); `Prefer: wait` answers with the
/// finished prediction unless `syncCompletes` is off, in which case the client must poll
/// `GET /v1/predictions/{id}` (`pollsBeforeDone` times "processing"); the output is a list with one
/// URL under `/files/`, which serves a real PNG.
///
/// Steps for faults: "create", "poll", "download".
public final class ReplicateStub: ServiceStub, @unchecked Sendable {
    public static let token = "r8_stubTOKEN_0123456789abcdefSECRET"

    public let server: StubServer
    public let faults = FaultQueue()

    private let lock = NSLock()
    private var predictions: [String: (seed: Int64, polls: Int, failed: Bool)] = [:]
    private var counter = 0

    /// Whether `Prefer: wait` gets the finished prediction (else "starting", to be polled).
    @Locked public var syncCompletes = true
    @Locked public var pollsBeforeDone = 1
    /// Seeds whose prediction fails (as NSFW-flagged ones do).
    @Locked public var failSeeds: Set<Int64> = []

    /// Input schemas of the paper's versions (from their OpenAPI schemas on Replicate).
    public static let schemas: [String: Schema] = {
        let sdxl = Schema(
            fields: [
                "prompt": .string, "negative_prompt": .string, "image": .string, "mask": .string,
                "width": .integer(1...4096), "height": .integer(1...4096), "num_outputs": .integer(1...4),
                "scheduler": .choice(["DDIM", "DPMSolverMultistep", "HeunDiscrete", "KarrasDPM", "K_EULER_ANCESTRAL", "K_EULER", "PNDM"]),
                "num_inference_steps": .integer(1...500), "guidance_scale": .number(1...50), "prompt_strength": .number(0...1),
                "seed": .integer(), "refine": .choice(["no_refiner", "expert_ensemble_refiner", "base_image_refiner"]),
                "high_noise_frac": .number(0...1), "refine_steps": .integer(), "apply_watermark": .boolean,
                "lora_scale": .number(0...1), "replicate_weights": .string, "disable_safety_checker": .boolean
            ], required: ["prompt"])
        let pixart = Schema(
            fields: [
                "prompt": .string, "negative_prompt": .string,
                "style": .choice([
                    "None", "Cinematic", "Photographic", "Anime", "Manga", "Digital Art", "Pixel art", "Fantasy art", "Neonpunk", "3D Model"
                ]),
                "width": .integer(1...4096), "height": .integer(1...4096),
                "scheduler": .choice(["DDIM", "DPMSolverMultistep", "HeunDiscrete", "K_EULER_ANCESTRAL", "K_EULER", "KarrasDPM", "DPMSolverSDE"]),
                "num_inference_steps": .integer(1...100), "guidance_scale": .number(1...20), "seed": .integer(), "num_outputs": .integer(1...4)
            ], required: ["prompt"])
        return [
            "39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b": sdxl,
            "816c99673841b9448bc2539834c16d40e0315bbf92fef0317b57a226727409bb": pixart,
            "7f5d28ab8ed4de56770de0402ac91f1d6ffe3caff39c4b979ed3ed0779a452ed": sdxl
        ]
    }()

    public init(server: StubServer) { self.server = server }

    /// Bodies of the create requests, in order.
    public var created: [JSONValue] {
        server.log.filter { $0.method == "POST" && $0.path == "/v1/predictions" }.compactMap(\.json)
    }

    public func handle(_ r: StubRequest) -> StubResponse {
        if r.path.hasPrefix("/files/") { return download(r) }
        guard r.authorization == "Bearer \(Self.token)" else {
            return .json(401, ["title": "Unauthenticated", "detail": "You did not pass a valid authentication token", "status": 401])
        }
        if r.method == "POST" && r.path == "/v1/predictions" { return create(r) }
        if r.method == "POST" && r.path.hasPrefix("/v1/predictions/") && r.path.hasSuffix("/cancel") {
            let id = String(r.path.dropFirst("/v1/predictions/".count).dropLast("/cancel".count))
            return lock.withLock { predictions[id] } == nil
                ? .json(404, ["detail": "Not found.", "status": 404]) : .json(200, prediction(id, status: "canceled"))
        }
        if r.method == "GET" && r.path.hasPrefix("/v1/predictions/") { return poll(String(r.path.dropFirst("/v1/predictions/".count))) }
        return .json(404, ["detail": "Not found.", "status": 404])
    }

    private func faultAnswer(_ fault: Fault) -> StubResponse? {
        switch fault {
        case .pass, .truncatedImage: return nil
        case .hang: return .hung
        case .malformedJSON: return StubResponse(status: 201, headers: [("Content-Type", "application/json")], body: StubImages.malformedJSON)
        case let .status(code, retryAfter):
            let body: JSONValue =
                code == 429
                ? ["title": "Request was throttled", "detail": "Request was throttled. Expected available in 1 second.", "status": 429]
                : ["title": "Internal Server Error", "detail": "Something went wrong", "status": .int(Int64(code))]
            return .json(code, body, headers: retryAfter.map { [("Retry-After", $0)] } ?? [])
        }
    }

    private func create(_ r: StubRequest) -> StubResponse {
        if let answer = faultAnswer(faults.next("create")) { return answer }
        guard let body = r.json, case .object(let o) = body else {
            return .json(400, ["detail": "Invalid JSON body", "status": 400])
        }
        guard let version = o["version"]?.stringValue, let schema = Self.schemas[version] else {
            return .json(
                422,
                [
                    "title": "Invalid version or not permitted", "status": 422,
                    "detail": "The specified version does not exist (or perhaps you don't have permission to use it?)"
                ])
        }
        guard let input = o["input"]?.objectValue else {
            return .json(422, ["title": "Input validation failed", "status": 422, "detail": "- input: Required\n"])
        }
        let problems = schema.problems(input)
        if !problems.isEmpty {
            return .json(
                422,
                [
                    "title": "Input validation failed", "status": 422,
                    "detail": .string(problems.map { "- input.\($0.0): \($0.1)" }.joined(separator: "\n") + "\n"),
                    "invalid_fields": .array(problems.map { ["type": "invalid", "field": .string("input.\($0.0)"), "description": .string($0.1)] })
                ])
        }
        guard let seed = input["seed"]?.intValue else {
            return .json(422, ["title": "Input validation failed", "status": 422, "detail": "- input.seed: the test stub needs a seed\n"])
        }
        let (id, sync) = lock.withLock { () -> (String, Bool) in
            counter += 1
            let id = String(format: "stubpred%04d", counter)
            predictions[id] = (seed, 0, failSeeds.contains(seed))
            return (id, syncCompletes && r.headers["prefer"]?.hasPrefix("wait") == true)
        }
        return .json(201, prediction(id, status: sync ? finalStatus(id) : "starting"))
    }

    private func finalStatus(_ id: String) -> String {
        lock.withLock { predictions[id]?.failed == true ? "failed" : "succeeded" }
    }

    private func poll(_ id: String) -> StubResponse {
        if let answer = faultAnswer(faults.next("poll")) { return answer }
        let status: String? = lock.withLock {
            guard var p = predictions[id] else { return nil }
            p.polls += 1
            predictions[id] = p
            if p.polls <= pollsBeforeDone { return "processing" }
            return p.failed ? "failed" : "succeeded"
        }
        guard let status else { return .json(404, ["detail": "Not found.", "status": 404]) }
        return .json(200, prediction(id, status: status))
    }

    private func prediction(_ id: String, status: String) -> JSONValue {
        var p: JSONValue.Object = [
            "id": .string(id), "status": .string(status), "model": "stub/model", "version": "v",
            "input": [:], "logs": "", "error": .null, "output": .null, "created_at": "2024-03-01T00:00:00.000Z",
            "urls": ["get": .string("\(url)/v1/predictions/\(id)"), "cancel": .string("\(url)/v1/predictions/\(id)/cancel")]
        ]
        // Output files live on another origin (replicate.delivery in real life; here "localhost"),
        // where the client must not send the token.
        if status == "succeeded" { p["output"] = [.string("http://localhost:\(server.port)/files/\(id)/out-0.png")] }
        if status == "failed" { p["error"] = "NSFW content detected. Try running it again, or try a different prompt." }
        return .object(p)
    }

    private func download(_ r: StubRequest) -> StubResponse {
        let fault = faults.next("download")
        if fault != .truncatedImage, let answer = faultAnswer(fault) { return answer }
        // Delivery URLs are public: a token sent here would leak it to a CDN.
        if r.authorization != nil { return .json(400, ["detail": "unexpected Authorization header on a file URL"]) }
        let id = r.path.split(separator: "/").dropFirst().first.map(String.init) ?? ""
        guard let seed = lock.withLock({ predictions[id]?.seed }) else { return StubResponse(status: 404) }
        let png = StubImages.png(forSeed: seed)
        return .bytes(fault == .truncatedImage ? StubImages.truncated(png) : png, type: "image/png")
    }
}

extension JSONValue {
    public typealias Object = [String: JSONValue]
}

import Foundation
import SCSGenerate

/// OpenAI's `POST /v1/images/generations` on loopback: Bearer key (a wrong one gets the real 401,
/// which quotes the key it was given), the body checked as the API does (unknown parameters,
/// sizes per model, `response_format` refused for GPT image models, `n` 1 for DALL·E 3), answered
/// with `{"created", "data": [{"b64_json", "revised_prompt"}]}`.
///
/// Step for faults: "generate".
public final class OpenAIStub: ServiceStub, @unchecked Sendable {
    public static let key = "sk-stub-proj-0123456789ABCDEFsecret"

    public let server: StubServer
    public let faults = FaultQueue()
    private let lock = NSLock()
    private var counter = 0

    static let sizes: [String: [String]] = [
        "gpt-image-1": ["1024x1024", "1536x1024", "1024x1536", "auto"],
        "dall-e-3": ["1024x1024", "1792x1024", "1024x1792"],
        "dall-e-2": ["256x256", "512x512", "1024x1024"]
    ]
    static let known: Set<String> = [
        "model", "prompt", "n", "size", "quality", "style", "response_format", "user",
        "background", "moderation", "output_format", "output_compression"
    ]

    public init(server: StubServer) { self.server = server }

    public var bodies: [JSONValue] { server.log.filter { $0.path == "/v1/images/generations" }.compactMap(\.json) }

    static func error(
        _ status: Int, _ message: String, type: String = "invalid_request_error", param: String? = nil, code: String? = nil,
        headers: [(String, String)] = []
    ) -> StubResponse {
        .json(
            status,
            [
                "error": [
                    "message": .string(message), "type": .string(type), "param": param.map { .string($0) } ?? .null,
                    "code": code.map { .string($0) } ?? .null
                ]
            ], headers: headers)
    }

    public func handle(_ r: StubRequest) -> StubResponse {
        guard r.method == "POST", r.path == "/v1/images/generations" else { return Self.error(404, "Invalid URL (\(r.method) \(r.path))") }
        guard let auth = r.authorization, auth.hasPrefix("Bearer ") else {
            return Self.error(401, "You didn't provide an API key.")
        }
        let given = String(auth.dropFirst(7))
        guard given == Self.key else {
            return Self.error(
                401, "Incorrect API key provided: \(given). You can find your API key at https://platform.openai.com/account/api-keys.",
                code: "invalid_api_key")
        }
        let fault = faults.next("generate")
        switch fault {
        case .hang: return .hung
        case .malformedJSON: return StubResponse(status: 200, headers: [("Content-Type", "application/json")], body: StubImages.malformedJSON)
        case let .status(code, retryAfter):
            let message =
                code == 429
                ? "Rate limit reached for images per minute. Please try again in 1s."
                : "The server had an error while processing your request. Sorry about that!"
            return Self.error(code, message, type: code == 429 ? "requests" : "server_error", headers: retryAfter.map { [("Retry-After", $0)] } ?? [])
        case .pass, .truncatedImage: break
        }
        guard let body = r.json, case .object(let o) = body else { return Self.error(400, "We could not parse the JSON body of your request.") }
        if let unknown = o.keys.sorted().first(where: { !Self.known.contains($0) }) {
            return Self.error(400, "Unknown parameter: '\(unknown)'.", param: unknown, code: "unknown_parameter")
        }
        guard let prompt = o["prompt"]?.stringValue, !prompt.isEmpty else {
            return Self.error(400, "Missing required parameter: 'prompt'.", param: "prompt", code: "missing_required_parameter")
        }
        let model = o["model"]?.stringValue ?? "dall-e-2"
        guard let sizes = Self.sizes[model] else { return Self.error(400, "Invalid model \(model).", param: "model") }
        if let size = o["size"], !(size.stringValue.map(sizes.contains) ?? false) {
            return Self.error(
                400,
                "Invalid value: '\(size.stringValue ?? size.description)'. Supported values are: \(sizes.map { "'\($0)'" }.joined(separator: ", ")).",
                param: "size", code: "invalid_value")
        }
        if model.hasPrefix("gpt-image"), o["response_format"] != nil {
            return Self.error(400, "Unknown parameter: 'response_format'.", param: "response_format", code: "unknown_parameter")
        }
        if let n = o["n"], n.intValue == nil || (model == "dall-e-3" && n.intValue != 1) {
            return Self.error(400, "Invalid 'n': must be 1 for dall-e-3.", param: "n")
        }
        let seed: Int64 = lock.withLock {
            counter += 1; return Int64(counter)
        }
        var png = StubImages.png(forSeed: seed)
        if fault == .truncatedImage { png = StubImages.truncated(png) }
        var item: JSONValue.Object = ["b64_json": .string(png.base64EncodedString())]
        if model == "dall-e-3" { item["revised_prompt"] = .string("A detailed rendering of " + prompt) }
        return .json(200, ["created": 1_700_000_000, "data": [.object(item)]])
    }
}

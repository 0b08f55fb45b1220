import Foundation
import SCSGenerate

/// AUTOMATIC1111's `POST /sdapi/v1/txt2img` on loopback, checking the body as its FastAPI model
/// does (422 `{"detail": [{"loc": ["body", field], "msg", "type"}]}` for a wrong type; 404
/// "Sampler not found" for an unknown sampler) and answering
/// `{"images": [base64 PNG], "parameters", "info"}` with the seed it used in `info`.
///
/// Step for faults: "txt2img". `ignoreSeed` makes it draw with another seed, as a server that
/// drops the field would.
public final class A1111Stub: ServiceStub, @unchecked Sendable {
    public let server: StubServer
    public let faults = FaultQueue()
    @Locked public var ignoreSeed = false

    public static let samplers = ["Euler", "Euler a", "LMS", "Heun", "DPM2", "DPM++ 2M", "DPM++ SDE", "DDIM", "UniPC"]

    /// The fields of `StableDiffusionTxt2ImgProcessingAPI` that matter here; others are ignored.
    static let schema = Schema(
        fields: [
            "prompt": .string, "negative_prompt": .string, "seed": .integer(), "steps": .integer(), "cfg_scale": .number(),
            "width": .integer(), "height": .integer(), "sampler_name": .string, "scheduler": .string,
            "batch_size": .integer(), "n_iter": .integer(), "restore_faces": .boolean, "tiling": .boolean,
            "send_images": .boolean, "save_images": .boolean, "denoising_strength": .number()
        ], required: [], refusesUnknown: false)

    public init(server: StubServer) { self.server = server }

    public var bodies: [JSONValue] { server.log.filter { $0.path == "/sdapi/v1/txt2img" }.compactMap(\.json) }

    public func handle(_ r: StubRequest) -> StubResponse {
        guard r.method == "POST", r.path == "/sdapi/v1/txt2img" else { return .json(404, ["detail": "Not Found"]) }
        let fault = faults.next("txt2img")
        switch fault {
        case .hang: return .hung
        case .malformedJSON: return StubResponse(status: 200, headers: [("Content-Type", "application/json")], body: StubImages.malformedJSON)
        case let .status(code, retryAfter):
            return .json(
                code, ["error": "OutOfMemoryError", "detail": "", "body": "", "errors": "CUDA out of memory. Tried to allocate 2.00 GiB"],
                headers: retryAfter.map { [("Retry-After", $0)] } ?? [])
        case .pass, .truncatedImage: break
        }
        guard let body = r.json, case .object(let o) = body else {
            return .json(422, ["detail": [["loc": ["body"], "msg": "value is not a valid dict", "type": "type_error.dict"]]])
        }
        let problems = Self.schema.problems(o)
        if !problems.isEmpty {
            return .json(422, ["detail": .array(problems.map { ["loc": ["body", .string($0.0)], "msg": .string($0.1), "type": "type_error"] })])
        }
        // The stub insists on what scs must send: the prompt and an explicit seed.
        guard let prompt = o["prompt"]?.stringValue, let seed = o["seed"]?.intValue, seed >= 0 else {
            return .json(422, ["detail": [["loc": ["body", "seed"], "msg": "the test stub needs a prompt and a seed >= 0", "type": "value_error"]]])
        }
        if let sampler = o["sampler_name"]?.stringValue, !Self.samplers.contains(sampler) {
            return .json(404, ["detail": "Sampler not found"])
        }
        let used = ignoreSeed ? seed + 1 : seed
        var png = StubImages.png(forSeed: used)
        if fault == .truncatedImage { png = StubImages.truncated(png) }
        let info: JSONValue = [
            "prompt": .string(prompt), "all_prompts": [.string(prompt)], "seed": .int(used), "all_seeds": [.int(used)],
            "width": o["width"] ?? 512, "height": o["height"] ?? 512, "sampler_name": o["sampler_name"] ?? "Euler"
        ]
        return .json(
            200,
            [
                "images": [.string(png.base64EncodedString())], "parameters": body,
                "info": .string(String(decoding: info.jsonData, as: UTF8.self))
            ])
    }
}

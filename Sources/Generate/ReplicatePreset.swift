/// The paper's three Replicate models with exactly the inputs its `generate_images.py` sent
/// (NOTES.md): 768 × 768, K_EULER, guidance 7.5, 20 steps, one output, plus each model's extras.
/// Only the prompt and the seed change from call to call.
public struct ReplicatePreset: Sendable, Equatable {
    /// `--preset` value.
    public let name: String
    /// The model folder the published data set uses.
    public let modelName: String
    /// `owner/name` on Replicate.
    public let model: String
    public let version: String
    /// Every input but `prompt` and `seed`.
    public let input: [String: JSONValue]
    /// A word every prompt should contain for the model to apply its fine-tuning.
    public let triggerWord: String?

    /// SDXL's inputs in the paper (`run_sdxl`); the LoRA used the same.
    static let sdxlInput: [String: JSONValue] = [
        "width": 768,
        "height": 768,
        "refine": "no_refiner",
        "scheduler": "K_EULER",
        "lora_scale": 0.6,
        "num_outputs": 1,
        "guidance_scale": 7.5,
        "apply_watermark": false,
        "negative_prompt": "",
        "prompt_strength": 0.8,
        "num_inference_steps": 20
    ]

    public static let paperSDXL = ReplicatePreset(
        name: "paper-sdxl", modelName: "SDXL", model: "stability-ai/sdxl",
        version: "39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b",
        input: sdxlInput, triggerWord: nil)

    public static let paperPixArt = ReplicatePreset(
        name: "paper-pixart", modelName: "pixart", model: "lucataco/pixart-xl-2",
        version: "816c99673841b9448bc2539834c16d40e0315bbf92fef0317b57a226727409bb",
        input: [
            "style": "None",
            "width": 768,
            "height": 768,
            "scheduler": "K_EULER",
            "num_outputs": 1,
            "guidance_scale": 7.5,
            "num_inference_steps": 20
        ],
        triggerWord: nil)

    /// The Monet LoRA. The data set keeps its images under `SDXL/`, in folders whose prompt ends
    /// "in the style of TOK" (resources/prompts_monet_lora.txt); its weights are not public.
    public static let paperSDXLLoRA = ReplicatePreset(
        name: "paper-sdxl-lora", modelName: "SDXL", model: "brinnaebent/sdxl-lora-monet",
        version: "7f5d28ab8ed4de56770de0402ac91f1d6ffe3caff39c4b979ed3ed0779a452ed",
        input: sdxlInput, triggerWord: "TOK")

    public static let all = [paperSDXL, paperPixArt, paperSDXLLoRA]

    public static func named(_ name: String) -> ReplicatePreset? { all.first { $0.name == name } }
}

import Foundation

/// A setting of a generation run that an error can be about. Errors carry the setting, not a
/// name for it: a Swift caller reads them in plain words (`GenerationWording.plain`), the `scs`
/// command line with its flags.
public enum GenerationSetting: String, Sendable, Equatable {
    case width, height, steps, guidance, sampler, negativePrompt, preset, workflow
    case replicateModel, replicateVersion, replicateWait, extra
    case limit, count, seedBase, concurrency, timeout, retries, modelName

    /// The setting in plain words: "width", "negative prompt", "Replicate model".
    public var name: String {
        switch self {
        case .negativePrompt: return "negative prompt"
        case .replicateModel: return "Replicate model"
        case .replicateVersion: return "Replicate version"
        case .replicateWait: return "Replicate wait"
        case .extra: return "extra input"
        case .count: return "seed count"
        case .seedBase: return "seed base"
        case .modelName: return "model name"
        default: return rawValue
        }
    }
}

/// How a `SettingProblem` names what it is about.
public struct GenerationWording: Sendable {
    /// A setting: `width` in plain words, `--width` on the command line.
    public var setting: @Sendable (GenerationSetting) -> String
    /// How to give a setting a value: `a workflow file`, `--workflow FILE`.
    public var giving: @Sendable (GenerationSetting) -> String
    /// A backend chosen: `the comfyui backend`, `--backend comfyui`.
    public var backend: @Sendable (BackendKind) -> String

    public init(
        setting: @escaping @Sendable (GenerationSetting) -> String, giving: @escaping @Sendable (GenerationSetting) -> String,
        backend: @escaping @Sendable (BackendKind) -> String
    ) {
        self.setting = setting
        self.giving = giving
        self.backend = backend
    }

    /// Plain words, for `description`.
    public static let plain = GenerationWording(
        setting: { $0.name },
        giving: { setting in
            switch setting {
            case .workflow: return "a workflow file"
            case .replicateModel: return "a Replicate model (owner/name[:version])"
            default: return "a \(setting.name)"
            }
        },
        backend: { "the \($0.rawValue) backend" })
}

/// A setting that is out of range, for another backend, missing, or at odds with the inputs.
public enum SettingProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// A value outside its range; `unit` follows the upper bound ("seconds").
    case outOfRange(GenerationSetting, value: Int64, range: ClosedRange<Int64>, unit: String = "")
    /// A value below its least (0 reads "0 or more").
    case tooSmall(GenerationSetting, value: Int, least: Int)
    /// A duration that is not positive.
    case notPositive(GenerationSetting, value: Double)
    /// A number that is not finite.
    case notANumber(GenerationSetting)
    /// A value of the wrong shape: `expected` describes the right one.
    case malformed(GenerationSetting, value: String, expected: String)
    /// Settings given that only `backend` takes.
    case onlyFor([GenerationSetting], backend: BackendKind)
    /// A backend that needs one of `settings`, none of which was given.
    case backendNeeds(BackendKind, oneOf: [GenerationSetting])
    /// Settings the backend has no place for.
    case unsupported([GenerationSetting], backend: BackendKind)
    /// An extra input key that the prompts or seeds fill in.
    case reservedExtraKey(String, backend: BackendKind)
    /// A setting (or an extra input key, with `.extra`) that the ComfyUI workflow has no placeholder for.
    case noPlaceholder(workflow: String, setting: GenerationSetting, placeholder: String)
    /// Workflow placeholders that neither scs nor the extra input fills in.
    case unknownPlaceholders(workflow: String, [String])
    /// A limit or count past what its file holds (`limit`: prompts; `count`: seeds).
    case pastFile(GenerationSetting, value: Int, path: String, available: Int)
    /// A model name that cannot be a folder name.
    case notAFolderName(GenerationSetting, value: String, reason: String)

    public var description: String { describe(.plain) }

    /// One line, naming settings and backends as `wording` does.
    public func describe(_ wording: GenerationWording) -> String {
        let name = wording.setting
        switch self {
        case let .outOfRange(setting, _, range, unit):
            return "\(name(setting)) must be between \(range.lowerBound) and \(range.upperBound)\(unit.isEmpty ? "" : " \(unit)")"
        case let .tooSmall(setting, _, least):
            return "\(name(setting)) must be " + (least == 0 ? "0 or more" : "at least \(least)")
        case let .notPositive(setting, _):
            return "\(name(setting)) must be positive"
        case let .notANumber(setting):
            return "\(name(setting)) must be a number"
        case let .malformed(setting, value, expected):
            return "\(name(setting)) must look like \(expected), not \"\(value)\""
        case let .onlyFor(settings, backend):
            return settings.map(name).joined(separator: " and ") + (settings.count == 1 ? " is" : " are") + " for \(wording.backend(backend))"
        case let .backendNeeds(backend, settings) where backend == .comfyui:
            return "\(wording.backend(backend)) needs " + settings.map(wording.giving).joined(separator: " or ")
                + " (a workflow saved in API format, with {{prompt}} and {{seed}} placeholders)"
        case let .backendNeeds(_, settings):
            return "give "
                + settings.map { setting in
                    setting == .preset
                        ? wording.giving(setting) + " (" + ReplicatePreset.all.map(\.name).joined(separator: ", ") + ")" : wording.giving(setting)
                }.joined(separator: " or ")
        case let .unsupported(settings, backend):
            return "the \(backend.rawValue) backend has no " + settings.map(name).joined(separator: ", ")
                + (backend == .openai ? " (OpenAI's image API takes a prompt, a size and a few model options: use \(name(.extra)))" : "")
        case let .reservedExtraKey(key, backend):
            return "\(name(.extra)) cannot set \(key): it comes from the prompts" + (backend == .openai ? "" : " and seeds")
        case let .noPlaceholder(workflow, setting, placeholder):
            let what = setting == .extra ? "\(name(.extra)) sets \"\(placeholder)\"" : "\(name(setting)) is given"
            return "ComfyUI workflow \(workflow): \(what) but the workflow has no {{\(placeholder)}} placeholder"
        case let .unknownPlaceholders(workflow, names):
            return "ComfyUI workflow \(workflow): unknown placeholder " + names.map { "{{\($0)}}" }.joined(separator: ", ")
                + " (known: " + ComfyWorkflow.builtInNames.sorted().joined(separator: ", ") + ", or a key of \(name(.extra)))"
        case let .pastFile(setting, value, path, available):
            return "\(name(setting)) \(value) but \(path) has only \(available) " + (setting == .limit ? "prompts" : "seeds")
        case let .notAFolderName(setting, value, reason):
            return "\(name(setting)) \"\(value)\" cannot be a folder name: \(reason)"
        }
    }
}

import Foundation
import SCSGenerate
import SCSHub
import SCSImaging
import SCSModels
import SCSReport
import SCSScoring
import SCSTensor

/// The command line's words for the libraries' typed errors. The libraries say which setting,
/// which value and which limit; only here do settings become flags. `SCS.main` and `scs worker`
/// print what this returns.
enum ErrorWording {
    /// The flag of each generation setting. The switch is exhaustive on purpose: a new setting
    /// does not compile until it is given its flag.
    static func flag(_ setting: GenerationSetting) -> String {
        switch setting {
        case .width: return "--width"
        case .height: return "--height"
        case .steps: return "--steps"
        case .guidance: return "--guidance"
        case .sampler: return "--sampler"
        case .negativePrompt: return "--negative-prompt"
        case .preset: return "--preset"
        case .workflow: return "--workflow"
        case .replicateModel: return "--replicate-model"
        case .replicateVersion: return "--replicate-version"
        case .replicateWait: return "--replicate-wait"
        case .extra: return "--extra"
        case .limit: return "--limit"
        case .count: return "--n"
        case .seedBase: return "--seed-base"
        case .concurrency: return "--concurrency"
        case .timeout: return "--timeout"
        case .retries: return "--retries"
        case .modelName: return "--model-name"
        }
    }

    static let generation = GenerationWording(
        setting: flag,
        giving: { setting in
            switch setting {
            case .workflow: return "--workflow FILE"
            case .replicateModel: return "--replicate-model owner/name[:version]"
            default: return flag(setting)
            }
        },
        backend: { "--backend \($0.rawValue)" })

    static let shard = ShardWording(
        shard: { "--shard \($0)" }, shards: { "--shards \($0.map(String.init) ?? "N")" },
        array: { "--array=0-\($0 - 1)" }, scoringShard: { "scs score --shard \($0)" })

    static let report = ReportWording(comparisonSource: "scs compare --json", choosingOutput: "choose another --out")

    static func precision(_ precision: Precision) -> String { "--precision \(precision.rawValue)" }

    static let raisingPixelLimit = "--max-pixels raises the limit"

    /// The command line's one-line message for `error`, or nil where the error's own
    /// description is already it.
    static func message(for error: Error) -> String? {
        switch error {
        case let error as GenerateError:
            guard case .setting(let problem) = error else { return nil }
            return problem.describe(generation)
        case let error as ShardError:
            return error.describe(shard)
        case let error as HubError:
            return error.describe(usingFolder: "pass --model FOLDER")
        case let error as ImageDecodingError:
            return error.describe(raisingLimit: raisingPixelLimit)
        case let error as ImageFileError:
            return error.cause.map { "\(error.path): " + $0.describe(raisingLimit: raisingPixelLimit) }
        case let error as MetricBackboneError:
            return error.describe { "--model \($0)" }
        case let error as ReportInputError:
            return error.describe(report)
        case WeightsError.unsupportedPrecision(let precision):
            return precision.unsupportedReason(naming: Self.precision)
        case let error as EmbedderError:
            switch error {
            case .notCached: return error.fact + ": pass --model with the model that made the scores (and --cache if it was another cache)"
            case .noModel: return error.fact + ": pass --model to load it"
            }
        default:
            return nil
        }
    }

    /// `error` as the command line words it: a library error with its flags named, any other
    /// error (swift-argument-parser's own, `ExitCode`) as it is, so that exit codes stay the same.
    static func worded(_ error: Error) -> Error {
        message(for: error).map(WordedError.init) ?? error
    }

    /// Runs `body`, rewording what it throws (for checks in `validate()`, whose errors
    /// swift-argument-parser wraps before `SCS.main` could see them).
    static func rewording<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw worded(error) }
    }
}

/// A library error in the command line's words; its description is what `scs` prints after
/// `Error: ` (and `scs worker` answers as "error").
struct WordedError: Error, CustomStringConvertible {
    let description: String
}

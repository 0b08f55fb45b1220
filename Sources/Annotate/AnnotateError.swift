import Foundation

/// What can go wrong setting up, serving or analysing a study; each case names what is at fault.
public enum AnnotateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The study database could not be created, opened or read.
    case study(path: String, reason: String)
    /// A model named on the command line has no folder in the dataset.
    case unknownModel(String, available: [String])
    /// The two models share no prompt (after the `--prompts` filter), so there is nothing to ask.
    case noCommonPrompts(modelA: String, modelB: String)
    /// A prompt listed in the `--prompts` file that one of the models lacks.
    case missingPrompt(String, file: String)
    /// An annotator name that is empty or already taken.
    case badAnnotatorName(String, reason: String)
    /// A scores.csv that lacks a column or holds a value that is not a number.
    case badScores(path: String, line: Int, reason: String)
    /// The public address given for a server behind a proxy is not an http(s) URL.
    case badPublicURL(String)
    /// Any other invalid argument.
    case invalid(String)

    public var description: String {
        switch self {
        case let .study(path, reason): return "\(path): \(reason)"
        case let .unknownModel(name, available):
            return "model \"\(name)\" is not in the dataset (it has: \(available.joined(separator: ", ")))"
        case let .noCommonPrompts(a, b): return "models \"\(a)\" and \"\(b)\" have no prompt in common"
        case let .missingPrompt(prompt, file): return "\(file): prompt \"\(prompt)\" is not drawn by both models"
        case let .badAnnotatorName(name, reason): return "annotator \"\(name)\": \(reason)"
        case let .badScores(path, line, reason): return "\(path):\(line): \(reason)"
        case let .badPublicURL(value): return "public URL \"\(value)\" is not an http(s) URL such as https://annotate.example.org"
        case let .invalid(reason): return reason
        }
    }
}

import Foundation

/// Where a prompt came from: its line in the prompts file, and its text.
public struct PromptRef: Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let text: String
    /// The prompt's category in its suite (PartiPrompts' Category, GenEval's tag), if it has one.
    public let category: String?
    /// PartiPrompts' second label, its Challenge (e.g. "Perspective"); nil elsewhere.
    public let challenge: String?

    public init(line: Int, text: String, category: String? = nil, challenge: String? = nil) {
        self.line = line
        self.text = text
        self.category = category
        self.challenge = challenge
    }

    public var description: String { "line \(line) \"\(text)\"" }
}

/// Everything that stops or spoils a generation run. Each `description` is one line that says
/// what failed and where (file and line, URL and status) and, where there is one, what to do.
///
/// Secrets never appear here: server messages are redacted before they are stored
/// (see `Secret.redact`).
public enum GenerateError: Error, Sendable, Equatable, CustomStringConvertible {
    // MARK: Found before any request is sent

    /// A prompts, seeds, workflow or extra-input file cannot be read or is empty.
    case inputFile(path: String, reason: String)
    /// One line of an input file is unusable (a seed that is not an integer, an empty prompt…).
    case badLine(path: String, line: Int, reason: String)
    /// Two prompts would share one folder: their images would mix.
    case folderCollision(folder: String, first: PromptRef, second: PromptRef)
    /// A setting out of range, for another backend, missing…: `SettingProblem` says which
    /// setting and value, so that a caller can name the setting its own way.
    case setting(SettingProblem)
    /// Inputs that contradict each other (the same seed twice, no seeds…).
    case invalidOption(String)
    /// The backend needs a token that is neither in the environment nor in the `.env` file.
    case missingSecret(name: String, backend: String, envFile: String)
    /// A ComfyUI workflow that cannot be used (not API format, no `{{prompt}}`/`{{seed}}` placeholder…).
    case workflow(path: String, reason: String)
    /// Another `scs generate` is writing into the same output folder.
    case locked(path: String)
    /// A category asked for that the prompt suite does not have (`known`: the ones it has, empty
    /// for a suite without categories).
    case unknownCategory(String, suite: String, known: [String])

    // MARK: Found while running: the run stops

    /// The server refused a request in a way that retrying will not fix (bad token, bad input,
    /// unknown model version), with its own message.
    case rejected(backend: String, url: String, status: Int, message: String)
    /// A request kept failing in ways that usually heal (429, 5xx, timeouts, broken connections,
    /// garbled answers) until the retries ran out.
    case gaveUp(backend: String, url: String, attempts: Int, reason: String)
    /// The answer does not follow the backend's protocol at all (no prediction id, no images…).
    case protocolViolation(backend: String, url: String, reason: String)
    /// Reading or writing the output folder failed.
    case fileSystem(path: String, reason: String)

    // MARK: Found while running: this image failed, the others go on

    /// The model itself failed for one image (a failed prediction, a ComfyUI execution error…).
    case imageFailed(backend: String, reason: String)

    /// Whether the whole run must stop (as opposed to one image failing).
    public var stopsRun: Bool {
        if case .imageFailed = self { return false }
        return true
    }

    public var description: String {
        switch self {
        case let .inputFile(path, reason):
            return "\(path): \(reason)"
        case let .badLine(path, line, reason):
            return "\(path):\(line): \(reason)"
        case let .folderCollision(folder, first, second):
            return "prompts \(first) and \(second) both map to the folder \"\(folder)\" "
                + "(folder names compare without case, as on macOS and Windows); reword one of them"
        case let .setting(problem):
            return problem.description
        case let .invalidOption(text):
            return text
        case let .missingSecret(name, backend, envFile):
            return "the \(backend) backend needs \(name): set it in the environment or in \(envFile) (\(name)=...)"
        case let .workflow(path, reason):
            return "ComfyUI workflow \(path): \(reason)"
        case let .unknownCategory(category, suite, known):
            return known.isEmpty
                ? "\(suite) has no categories, so no prompt is in \"\(category)\""
                : "\(suite) has no category \"\(category)\" (it has: \(known.joined(separator: ", ")))"
        case let .locked(path):
            return "another scs generate is writing into \(path) (it holds a lock on the folder); wait for it or stop it"
        case let .rejected(backend, url, status, message):
            let phrase = Self.statusPhrase(status)
            return "\(backend) refused the request (HTTP \(status)\(phrase.isEmpty ? "" : " \(phrase)") from \(url)): "
                + (message.isEmpty ? "no message" : message) + Self.hint(status)
        case let .gaveUp(backend, url, attempts, reason):
            return "\(backend) at \(url) still failing after \(attempts) attempts (\(reason)); "
                + "images written so far are kept, run the same command again to resume"
        case let .protocolViolation(backend, url, reason):
            return "unexpected answer from \(backend) at \(url): \(reason)"
        case let .fileSystem(path, reason):
            return "\(path): \(reason)"
        case let .imageFailed(backend, reason):
            return "\(backend): \(reason)"
        }
    }

    private static func hint(_ status: Int) -> String {
        switch status {
        case 401, 403: return " (check the API token)"
        case 402: return " (check the account's billing)"
        default: return ""
        }
    }

    static func statusPhrase(_ status: Int) -> String {
        switch status {
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 402: return "Payment Required"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 413: return "Content Too Large"
        case 415: return "Unsupported Media Type"
        case 422: return "Unprocessable Content"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return ""
        }
    }
}

import Foundation

/// How a study was set up (`scs annotate init`); fixed for the study's life.
public struct StudyConfig: Sendable, Equatable {
    /// The two models compared, in the order given to `--models`.
    public var modelA: String
    public var modelB: String
    /// How many images of each model are shown per prompt (the paper: 20).
    public var imagesPerSide: Int
    /// Whether annotators may answer "can't tell" instead of choosing a side.
    public var allowCantTell: Bool
    /// The question asked under the galleries (the paper's by default).
    public var question: String
    /// The dataset folder the images were registered from (for the record only: files are
    /// served from the registered paths).
    public var dataset: String

    public static let paperQuestion = "Which set of images is more consistent?"

    public init(
        modelA: String, modelB: String, imagesPerSide: Int = 20, allowCantTell: Bool = false,
        question: String = StudyConfig.paperQuestion, dataset: String = ""
    ) {
        self.modelA = modelA
        self.modelB = modelB
        self.imagesPerSide = imagesPerSide
        self.allowCantTell = allowCantTell
        self.question = question
        self.dataset = dataset
    }
}

/// A prompt of the study, in the order annotators see them.
public struct StudyPrompt: Sendable, Equatable {
    public var id: Int64
    public var position: Int
    public var text: String
}

/// An image registered for one side of one prompt. Only these are ever served, by `id`.
public struct StudyImage: Sendable, Equatable {
    public var id: Int64
    public var promptID: Int64
    public var model: String
    public var position: Int
    public var path: String
}

/// An image as one annotator is shown it: under a random token of its own, made for that
/// annotator and prompt, so nothing in a URL follows the order images were registered in.
public struct TrialImage: Sendable, Equatable {
    public var token: String
    public var image: StudyImage
}

/// Someone invited to annotate, with the secret in their link.
public struct Annotator: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var token: String
}

/// What an annotator answered, by screen side.
public enum Choice: String, Sendable, CaseIterable {
    case left
    case right
    case cantTell = "cant_tell"
}

/// One prompt as one annotator is to see it: which model is on which side, and the images.
public struct Trial: Sendable {
    public var prompt: StudyPrompt
    public var leftModel: String
    public var rightModel: String
    /// Each side in its own random order, fixed per annotator and prompt.
    public var leftImages: [TrialImage]
    public var rightImages: [TrialImage]
    /// 1-based place of this prompt in the annotator's list, and how many they have in all.
    public var number: Int
    public var total: Int
    /// Answers already given (the progress shown: "answered of total").
    public var answered: Int
}

/// A stored answer, as `export` writes it.
public struct AnswerRecord: Sendable, Equatable {
    public var annotator: String
    public var prompt: String
    public var promptPosition: Int
    public var leftModel: String
    public var rightModel: String
    public var choice: Choice
    /// The model chosen, `nil` for "can't tell".
    public var chosenModel: String?
    public var shownAt: String
    public var answeredAt: String
}

/// One annotator's progress, for the admin page.
public struct AnnotatorProgress: Sendable, Equatable {
    public var name: String
    public var answered: Int
    public var total: Int
    public var lastAnswerAt: String?
}

/// What happened to a submitted answer.
public enum RecordOutcome: Sendable, Equatable {
    /// Stored now.
    case stored
    /// The annotator had already answered this prompt: the first answer stands, nothing counted twice.
    case duplicate
}

/// Time stamps as stored: ISO 8601, UTC, milliseconds (sortable as text).
enum Timestamp {
    static func now() -> String { string(Date()) }

    static func string(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

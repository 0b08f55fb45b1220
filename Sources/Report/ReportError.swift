import Foundation

/// Why a report cannot be written. Each message names the file, model, prompt or image at fault;
/// nothing is left in the output folder when one is thrown.
public struct ReportError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

import Foundation

/// A group's category (PartiPrompts' Category, GenEval's tag, a manifest's `category`), carried
/// from the manifest `scs generate --suite` writes into scores.csv, so that comparisons and the
/// report can break the scores down by category.
extension Dataset {
    /// A manifest's `category` value: a non-empty string, trimmed; anything else is none (an
    /// older manifest, or a prompt without one).
    static func category(_ value: Any?) -> String? {
        guard let text = (value as? String)?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        return text
    }

    /// Each group's category, in `groups` order: the one its images' manifest lines give when
    /// they agree; nil when none gives one, or when they disagree (a prompt listed under two
    /// categories: no category is the honest answer).
    public func groupCategories() -> [String?] {
        groups.map { group in
            let found = Set(group.indices.compactMap { items[$0].category })
            return found.count == 1 ? found.first : nil
        }
    }

    /// Whether any image has a category: scores.csv gets its `category` column only then.
    public var hasCategories: Bool { items.contains { $0.category != nil } }
}

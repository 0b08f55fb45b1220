import Foundation
import SCSScoring

/// The report's view of collapse: the near-duplicate pairs of each group (`NearDuplicates`, the
/// definition `scs score` lists), shown as the two pictures side by side on the prompt's page and
/// counted per model on the index, so that "these two seeds drew the same picture" is seen, not
/// only read from a mean.
enum CollapseSection {
    /// The index's section: per model, the pairs and the groups with one, and the prompts where
    /// they are; nothing when no group has a pair.
    static func index(_ prompts: [PromptView], modelOrder: [String], threshold: Double) -> String {
        let groups = prompts.flatMap { p in modelOrder.compactMap { p.groups[$0] }.map { (p, $0) } }
        guard groups.contains(where: { !$0.1.nearDuplicates.isEmpty }) else { return "" }
        var html =
            "<h2 id=\"collapse\">Near-duplicate images</h2>\n<p class=\"muted\">Pairs of images of one prompt whose cosine on the backbone is at least \(Pages.f(threshold, 3)): two seeds that drew nearly the same picture. A high SCS can come from many such pairs or from images that all agree a little; these are the former.</p>\n"
        html +=
            "<table><thead><tr><th>model</th><th class=\"num\">pairs</th><th class=\"num\">prompts with one</th><th>where</th></tr></thead><tbody>\n"
        for model in modelOrder {
            let mine = groups.filter { $0.1.model == model }
            let hit = mine.filter { !$0.1.nearDuplicates.isEmpty }
            let pairs = hit.reduce(0) { $0 + $1.1.nearDuplicates.count }
            let links = hit.map { p, g in
                "<a href=\"\(p.page)#collapse-\(anchor(g.model))\">\(HTML.escape(p.prompt))</a> (\(g.nearDuplicates.count))"
            }
            html +=
                "<tr><td>\(HTML.escape(model))</td><td class=\"num\">\(pairs)</td><td class=\"num\">\(hit.count) of \(mine.count)</td><td>\(links.joined(separator: ", "))</td></tr>\n"
        }
        return html + "</tbody></table>\n"
    }

    /// A group's pairs on its prompt's page, each pair's two thumbnails side by side with the
    /// images' names and their similarity; nothing when it has none.
    static func group(_ g: GroupView) -> String {
        guard !g.nearDuplicates.isEmpty else { return "" }
        let name = { (i: Int) in URL(fileURLWithPath: g.items[i].path).lastPathComponent }
        let count = g.nearDuplicates.count
        var html =
            "<h3 id=\"collapse-\(anchor(g.model))\">\(HTML.escape(g.model)): \(count) near-duplicate pair\(count == 1 ? "" : "s")</h3>\n<p class=\"muted\">These seeds drew nearly the same picture.</p>\n"
        for pair in g.nearDuplicates {
            let (i, j) = (pair.first, pair.second)
            html += "<div class=\"gallery duplicates\">\n"
            for k in [i, j] {
                html +=
                    "<figure><a href=\"\(HTML.escape(g.originals[k]))\"><img src=\"../\(g.thumbnails[k])\" alt=\"\(HTML.escape(name(k)))\" loading=\"lazy\"></a><figcaption>\(k + 1). \(HTML.escape(name(k)))</figcaption></figure>\n"
            }
            html +=
                "<p class=\"num\">cos \(Pages.f(pair.cosine, 4)) (pair value \(Pages.f(max(100 * pair.cosine, 0), 1)))</p></div>\n"
        }
        return html
    }

    /// A model's name as a fragment identifier (letters and digits kept, the rest as '-').
    static func anchor(_ model: String) -> String {
        String(
            model.unicodeScalars.map {
                CharacterSet.alphanumerics.contains($0) && $0.isASCII ? Character($0) : "-"
            })
    }
}

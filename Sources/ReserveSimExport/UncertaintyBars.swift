import Foundation
import ReserveSimResults

/// The report's bar chart of SPEC §16's ranking: one row per estimate, a bar to its first-order index for the
/// reserve needed and a line across its 95% interval, all on one scale (the largest upper end fills the width).
/// Plain HTML and CSS, so it prints and reads without scripts.
enum UncertaintyBars {
  static func html(_ ranks: [UncertainEstimateRank]) -> String {
    let largest = ranks.compactMap { $0.need?.upper }.max() ?? 0
    guard largest > 0 else { return "" }
    func share(_ x: Double) -> String { String(format: "%.2f%%", Swift.min(100, Swift.max(0, x / largest * 100))) }
    var out = "<table class=\"bars\" aria-label=\"Share of the spread in the reserve needed explained by each "
    out += "estimate, with 95% intervals\"><tbody>"
    for rank in ranks {
      let label = MarkupText.escape(rank.parameter.path.description)
      out += "<tr><td>\(label)</td><td><div class=\"bar\" title=\""
      out += MarkupText.escape(UncertaintyRanking.percentWithInterval(rank.need)) + "\">"
      if let need = rank.need {
        out += "<span style=\"left: 0; width: \(share(need.index))\"></span>"
        out += "<i style=\"left: \(share(need.lower)); width: calc(\(share(need.upper)) - \(share(need.lower)))\"></i>"
      }
      out += "</div></td><td class=\"num\">\(MarkupText.escape(UncertaintyRanking.percentWithInterval(rank.need)))"
      out += "</td></tr>"
    }
    return out + "</tbody></table>"
  }
}

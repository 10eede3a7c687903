import ReserveSimResults
import ReserveSimScenario

/// What `reservesim attribute` shares out over the risk sources (SPEC §20).
public enum AttributionMetric: Sendable, Equatable {
  /// The chance of falling below the floor within the horizon: a mean over paths of 0/1.
  case ruin
  /// The chance of falling below the board's minimum (`policy.minimumMonths`) at some month-end: a mean of 0/1.
  case below
  /// The required reserve at confidence c: max(0, the ⌈cN⌉-th smallest need), in the file's currency.
  case reserve(confidence: Double)

  /// Parses `ruin`, `below` or `reserve@C` (C as a percentage, `reserve@95%`, or a fraction, `reserve@0.95`).
  /// - Throws: `ScenarioError` (no file) for another name, a level outside (0, 1), or `below` in a file without
  ///   `policy.minimumMonths`.
  public init(parsing text: String, for scenario: Scenario) throws {
    switch text {
    case "ruin": self = .ruin
    case "below":
      guard scenario.policy?.minimumMonths != nil else {
        throw Self.problem(text, "below needs the board's minimum, policy.minimumMonths, which the file does not set")
      }
      self = .below
    case _ where text.hasPrefix("reserve@"):
      let level = text.dropFirst("reserve@".count)
      let percent = level.hasSuffix("%")
      let number = Double(percent ? level.dropLast() : level).map { percent ? $0 / 100 : $0 }
      guard let number, number > 0, number < 1 else {
        throw Self.problem(
          text, "the confidence level must lie strictly between 0 and 1, as in reserve@95% or reserve@0.95")
      }
      self = .reserve(confidence: number)
    default:
      throw Self.problem(text, "unknown metric; use ruin, below or reserve@C (such as reserve@95%)")
    }
  }

  static func problem(_ text: String, _ message: String) -> ScenarioError {
    ScenarioError(file: nil, path: .root, message: "--metric '\(text)': \(message)")
  }

  /// The name as the outputs write it: `ruin`, `below`, `reserve@95%`.
  public var name: String {
    switch self {
    case .ruin: return "ruin"
    case .below: return "below"
    case .reserve(let c): return "reserve@" + Self.percent(c) + "%"
    }
  }

  /// 100·c without a trailing ".0" (95, 99.5).
  static func percent(_ c: Double) -> String {
    let value = (c * 100 * 1e9).rounded() / 1e9
    return value == value.rounded() ? String(Int(value)) : String(value)
  }

  /// Whether the metric is an amount of money (otherwise a probability).
  public var isMoney: Bool {
    if case .reserve = self { return true }
    return false
  }
}

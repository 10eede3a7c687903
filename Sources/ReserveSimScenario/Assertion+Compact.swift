import Foundation

/// An assertion written on the command line (`--assert`), before it meets a scenario:
///
///     ruin<=0.05            ruin within the horizon at most 5%
///     ruin<=5%@3y           ruin within 3 years at most 5%   (also ruin@3y<=5%)
///     reserve@0.95<=2e6     required reserve at 95% at most 2,000,000   (also reserve<=2M@95%)
///     below<=10%@3y         below the policy's minimum months of outgo within 3 years at most 10%
///     reserveMin@95%<=2M    the reserve that holds the board's minimum at 95% at most 2,000,000 (SPEC §17)
///
/// Grammar (spaces ignored): METRIC [@QUALIFIER] <= THRESHOLD [@QUALIFIER], one qualifier at most.
/// METRIC is `ruin` (or `ruinProbability`), `below` (or `belowMinimum`), `reserve` (or `requiredReserve`) or
/// `reserveMin` (or `requiredReserveForMinimum`); `≤`
/// may stand for `<=`. For `ruin` and `below` the qualifier is whole years `Ny` (default: the horizon) and the
/// threshold a probability
/// (0.05 or 5%); for `reserve` and `reserveMin` the qualifier is the confidence (0.95 or 95%, required) and the threshold an
/// amount (2000000, 2e6, 2_000_000, 2M; suffixes k, M, B). The assertion is named after the text.
public struct CompactAssertion: Sendable, Equatable, CustomStringConvertible {
  public enum Metric: Sendable, Equatable {
    /// `nil`: within the scenario's horizon.
    case ruinProbability(withinYears: Int?)
    case requiredReserve(confidence: Double)
    /// `nil`: within the scenario's horizon.
    case belowMinimum(withinYears: Int?)
    case requiredReserveForMinimum(confidence: Double)
  }

  /// The text as written (trimmed); the assertion's name.
  public var text: String
  public var metric: Metric
  public var atMost: Double

  public var description: String { text }

  /// Parses the compact syntax.
  /// - Throws: `ScenarioError` (no file) that quotes the text, says what is wrong and shows an example.
  public init(parsing raw: String) throws {
    text = raw.trimmingCharacters(in: .whitespaces)
    let compact = text.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "≤", with: "<=")
    func bad(_ why: String) -> ScenarioError {
      ScenarioError(
        file: nil, path: .root,
        message: "--assert '\(raw)': \(why) (examples: ruin<=0.05@3y, reserve@95%<=2M)")
    }
    let sides = compact.components(separatedBy: "<=")
    guard sides.count == 2 else { throw bad(sides.count == 1 ? "expected '<=' (at most)" : "more than one '<='") }
    var left = sides[0].split(separator: "@", omittingEmptySubsequences: false).map(String.init)
    var right = sides[1].split(separator: "@", omittingEmptySubsequences: false).map(String.init)
    guard left.count <= 2, right.count <= 2, left.count + right.count <= 3 else {
      throw bad("give one qualifier with '@' at most")
    }
    let qualifier = left.count == 2 ? left.removeLast() : right.count == 2 ? right.removeLast() : nil
    let thresholdText = right[0]
    guard !thresholdText.isEmpty else { throw bad("missing the threshold after '<='") }
    let name = left[0].lowercased()
    switch name {
    case "ruin", "ruinprobability", "below", "belowminimum":
      var years: Int?
      if let qualifier {
        guard qualifier.hasSuffix("y") || qualifier.hasSuffix("Y"), let n = Int(qualifier.dropLast()), n >= 1 else {
          throw bad("expected whole years such as '@3y' after \(left[0]), found '@\(qualifier)'")
        }
        years = n
      }
      guard let p = Self.fraction(thresholdText), (0...1).contains(p) else {
        throw bad("expected a probability such as 0.05 or 5%, found '\(thresholdText)'")
      }
      metric = name.hasPrefix("ruin") ? .ruinProbability(withinYears: years) : .belowMinimum(withinYears: years)
      atMost = p
    case "reserve", "requiredreserve", "reservemin", "requiredreserveforminimum":
      guard let qualifier else { throw bad("say the confidence, e.g. reserve@95%<=2M") }
      guard let c = Self.fraction(qualifier), c > 0, c < 1 else {
        throw bad("expected a confidence between 0 and 1 such as 0.95 or 95%, found '@\(qualifier)'")
      }
      guard let amount = Self.amount(thresholdText) else {
        throw bad("expected an amount such as 2000000, 2e6 or 2M, found '\(thresholdText)'")
      }
      metric =
        name.hasSuffix("min") || name.hasSuffix("minimum")
        ? .requiredReserveForMinimum(confidence: c) : .requiredReserve(confidence: c)
      atMost = amount
    case "":
      throw bad("missing the metric ('ruin', 'below', 'reserve' or 'reserveMin') before '<='")
    default:
      throw bad("unknown metric '\(left[0])': expected 'ruin', 'below', 'reserve' or 'reserveMin'")
    }
  }

  /// The assertion for `scenario` (ruin within its horizon when no years are given).
  /// - Throws: `ScenarioError` (no file) when the years lie beyond the scenario's horizon.
  public func assertion(for scenario: Scenario) throws -> Assertion {
    /// The years asked for, or the horizon; refused past the horizon.
    func years(_ withinYears: Int?) throws -> Int {
      let years = withinYears ?? scenario.years
      guard years <= scenario.years else {
        throw ScenarioError(
          file: nil, path: .root,
          message: "--assert '\(text)': \(years) years is beyond the scenario's horizon of \(scenario.years) years")
      }
      return years
    }
    switch metric {
    case .ruinProbability(let withinYears):
      return Assertion(name: text, metric: .ruinProbability(withinYears: try years(withinYears)), atMost: atMost)
    case .requiredReserve(let confidence):
      return Assertion(name: text, metric: .requiredReserve(confidence: confidence), atMost: atMost)
    case .belowMinimum(let withinYears):
      guard scenario.policy?.minimumMonths != nil else {
        throw ScenarioError(
          file: nil, path: .root,
          message: "--assert '\(text)': the scenario sets no board minimum (policy.minimumMonths)")
      }
      return Assertion(name: text, metric: .belowMinimum(withinYears: try years(withinYears)), atMost: atMost)
    case .requiredReserveForMinimum(let confidence):
      guard scenario.policy?.minimumMonths != nil else {
        throw ScenarioError(
          file: nil, path: .root,
          message: "--assert '\(text)': the scenario sets no board minimum (policy.minimumMonths)")
      }
      return Assertion(name: text, metric: .requiredReserveForMinimum(confidence: confidence), atMost: atMost)
    }
  }

  /// "0.05" → 0.05, "5%" → 0.05 (the syntax `--set` shares, see `CompactNumber`).
  static func fraction(_ text: String) -> Double? { CompactNumber.fraction(text) }

  /// "2e6", "2_000_000", "2M", "1.5k", "1B" → the amount.
  static func amount(_ text: String) -> Double? { CompactNumber.amount(text) }
}

import Foundation

/// A model parameter written as a distribution instead of a number (SPEC §16).
public struct UncertainParameter: Sendable, Equatable {
  /// The parameter in the `--set` syntax (`inKindServices[CDN].annualLossProbability`).
  public let path: ScenarioPath
  /// The field's pattern in `ScenarioFields` (`inKindServices[].annualLossProbability`).
  public let pattern: String
  /// The position of the list item the parameter belongs to (0 outside lists).
  public let item: Int
  public let distribution: EstimateDistribution
  /// The key of the parameter's draws: FNV-1a (32 bits) of the path's text, so a path's values depend on the
  /// seed, the path index and the parameter only (not on which other parameters are uncertain).
  public let drawKey: UInt32
  /// The engine's per-lane parameter it feeds (the field's `lane` in `ScenarioFields`, with its item).
  package let lane: LaneParameter

  init(path: ScenarioPath, pattern: String, item: Int, lane: LaneParameter, distribution: EstimateDistribution) {
    self.path = path
    self.pattern = pattern
    self.item = item
    self.lane = lane
    self.distribution = distribution
    var hash: UInt32 = 2_166_136_261
    for byte in path.description.utf8 {
      hash ^= UInt32(byte)
      hash = hash &* 16_777_619
    }
    drawKey = hash
  }

  /// Top-level keys that hold no model parameters.
  static let settingsRoots: Set<String> = ["years", "simulation", "assertions", "$schema", "extends"]

  /// Replaces every distribution in `document` by its centre, so that the rest of decoding reads numbers, and
  /// returns the distributions found (keys in alphabetical order, list items in order).
  /// - Throws: `ScenarioError` naming the JSON path of a malformed distribution, one outside its field's range,
  ///   or one on a field that takes none.
  static func extract(from document: JSONValue) throws -> (document: JSONValue, parameters: [UncertainParameter]) {
    guard case .object(var fields) = document else { return (document, []) }
    var found: [UncertainParameter] = []
    for key in fields.keys.sorted() where !settingsRoots.contains(key) {
      fields[key] = try visit(
        fields[key]!, pattern: key, path: [.key(key)], jsonPath: JSONPath.root.appending(key), item: 0, into: &found)
    }
    return (.object(fields), found)
  }

  private static func visit(
    _ node: JSONValue, pattern: String, path: [ScenarioPath.Step], jsonPath: JSONPath, item: Int,
    into found: inout [UncertainParameter]
  ) throws -> JSONValue {
    switch node {
    case .object(let members):
      if let field = ScenarioFields.field(at: pattern), field.type.isNumeric {
        return try distribution(
          node, field: field, pattern: pattern, path: path, jsonPath: jsonPath, item: item, into: &found)
      }
      var visited = members
      // Keys in alphabetical order, so that the order of the parameters found does not depend on hashing.
      for (key, value) in members.sorted(by: { $0.key < $1.key }) {
        visited[key] = try visit(
          value, pattern: pattern + "." + key, path: path + [.key(key)], jsonPath: jsonPath.appending(key), item: item,
          into: &found)
      }
      return .object(visited)
    case .array(let items):
      var visited = items
      for (index, value) in items.enumerated() {
        let step = ScenarioPath.name(of: value).map(ScenarioPath.Step.named) ?? .index(index)
        visited[index] = try visit(
          value, pattern: pattern + "[]", path: path + [step], jsonPath: jsonPath.appending(index), item: index,
          into: &found)
      }
      return .array(visited)
    default:
      return node
    }
  }

  /// A factor's field's item: the factor's index (`factors.traffic.annualGrowth`).
  private static func laneItem(_ path: [ScenarioPath.Step]) -> Int? {
    guard path.count == 3, path[0] == .key("factors"), case .key(let name) = path[1] else { return nil }
    return Factor(rawValue: name)?.index
  }

  private static func distribution(
    _ node: JSONValue, field: ScenarioField, pattern: String, path: [ScenarioPath.Step], jsonPath: JSONPath,
    item: Int, into found: inout [UncertainParameter]
  ) throws -> JSONValue {
    func fail(_ message: String) -> ScenarioError { ScenarioError(file: nil, path: jsonPath, message: message) }
    guard field.type != .month else {
      throw fail("a month cannot be a distribution (write a number or \"YYYY-MM\")")
    }
    let distribution: EstimateDistribution
    do {
      distribution = try EstimateDistribution(
        json: node, range: field.range ?? .any, isWholeNumber: field.type == .wholeNumber)
    } catch {
      throw fail(error.message)
    }
    guard let kind = field.lane else {
      throw fail(
        "\(field.key) cannot be a distribution yet: it is a number here (the fields that take a distribution are "
          + "listed in docs/model.md §16)")
    }
    // A distribution of one value (uniform [x, x], triangular [x, x, x]) is that number.
    if !distribution.isPoint {
      found.append(
        UncertainParameter(
          path: ScenarioPath(steps: path), pattern: pattern, item: item,
          lane: LaneParameter(kind, laneItem(path) ?? item, isExpense: path.first == .key("expenses")),
          distribution: distribution))
    }
    return .number(distribution.value(at: 0.5))
  }
}

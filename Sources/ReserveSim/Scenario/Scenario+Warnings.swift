/// Values that are valid but probably not what the author meant: a rate above 100% a year where a whole number
/// was likely typed for a percentage ("annualGrowth": 2 meant as 2%). The command line prints them on stderr;
/// `run --strict`, `validate --strict` and `check` refuse the file.
public struct ScenarioWarning: Sendable, Equatable, CustomStringConvertible {
  public var path: JSONPath
  public var message: String
  public var description: String { "\(path): \(message)" }
}

extension Scenario {
  /// Rates above 1 (more than +100% a year): factor growth and volatility, the reserve's return, money lines'
  /// growth. Each names the likely intended value.
  public var warnings: [ScenarioWarning] {
    var found: [ScenarioWarning] = []
    func check(_ rate: Double, at path: JSONPath, _ what: String) {
      guard rate > 1 else { return }
      let shown = JSONValue.format(rate)
      found.append(
        ScenarioWarning(
          path: path,
          message: "is \(shown), i.e. \(JSONValue.format(rate * 100))% \(what); if you meant \(shown)%, write "
            + "\(JSONValue.format(rate / 100)) or \"\(shown)%\""))
    }
    let root = JSONPath.root
    for factor in Factor.allCases {
      guard let dynamics = factors[factor] else { continue }
      let path = root.appending("factors").appending(factor.rawValue)
      check(dynamics.annualGrowth, at: path.appending("annualGrowth"), "growth a year")
      check(dynamics.annualVolatility, at: path.appending("annualVolatility"), "volatility a year")
    }
    check(reserve.annualReturn, at: root.appending("reserve").appending("annualReturn"), "return a year")
    for (list, lines) in [("income", income), ("expenses", expenses)] {
      for (index, line) in lines.enumerated() {
        check(line.annualGrowth, at: root.appending(list).appending(index).appending("annualGrowth"), "growth a year")
      }
    }
    return found
  }
}

import Foundation
import ReserveSimResults
import ReserveSimScenario

/// A small table of display text; the HTML report draws it as `<table>`, the notebook as Markdown.
public struct DisplayTable: Equatable, Sendable {
  public var title: String
  public var header: [String]
  public var rows: [[String]]
  /// Columns that hold numbers (right-aligned); the first column is always a label.
  public var numericColumns: Set<Int>

  public init(title: String, header: [String], rows: [[String]], numericColumns: Set<Int>? = nil) {
    self.title = title
    self.header = header
    self.rows = rows
    self.numericColumns = numericColumns ?? Set(1..<max(1, header.count))
  }
}

/// The scenario's assumptions as tables a treasurer can check against the file: one per list of the
/// file (SPEC §2–§7), amounts in the scenario's currency, rates as percentages. Empty lists are left out.
///
/// The columns are the fields of each object as the table of fields (`ScenarioFields`) declares them, in its
/// order, headed by each row's `label` and formatted by its type, unit and scale (a month as "YYYY-MM (month m)", a
/// share or rate as a percentage, an amount in the currency, months and years counted); a field written as a
/// distribution shows the median the model holds, named, with the distribution as written ("median 28.28% (90% range
/// 20% – 40%)"). An optional nested object (a service's agreement, its mitigation) gets a table of
/// its own, listing the items that have one. So a field added to the table appears here with no change to this file.
public enum AssumptionTables {
  public static func tables(_ scenario: Scenario) -> [DisplayTable] {
    let estimates = Dictionary(
      scenario.uncertainParameters.map { ($0.path.description, $0.distribution) }, uniquingKeysWith: { a, _ in a })
    let format = ValueFormat(
      money: MoneyFormat(currency: scenario.currency), start: scenario.start, estimates: estimates)
    var tables = [reserve(scenario, format: format)]
    let factors = scenario.factors.keys.sorted().map { (name: $0.rawValue, value: scenario.factors[$0]! as Any) }
    tables += list(
      "Random drivers (monthly log random walks; absent ones stay at 1)", nameHeader: "Factor", items: factors,
      definition: "factor", format: format, path: { "factors." + $1 })
    tables += list(
      "Correlations between the drivers' monthly shocks", nameHeader: nil,
      items: scenario.correlations.map { (name: "", value: $0 as Any) }, definition: "correlation", format: format,
      path: { index, _ in "correlations[\(index)]" })
    for (title, key, lines) in [("Income", "income", scenario.income), ("Expenses", "expenses", scenario.expenses)] {
      tables += list(
        title, nameHeader: "Line", items: lines.map { ($0.name, $0) }, definition: "moneyLine", format: format,
        path: { "\(key)[\($1)]" })
    }
    tables += list(
      "Sponsor tiers", nameHeader: "Tier", items: scenario.sponsorTiers.map { ($0.name, $0) },
      definition: "sponsorTier", format: format, path: { "sponsorTiers[\($1)]" },
      extra: (
        "Per year at start",
        { format.money.full(($0 as! SponsorTier).annualAmount * Double(($0 as! SponsorTier).count)) }
      ))
    tables += list(
      "Donated services that can be lost", nameHeader: "Service", items: scenario.inKindServices.map { ($0.name, $0) },
      definition: "inKindService", format: format, path: { "inKindServices[\($1)]" })
    tables += list(
      "One-off items", nameHeader: "Item", items: scenario.oneOffs.map { ($0.name, $0) }, definition: "oneOff",
      format: format)
    if let policy = scenario.policy {
      tables.append(
        DisplayTable(
          title: "The organisation's responses", header: ["Response", "Value"],
          rows: settings(policy, definition: "policy", format: format, path: "policy"), numericColumns: []))
    }
    tables += list(
      "Events (multipliers apply while active)", nameHeader: "Event", items: scenario.events.map { ($0.name, $0) },
      definition: "event", format: format, path: { "events[\($1)]" })
    return tables
  }

  static func reserve(_ scenario: Scenario, format: ValueFormat) -> DisplayTable {
    var horizon = "\(scenario.years) year\(scenario.years == 1 ? "" : "s") (\(scenario.months) monthly steps)"
    if let start = scenario.start { horizon += " from \(RunSummary.monthLabel(start))" }
    return DisplayTable(
      title: "Reserve and horizon", header: ["Setting", "Value"],
      rows: settings(scenario.reserve, definition: "reserve", format: format, path: "reserve")
        + [["Horizon", horizon], ["Currency", scenario.currency]],
      numericColumns: [])
  }

  /// A field that is a column: its row, and how to reach its object from the item (for a nested object's field).
  private struct Column {
    let field: ScenarioField
    let model: ModelKeyPath
  }

  /// The fields of `definition` that show as values: numbers and texts with a key path (a name is the row's label,
  /// a nested object is a table or group of its own).
  private static func columns(_ definition: String) -> [Column] {
    (ScenarioFields.fields(of: definition) ?? []).compactMap { field in
      guard let model = field.model, model.isNumber || model.kind == .text else { return nil }
      return Column(field: field, model: model)
    }
  }

  /// The nested objects of `definition`: (row, key path, the nested object's definition).
  private static func nested(_ definition: String) -> [(field: ScenarioField, model: ModelKeyPath, definition: String)]
  {
    (ScenarioFields.fields(of: definition) ?? []).compactMap { field in
      guard let model = field.model, [.object, .optionalObject].contains(model.kind),
        case .object(let child) = field.type
      else { return nil }
      return (field, model, child)
    }
  }

  /// A list's table (one row per item, one column per field), then a table per optional nested object listing the
  /// items that have one; nothing for an empty list.
  private static func list(
    _ title: String, nameHeader: String?, items: [(name: String, value: Any)], definition: String,
    format: ValueFormat, path: @escaping (Int, String) -> String = { _, _ in "" },
    extra: (header: String, value: (Any) -> String)? = nil
  ) -> [DisplayTable] {
    guard !items.isEmpty else { return [] }
    let columns = columns(definition)
    let first = nameHeader == nil ? 0 : 1
    var header = (nameHeader.map { [$0] } ?? []) + columns.map(\.field.label)
    var numeric = Set(columns.indices.filter { columns[$0].model.isNumber }.map { $0 + first })
    if let extra {
      header.append(extra.header)
      numeric.insert(header.count - 1)
    }
    let rows = items.enumerated().map { index, item in
      (nameHeader == nil ? [] : [item.name])
        + columns.map {
          format.text($0.field, $0.model.read(item.value), at: path(index, item.name) + "." + $0.field.key)
        }
        + (extra.map { [$0.value(item.value)] } ?? [])
    }
    var tables = [DisplayTable(title: title, header: header, rows: rows, numericColumns: numeric)]
    for child in nested(definition) {
      let present = items.enumerated().compactMap { index, item in
        child.model.read(item.value).map { (name: item.name, value: $0, path: path(index, item.name)) }
      }
      let paths = Dictionary(present.map { ($0.name, $0.path) }, uniquingKeysWith: { a, _ in a })
      tables += list(
        "\(title): \(child.field.label.lowercased())", nameHeader: nameHeader ?? "Item",
        items: present.map { ($0.name, $0.value) }, definition: child.definition, format: format,
        path: { _, name in (paths[name] ?? "") + "." + child.field.key })
    }
    return tables
  }

  /// An object's fields as (label, value) rows, a nested object's after its label ("Cuts: start below"); an
  /// optional value or object left out gives no row.
  private static func settings(
    _ object: Any, definition: String, format: ValueFormat, path: String, prefix: String = ""
  ) -> [[String]] {
    var rows: [[String]] = []
    for field in ScenarioFields.fields(of: definition) ?? [] {
      guard let model = field.model, let value = model.read(object) else { continue }
      if model.isNumber || model.kind == .text {
        rows.append([
          prefix + (prefix.isEmpty ? field.label : field.label.lowercased()),
          format.text(field, value, at: path + "." + field.key),
        ])
      } else if case .object(let child) = field.type {
        rows += settings(
          value, definition: child, format: format, path: path + "." + field.key, prefix: prefix + field.label + ": ")
      }
    }
    return rows
  }

  /// How a field's value is shown: by its type, scale and unit.
  struct ValueFormat {
    let money: MoneyFormat
    let start: String?
    /// The file's estimates written as distributions, by `--set` path (SPEC §16).
    var estimates: [String: EstimateDistribution] = [:]

    /// The value at `path`; for an estimate written as a distribution, the statistic the model holds (its median)
    /// named, and the distribution as written: "median 28.28% (90% range 20% – 40%)".
    func text(_ field: ScenarioField, _ value: Any?, at path: String) -> String {
      let shown = text(field, value)
      guard let estimate = estimates[path] else { return shown }
      let written: String
      switch estimate.form {
      case .range(let a, let b): written = "90% range \(text(field, a)) – \(text(field, b))"
      case .uniform(let a, let b): written = "uniform \(text(field, a)) – \(text(field, b))"
      case .triangular(let low, let mode, let high):
        written = "triangular \(text(field, low)) – \(text(field, high)), mode \(text(field, mode))"
      case .beta(let alpha, let beta):
        written = "beta(\(AssumptionTables.trimmed(alpha)), \(AssumptionTables.trimmed(beta)))"
      }
      return "median \(shown) (\(written))"
    }

    func text(_ field: ScenarioField, _ value: Any?) -> String {
      guard let value else {
        if case .number(let fallback)? = field.defaultValue { return text(field, fallback) }
        return "—"
      }
      if let text = value as? String { return text }
      let x: Double
      switch value {
      case let number as Double: x = number
      case let number as Int: x = Double(number)
      case let number as UInt64: x = Double(number)
      default: return "\(value)"
      }
      let unit = field.unit ?? ""
      if field.type == .month { return AssumptionTables.monthLabel(Int(x), start: start) }
      if field.scale != nil { return PercentFormat.compact(x) }
      if unit.hasPrefix("currency") { return money.full(x) }
      if unit == "months" { return AssumptionTables.months(Int(x)) }
      if unit == "years" { return "\(Int(x)) year\(x == 1 ? "" : "s")" }
      if unit == "months of outgo" { return MonthsFormat.format(x) + " of outgo" }
      return AssumptionTables.trimmed(x)
    }
  }

  /// Month m as "YYYY-MM (month m)" when the file has a start, else "month m".
  static func monthLabel(_ m: Int, start: String?) -> String {
    CalendarMonth.label(month: m, start: start).map { "\($0) (month \(m))" } ?? "month \(m)"
  }

  static func months(_ count: Int) -> String { "\(count) month\(count == 1 ? "" : "s")" }

  /// 0.4 → "0.4", 2 → "2", 0.85 → "0.85", −0.3 → "−0.3" (three decimals at most, a true minus sign).
  static func trimmed(_ x: Double) -> String {
    let text = CSVTable.number((x.magnitude * 1000).rounded() / 1000)
    return (x < 0 && text != "0" ? "−" : "") + text
  }
}

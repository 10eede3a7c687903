import Foundation
import ReserveSim
import Testing

@testable import ReserveSimExport
@testable import ReserveSimResults

/// The `run --csv` files read back with a strict RFC 4180 reader: stable headers, a row per year or level,
/// plain numbers that parse back to the summary's exact values.
@Suite struct CSVExportTests {
  let summary = OutputFixtures.standard.summary

  @Test func yearlyHasStableColumnsAndARowPerYear() throws {
    let rows = try RFC4180.parse(CSVExport.yearly(summary).text)
    #expect(
      rows[0] == [
        "year", "calendarYear", "balanceP5", "balanceP25", "balanceP50", "balanceP75", "balanceP95", "balanceMean",
        "ruinProbability", "meanIncome", "meanSponsorRevenue", "meanExpenses", "meanServiceCosts",
      ])
    #expect(rows.count == 1 + summary.years)
    for (index, row) in rows.dropFirst().enumerated() {
      let balance = summary.balanceByYear[index]
      let flows = summary.yearlyFlows[index]
      #expect(row[0] == String(index + 1))
      #expect(row[1] == String(2021 + index))  // start 2021-07: year 1 starts in 2021
      let numbers = try row.dropFirst(2).map(RFC4180.plainNumber)
      #expect(
        numbers == [
          balance.p5, balance.p25, balance.p50, balance.p75, balance.p95, balance.mean,
          summary.ruinProbabilityByYear[index], flows.income, flows.sponsorRevenue, flows.expenses, flows.serviceCosts,
        ])
    }
  }

  @Test func yearlyHasNoCalendarYearWithoutStart() throws {
    var noStart = summary
    noStart.start = nil
    let header = try RFC4180.parse(CSVExport.yearly(noStart).text)[0]
    #expect(!header.contains("calendarYear"))
    #expect(header.count == 12)
  }

  @Test func reserveHasTheStandardLevelsWithBoundsAndShortfall() throws {
    // Staff from year 1, so month 1 budgets 300,000 / 12 = 25,000 of outgo (the months' yardstick).
    let defaults = OutputFixtures.summary(
      OutputFixtures.scenario(patch: { $0.expenses[0].fromYear = nil }),
      reserveConfidences: RunSummary.defaultReserveConfidences)
    #expect(defaults.monthlyOutgoMonth1 == 25_000)
    let rows = try RFC4180.parse(CSVExport.reserve(defaults).text)
    #expect(rows[0] == ["confidence", "requiredReserve", "lower95", "upper95", "expectedShortfall", "monthsOfOutgo"])
    // The expected shortfall only at the levels every output shows it at (90, 95, 99%), blank at 50 and 75%.
    #expect(rows.dropFirst().map { $0[4] == "" } == [true, true, false, false, false])
    let values = try rows.dropFirst().map { try $0.map { $0 == "" ? -1 : try RFC4180.plainNumber($0) } }
    #expect(values.map { $0[0] } == [0.5, 0.75, 0.9, 0.95, 0.99])
    #expect(values.suffix(3).map { $0[4] } == defaults.expectedShortfall.map(\.value))
    #expect(defaults.expectedShortfall.map(\.confidence) == RunSummary.defaultShortfallConfidences)
    for (row, level) in zip(values, defaults.requiredReserve) {
      #expect(row[1] == level.value)
      #expect(row[2] <= row[1] && row[1] <= row[3])
      #expect(row[4] == -1 || row[4] >= row[1])  // the mean of the worst needs is at least the quantile
      // The reserve in months of month-1 budgeted outgo (the expense lines active in month 1).
      #expect(abs(row[5] - level.value / 25_000) <= 1e-9 * max(1, row[5]))
    }
    // Where month 1 budgets no expense (the standard fixture's staff start in year 2), the months are blank.
    let noOutgo = try RFC4180.parse(CSVExport.reserve(OutputFixtures.standard.summary).text)
    #expect(noOutgo.dropFirst().allSatisfy { $0[5] == "" })
  }

  @Test func summaryHoldsHeadlineAndSettings() throws {
    let rows = try RFC4180.parse(CSVExport.summary(summary, version: "9.9.9").text)
    #expect(rows[0] == ["key", "value"])
    let table = Dictionary(uniqueKeysWithValues: rows.dropFirst().map { ($0[0], $0[1]) })
    #expect(table["scenario"] == summary.scenarioName)  // quotes, comma-free but quoted text survives
    #expect(table["paths"] == "2000")
    #expect(table["seed"] == "7")
    #expect(table["version"] == "9.9.9")
    #expect(table["start"] == "2021-07")
    #expect(try table["ruinProbability"].map(RFC4180.plainNumber) == summary.ruinProbability.value)
    #expect(try table["requiredReserve95"].map(RFC4180.plainNumber) == summary.requiredReserve(confidence: 0.95).value)
    for key in ["initialReserve", "floor", "ruinProbabilityLower95", "ruinProbabilityUpper95", "expectedShortfall99"] {
      #expect(table[key] != nil, "missing \(key)")
    }
  }

  @Test func textFieldsRoundTripThroughQuoting() throws {
    let awkward = ["plain", "comma, inside", "quote \" inside", "line\r\nbreak", "lone\nfeed", "Zürich €", ""]
    let table = CSVTable(header: ["text"], rows: awkward.map { [$0] })
    let data = Data(table.text.utf8)
    #expect(String(data: data, encoding: .utf8) == table.text)
    #expect(try RFC4180.parse(table.text).dropFirst().map { $0[0] } == awkward)
    #expect(table.text.hasSuffix("\r\n"))
  }

  @Test(arguments: [
    (0.00005, "0.00005"), (1e16, "10000000000000000"), (-1234.5, "-1234.5"), (0.1, "0.1"), (1_500_000, "1500000"),
    (-0.0, "0"), (123_456_789.125, "123456789.125"), (2.5e-10, "0.00000000025"), (1.5e20, "150000000000000000000"),
  ])
  func numbersArePlainDecimals(value: Double, text: String) {
    #expect(CSVTable.number(value) == text)
  }

  @Test func numbersReadBackExactly() throws {
    // SplitMix64 from a fixed seed: the same 2,000 values, 1e-20 … 1e20 in size, on every run.
    var state: UInt64 = 0x5EED
    func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    for _ in 0..<2000 {
      let mantissa = 1 + Double(next() >> 11) / Double(1 << 53) * 9
      let x = mantissa * pow(10, Double(Int(next() % 41) - 20)) * (next() % 2 == 0 ? 1 : -1)
      #expect(try RFC4180.plainNumber(CSVTable.number(x)) == x)
    }
    #expect(CSVTable.number(.nan) == "")
    #expect(CSVTable.number(.infinity) == "")
  }

  @Test func filesAreAllThree() {
    #expect(CSVExport.files(summary, version: "1").map(\.name) == ["yearly.csv", "reserve.csv", "summary.csv"])
  }
}

/// A strict RFC 4180 reader for the tests: CRLF record ends (a final one required), fields optionally in
/// double quotes with "" for a quote, every record as wide as the header.
enum RFC4180 {
  struct Malformed: Error, CustomStringConvertible {
    var description: String
  }

  static func parse(_ text: String) throws -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var field = ""
    var scalars = Array(text.unicodeScalars)[...]
    var fieldStarted = false
    while let scalar = scalars.popFirst() {
      switch scalar {
      case "\"" where !fieldStarted:
        // A quoted field: up to the closing quote, "" standing for one quote.
        while true {
          guard let next = scalars.popFirst() else { throw Malformed(description: "unterminated quoted field") }
          if next == "\"" {
            if scalars.first == "\"" {
              scalars.removeFirst()
              field.unicodeScalars.append("\"")
            } else {
              break
            }
          } else {
            field.unicodeScalars.append(next)
          }
        }
        guard let after = scalars.first, after == "," || after == "\r" else {
          throw Malformed(description: "text after a closing quote")
        }
        fieldStarted = true
      case ",":
        record.append(field)
        field = ""
        fieldStarted = false
      case "\r":
        guard scalars.popFirst() == "\n" else { throw Malformed(description: "CR without LF") }
        record.append(field)
        records.append(record)
        (record, field, fieldStarted) = ([], "", false)
      case "\n", "\"":
        throw Malformed(description: "bare \(scalar == "\n" ? "LF" : "quote") in an unquoted field")
      default:
        field.unicodeScalars.append(scalar)
        fieldStarted = true
      }
    }
    guard record.isEmpty, field.isEmpty else { throw Malformed(description: "no CRLF after the last record") }
    guard let width = records.first?.count, records.allSatisfy({ $0.count == width }) else {
      throw Malformed(description: "records of different widths")
    }
    return records
  }

  /// A spreadsheet-plain number: optional "-", digits, optional "." and digits; nothing else.
  static func plainNumber(_ text: String) throws -> Double {
    guard text.range(of: #"^-?[0-9]+(\.[0-9]+)?$"#, options: .regularExpression) != nil, let value = Double(text)
    else { throw Malformed(description: "not a plain number: \(text)") }
    return value
  }
}

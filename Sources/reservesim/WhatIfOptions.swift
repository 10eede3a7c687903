import ArgumentParser
import ReserveSim
import ReserveSimFiles

/// Output options shared by the what-if commands (`compare`, `sensitivity`, `drivers`).
struct WhatIfOutputOptions: ParsableArguments {
  @Flag(help: "Print the result as JSON on stdout, and nothing else.")
  var json = false

  @Option(help: ArgumentHelp("Also write the result's table as CSV to this file.", valueName: "path"))
  var csv: String?

  /// Checks, before anything is simulated, that the CSV file (and `others`, the command's own outputs) can be
  /// written and overwrite none of the scenario files the command reads.
  func checkOutputs(_ others: [OutputTarget] = [], reading inputs: [String]) throws {
    try OutputFiles.check(others + (csv.map { [.file($0, option: "--csv")] } ?? []), reading: inputs)
  }

  /// Writes the CSV file if asked, together with the command's `other` outputs (all or none), then prints JSON
  /// or the readable text.
  func emit(
    json jsonText: () throws -> String, text: () -> String, table: () -> CSVTable,
    alongside other: [(path: String, contents: OutputFiles.Contents)] = []
  ) throws {
    try OutputFiles.write(other + (csv.map { [($0, .file(table().text))] } ?? []))
    if json {
      print(try jsonText())
    } else {
      print(text(), terminator: "")
      if let csv { print("\nCSV written to \(csv)") }
    }
  }
}

extension SensitivityMetric: ExpressibleByArgument {}

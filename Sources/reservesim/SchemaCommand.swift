import ArgumentParser
import ReserveSim

/// `reservesim schema [--doc]`: prints the scenario format's JSON Schema (or, with `--doc`, its Markdown
/// reference), both generated from the table of fields; `scripts/generate-format.sh` writes them into
/// `scenarios/schema.json` and `docs/scenario-format.md`. Hidden: a tool for maintainers.
struct SchemaCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "schema", abstract: "Print the scenario format's JSON Schema, generated from the table of fields.",
    shouldDisplay: false)

  @Flag(help: "Print the Markdown field reference (docs/scenario-format.md) instead.")
  var doc = false

  func run() throws {
    print(doc ? ScenarioFields.formatDocument() : ScenarioFields.schemaText(), terminator: "")
  }
}

import ArgumentParser
import ReserveSim

/// Options shared by every command that reads scenario files: what-if edits applied before validation.
struct ScenarioOptions: ParsableArguments {
  @Option(
    name: .customLong("set"),
    help: ArgumentHelp(
      "Change a field before validation: PATH=VALUE, VALUE as JSON. Repeatable.",
      discussion:
        "Paths are dotted, list items by index or name: reserve.initial=2e6, inKindServices[CDN].noticeMonths=3.",
      valueName: "path=value"))
  var set: [String] = []

  /// The parsed `--set` edits, in order.
  func overrides() throws -> [ScenarioOverride] { try set.map(ScenarioOverride.init(parsing:)) }

  /// A loader that applies the edits.
  func loader() throws -> ScenarioLoader { ScenarioLoader(overrides: try overrides()) }
}

import ArgumentParser
import ReserveSim

/// Options shared by every command that reads scenario files: what-if edits applied before validation, and
/// where `extends` may look.
struct ScenarioOptions: ParsableArguments {
  @Option(
    name: .customLong("set"),
    help: ArgumentHelp(
      "Change a field before validation: PATH=VALUE, VALUE as JSON, a number such as 1.5M or 15%, or a plain word. Repeatable.",
      discussion:
        "Paths are dotted, list items by index or name: reserve.initial=2e6, inKindServices[CDN].noticeMonths=3.",
      valueName: "path=value"))
  var set: [String] = []

  @Flag(
    name: .customLong("allow-outside"),
    help: "Let extends name a base outside the scenario's folder (an absolute path, or .. leading out).")
  var allowOutside = false

  /// The parsed `--set` edits, in order.
  func overrides() throws -> [ScenarioOverride] { try set.map(ScenarioOverride.init(parsing:)) }

  /// A loader that applies the `--set` edits and then `extra`.
  func loader(adding extra: [ScenarioOverride] = []) throws -> ScenarioLoader {
    ScenarioLoader(overrides: try overrides() + extra, allowsOutsideFolder: allowOutside)
  }

  /// A loader that applies `edits` instead of the `--set` edits (for `sweep`, whose axes are `--set`s too).
  func loader(applying edits: [ScenarioOverride]) -> ScenarioLoader {
    ScenarioLoader(overrides: edits, allowsOutsideFolder: allowOutside)
  }
}

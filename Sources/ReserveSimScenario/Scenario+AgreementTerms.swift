import Foundation

/// The dated agreements (SPEC §12) in words, for `validate` and the text summary: when each ends and what
/// happens then, so that the renewal term the file gives is seen next to its chance.
extension Scenario {
  /// One line per service with an agreement, in file order: "CDN: donated to 2029-04 (month 37); then renewed
  /// with chance 80% for 5 years at a time (at each end)" or "…; then it ends (no renewal)". A renewal chance
  /// written as a distribution is shown at its median (the value the model holds), and said so.
  public var agreementTerms: [String] {
    inKindServices.enumerated().compactMap { index, service in
      guard let agreement = service.agreement else { return nil }
      let month = CalendarMonth.label(month: agreement.ends, start: start).map { "\($0) (month \(agreement.ends))" }
      var line = "\(service.name): donated to \(month ?? "month \(agreement.ends)")"
      if agreement.ends > months { line += ", past the horizon" }
      let r = agreement.renewalProbability
      guard r > 0 else { return line + "; then it ends (no renewal)" }
      let estimate =
        uncertainParameters.contains { $0.item == index && $0.lane.kind == .serviceAgreementRenewal }
        ? " (the estimate's median)" : ""
      let years = agreement.renewalYears ?? 0
      line += "; then renewed with chance \(String(format: "%.3g", r * 100))%\(estimate) for \(years) year"
      return line + (years == 1 ? "" : "s") + " at a time (at each end)"
    }
  }
}

import ReserveSimScenario

/// Where each path's value of an uncertain estimate (SPEC §16) came from, so that results can recover the paths'
/// (θ, Y) pairs without storing them: the engine supplies, for a parameter's draw key and a run of paths, the
/// uniform u behind each path's value F⁻¹(u) and 32 bits that order the paths as u does.
public struct ParameterDraws: Sendable {
  /// Fills `uniform` and/or `order` (either may be nil) for `count` paths from entry `first` of the result.
  public typealias Fill =
    @Sendable (
      _ key: UInt32, _ first: Int, _ count: Int, _ uniform: UnsafeMutablePointer<Double>?,
      _ order: UnsafeMutablePointer<UInt32>?
    ) -> Void

  let fill: Fill
  /// Paths per group of shared draws (SPEC §22): 1 when each path draws its own.
  public let inner: Int
  /// The path of entry 0 (a group starts at each multiple of `inner`).
  public let firstPath: Int

  public init(inner: Int = 1, firstPath: Int = 0, _ fill: @escaping Fill) {
    self.fill = fill
    self.inner = inner
    self.firstPath = firstPath
  }

  /// The value of `parameter` that entry `path` of the result drew.
  public func value(path: Int, of parameter: UncertainParameter) -> Double {
    var u = 0.0
    fill(parameter.drawKey, path, 1, &u, nil)
    return parameter.distribution.value(at: u)
  }

  /// Writes bits that order the result's paths as their values of the parameter with key `key` (ties aside).
  package func orders(key: UInt32, count: Int, into order: UnsafeMutablePointer<UInt32>) {
    fill(key, 0, count, nil, order)
  }

  /// Writes, for each of the result's first `groups` groups of `inner` paths (entry 0 starting a group), bits that
  /// order the groups as their values of the parameter with key `key` (SPEC §22).
  package func groupOrders(key: UInt32, groups: Int, into order: UnsafeMutablePointer<UInt32>) {
    for j in 0..<groups { fill(key, j * inner, 1, nil, order + j) }
  }
}

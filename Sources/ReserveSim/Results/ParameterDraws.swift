/// Where each path's value of an uncertain estimate (SPEC §16) came from, so that results can recover the paths'
/// (θ, Y) pairs without storing them: the engine supplies, for path i and a parameter's draw key, the uniform u
/// behind the path's value F⁻¹(u) and the 32 bits that order the paths as u does.
public struct ParameterDraws: Sendable {
  /// Path i's uniform and its ordering bits; i counts from the run's first path.
  let draw: @Sendable (_ path: Int, _ key: UInt32) -> (order: UInt32, uniform: Double)

  /// - Parameter draw: (path, key) → the ordering bits and the uniform, for paths counted from 0 of this result.
  public init(_ draw: @escaping @Sendable (_ path: Int, _ key: UInt32) -> (order: UInt32, uniform: Double)) {
    self.draw = draw
  }

  /// The value of `parameter` that path `path` (entry `path` of the result) drew.
  public func value(path: Int, of parameter: UncertainParameter) -> Double {
    parameter.distribution.value(at: draw(path, parameter.drawKey).uniform)
  }

  /// Bits that order the paths as their values of the parameter with key `key` (ties aside).
  func order(path: Int, key: UInt32) -> UInt32 { draw(path, key).order }
}

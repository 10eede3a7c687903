/// The ReserveSim release, printed by `reservesim --version` and written into exports.
public enum ReserveSimVersion {
  public static let string = "0.1.0"
}

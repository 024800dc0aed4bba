/// Reading the answer lines of `?` instructions (without their CR).
public enum TangoAnswer {
  /// `?pos` with x and y first: the position in the current units (µm after `!dim 1 1`).
  public static func position(_ line: String) -> (x: Double, y: Double)? {
    let fields = line.split(separator: " ", omittingEmptySubsequences: true)
    guard fields.count >= 2, let x = TangoNumber.decimal(fields[0]),
      let y = TangoNumber.decimal(fields[1])
    else { return nil }
    return (x, y)
  }

  /// `?err`: the error number.
  public static func error(_ line: String) -> TangoErrorCode? {
    guard !line.isEmpty, line.count <= 6, line.allSatisfy({ $0.isASCII && $0.isNumber }),
      let value = Int(line)
    else { return nil }
    return TangoErrorCode(rawValue: value)
  }

  /// `?lim x`: the lower and upper travel limit.
  public static func limits(_ line: String) -> ClosedRange<Double>? {
    let fields = line.split(separator: " ", omittingEmptySubsequences: true)
    guard fields.count == 2, let low = TangoNumber.decimal(fields[0]),
      let high = TangoNumber.decimal(fields[1]), low <= high
    else { return nil }
    return low...high
  }

  /// `?statusaxis`: the x and y states, when the line has at least two characters.
  public static func xyStates(_ line: String) -> (x: TangoAxisState, y: TangoAxisState)? {
    let states = TangoAxisState.parse(line)
    guard states.count >= 2 else { return nil }
    return (states[0], states[1])
  }
}

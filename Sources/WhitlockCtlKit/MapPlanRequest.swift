import Mapping
import WhitlockCore

/// The plan `whitlockctl map start` sends: from a JSON file, or from options for a rectangle.
/// Checked here with the daemon's own rules (`ScanPlan(json:)`), so a bad plan is refused before
/// it is sent, with the same message naming the member.
public enum MapPlanRequest {
  /// The options of a rectangular plan.
  public struct Rectangle: Sendable {
    public var id: String
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double
    public var step: Double
    public var order: String = "snake"
    public var settleSeconds: Double = 0
    public var ramanSeconds: Double?
    public var xrfSeconds: Double?
    public var repeats: Int = 1

    public init(id: String, x: Double, y: Double, width: Double, height: Double, step: Double) {
      self.id = id
      self.x = x
      self.y = y
      self.width = width
      self.height = height
      self.step = step
    }

    /// The plan as the API takes it.
    public var json: JSONValue {
      var exposures: [(String, JSONValue)] = []
      if let ramanSeconds { exposures.append(("raman_s", .double(ramanSeconds))) }
      if let xrfSeconds { exposures.append(("xrf_s", .double(xrfSeconds))) }
      return .object([
        ("map_id", .string(id)),
        (
          "region",
          .object([
            ("type", .string("rectangle")), ("x_um", .double(x)), ("y_um", .double(y)),
            ("width_um", .double(width)), ("height_um", .double(height)),
          ])
        ),
        ("step_um", .double(step)), ("order", .string(order)), ("settle_s", .double(settleSeconds)),
        ("exposures", .object(exposures)), ("repeats", .int(Int64(repeats))),
      ])
    }
  }

  /// A plan the daemon would refuse: the member at fault and why.
  public struct Invalid: Error, Sendable, CustomStringConvertible {
    public var description: String
  }

  /// The plan in `bytes` (a JSON file's content), checked; errors name the member.
  public static func checked(_ bytes: [UInt8]) throws(Invalid) -> [UInt8] {
    let value: JSONValue
    do { value = try JSONParser.parse(bytes) } catch {
      throw Invalid(description: "not JSON: \(error)")
    }
    return try checked(value)
  }

  /// `value` checked and encoded.
  public static func checked(_ value: JSONValue) throws(Invalid) -> [UInt8] {
    do { _ = try ScanPlan(json: value) } catch { throw Invalid(description: error.description) }
    var writer = JSONWriter(reservingCapacity: 512)
    writer.value(value)
    return writer.bytes
  }

  /// One line for `whitlockctl map status`: `map ID STATE: N/M points`, then the plan's shape.
  public static func describe(_ map: JSONValue) -> String {
    let id = map["map_id"]?.stringValue ?? "?"
    let state = map["state"]?.stringValue ?? "?"
    let done = map["points_done"]?.doubleValue.map { String(Int($0)) } ?? "?"
    let total = map["points_total"]?.doubleValue.map { String(Int($0)) } ?? "?"
    var line = "map \(id) \(state): \(done)/\(total) points"
    if let plan = map["plan"] {
      var parts: [String] = []
      if let order = plan["order"]?.stringValue { parts.append(order) }
      if let step = plan["step_um"]?.doubleValue { parts.append("step \(Self.number(step)) µm") }
      for (key, name) in [("raman_s", "raman"), ("xrf_s", "xrf")] {
        if let seconds = plan["exposures"]?[key]?.doubleValue {
          parts.append("\(name) \(Self.number(seconds)) s")
        }
      }
      if let repeats = plan["repeats"]?.doubleValue, repeats > 1 {
        parts.append("× \(Int(repeats))")
      }
      if !parts.isEmpty { line += " (" + parts.joined(separator: ", ") + ")" }
    }
    if let reason = map["reason"]?.stringValue { line += "\n  stopped: \(reason)" }
    return line
  }

  private static func number(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
  }
}

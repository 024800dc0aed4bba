/// The device-type byte of the status packet (offset 39).
///
/// Values from Amptek's SDK DppConst.h and FAC DeviceTypes.cs (0–4) and ckoern/amptekhardware-
/// interface citing Programmer's Guide B1 (5 = DP5-X); see protocols-detail.md §1.5.
public enum DP5DeviceType: Sendable, Hashable {
  /// DP5 digital pulse processor (also inside the X-123).
  case dp5
  /// PX5.
  case px5
  /// DP5G (and Gamma-Rad5).
  case dp5g
  /// MCA8000D.
  case mca8000d
  /// TB5.
  case tb5
  /// DP5-X.
  case dp5x
  /// A value no source documents.
  case unknown(UInt8)

  /// The type for a status byte.
  public init(byte: UInt8) {
    switch byte {
    case 0: self = .dp5
    case 1: self = .px5
    case 2: self = .dp5g
    case 3: self = .mca8000d
    case 4: self = .tb5
    case 5: self = .dp5x
    default: self = .unknown(byte)
    }
  }

  /// The byte the status packet carries.
  public var byte: UInt8 {
    switch self {
    case .dp5: return 0
    case .px5: return 1
    case .dp5g: return 2
    case .mca8000d: return 3
    case .tb5: return 4
    case .dp5x: return 5
    case .unknown(let value): return value
    }
  }

  /// The name used on the command line and in configuration, e.g. `dp5`, `mca8000d`.
  public var name: String {
    switch self {
    case .dp5: return "dp5"
    case .px5: return "px5"
    case .dp5g: return "dp5g"
    case .mca8000d: return "mca8000d"
    case .tb5: return "tb5"
    case .dp5x: return "dp5x"
    case .unknown(let value): return "type-\(value)"
    }
  }

  /// The type for a `name`, or `nil`.
  public init?(name: String) {
    let known: [DP5DeviceType] = [.dp5, .px5, .dp5g, .mca8000d, .tb5, .dp5x]
    guard let match = known.first(where: { $0.name == name.lowercased() }) else { return nil }
    self = match
  }

  /// The model name reported to the operator. A DP5 with a PC5 supply is an X-123 (the X-123 is
  /// DP5 + PC5 + detector; protocols-detail.md §1.5 marks this as an inference).
  public func modelName(pc5Present: Bool) -> String {
    switch self {
    case .dp5: return pc5Present ? "Amptek X-123" : "Amptek DP5"
    case .px5: return "Amptek PX5"
    case .dp5g: return "Amptek DP5G"
    case .mca8000d: return "Amptek MCA8000D"
    case .tb5: return "Amptek TB5"
    case .dp5x: return "Amptek DP5-X"
    case .unknown(let value): return "Amptek device type \(value)"
    }
  }
}

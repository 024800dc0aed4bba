/// Knowledge of the text-configuration commands: which mnemonics exist, which values they take,
/// and which device types refuse them. Used by the driver to validate before sending and by the
/// simulator to answer like a device.
///
/// Mnemonics from Amptek's SDK ConsoleHelper.cpp `GetCmdDesc` and the FAC command list;
/// enumerations from ckoern's AmptekPX5 Tango server; device-type filtering from the SDK's
/// `RemoveCmdByDeviceType` / `Remove_MCA8000D_Cmds` (protocols-detail.md §1.6).
public enum DP5TextSettings {
  /// What a value of one command may be.
  public enum ValueRule: Sendable {
    /// One of a fixed list (compared case-sensitively, upper case on the wire).
    case oneOf([String])
    /// A decimal number within a range, or one of some words such as `OFF`.
    case number(ClosedRange<Double>, orWords: [String])
    /// Any well-formed value (the device judges it).
    case any
  }

  /// The channel counts of `MCAC`.
  public static let channelCounts = ["256", "512", "1024", "2048", "4096", "8192"]

  /// Every mnemonic with its value rule. Ranges are those the sources state or imply; values the
  /// sources do not bound accept any well-formed value and are left to the device.
  public static let rules: [String: ValueRule] = [
    "MCAC": .oneOf(channelCounts),
    "MCAS": .oneOf(["NORM", "MCS", "FAST", "PUR", "RTD"]),
    "MCAE": .oneOf(["ON", "OFF"]),
    "PRET": .number(0.001...99_999_999, orWords: ["OFF"]),
    "PRER": .number(0.001...99_999_999, orWords: ["OFF"]),
    "PREL": .number(0.001...99_999_999, orWords: ["OFF"]),
    "PREC": .number(1...4_294_967_295, orWords: ["OFF"]),
    "PRCL": .number(0...8191, orWords: []),
    "PRCH": .number(0...8191, orWords: []),
    "GAIN": .number(0.75...500, orWords: []),
    "GAIA": .any, "GAIF": .any,
    "TPEA": .number(0.05...102.4, orWords: []),
    "TFLA": .any,
    "TPFA": .oneOf(["50", "100", "200", "400", "800", "1600", "3200"]),
    "THSL": .number(0...100, orWords: []),
    "THFA": .number(0...256, orWords: []),
    "TLLD": .any,
    "CLCK": .oneOf(["20", "80", "AUTO"]),
    "RESL": .any,
    "PURE": .oneOf(["ON", "OFF", "MAX"]),
    "RTDE": .oneOf(["ON", "OFF"]),
    "RTDS": .any, "RTDT": .any, "RTDD": .any, "RTDW": .any,
    "AINP": .oneOf(["POS", "NEG"]),
    "INOF": .any, "INOG": .any,
    "BLRM": .oneOf(["OFF", "1"]),
    "BLRD": .oneOf(["0", "1", "2", "3"]),
    "BLRU": .oneOf(["0", "1", "2", "3"]),
    "SOFF": .any,
    "PDMD": .oneOf(["NORM", "MIN"]),
    "CUSP": .any,
    "HVSE": .number(-2000...2000, orWords: ["OFF"]),
    "TECS": .number(0...400, orWords: ["OFF"]),
    "PAPS": .oneOf(["8.5", "5", "OFF"]),
    "PAPZ": .any, "BOOT": .any,
    "GATE": .oneOf(["OFF", "HIGH", "LOW"]),
    "GPED": .oneOf(["RISING", "FALLING"]),
    "GPIN": .oneOf(["AUX1", "AUX2", "PILEUP", "RTDREJ", "SCA8", "RESPER", "DETRES", "OFF"]),
    "GPME": .any, "GPGA": .any, "GPMC": .any,
    "MCSL": .any, "MCSH": .any, "MCST": .any,
    "SCAI": .any, "SCAL": .any, "SCAH": .any, "SCAO": .any, "SCAW": .any,
    "SCOE": .any, "SCOT": .any, "SCOG": .any,
    "AUO1": .any, "AUO2": .any, "AU34": .any,
    "CON1": .oneOf(["DAC", "AUXOUT1", "AUXIN1"]),
    "CON2": .oneOf(["AUXOUT2", "AUXIN2", "GATEH", "GATEL"]),
    "DACO": .oneOf(["OFF", "FAST", "SHAPED", "INPUT", "PEAK"]),
    "DACF": .any, "TPMO": .any, "VOLU": .any, "SCTC": .any, "CLKL": .any, "SYNC": .any,
    "RESC": .oneOf(["Y", "YES"]),
  ]

  /// Commands the MCA8000D refuses (SDK `Remove_MCA8000D_Cmds`).
  public static let refusedByMCA8000D: Set<String> = [
    "CLCK", "TPEA", "GAIF", "GAIN", "RESL", "TFLA", "TPFA", "RTDE", "AINP", "INOF", "CUSP", "THFA",
    "DACO", "DACF", "RTDS", "RTDT", "BLRM", "BLRD", "BLRU", "PRET", "HVSE", "TECS", "PAPZ", "PAPS",
    "TPMO", "SCAI", "SCAL", "SCAH", "SCAO", "SCAW", "BOOT", "CON1", "CON2", "VOLU",
  ]

  /// Why a command cannot be sent, or `nil` when it is valid for `deviceType` (when known).
  /// `pc5Present` matters for `HVSE`, which needs a PC5 supply or a PX5.
  public static func problem(
    with command: DP5TextCommand, deviceType: DP5DeviceType? = nil, pc5Present: Bool = true
  ) -> String? {
    guard DP5TextCommand.isWellFormedKey(command.key) else {
      return "\"\(command.key)\" is not a 4-letter upper-case DP5 command"
    }
    guard let rule = rules[command.key] else {
      return "\"\(command.key)\" is not a known DP5 configuration command"
    }
    guard DP5TextCommand.isWellFormedValue(command.value) else {
      return "\(command.key) value \"\(command.value)\" must be 1–32 printable characters "
        + "without spaces, '=' or ';'"
    }
    switch rule {
    case .oneOf(let values) where !values.contains(command.value):
      return "\(command.key)=\(command.value) is not one of " + values.joined(separator: ", ")
    case .number(let range, let words) where !words.contains(command.value):
      guard let number = Double(command.value), number.isFinite, range.contains(number) else {
        let alternatives = words.isEmpty ? "" : " or " + words.joined(separator: ", ")
        return "\(command.key)=\(command.value) must be a number in "
          + "\(range.lowerBound)…\(range.upperBound)\(alternatives)"
      }
    default: break
    }
    if let deviceType,
      let refusal = refusal(of: command.key, by: deviceType, pc5Present: pc5Present)
    {
      return refusal
    }
    return nil
  }

  /// Why `deviceType` refuses `key`, following the SDK's device-type filtering, or `nil`.
  public static func refusal(of key: String, by deviceType: DP5DeviceType, pc5Present: Bool)
    -> String?
  {
    let name = deviceType.modelName(pc5Present: pc5Present)
    if deviceType == .mca8000d, refusedByMCA8000D.contains(key) {
      return "\(name) does not support \(key)"
    }
    switch key {
    case "HVSE" where !(pc5Present || deviceType == .px5):
      return "HVSE needs a PC5 detector supply or a PX5; \(name) has none"
    case "VOLU", "PAPZ": return deviceType == .px5 ? nil : "\(key) exists only on the PX5"
    case "CON1", "CON2": return deviceType == .dp5 ? "\(name) has no \(key)" : nil
    case "BOOT", "GATE": return deviceType == .dp5 ? nil : "\(key) exists only on the DP5"
    case "INOF", "PAPS":
      return deviceType == .dp5g || deviceType == .tb5 ? "\(name) has no \(key)" : nil
    case "SCTC":
      return deviceType == .dp5g || deviceType == .tb5 ? nil : "SCTC exists only on DP5G/TB5"
    default: return nil
    }
  }

  /// Whether a read-back value matches what was sent: equal text, or equal numbers.
  public static func readbackMatches(sent: String, received: String) -> Bool {
    if sent.uppercased() == received.uppercased() { return true }
    if let a = Double(sent), let b = Double(received) { return abs(a - b) <= 1e-6 * max(1, abs(a)) }
    return false
  }
}

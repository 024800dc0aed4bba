/// How a DP5-family detector is to be configured and read, from the daemon configuration.
public struct DP5InstrumentSettings: Sendable {
  /// MCA channels (`MCAC`): 256, 512, 1024, 2048, 4096 or 8192.
  public var channels = 2048
  /// Preset accumulation time per spectrum (`PRET`; `PRER` on the MCA8000D), s.
  public var presetSeconds = 10.0
  /// Energy calibration gain, keV per channel (host-side: the device stores none).
  public var keVPerChannel = 0.01
  /// Energy of channel 0, keV.
  public var offsetKeV = 0.0
  /// Further text-configuration commands (`GAIN`, `THSL`, `TPEA`, …), sent in this order after
  /// `MCAC` and the preset and checked by read-back.
  public var textCommands: [DP5TextCommand] = []
  /// Send configuration with PID2 0x02 (saved in non-volatile memory) instead of 0x04.
  public var persistConfiguration = false
  /// How often the status is polled while acquiring, s.
  public var pollIntervalSeconds = 0.25
  /// Extra time beyond the preset before an acquisition is declared stuck, s.
  public var presetSlackSeconds = 10.0
  /// Where the fingerprint of the last delivered run is kept across restarts (`nil`: memory only).
  public var deliveredRunFile: String?
  /// Link retry and timing policy.
  public var link = DP5Connection.Policy()

  /// Settings with the defaults: 2048 channels, 10 s preset, 10 eV per channel.
  public init() {}

  /// The commands the driver sends for a device of `deviceType`: channels and preset first,
  /// then the configured ones.
  public func commands(for deviceType: DP5DeviceType) -> [DP5TextCommand] {
    let presetKey = deviceType == .mca8000d ? "PRER" : "PRET"
    return [
      DP5TextCommand(key: "MCAC", value: String(channels)),
      DP5TextCommand(key: presetKey, value: Self.decimal(presetSeconds)),
    ] + textCommands
  }

  /// A decimal without exponent and with at most three fractional digits, e.g. `10.0`, `0.25`.
  static func decimal(_ value: Double) -> String {
    let milli = Int64((value * 1000).rounded())
    let whole = milli / 1000
    var fraction = String(milli % 1000)
    while fraction.count < 3 { fraction = "0" + fraction }
    while fraction.count > 1, fraction.hasSuffix("0") { fraction.removeLast() }
    return "\(whole).\(fraction)"
  }
}

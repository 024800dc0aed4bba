import WhitlockCore

/// The 64-byte status packet (response 0x80/0x01, or the last 64 bytes of a spectrum with status)
/// as typed values.
///
/// Offsets follow Amptek's SDK DP5Status.cpp `Process_Status`, cross-checked against ckoern's
/// AmptekStatus.cpp (protocols-detail.md §1.5). Counters are little-endian, HV is big-endian.
/// Bytes this type does not model encode as zero.
public struct DP5Status: Sendable, Hashable {
  /// Length of the status data field.
  public static let byteCount = 64

  /// Fast-channel (input) counts, offset 0.
  public var fastCount: UInt32 = 0
  /// Slow-channel counts, i.e. events into the spectrum, offset 4.
  public var slowCount: UInt32 = 0
  /// General-purpose counter, offset 8.
  public var generalPurposeCount: UInt32 = 0
  /// Accumulation time in ms, offsets 12 (ms part) and 13–15 (100 ms units).
  public var accumulationMilliseconds: UInt32 = 0
  /// Live time in ms (MCA8000D, FW ≥ 6.07), offset 16.
  public var liveTimeMilliseconds: UInt32 = 0
  /// Real time in ms, offset 20.
  public var realTimeMilliseconds: UInt32 = 0
  /// Firmware major and minor version (offset 24, nibbles) and build (offset 37, low nibble).
  public var firmwareMajor: UInt8 = 0
  /// Firmware minor version.
  public var firmwareMinor: UInt8 = 0
  /// Firmware build number; reported only for firmware newer than 6.05.
  public var firmwareBuild: UInt8 = 0
  /// FPGA major version (offset 25 high nibble).
  public var fpgaMajor: UInt8 = 0
  /// FPGA minor version (offset 25 low nibble).
  public var fpgaMinor: UInt8 = 0
  /// Serial number (offsets 26–29); `nil` when byte 29 has bit 7 set ("none").
  public var serialNumber: UInt32? = nil
  /// High-voltage read-back in raw 0.5 V steps, signed (offsets 30–31, big-endian).
  public var highVoltageRaw: Int16 = 0
  /// Detector temperature in raw 0.1 K steps, 12 bits (offsets 32–33).
  public var detectorTemperatureRaw: UInt16 = 0
  /// Board temperature, °C (offset 34, signed).
  public var boardTemperatureCelsius: Int8 = 0
  /// Offset 35 bit 7: preset real or accumulation time reached.
  public var presetTimeReached = false
  /// Offset 35 bit 6: preset live time reached (MCA8000D) / auto fast threshold locked.
  public var presetLiveTimeReached = false
  /// Offset 35 bit 5: the MCA is acquiring.
  public var mcaEnabled = false
  /// Offset 35 bit 4: preset count reached.
  public var presetCountReached = false
  /// Offset 35 bit 1: the unit is configured.
  public var unitConfigured = false
  /// Offset 36 bit 7: the automatic input offset is still searching (0 = locked).
  public var autoInputOffsetSearching = false
  /// Offset 36 bit 5: the device rebooted since the flag was last cleared (FW ≥ 6.05).
  public var rebooted = false
  /// Offset 38 bit 7: a PC5 detector supply is present (X-123 and DP5 + PC5).
  public var pc5Present = false
  /// Offset 39: device type.
  public var deviceType: DP5DeviceType = .dp5

  /// A status with every counter zero.
  public init() {}

  /// Accumulation time, s.
  public var accumulationSeconds: Double { Double(accumulationMilliseconds) / 1000 }
  /// Real time, s.
  public var realTimeSeconds: Double { Double(realTimeMilliseconds) / 1000 }
  /// Live time, s.
  public var liveTimeSeconds: Double { Double(liveTimeMilliseconds) / 1000 }
  /// High voltage, V.
  public var highVoltage: Double { Double(highVoltageRaw) * 0.5 }
  /// Detector temperature, K.
  public var detectorTemperatureKelvin: Double { Double(detectorTemperatureRaw) * 0.1 }
  /// Firmware version as the SDK prints it, e.g. `6.07` or `6.07 build 3`.
  public var firmwareVersion: String {
    let base = "\(firmwareMajor).\(Self.twoDigits(firmwareMinor))"
    let newerThan605 = firmwareMajor > 6 || (firmwareMajor == 6 && firmwareMinor > 5)
    return newerThan605 && firmwareBuild > 0 ? base + " build \(firmwareBuild)" : base
  }
  /// FPGA version, e.g. `6.05`.
  public var fpgaVersion: String { "\(fpgaMajor).\(Self.twoDigits(fpgaMinor))" }
  /// The model name, from the device type and PC5 flag.
  public var modelName: String { deviceType.modelName(pc5Present: pc5Present) }
  /// Fraction of input events lost to dead time and pile-up, 1 − slow/fast; `nil` without input.
  public var deadTimeFraction: Double? {
    fastCount > 0 ? max(0, 1 - Double(slowCount) / Double(fastCount)) : nil
  }

  private static func twoDigits(_ value: UInt8) -> String {
    value < 10 ? "0\(value)" : "\(value)"
  }

  /// Decodes the 64 status bytes; throws when `bytes` has another length.
  public init(bytes: some Collection<UInt8>) throws(DP5ProtocolError) {
    let b = Array(bytes)
    guard b.count == Self.byteCount else {
      throw .malformed("status must be \(Self.byteCount) bytes, got \(b.count)")
    }
    func u32(_ at: Int) -> UInt32 { LittleEndian.read(UInt32.self, from: b, at: at) }
    fastCount = u32(0)
    slowCount = u32(4)
    generalPurposeCount = u32(8)
    let units = UInt32(b[13]) | UInt32(b[14]) << 8 | UInt32(b[15]) << 16
    accumulationMilliseconds = UInt32(b[12]) + units * 100
    liveTimeMilliseconds = u32(16)
    realTimeMilliseconds = u32(20)
    firmwareMajor = b[24] >> 4
    firmwareMinor = b[24] & 0x0F
    fpgaMajor = b[25] >> 4
    fpgaMinor = b[25] & 0x0F
    serialNumber = b[29] < 128 ? u32(26) : nil
    highVoltageRaw = Int16(bitPattern: UInt16(b[30]) << 8 | UInt16(b[31]))
    detectorTemperatureRaw = UInt16(b[32] & 0x0F) << 8 | UInt16(b[33])
    boardTemperatureCelsius = Int8(bitPattern: b[34])
    presetTimeReached = b[35] & 0x80 != 0
    presetLiveTimeReached = b[35] & 0x40 != 0
    mcaEnabled = b[35] & 0x20 != 0
    presetCountReached = b[35] & 0x10 != 0
    unitConfigured = b[35] & 0x02 != 0
    autoInputOffsetSearching = b[36] & 0x80 != 0
    rebooted = b[36] & 0x20 != 0
    firmwareBuild = b[37] & 0x0F
    pc5Present = b[38] & 0x80 != 0
    deviceType = DP5DeviceType(byte: b[39])
  }

  /// The 64 bytes a device sends for this status. Values beyond a field's width are clipped:
  /// accumulation time to 24 bits of 100 ms, temperatures to 12 bits, versions to a nibble.
  public var encoded: [UInt8] {
    var b = [UInt8](repeating: 0, count: Self.byteCount)
    func put32(_ value: UInt32, at: Int) {
      for index in 0..<4 { b[at + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
    }
    put32(fastCount, at: 0)
    put32(slowCount, at: 4)
    put32(generalPurposeCount, at: 8)
    let units = min(accumulationMilliseconds / 100, 0xFF_FFFF)
    b[12] = UInt8(accumulationMilliseconds % 100)
    b[13] = UInt8(truncatingIfNeeded: units)
    b[14] = UInt8(truncatingIfNeeded: units >> 8)
    b[15] = UInt8(truncatingIfNeeded: units >> 16)
    put32(liveTimeMilliseconds, at: 16)
    put32(realTimeMilliseconds, at: 20)
    b[24] = (firmwareMajor & 0x0F) << 4 | firmwareMinor & 0x0F
    b[25] = (fpgaMajor & 0x0F) << 4 | fpgaMinor & 0x0F
    if let serialNumber {
      put32(serialNumber & 0x7FFF_FFFF, at: 26)
    } else {
      b[29] = 0x80
    }
    let hv = UInt16(bitPattern: highVoltageRaw)
    b[30] = UInt8(hv >> 8)
    b[31] = UInt8(hv & 0xFF)
    let temperature = min(detectorTemperatureRaw, 0x0FFF)
    b[32] = UInt8(temperature >> 8)
    b[33] = UInt8(temperature & 0xFF)
    b[34] = UInt8(bitPattern: boardTemperatureCelsius)
    b[35] =
      (presetTimeReached ? 0x80 : 0) | (presetLiveTimeReached ? 0x40 : 0) | (mcaEnabled ? 0x20 : 0)
      | (presetCountReached ? 0x10 : 0) | (unitConfigured ? 0x02 : 0)
    b[36] = (autoInputOffsetSearching ? 0x80 : 0) | (rebooted ? 0x20 : 0)
    b[37] = firmwareBuild & 0x0F
    b[38] = pc5Present ? 0x80 : 0
    b[39] = deviceType.byte
    return b
  }
}

/// One USB vendor control transfer of the Wasatch "FID" protocol.
///
/// Opcodes, argument packing and the ARM 8-byte-buffer rule from wasatch 2.5.2
/// `wasatch/FeatureIdentificationDevice.py` (`_send_code`, `_get_code`, `get_upper_code`,
/// `set_integration_time_ms`, `_to40bit`, `set_laser_power_perc_immediate`, `set_strobe_enable`).
public struct WasatchControlRequest: Sendable, Equatable {
  /// Host-to-device vendor request.
  public static let hostToDevice: UInt8 = 0x40
  /// Device-to-host vendor request.
  public static let deviceToHost: UInt8 = 0xC0

  public var requestType: UInt8
  public var request: UInt8
  public var value: UInt16
  public var index: UInt16
  /// Data stage of an OUT transfer.
  public var data: [UInt8]
  /// Bytes asked for by an IN transfer.
  public var length: Int

  /// An OUT request; ARM devices need an 8-byte zero buffer when there is no other data, FX2
  /// devices take none.
  public static func set(
    _ request: UInt8, value: UInt16 = 0, index: UInt16 = 0, data: [UInt8]? = nil, arm: Bool
  ) -> WasatchControlRequest {
    WasatchControlRequest(
      requestType: hostToDevice, request: request, value: value, index: index,
      data: data ?? (arm ? [UInt8](repeating: 0, count: 8) : []), length: 0)
  }

  /// An IN request for `length` bytes (Wasatch.PY's default is 64).
  public static func get(_ request: UInt8, value: UInt16 = 0, index: UInt16 = 0, length: Int = 64)
    -> WasatchControlRequest
  {
    WasatchControlRequest(
      requestType: deviceToHost, request: request, value: value, index: index, data: [],
      length: length)
  }

  /// 0xB2: integration time in ms, 24-bit: low 16 bits in wValue, high 8 in wIndex; at least 1.
  public static func setIntegrationTime(milliseconds: UInt32, arm: Bool) -> WasatchControlRequest {
    let ms = min(max(milliseconds, 1), 0xFF_FFFF)
    return set(0xB2, value: UInt16(ms & 0xFFFF), index: UInt16((ms >> 16) & 0xFF), arm: arm)
  }

  /// 0xBF: integration time read-back, 3 bytes LE.
  public static let getIntegrationTime = get(0xBF, length: 3)
  /// 0xAD: software trigger; the spectrum follows on the bulk endpoint(s).
  public static func acquire(arm: Bool) -> WasatchControlRequest { set(0xAD, arm: arm) }
  /// 0xB4: FPGA revision, 7 ASCII bytes.
  public static let fpgaRevision = get(0xB4, length: 7)
  /// 0xC0: microcontroller firmware revision, 4 bytes shown as b3.b2.b1.b0.
  public static let firmwareRevision = get(0xC0, length: 4)
  /// 0xFF / 0x01: EEPROM page (wIndex), 64 bytes ("second tier" request).
  public static func eepromPage(_ page: UInt16) -> WasatchControlRequest {
    get(0xFF, value: 0x01, index: page, length: 64)
  }
  /// 0xFF / 0x03: pixels per line, 2 bytes LE.
  public static let lineLength = get(0xFF, value: 0x03, length: 2)
  /// 0xFF / 0x0D: whether the laser is actually firing, 1 byte.
  public static let isLaserFiring = get(0xFF, value: 0x0D, length: 1)
  /// 0xBE: laser enable (the "strobe enable" line).
  public static func setLaserEnable(_ on: Bool, arm: Bool) -> WasatchControlRequest {
    set(0xBE, value: on ? 1 : 0, arm: arm)
  }
  /// 0xE2: laser enable read-back, 1 byte.
  public static let getLaserEnabled = get(0xE2, length: 1)
  /// 0xFF / 0x18: laser watchdog period in seconds (wIndex; 0 disables it). XS (ARM) only.
  public static func setLaserWatchdog(seconds: UInt16, arm: Bool) -> WasatchControlRequest {
    set(0xFF, value: 0x18, index: seconds, arm: arm)
  }
  /// 0xFF / 0x17: laser watchdog period read-back, 2 bytes big-endian. XS (ARM) only.
  public static let getLaserWatchdog = get(0xFF, value: 0x17, length: 2)
  /// 0xEF: whether the interlock lets the laser fire, 1 byte.
  public static let canLaserFire = get(0xEF, length: 1)
  /// 0xBD: laser PWM modulation on or off.
  public static func setModulationEnable(_ on: Bool, arm: Bool) -> WasatchControlRequest {
    set(0xBD, value: on ? 1 : 0, arm: arm)
  }
  /// 0xC7: PWM period in µs, 40-bit: wValue bits 0–15, wIndex 16–31, data[0] 32–39 (8-byte
  /// buffer).
  public static func setModulationPeriod(microseconds: UInt64) -> WasatchControlRequest {
    fortyBit(0xC7, microseconds)
  }
  /// 0xDB: PWM pulse width in µs, packed like the period.
  public static func setModulationWidth(microseconds: UInt64) -> WasatchControlRequest {
    fortyBit(0xDB, microseconds)
  }

  private static func fortyBit(_ request: UInt8, _ value: UInt64) -> WasatchControlRequest {
    var buffer = [UInt8](repeating: 0, count: 8)
    buffer[0] = UInt8(truncatingIfNeeded: value >> 32)
    return set(
      request, value: UInt16(truncatingIfNeeded: value),
      index: UInt16(truncatingIfNeeded: value >> 16),
      data: buffer, arm: false)
  }

  /// The requests that set the laser power to `percent` before it is enabled: modulation off at
  /// 100 %, else period 1000 µs, width = round(percent × 10) clamped to 1…1000, modulation on
  /// (Wasatch.PY `set_laser_power_perc_immediate`).
  public static func laserPower(percent: Double, arm: Bool) -> [WasatchControlRequest] {
    if percent >= 100 { return [setModulationEnable(false, arm: arm)] }
    let period: UInt64 = 1000
    let width = UInt64(min(max((percent * Double(period) / 100).rounded(), 1), Double(period)))
    return [
      setModulationPeriod(microseconds: period), setModulationWidth(microseconds: width),
      setModulationEnable(true, arm: arm),
    ]
  }
}

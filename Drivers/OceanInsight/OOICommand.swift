import WhitlockCore

/// The legacy "OOI" command set: one opcode byte followed by little-endian arguments, no framing.
///
/// Opcodes and argument formats from python-seabreeze 2.11.0 `pyseabreeze/protocol.py`
/// (`OOIProtocol.msgs`).
public enum OOICommand: Sendable, Equatable {
  /// 0x01: reset the acquisition state; sent once per session.
  case initialize
  /// 0x02: integration time as u32 in the model's time base (µs, or ms on older models).
  case setIntegrationTime(UInt32)
  /// 0x03: strobe/lamp enable as u16.
  case setStrobeEnable(Bool)
  /// 0x05: read EEPROM slot (serial number, wavelength coefficients, …) as a 17-byte reply.
  case queryInformation(slot: UInt8)
  /// 0x09: request one spectrum on the high-speed endpoint(s).
  case requestSpectrum
  /// 0x0A: trigger mode as u16.
  case setTriggerMode(UInt16)
  /// 0x6A: write FPGA register `register` (u8) with `value` (u16); FPGA models only, no reply.
  case writeRegister(UInt8, UInt16)
  /// 0x6B: read FPGA register `register`; 3-byte reply (register echo, u16 value). Register 0x04
  /// is the FPGA firmware version, which tells a USB2000+ (major < 3) from a Flame-S.
  case readRegister(UInt8)
  /// 0xFE: 16-byte status reply (pixels, integration time, USB speed).
  case queryStatus

  /// The bytes sent to the OUT endpoint.
  public var bytes: [UInt8] {
    switch self {
    case .initialize: return [0x01]
    case .setIntegrationTime(let value): return [0x02] + LittleEndian.bytes(value)
    case .setStrobeEnable(let on): return [0x03] + LittleEndian.bytes(UInt16(on ? 1 : 0))
    case .queryInformation(let slot): return [0x05, slot]
    case .requestSpectrum: return [0x09]
    case .setTriggerMode(let mode): return [0x0A] + LittleEndian.bytes(mode)
    case .writeRegister(let register, let value):
      return [0x6A, register] + LittleEndian.bytes(value)
    case .readRegister(let register): return [0x6B, register]
    case .queryStatus: return [0xFE]
    }
  }
}

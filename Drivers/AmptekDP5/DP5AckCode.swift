/// The PID2 of an acknowledgement packet (PID1 `0xFF`).
///
/// Codes from the DP5 Programmer's Guide table "ACK packets" as listed in Amptek's SDK
/// (DP5Protocol.h `PID2_ACK_TYPE`) and ckoern/amptekhardwareinterface packet.h; see
/// protocols-detail.md §1.7. Three codes mean success: 0x00, 0x0C and 0x0F.
public enum DP5AckCode: UInt8, Sendable, CaseIterable {
  /// Command accepted.
  case ok = 0x00
  /// The packet's sync bytes were wrong.
  case syncError = 0x01
  /// Unknown PID1/PID2 combination.
  case pidError = 0x02
  /// The LEN field was wrong for this request.
  case lengthError = 0x03
  /// The device computed a different checksum.
  case checksumError = 0x04
  /// A text-configuration value was out of range (data echoes the command).
  case badParameter = 0x05
  /// A firmware-upload hex record was malformed.
  case badHexRecord = 0x06
  /// A text-configuration command was not recognised (data echoes the command).
  case unrecognizedCommand = 0x07
  /// The FPGA is not initialised or failed.
  case fpgaError = 0x08
  /// The CP2201 Ethernet controller was not found.
  case ethernetControllerNotFound = 0x09
  /// Digital-scope data was requested before it was ready.
  case scopeDataNotAvailable = 0x0A
  /// The command needs a PC5 detector supply, which is absent (data echoes the command).
  case pc5NotPresent = 0x0B
  /// Accepted; the Ethernet interface asks to be shared.
  case okWithSharingRequest = 0x0C
  /// Another interface is using the device (also during sequential buffering).
  case busy = 0x0D
  /// An I²C transfer failed.
  case i2cError = 0x0E
  /// Accepted; FPGA upload address.
  case okFPGAUploadAddress = 0x0F
  /// The FPGA version does not support this feature.
  case featureNotSupported = 0x10
  /// Calibration data is not present.
  case calibrationDataNotPresent = 0x11

  /// Whether the code reports success.
  public var isSuccess: Bool {
    self == .ok || self == .okWithSharingRequest || self == .okFPGAUploadAddress
  }
}

import WhitlockCore

/// A request the device refused, one case per error acknowledgement code, with the offending
/// text command where the device echoes it.
public enum DP5DeviceError: Error, Sendable, Equatable, CustomStringConvertible {
  /// ACK 0x01: the device saw bad sync bytes.
  case syncError
  /// ACK 0x02: the device does not know this PID1/PID2.
  case pidError
  /// ACK 0x03: the LEN field was wrong.
  case lengthError
  /// ACK 0x04: the device received a corrupted packet.
  case checksumError
  /// ACK 0x05: a configuration value was out of range.
  case badParameter(command: String)
  /// ACK 0x06: a firmware-upload record was malformed.
  case badHexRecord
  /// ACK 0x07: a configuration command is unknown to this device.
  case unrecognizedCommand(command: String)
  /// ACK 0x08: the FPGA is not initialised.
  case fpgaError
  /// ACK 0x09: the Ethernet controller is missing.
  case ethernetControllerNotFound
  /// ACK 0x0A: scope data was not ready.
  case scopeDataNotAvailable
  /// ACK 0x0B: the command needs a PC5 supply.
  case pc5NotPresent(command: String)
  /// ACK 0x0D: another interface holds the device.
  case busy
  /// ACK 0x0E: an I²C transfer failed.
  case i2cError
  /// ACK 0x10: not supported by this FPGA version.
  case featureNotSupported
  /// ACK 0x11: calibration data missing.
  case calibrationDataNotPresent
  /// An ACK code no source documents.
  case unknownAcknowledgement(code: UInt8)

  /// The error an ACK packet reports, or `nil` when the code means success.
  public init?(ackCode: UInt8, data: [UInt8]) {
    guard let code = DP5AckCode(rawValue: ackCode) else {
      self = .unknownAcknowledgement(code: ackCode)
      return
    }
    let command = String(decoding: data, as: UTF8.self)
    switch code {
    case .ok, .okWithSharingRequest, .okFPGAUploadAddress: return nil
    case .syncError: self = .syncError
    case .pidError: self = .pidError
    case .lengthError: self = .lengthError
    case .checksumError: self = .checksumError
    case .badParameter: self = .badParameter(command: command)
    case .badHexRecord: self = .badHexRecord
    case .unrecognizedCommand: self = .unrecognizedCommand(command: command)
    case .fpgaError: self = .fpgaError
    case .ethernetControllerNotFound: self = .ethernetControllerNotFound
    case .scopeDataNotAvailable: self = .scopeDataNotAvailable
    case .pc5NotPresent: self = .pc5NotPresent(command: command)
    case .busy: self = .busy
    case .i2cError: self = .i2cError
    case .featureNotSupported: self = .featureNotSupported
    case .calibrationDataNotPresent: self = .calibrationDataNotPresent
    }
  }

  /// The ACK code and the data field a device sends for this error.
  public var acknowledgement: (code: UInt8, data: [UInt8]) {
    switch self {
    case .syncError: return (DP5AckCode.syncError.rawValue, [])
    case .pidError: return (DP5AckCode.pidError.rawValue, [])
    case .lengthError: return (DP5AckCode.lengthError.rawValue, [])
    case .checksumError: return (DP5AckCode.checksumError.rawValue, [])
    case .badParameter(let command): return (DP5AckCode.badParameter.rawValue, Array(command.utf8))
    case .badHexRecord: return (DP5AckCode.badHexRecord.rawValue, [])
    case .unrecognizedCommand(let command):
      return (DP5AckCode.unrecognizedCommand.rawValue, Array(command.utf8))
    case .fpgaError: return (DP5AckCode.fpgaError.rawValue, [])
    case .ethernetControllerNotFound: return (DP5AckCode.ethernetControllerNotFound.rawValue, [])
    case .scopeDataNotAvailable: return (DP5AckCode.scopeDataNotAvailable.rawValue, [])
    case .pc5NotPresent(let command):
      return (DP5AckCode.pc5NotPresent.rawValue, Array(command.utf8))
    case .busy: return (DP5AckCode.busy.rawValue, [])
    case .i2cError: return (DP5AckCode.i2cError.rawValue, [])
    case .featureNotSupported: return (DP5AckCode.featureNotSupported.rawValue, [])
    case .calibrationDataNotPresent: return (DP5AckCode.calibrationDataNotPresent.rawValue, [])
    case .unknownAcknowledgement(let code): return (code, [])
    }
  }

  /// Whether repeating the same request may succeed (transient link or contention problems).
  public var isTransient: Bool {
    switch self {
    case .syncError, .lengthError, .checksumError, .busy: return true
    default: return false
    }
  }

  /// What went wrong, in words an operator can act on.
  public var description: String {
    switch self {
    case .syncError: return "device reports a sync error (corrupted request on the line)"
    case .pidError: return "device does not support this request (PID error)"
    case .lengthError: return "device reports a length error (corrupted request on the line)"
    case .checksumError: return "device reports a checksum error (corrupted request on the line)"
    case .badParameter(let command): return "device rejected a bad parameter in \"\(command)\""
    case .badHexRecord: return "device rejected a firmware hex record"
    case .unrecognizedCommand(let command):
      return "device does not recognise the configuration command \"\(command)\""
    case .fpgaError: return "device FPGA is not initialised (FPGA error)"
    case .ethernetControllerNotFound: return "device Ethernet controller (CP2201) not found"
    case .scopeDataNotAvailable: return "device scope data not available"
    case .pc5NotPresent(let command):
      return "\"\(command)\" needs a PC5 detector supply, which this device does not have"
    case .busy: return "device is busy: another interface (USB, serial or Ethernet) is using it"
    case .i2cError: return "device reports an I2C error"
    case .featureNotSupported: return "device FPGA version does not support this feature"
    case .calibrationDataNotPresent: return "device calibration data is not present"
    case .unknownAcknowledgement(let code):
      return "device sent an undocumented acknowledgement code 0x\(DP5Hex.byte(code))"
    }
  }

  /// The error as the daemon reports it.
  public var instrumentError: InstrumentError {
    switch self {
    case .badParameter, .unrecognizedCommand, .pc5NotPresent:
      return InstrumentError(.configuration, description)
    case .syncError, .lengthError, .checksumError:
      return InstrumentError(.protocolViolation, description)
    default:
      return InstrumentError(.deviceRejected, description)
    }
  }
}

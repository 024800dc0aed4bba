/// OBP message types the driver and the emulation use.
///
/// Values from python-seabreeze 2.11.0 `pyseabreeze/protocol.py` (`OBPProtocol.msgs`) and, for the
/// PID query, `pyseabreeze/transport.py`; names after libseabreeze `OBPMessageTypes.h`.
public enum OBPMessageType {
  /// Serial number as ASCII (truncate to the length from `serialNumberLength`).
  public static let serialNumber: UInt32 = 0x0000_0100
  /// Length of the serial number, u8.
  public static let serialNumberLength: UInt32 = 0x0000_0101
  /// USB product ID the device was built as, u16.
  public static let originalProductID: UInt32 = 0x0000_0E01
  /// QE Pro: 32 bytes of metadata then pixels as u32 LE.
  public static let bufferedSpectrum32WithMetadata: UInt32 = 0x0010_0928
  /// STS and friends: pixels as u16 LE.
  public static let rawSpectrumNow: UInt32 = 0x0010_1100
  /// Integration time in µs, u32 (payload of a command).
  public static let setIntegrationTime: UInt32 = 0x0011_0010
  /// Trigger mode, u8.
  public static let setTriggerMode: UInt32 = 0x0011_0110
  /// Scans the device averages into each spectrum, u16 (libseabreeze `OBPMessageTypes.h`
  /// SET_SCANS_TO_AVERAGE; the payload size is libseabreeze's
  /// `OBPSetScansToAverageExchange`, not confirmed against a data sheet).
  public static let setScansToAverage: UInt32 = 0x0012_0010
  /// Number of non-linearity coefficients, u8 (python-seabreeze `nonlinearity.py`).
  public static let nonlinearityCoefficientCount: UInt32 = 0x0018_1100
  /// Non-linearity coefficient i (payload u8 index), float32 LE.
  public static let nonlinearityCoefficient: UInt32 = 0x0018_1101
  /// Number of wavelength coefficients, u8.
  public static let wavelengthCoefficientCount: UInt32 = 0x0018_0100
  /// Wavelength coefficient i (payload u8 index), float32 LE.
  public static let wavelengthCoefficient: UInt32 = 0x0018_0101
}

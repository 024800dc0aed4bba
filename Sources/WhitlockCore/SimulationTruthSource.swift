/// Something that knows the ground truth behind the spectrum a device emulation last returned.
///
/// Real devices have no such thing. A driver talking to an in-process device emulation (a virtual
/// USB device or an emulated serial port) is handed one so that its acquisitions carry the same
/// `simulation` truth as the purely simulated instruments, and detectors can be scored end to end.
public protocol SimulationTruthSource: Sendable {
  /// The truth of the most recent spectrum the emulated device sent, or `nil` before the first.
  func truthOfLatestSpectrum() -> JSONValue?
}

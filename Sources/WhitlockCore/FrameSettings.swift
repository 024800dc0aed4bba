/// The settings of one exposure that the acquisition chain chooses per frame.
///
/// A dark is only subtracted from spectra taken with the same settings (`DarkFrame`), and the
/// first frame after any change is discarded, because some devices apply a new integration time
/// only from the next spectrum on (python-seabreeze issues 110, 177 and 283).
public struct FrameSettings: Sendable, Equatable, CustomStringConvertible {
  /// Integration time of one scan, s.
  public var exposureSeconds: Double
  /// Scans averaged into one spectrum (1: no averaging).
  public var scansToAverage: Int

  public init(exposureSeconds: Double, scansToAverage: Int = 1) {
    self.exposureSeconds = exposureSeconds
    self.scansToAverage = max(scansToAverage, 1)
  }

  public var description: String {
    "\(MeasurementText.rounded(exposureSeconds)) s × \(scansToAverage) scans"
  }
}

/// An instrument whose exposure can change between acquisitions and that can take a dark frame.
///
/// The session's acquisition chain (auto-exposure, averaging, dark subtraction, non-linearity
/// correction) drives it; the instrument itself stays the one the session gates, so a laser's
/// emission rules (`GatesEmissionOnOperatorRuns`) are never bypassed. A dark request can only
/// switch a light source off for one frame, never on.
public protocol AdjustsExposure: Instrument {
  /// The exposures the open device accepts, s.
  var exposureRange: ClosedRange<Double> { get async }
  /// How many scans the device averages itself per frame (1 when the protocol has no on-device
  /// averaging); the chain averages the rest on the host.
  func setDeviceAveraging(scans: Int) async throws -> Int
  /// Acquires one frame of `exposureSeconds`; with `dark` the instrument's own light source is
  /// kept off for this frame (an instrument without one takes the frame as it is: the operator
  /// blocks the beam).
  func acquire(exposureSeconds: Double, dark: Bool) async throws -> Acquisition
  /// The device's non-linearity polynomial (order 0 first) as read at open, `nil` without one.
  var nonlinearityCoefficients: [Double]? { get async }
}

/// One X-ray fluorescence line of a simulated sample.
public struct XRFLine: Sendable, Equatable {
  /// Element and line, e.g. "Ca Ka".
  public var name: String
  /// Line energy, keV.
  public var energy: Double
  /// Full-energy peak rate in counts per second arriving at the detector (before dead time).
  public var rate: Double

  /// Creates a line from its name, energy (keV) and rate (counts/s).
  public init(name: String, energy: Double, rate: Double) {
    self.name = name
    self.energy = energy
    self.rate = rate
  }
}

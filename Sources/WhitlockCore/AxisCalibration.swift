/// How a channel index maps to a physical axis, taken from the device's own calibration.
///
/// Stored with every raw spectrum so that consumers never need a side channel to interpret counts.
public enum AxisCalibration: Sendable, Equatable {
  /// Raman: wavelength λ(p) = Σ cᵢ·pⁱ in nm, plus the laser's excitation wavelength in nm.
  case wavelengthPolynomial(coefficients: [Double], excitationNanometres: Double)
  /// XRF: energy E(ch) = gain·ch + offset in keV.
  case linearEnergy(keVPerChannel: Double, offsetKeV: Double)

  /// The wavelength in nm of a pixel, for Raman calibrations; `nil` for energy calibrations.
  @inlinable
  public func wavelength(atPixel pixel: Double) -> Double? {
    guard case .wavelengthPolynomial(let c, _) = self else { return nil }
    var value = 0.0
    for coefficient in c.reversed() { value = value * pixel + coefficient }
    return value
  }

  /// The value of the natural axis at a channel: Raman shift in cm⁻¹ or energy in keV.
  @inlinable
  public func axisValue(atChannel channel: Double) -> Double {
    switch self {
    case .wavelengthPolynomial(_, let excitation):
      let lambda = wavelength(atPixel: channel) ?? excitation
      return RamanShift.wavenumbers(excitationNanometres: excitation, wavelengthNanometres: lambda)
    case .linearEnergy(let gain, let offset):
      return gain * channel + offset
    }
  }

  /// Fills `axis` (resized to `count`) with the natural axis of every channel, without reallocating
  /// when the buffer already has the capacity.
  public func fillAxis(_ axis: inout [Double], count: Int) {
    if axis.count != count {
      axis.removeAll(keepingCapacity: true)
      axis.append(contentsOf: repeatElement(0, count: count))
    }
    axis.withUnsafeMutableBufferPointer { buffer in
      for index in 0..<count { buffer[index] = axisValue(atChannel: Double(index)) }
    }
  }

  /// The unit of `axisValue(atChannel:)`, as written into records.
  public var axisUnit: String {
    switch self {
    case .wavelengthPolynomial: return "cm-1"
    case .linearEnergy: return "keV"
    }
  }
}

/// Raman-shift arithmetic shared by calibrations, simulators and detectors.
public enum RamanShift {
  /// Raman shift in cm⁻¹ of light at `wavelengthNanometres` excited at `excitationNanometres`.
  @inlinable
  public static func wavenumbers(excitationNanometres: Double, wavelengthNanometres: Double)
    -> Double
  {
    1e7 / excitationNanometres - 1e7 / wavelengthNanometres
  }

  /// The wavelength in nm at which a band of the given Raman shift appears.
  @inlinable
  public static func wavelength(excitationNanometres: Double, shiftWavenumbers: Double) -> Double {
    1e7 / (1e7 / excitationNanometres - shiftWavenumbers)
  }
}

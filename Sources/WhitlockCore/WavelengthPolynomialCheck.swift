/// Whether a device's wavelength polynomial λ(p) = Σ cᵢ pⁱ (nm) can describe a spectrum.
///
/// Device memories hold these coefficients; an unprogrammed or corrupted one yields NaN, zeros or
/// an axis that runs backwards, and every record made with it would be unusable. Drivers check
/// at open and refuse the device with this reason instead.
public enum WavelengthPolynomialCheck {
  /// Wavelengths a UV-to-SWIR spectrometer's axis may span, nm.
  public static let range = 150.0...2600.0

  /// `nil` when `coefficients` give a finite axis that increases over pixels `0..<pixels` within
  /// `range`, else why not.
  public static func problem(coefficients: [Double], pixels: Int) -> String? {
    guard pixels > 1 else { return "\(pixels) pixels" }
    if let bad = coefficients.firstIndex(where: { !$0.isFinite }) {
      return "wavelength coefficient c\(bad) is not a finite number"
    }
    func wavelength(_ pixel: Int) -> Double {
      coefficients.reversed().reduce(0) { $0 * Double(pixel) + $1 }
    }
    let last = pixels - 1
    let samples =
      stride(from: 0, through: last, by: max(1, last / 64)).map(wavelength) + [wavelength(last)]
    let increasing = zip(samples, samples.dropFirst()).allSatisfy { $0 < $1 }
    guard increasing, samples.allSatisfy(range.contains) else {
      return "wavelength axis runs \(samples.first ?? .nan)…\(samples.last ?? .nan) nm: not "
        + "increasing within \(range.lowerBound)…\(range.upperBound) nm"
    }
    return nil
  }
}

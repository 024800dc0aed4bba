import WhitlockCore

extension WavenumberCalibration {
  /// A device axis (pixel→wavelength polynomial and laser) re-expressed on this calibration: a
  /// polynomial of degree 5 in the pixel whose "wavelengths" 1e7/ν′ with the calibrated laser
  /// give the calibrated shifts, so the detector runs unchanged on the calibrated axis.
  /// `nil` for an energy axis, or when the polynomial misses the calibrated axis by more than
  /// 0.01 cm⁻¹ anywhere.
  public func calibratedAxis(of axis: AxisCalibration, pixels: Int) -> AxisCalibration? {
    guard case .wavelengthPolynomial = axis, pixels >= 8 else { return nil }
    let last = Double(pixels - 1)
    let samples = stride(from: 0.0, through: last, by: max(1, last / 256)).map { $0 }
    var wavelengths: [Double] = []
    for pixel in samples {
      guard let vendor = axis.wavelength(atPixel: pixel), vendor > 0 else { return nil }
      wavelengths.append(1e7 / correctedWavenumber(vendor: 1e7 / vendor))
    }
    // Fitted in pixel / last (well conditioned), then scaled back to powers of the pixel.
    guard
      let scaled = LinearSolve.polynomialFit(
        t: samples.map { $0 / last }, v: wavelengths, degree: 5)
    else { return nil }
    var scale = 1.0
    let coefficients = scaled.map { coefficient in
      defer { scale *= last }
      return coefficient / scale
    }
    let calibrated = AxisCalibration.wavelengthPolynomial(
      coefficients: coefficients, excitationNanometres: excitationNanometres)
    for pixel in samples {
      let expected = shift(vendorWavelengthNanometres: axis.wavelength(atPixel: pixel) ?? 0)
      guard abs(calibrated.axisValue(atChannel: pixel) - expected) < 0.01 else { return nil }
    }
    return calibrated
  }

  /// What a result records about the calibration its axis came from: id, creation time,
  /// silicon value and calibrated laser wavelength.
  public var provenance: JSONValue {
    .object([
      ("id", .string(id)),
      ("created", .string(created)),
      ("silicon_reference_cm1", .double(siliconReference)),
      ("excitation_nm", .double((excitationNanometres * 1e4).rounded() / 1e4)),
    ])
  }
}

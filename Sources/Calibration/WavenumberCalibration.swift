/// A Raman-shift axis calibration: a correction of the vendor axis from a lamp's emission lines
/// and the laser wavenumber from silicon.
///
/// The vendor axis gives each point an absolute wavenumber ν (the vendor's pixel→wavelength
/// polynomial, or its laser wavenumber minus its Raman shift). The lamp fit corrects it,
/// ν′ = ν + P((ν − centre) / halfRange) with P of degree ≤ 3, linear beyond the lines it was
/// fitted on; silicon then fixes the laser, ν_L = ν′(silicon) + `siliconReference`, and the
/// calibrated shift of a point is ν_L − ν′. All wavenumbers are vacuum wavenumbers in cm⁻¹.
public struct WavenumberCalibration: Sendable, Equatable {
  /// When the calibration was made (UTC, RFC 3339).
  public var created: String
  /// The lamp whose lines were fitted.
  public var lamp: CalibrationLamp
  /// File names (no directories) of the lamp and silicon spectra.
  public var lampFile: String
  public var siliconFile: String
  /// The laser wavelength (nm) the vendor axis of the lamp spectrum was computed with; used for
  /// spectra given as Raman shift whose file does not state its own.
  public var vendorExcitationNanometres: Double
  /// Centre and half-range (cm⁻¹, absolute vendor wavenumber) of the correction's variable.
  public var correctionCentre: Double
  public var correctionHalfRange: Double
  /// Correction coefficients in cm⁻¹, ascending powers.
  public var correction: [Double]
  /// The calibrated laser wavenumber, cm⁻¹ (vacuum).
  public var laserWavenumber: Double
  /// The silicon band position the laser was zeroed on (520.45 cm⁻¹ unless configured).
  public var siliconReference: Double
  /// Where the silicon band sat on the vendor axis, cm⁻¹.
  public var siliconVendorShift: Double
  /// Lamp lines matched and the RMS of their residuals after the fit, cm⁻¹.
  public var linesMatched: Int
  public var lineFitRMS: Double

  /// A calibration from its parts (as written to and read from a CAL.toml).
  public init(
    created: String, lamp: CalibrationLamp, lampFile: String, siliconFile: String,
    vendorExcitationNanometres: Double, correctionCentre: Double, correctionHalfRange: Double,
    correction: [Double], laserWavenumber: Double, siliconReference: Double,
    siliconVendorShift: Double, linesMatched: Int, lineFitRMS: Double
  ) {
    self.created = created
    self.lamp = lamp
    self.lampFile = lampFile
    self.siliconFile = siliconFile
    self.vendorExcitationNanometres = vendorExcitationNanometres
    self.correctionCentre = correctionCentre
    self.correctionHalfRange = correctionHalfRange
    self.correction = correction
    self.laserWavenumber = laserWavenumber
    self.siliconReference = siliconReference
    self.siliconVendorShift = siliconVendorShift
    self.linesMatched = linesMatched
    self.lineFitRMS = lineFitRMS
  }

  /// The calibrated laser wavelength in nm (vacuum).
  public var excitationNanometres: Double { 1e7 / laserWavenumber }

  /// The corrected absolute wavenumber of a vendor absolute wavenumber.
  public func correctedWavenumber(vendor nu: Double) -> Double {
    let t = (nu - correctionCentre) / correctionHalfRange
    let clamped = min(max(t, -1), 1)
    var slope = 0.0
    for power in stride(from: correction.count - 1, through: 1, by: -1) {
      slope = slope * clamped + Double(power) * correction[power]
    }
    return nu + LinearSolve.evaluate(correction, at: clamped) + slope * (t - clamped)
  }

  /// The calibrated Raman shift of a point at vendor absolute wavenumber `nu`.
  public func shift(vendorWavenumber nu: Double) -> Double {
    laserWavenumber - correctedWavenumber(vendor: nu)
  }

  /// The calibrated Raman shift of light the vendor axis puts at `wavelengthNanometres`.
  public func shift(vendorWavelengthNanometres wavelength: Double) -> Double {
    shift(vendorWavenumber: 1e7 / wavelength)
  }

  /// The calibrated Raman shift of a point the vendor axis puts at `vendorShift`, computed by the
  /// vendor with laser wavelength `excitation` (the calibration's own when `nil`).
  public func shift(vendorShift: Double, vendorExcitationNanometres excitation: Double? = nil)
    -> Double
  {
    shift(vendorWavenumber: 1e7 / (excitation ?? vendorExcitationNanometres) - vendorShift)
  }

  /// The calibrated axis of a spectrum read from a file.
  public func shifts(of spectrum: VendorSpectrum) -> [Double] {
    let laser = 1e7 / (spectrum.statedExcitationNanometres ?? vendorExcitationNanometres)
    return spectrum.shifts.map { shift(vendorWavenumber: laser - $0) }
  }

  /// A short identifier derived from everything that shapes the axis (FNV-1a, 64 bits, hex):
  /// two calibrations with the same id give the same axis.
  public var id: String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in canonicalText.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }

  private var canonicalText: String {
    ([
      created, lamp.rawValue, "\(vendorExcitationNanometres)", "\(correctionCentre)",
      "\(correctionHalfRange)", "\(laserWavenumber)", "\(siliconReference)",
    ]
      + correction.map { "\($0)" }).joined(separator: "|")
  }

  /// The calibration as the `[calibration.axis]` table of a whitlockd configuration file.
  public var tomlText: String {
    func quoted(_ text: String) -> String { "\"" + TOMLText.escaped(text) + "\"" }
    return """
      # Raman-shift axis calibration written by `whitlockctl calibrate axis`.
      # Load it with `whitlockctl analyze --config FILE` or paste the table into whitlockd.toml.
      [calibration.axis]
      id = \(quoted(id))
      created = \(quoted(created))
      lamp = \(quoted(lamp.rawValue))
      lamp_file = \(quoted(lampFile))
      silicon_file = \(quoted(siliconFile))
      silicon_reference_cm1 = \(siliconReference)
      silicon_vendor_shift_cm1 = \(siliconVendorShift)
      vendor_excitation_nm = \(vendorExcitationNanometres)
      laser_wavenumber_cm1 = \(laserWavenumber)
      correction_centre_cm1 = \(correctionCentre)
      correction_half_range_cm1 = \(correctionHalfRange)
      correction_cm1 = [\(correction.map { "\($0)" }.joined(separator: ", "))]
      lines_matched = \(linesMatched)
      line_fit_rms_cm1 = \(lineFitRMS)

      """
  }
}

import Calibration

/// `[calibration.axis]`: the Raman-shift axis calibration written by `whitlockctl calibrate
/// axis`. Raman spectra are analysed on the calibrated axis and every result names it.
enum AxisCalibrationConfiguration {
  /// The calibration in `reader`'s table, or `nil` when the table is absent or empty.
  static func read(_ reader: inout ConfigurationReader) throws(ConfigurationError)
    -> WavenumberCalibration?
  {
    guard !reader.table.entries.isEmpty else { return nil }
    let id = try reader.string("id")
    let created = try reader.string("created")
    let lamp: CalibrationLamp = try reader.choice("lamp", default: .neon)
    let lampFile = try reader.string("lamp_file", default: "")
    let siliconFile = try reader.string("silicon_file", default: "")
    let siliconReference = try reader.number(
      "silicon_reference_cm1", default: ReferenceStandard.siliconDefault, in: 500...540,
      unit: "cm-1")
    let siliconVendor = try reader.number(
      "silicon_vendor_shift_cm1", default: 0, in: 400...640, unit: "cm-1")
    let vendorExcitation = try reader.number(
      "vendor_excitation_nm", default: 0, in: 200...2000, unit: "nm")
    let laser = try reader.number(
      "laser_wavenumber_cm1", default: 0, in: 5000...50_000, unit: "cm-1")
    let centre = try reader.number(
      "correction_centre_cm1", default: 0, in: 5000...50_000, unit: "cm-1")
    let halfRange = try reader.number(
      "correction_half_range_cm1", default: 0, in: 1...20_000, unit: "cm-1")
    let correction = try reader.numberArray("correction_cm1", count: 1...4, magnitude: 1000)
    let lines = try reader.integer("lines_matched", default: 0, in: 0...10_000)
    let rms = try reader.number("line_fit_rms_cm1", default: 0, in: 0...100, unit: "cm-1")
    for key in [
      "vendor_excitation_nm", "laser_wavenumber_cm1", "correction_centre_cm1",
      "correction_half_range_cm1", "silicon_vendor_shift_cm1",
    ] where reader.table[key] == nil {
      throw reader.error(key, "required key is missing")
    }
    let calibration = WavenumberCalibration(
      created: created, lamp: lamp, lampFile: lampFile, siliconFile: siliconFile,
      vendorExcitationNanometres: vendorExcitation, correctionCentre: centre,
      correctionHalfRange: halfRange, correction: correction, laserWavenumber: laser,
      siliconReference: siliconReference, siliconVendorShift: siliconVendor, linesMatched: lines,
      lineFitRMS: rms)
    guard calibration.id == id else {
      throw reader.error(
        "id",
        "\"\(id)\" does not match the calibration's values (they give \"\(calibration.id)\"); "
          + "the file was edited: make a new calibration with `whitlockctl calibrate axis`")
    }
    return calibration
  }
}

import Calibration
import Foundation
import TextTables
import WhitlockCore

/// How `whitlockctl calibrate` prints a calibration and a standard check.
public enum CalibrationRendering {
  /// A summary of a new calibration, for the terminal.
  public static func summary(_ calibration: WavenumberCalibration, output: String) -> String {
    """
    calibration \(calibration.id) written to \(output)
      \(calibration.lamp.rawValue): \(calibration.linesMatched) NIST lines matched, \
    fit RMS \(format(calibration.lineFitRMS, 3)) cm-1, correction degree \(calibration.correction.count - 1)
      silicon: \(format(calibration.siliconVendorShift, 2)) cm-1 on the vendor axis, \
    zeroed to \(format(calibration.siliconReference, 2)) cm-1
      laser: \(format(calibration.excitationNanometres, 4)) nm (vendor axis: \
    \(format(calibration.vendorExcitationNanometres, 4)) nm)
    """
  }

  /// The per-band table and RMS of a check, then the relative band areas when measured.
  public static func table(
    _ check: StandardCheck, calibration: WavenumberCalibration?,
    intensities: BandIntensities? = nil, response: IntensityCalibration? = nil
  ) -> String {
    var table = TextTable(
      title: "\(check.standard.rawValue), "
        + (calibration.map { "calibration \($0.id)" } ?? "vendor axis"),
      layout: .figures, headers: ["reference cm-1", "measured cm-1", "residual cm-1"])
    for band in check.bands {
      table.add([
        format(band.reference, 2),
        band.measured.map { format($0, 2) } ?? "not found",
        band.residual.map { format($0, 2) } ?? "-",
      ])
    }
    let rms = check.rms.map { format($0, 2) + " cm-1" } ?? "no band measured"
    let text =
      table.render()
      + "\nRMS \(rms) over \(check.bands.filter { $0.measured != nil }.count) of \(check.bands.count) bands"
    guard let intensities else { return text }
    return text + "\n\n" + areaTable(intensities, response: response)
  }

  /// Relative band areas, measured and (with a response correction) corrected.
  public static func areaTable(_ intensities: BandIntensities, response: IntensityCalibration?)
    -> String
  {
    var table = TextTable(
      title: "band areas relative to \(format(intensities.referenceBand, 1)) cm-1, "
        + (response.map { "intensity correction \($0.id) (\($0.standard.title))" }
          ?? "no intensity correction"),
      layout: .figures, headers: ["band cm-1", "measured", "corrected"])
    for row in intensities.rows {
      table.add([
        format(row.band, 1), row.measured.map { format($0, 4) } ?? "not found",
        row.corrected.map { format($0, 4) } ?? "-",
      ])
    }
    return table.render()
  }

  /// A new intensity-response correction, for the terminal.
  public static func summary(_ response: IntensityCalibration, output: String) -> String {
    let low = response.factors.min() ?? .nan
    let high = response.factors.max() ?? .nan
    return """
      intensity correction \(response.id) written to \(output)
        \(response.standard.title): \(format(response.range.lowerBound, 0))–\
      \(format(response.range.upperBound, 0)) cm-1 every \(format(response.step, 0)) cm-1, \
      factors \(format(low, 3))–\(format(high, 3)) (1 at \
      \(format(response.firstShift + response.step * Double(response.factors.firstIndex(of: 1) ?? 0), 0)) cm-1)
        axis: \(response.axisCalibrationID.isEmpty ? "vendor" : "calibration " + response.axisCalibrationID)
      """
  }

  /// The check as one JSON object: standard, calibration (or null), bands, rms.
  public static func json(
    _ check: StandardCheck, calibration: WavenumberCalibration?,
    intensities: BandIntensities? = nil, response: IntensityCalibration? = nil
  ) -> String {
    let bands: [JSONValue] = check.bands.map { band in
      .object([
        ("reference_cm1", .double(band.reference)),
        ("measured_cm1", band.measured.map { .double(rounded($0)) } ?? .null),
        ("residual_cm1", band.residual.map { .double(rounded($0)) } ?? .null),
      ])
    }
    var writer = JSONWriter()
    writer.value(
      .object([
        ("standard", .string(check.standard.rawValue)),
        ("calibration", calibration.map(\.provenance) ?? .null),
        ("bands", .array(bands)),
        ("rms_cm1", check.rms.map { .double(rounded($0)) } ?? .null),
        ("relative_areas", intensities.map { areasJSON($0, response: response) } ?? .null),
      ]))
    return String(decoding: writer.bytes, as: UTF8.self)
  }

  private static func areasJSON(_ intensities: BandIntensities, response: IntensityCalibration?)
    -> JSONValue
  {
    .object([
      ("reference_cm1", .double(intensities.referenceBand)),
      (
        "intensity_calibration",
        response.map {
          .object([("id", .string($0.id)), ("standard", .string($0.standard.rawValue))])
        } ?? .null
      ),
      (
        "bands",
        .array(
          intensities.rows.map { row in
            .object([
              ("band_cm1", .double(row.band)),
              ("measured", row.measured.map { .double(($0 * 1e5).rounded() / 1e5) } ?? .null),
              ("corrected", row.corrected.map { .double(($0 * 1e5).rounded() / 1e5) } ?? .null),
            ])
          })
      ),
    ])
  }

  private static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

  static func format(_ value: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", value)
  }
}

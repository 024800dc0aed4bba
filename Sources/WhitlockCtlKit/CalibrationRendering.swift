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

  /// The per-band table and RMS of a check.
  public static func table(_ check: StandardCheck, calibration: WavenumberCalibration?) -> String {
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
    return table.render()
      + "\nRMS \(rms) over \(check.bands.filter { $0.measured != nil }.count) of \(check.bands.count) bands"
  }

  /// The check as one JSON object: standard, calibration (or null), bands, rms.
  public static func json(_ check: StandardCheck, calibration: WavenumberCalibration?) -> String {
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
      ]))
    return String(decoding: writer.bytes, as: UTF8.self)
  }

  private static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

  static func format(_ value: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", value)
  }
}

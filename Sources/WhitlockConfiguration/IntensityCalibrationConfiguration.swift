import Calibration
import WhitlockTOML

/// `[calibration.intensity]`: the relative intensity-response correction written by
/// `whitlockctl calibrate intensity`, read from its own file by `whitlockctl calibrate check
/// --intensity FILE`.
enum IntensityCalibrationConfiguration {
  /// Largest number of correction nodes a table may hold.
  static let maximumNodes = 4000

  /// The correction in `reader`'s table; the table must be there.
  static func read(_ reader: inout ConfigurationReader) throws(ConfigurationError)
    -> IntensityCalibration
  {
    guard !reader.table.entries.isEmpty else {
      throw reader.error(
        "", "no [calibration.intensity] table (write one with calibrate intensity)")
    }
    let id = try reader.string("id")
    let created = try reader.string("created")
    let standard: IntensityStandard = try reader.choice("standard")
    let standardFile = try reader.string("standard_file", default: "")
    let axis = try reader.string("axis_calibration", default: "")
    let first = try reader.number(
      "first_shift_cm1", default: .nan, in: 0...10_000, unit: "cm-1")
    let step = try reader.number("step_cm1", default: .nan, in: 0.01...1000, unit: "cm-1")
    for key in ["first_shift_cm1", "step_cm1"] where reader.table[key] == nil {
      throw reader.error(key, "required key is missing")
    }
    let factors = try reader.numberArray("factors", count: 2...maximumNodes, magnitude: 1e6)
    if let index = factors.firstIndex(where: { $0 <= 0 }) {
      throw reader.error("factors", "element \(index) is \(factors[index]); factors must be > 0")
    }
    let calibration = IntensityCalibration(
      created: created, standard: standard, standardFile: standardFile, axisCalibrationID: axis,
      firstShift: first, step: step, factors: factors)
    guard calibration.range.upperBound <= standard.certifiedRange.upperBound + step,
      calibration.range.lowerBound >= standard.certifiedRange.lowerBound - step
    else {
      throw reader.error(
        "factors",
        "the factors run beyond \(standard.title)'s certified range; nothing may be corrected "
          + "where nothing is certified")
    }
    guard calibration.id == id else {
      throw reader.error(
        "id",
        "\"\(id)\" does not match the correction's values (they give \"\(calibration.id)\"); "
          + "the file was edited: make a new one with `whitlockctl calibrate intensity`")
    }
    return calibration
  }
}

extension ConfigurationLoader {
  /// The `[calibration.intensity]` table of the file at `path` (the file may hold other tables,
  /// such as the `[calibration.axis]` the standard was measured on; they are not read here).
  public static func loadIntensityCalibration(path: String) throws(ConfigurationError)
    -> IntensityCalibration
  {
    let text = try readText(path: path)
    let document: TOMLDocument
    do { document = try TOMLDocument.parse(text, fileName: path) } catch {
      throw ConfigurationError(
        file: path, line: error.line, key: "", message: "TOML syntax: \(error.message)")
    }
    var root = ConfigurationReader(table: document.root, path: "", file: path)
    var calibration = try root.table("calibration")
    var intensity = try calibration.table("intensity")
    let result = try IntensityCalibrationConfiguration.read(&intensity)
    try intensity.finish()
    return result
  }
}

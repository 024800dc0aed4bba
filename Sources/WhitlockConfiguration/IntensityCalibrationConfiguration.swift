import Calibration
import WhitlockTOML

/// `[calibration.intensity]`: the relative intensity-response correction written by
/// `whitlockctl calibrate intensity`. In a whitlockd or `analyze --config` configuration it
/// corrects Raman spectra (it must have been made on the file's `[calibration.axis]`);
/// `whitlockctl calibrate check --intensity FILE` reads it from its own file.
enum IntensityCalibrationConfiguration {
  /// Largest number of correction nodes a table may hold.
  static let maximumNodes = 4000
  /// How far a node or the reference factor may sit from its exact value (the table's numbers
  /// are written with every digit, so only an edited file misses by more).
  static let gridTolerance = 1e-6

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
    let nodes = first / step
    guard abs(nodes - nodes.rounded()) <= gridTolerance else {
      throw reader.error(
        "first_shift_cm1",
        "\(first) cm-1 is not on the \(step) cm-1 grid of the nodes (a whole multiple of "
          + "step_cm1, as calibrate intensity writes it)")
    }
    let factors = try readFactors(&reader)
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
    let reference = factors.indices.min {
      abs(first + step * Double($0) - 1000) < abs(first + step * Double($1) - 1000)
    }
    if let reference, abs(factors[reference] - 1) > gridTolerance {
      throw reader.error(
        "factors",
        "element \(reference) (the node at \(first + step * Double(reference)) cm-1, nearest "
          + "1000 cm-1) is \(factors[reference]); the correction is normalised to 1 there")
    }
    return calibration
  }

  /// `factors`: 2…`maximumNodes` finite numbers above zero, each named by its element when not.
  private static func readFactors(_ reader: inout ConfigurationReader) throws(ConfigurationError)
    -> [Double]
  {
    guard let entry = reader.table["factors"] else {
      throw reader.error("factors", "required key is missing")
    }
    if let values = entry.value.arrayValue {
      for (index, value) in values.enumerated() {
        guard let number = value.numberValue else {
          throw reader.error(
            "factors", "element \(index) is a \(value.typeName); factors are numbers")
        }
        guard number.isFinite, number > 0 else {
          throw reader.error(
            "factors",
            "element \(index) is \(number); factors must be finite and > 0 (a response factor "
              + "multiplies the counts)")
        }
      }
    }
    return try reader.numberArray("factors", count: 2...maximumNodes, magnitude: 1e6)
  }

  /// Refuses a correction made on another axis than `axis`, the configuration's
  /// `[calibration.axis]` (`nil`: the vendor axis): its factors belong to the shifts of the axis
  /// the standard was placed on.
  static func checkAxis(
    _ response: IntensityCalibration, against axis: WavenumberCalibration?,
    in reader: ConfigurationReader
  ) throws(ConfigurationError) {
    let configured = axis?.id ?? ""
    guard response.axisCalibrationID != configured else { return }
    let madeOn =
      response.axisCalibrationID.isEmpty
      ? "the vendor axis (no axis calibration)"
      : "axis calibration \"\(response.axisCalibrationID)\""
    let here =
      axis.map { "[calibration.axis] is \"\($0.id)\"" }
      ?? "file has no [calibration.axis] (the vendor axis)"
    throw reader.error(
      "axis_calibration",
      "the intensity correction was made on \(madeOn), but this \(here); make it again on this "
        + "axis (whitlockctl calibrate intensity --config FILE) or use the axis it was made on")
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

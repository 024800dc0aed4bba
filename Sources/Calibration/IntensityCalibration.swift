/// A relative intensity-response correction: multiplying a Raman spectrum by `factor(atShift:)`
/// puts it on the intensity scale of the certified standard, so that band ratios measured on
/// different instruments of one laser line can be compared. Made by `IntensityCalibrator` from a
/// measured NIST SRM spectrum; written as the `[calibration.intensity]` table, which whitlockd and
/// `whitlockctl analyze --config` apply to Raman spectra (`fillFactors`, `provenance`).
///
/// The factors are sampled every `step` cm⁻¹ from `firstShift` and are 1 at the node nearest
/// 1000 cm⁻¹ (only ratios are meaningful). Outside the sampled range, which never exceeds the
/// certificate's, there is no factor: nothing is corrected where nothing is certified.
public struct IntensityCalibration: Sendable, Equatable {
  /// When the calibration was made (UTC, RFC 3339).
  public var created: String
  /// The reference material measured.
  public var standard: IntensityStandard
  /// File name (no directory) of the measured standard.
  public var standardFile: String
  /// The axis calibration the standard's spectrum was placed with; empty for the vendor axis.
  /// Spectra corrected with these factors must be on the same axis.
  public var axisCalibrationID: String
  /// First node and node spacing, cm⁻¹.
  public var firstShift: Double
  public var step: Double
  /// Correction factor at each node.
  public var factors: [Double]

  /// A calibration from its parts (as written to and read from a TOML table).
  public init(
    created: String, standard: IntensityStandard, standardFile: String,
    axisCalibrationID: String, firstShift: Double, step: Double, factors: [Double]
  ) {
    self.created = created
    self.standard = standard
    self.standardFile = standardFile
    self.axisCalibrationID = axisCalibrationID
    self.firstShift = firstShift
    self.step = step
    self.factors = factors
  }

  /// The Raman-shift range the factors cover, cm⁻¹.
  public var range: ClosedRange<Double> {
    firstShift...(firstShift + step * Double(max(factors.count - 1, 0)))
  }

  /// The correction factor at a Raman shift (linear between nodes), `nil` outside `range`.
  public func factor(atShift shift: Double) -> Double? {
    guard factors.count >= 2, step > 0, range.contains(shift) else { return nil }
    let position = (shift - firstShift) / step
    let lower = min(Int(position), factors.count - 2)
    let t = position - Double(lower)
    return factors[lower] * (1 - t) + factors[lower + 1] * t
  }

  /// `intensities` corrected point by point; points outside `range` are `nil`.
  public func corrected(shifts: [Double], intensities: [Double]) -> [Double?] {
    zip(shifts, intensities).map { shift, value in factor(atShift: shift).map { value * $0 } }
  }

  /// A short identifier derived from everything that shapes the correction (FNV-1a, 64 bits).
  public var id: String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    let canonical =
      ([created, standard.rawValue, axisCalibrationID, "\(firstShift)", "\(step)"]
      + factors.map { "\($0)" }).joined(separator: "|")
    for byte in canonical.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }

  /// The calibration as the `[calibration.intensity]` table of a configuration file.
  public var tomlText: String {
    var rows: [String] = []
    var index = 0
    while index < factors.count {
      let row = factors[index..<min(index + 8, factors.count)].map { "\($0)" }
      rows.append("  " + row.joined(separator: ", ") + ",")
      index += 8
    }
    return """
      # Relative intensity-response correction written by `whitlockctl calibrate intensity`.
      # Paste it beside the [calibration.axis] it was made on into a whitlockd configuration or an
      # `analyze --config` file (Raman spectra are then corrected where it covers them), or give it
      # to `whitlockctl calibrate check --intensity FILE`.
      [calibration.intensity]
      id = "\(id)"
      created = "\(TOMLText.escaped(created))"
      standard = "\(standard.rawValue)"
      standard_file = "\(TOMLText.escaped(standardFile))"
      axis_calibration = "\(TOMLText.escaped(axisCalibrationID))"
      first_shift_cm1 = \(firstShift)
      step_cm1 = \(step)
      factors = [
      \(rows.joined(separator: "\n"))
      ]

      """
  }
}

/// Escaping for values written into TOML basic strings.
enum TOMLText {
  /// `text` with quotes and backslashes escaped and control characters replaced by "?".
  static func escaped(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += "?"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}

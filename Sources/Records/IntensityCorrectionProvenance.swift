/// Whether a Raman result's intensities were corrected for the instrument's response
/// (`detection.intensity_calibration`, from `[calibration.intensity]`): the NIST standard and the
/// correction table it came from, where it applies, and whether it was applied to this spectrum.
public struct IntensityCorrectionProvenance: Sendable, Equatable {
  /// The correction table's id (a hash of everything that shapes it).
  public var id: String
  /// The standard measured: `srm2241`, `srm2242a`, `srm2245` or `srm2246a`.
  public var standard: String
  /// When the correction was made.
  public var created: String
  /// The axis calibration the correction was made on; `nil` for the vendor axis.
  public var axisCalibration: String?
  /// The Raman-shift range the correction covers, cm⁻¹ (inside the certificate's).
  public var coveredRange: ClosedRange<Double>
  /// `applied` or `refused`.
  public var state: String
  /// Why it was not applied (`axis calibration changed`, …); `nil` when applied.
  public var refusal: String?
  /// First and last pixel corrected; `nil` when none was.
  public var correctedPixels: ClosedRange<Int64>?
  /// The share of the spectrum's pixels corrected, 0…1.
  public var correctedFraction: Double

  /// Whether the spectrum was analysed with corrected intensities.
  public var applied: Bool { state == "applied" }

  init(_ reader: MemberReader) throws(RecordDecodingError) {
    id = try reader.string("id")
    standard = try reader.string("standard")
    created = try reader.string("created")
    axisCalibration = try reader.optionalString("axis_calibration")
    let covered = try reader.array("covered_cm1")
    guard covered.count == 2, let low = covered[0].doubleValue, let high = covered[1].doubleValue,
      low <= high
    else { throw reader.failure("covered_cm1", "expected [low, high] in cm-1") }
    coveredRange = low...high
    state = try reader.string("state")
    refusal = try reader.optionalString("refusal")
    if reader.raw("corrected_pixels") != nil {
      let pixels = try reader.array("corrected_pixels")
      guard pixels.count == 2, case .int(let first) = pixels[0], case .int(let last) = pixels[1],
        first <= last
      else { throw reader.failure("corrected_pixels", "expected [first, last] pixel indices") }
      correctedPixels = first...last
    }
    correctedFraction = try reader.number("corrected_fraction")
  }
}

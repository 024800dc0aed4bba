import WhitlockCore

/// `calibration`: a wavenumber-axis calibration the daemon acquired on request (lamp, silicon,
/// optionally a verification standard). In force, later spectra of the instrument are analysed on
/// it and name it (`DetectionResult.calibration`); refused, it says why and which calibration
/// stays in force.
public struct CalibrationRecord: Sendable, Equatable {
  public var header: RecordHeader
  public var run: RunInfo
  /// The calibration's id (as spectra name it); `nil` when none could be computed.
  public var id: String?
  /// `in-force`, `restored` (read back from the instrument's state file after a restart and in
  /// force again) or `refused`.
  public var state: String
  /// The version in force after this record (0: none since the daemon started).
  public var version: Int64
  /// The calibration in force after this record, `nil` for the vendor axis.
  public var inForceID: String?
  /// The calibration in force before it.
  public var supersedes: String?
  /// The lamp whose lines were fitted.
  public var lamp: String
  /// The silicon band position the laser was zeroed on, cm⁻¹.
  public var siliconReference: Double
  /// Why it was refused (`lamp-too-weak`, `lamp-lines-unmatched`, `silicon-not-found`,
  /// `verification-bands-not-found`, `verification-residual-too-large`, `saturated`,
  /// `acquisition-failed`, or `configuration-changed` for a kept calibration the configuration
  /// overrides) and the full message; `nil` when in force.
  public var refusalReason: String?
  public var refusalMessage: String?
  /// Lamp lines matched and the RMS of their residuals, cm⁻¹, when a calibration was computed.
  public var linesMatched: Int64?
  public var lineFitRMS: Double?
  /// The calibrated laser wavelength, nm.
  public var excitationNanometres: Double?
  /// The verification standard, its RMS residual over the checked bands and the limit, cm⁻¹.
  public var verificationStandard: String?
  public var verificationRMS: Double?
  public var verificationLimit: Double?
  /// The targets whose spectra the record holds, in the order taken (none when restored).
  public var targets: [String]
  /// The state file a `restored` calibration (or one refused because the configuration
  /// changed) was read from; `nil` for a calibration acquired now.
  public var restoredFrom: String?

  init(_ reader: MemberReader, header: RecordHeader) throws(RecordDecodingError) {
    self.header = header
    run = try RunInfo(reader.object("run"))
    let calibration = try reader.object("calibration")
    id = try calibration.optionalString("id")
    state = try calibration.string("state")
    guard ["in-force", "restored", "refused"].contains(state) else {
      throw calibration.failure("state", "expected in-force, restored or refused, got \(state)")
    }
    version = try calibration.integer("version")
    inForceID = try calibration.optionalString("in_force_id")
    supersedes = try calibration.optionalString("supersedes")
    lamp = try calibration.string("lamp")
    siliconReference = try calibration.number("silicon_reference_cm1")
    let refusal = try calibration.optionalObject("refusal")
    refusalReason = try refusal?.string("reason")
    refusalMessage = try refusal?.string("message")
    if state == "refused" && refusal == nil {
      throw calibration.failure("refusal", "a refused calibration must say why")
    }
    let axis = try calibration.optionalObject("axis")
    linesMatched = try axis?.integer("lines_matched")
    lineFitRMS = try axis?.number("line_fit_rms_cm1")
    excitationNanometres = try axis?.number("excitation_nm")
    let verification = try calibration.optionalObject("verification")
    verificationStandard = try verification?.string("standard")
    verificationRMS = try verification?.optionalNumber("rms_cm1")
    verificationLimit = try verification?.optionalNumber("limit_cm1")
    var targets: [String] = []
    for (index, item) in try calibration.array("spectra").enumerated() {
      guard case .string(let target)? = item["target"] else {
        throw calibration.failure("spectra[\(index)].target", "expected a string")
      }
      targets.append(target)
    }
    self.targets = targets
    restoredFrom = try calibration.optionalString("restored_from")
  }
}

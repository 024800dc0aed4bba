import WhitlockCore

/// The detector's result in an `acquisition` record, typed per technique. The whole object is
/// kept as `json` too, for exporters that copy every member (NeXus).
public enum DetectionResult: Sendable, Equatable {
  case raman(RamanResult, json: JSONValue)
  case xrf(XRFResult, json: JSONValue)

  /// The detection object as written.
  public var json: JSONValue {
    switch self {
    case .raman(_, let json), .xrf(_, let json): return json
    }
  }

  /// The Raman result, or `nil` for XRF.
  public var raman: RamanResult? {
    if case .raman(let result, _) = self { return result }
    return nil
  }

  /// The XRF result, or `nil` for Raman.
  public var xrf: XRFResult? {
    if case .xrf(let result, _) = self { return result }
    return nil
  }

  /// The fused verdict of the acquisition's point, when fusion ran.
  public var fusion: FusedPoint? {
    switch self {
    case .raman(let result, _): return result.fusion
    case .xrf(let result, _): return result.fusion
    }
  }

  /// Decodes a detection object as an analyzer produced it (before it is spooled), e.g. for the
  /// daemon's log line and live view; `source` names it in errors.
  public init(decoding json: JSONValue, kind: InstrumentKind, source: String = "detection")
    throws(RecordDecodingError)
  {
    let reader = MemberReader(
      value: json, path: "", location: RecordLocation(file: source), seq: nil)
    try self.init(reader, kind: kind)
  }

  init(_ reader: MemberReader, kind: InstrumentKind) throws(RecordDecodingError) {
    switch kind {
    case .raman: self = .raman(try RamanResult(reader), json: reader.value)
    case .xrf: self = .xrf(try XRFResult(reader), json: reader.value)
    }
  }
}

/// A measured quantity with its standard uncertainty; `nil` members mean "not determined".
public struct Measured: Sendable, Equatable {
  public var value: Double?
  public var sigma: Double?

  public init(_ value: Double?, sigma: Double?) {
    self.value = value
    self.sigma = sigma
  }

  init(_ reader: MemberReader, _ key: String, sigma sigmaKey: String)
    throws(RecordDecodingError)
  {
    value = try reader.optionalNumber(key)
    sigma = try reader.optionalNumber(sigmaKey)
  }
}

/// The Raman detector's result (`RamanAnalysis`): the phase it names and the whitlockite
/// fraction with its evidence.
public struct RamanResult: Sendable, Equatable {
  public var method: String
  public var phase: String?
  public var phaseGroup: String?
  public var whitlockiteFraction: Measured
  public var evidenceFraction: Measured
  public var positionFraction: Measured
  public var phosphateDetected: Bool?
  public var phosphateArea: Measured
  public var phosphateCentreWavenumbers: Double?
  public var carbonateDetected: Bool?
  public var oxalateDetected: Bool?
  public var axisOffset: Measured
  public var flags: [String]
  public var fusion: FusedPoint?
  /// The axis calibration the spectrum was analysed on, when one was configured.
  public var calibration: CalibrationProvenance?
  /// The intensity-response correction, when one was configured: applied or why not.
  public var intensityCalibration: IntensityCorrectionProvenance?
  /// The open-set checks, in records that carry them.
  public var openSet: RamanOpenSet?

  init(_ reader: MemberReader) throws(RecordDecodingError) {
    method = try reader.string("method")
    openSet = try reader.optionalObject("open_set").map { reader throws(RecordDecodingError) in
      try RamanOpenSet(reader)
    }
    calibration = try reader.optionalObject("axis_calibration").map {
      reader throws(RecordDecodingError) in try CalibrationProvenance(reader)
    }
    intensityCalibration = try reader.optionalObject("intensity_calibration").map {
      reader throws(RecordDecodingError) in try IntensityCorrectionProvenance(reader)
    }
    phase = try reader.optionalString("phase")
    phaseGroup = try reader.optionalString("phase_group")
    whitlockiteFraction = try Measured(
      reader, "whitlockite_fraction", sigma: "whitlockite_fraction_sigma")
    evidenceFraction = try Measured(reader, "evidence_fraction", sigma: "evidence_fraction_sigma")
    positionFraction = try Measured(reader, "position_fraction", sigma: "position_fraction_sigma")
    phosphateDetected = try reader.optionalBoolean("phosphate_detected")
    phosphateArea = try Measured(reader, "phosphate_area", sigma: "phosphate_area_sigma")
    phosphateCentreWavenumbers = try reader.optionalNumber("phosphate_centre_cm1")
    carbonateDetected = try reader.optionalBoolean("carbonate_detected")
    oxalateDetected = try reader.optionalBoolean("oxalate_detected")
    axisOffset = try Measured(reader, "axis_offset_cm1", sigma: "axis_offset_sigma_cm1")
    flags = try reader.strings("flags")
    fusion = try reader.optionalObject("fusion").map { reader throws(RecordDecodingError) in
      try FusedPoint(reader)
    }
  }
}

/// The XRF detector's result (`XRFAnalysis`): Mg/Ca and Na/Ca (molar where calibrated, net-area
/// ratios otherwise; below detection as a limit, never a negative value), the calibration used
/// and the net areas of Mg, Na, P and Ca.
public struct XRFResult: Sendable, Equatable {
  public var method: String
  /// The calibration the ratios were computed with, or nil when uncalibrated.
  public var calibration: String?
  public var mgCaRatio: Measured
  /// "molar" or "net-area" (absent in records before the line library).
  public var mgCaRatioBasis: String?
  public var mgCaBelowDetection: Bool?
  public var mgCaDetectionLimit: Double?
  public var naCaRatio: Measured
  public var naCaBelowDetection: Bool?
  public var naCaDetectionLimit: Double?
  public var magnesiumNetArea: Measured
  public var sodiumNetArea: Measured
  public var calciumNetArea: Measured
  public var phosphorusNetArea: Measured
  public var reducedChiSquare: Double?
  public var flags: [String]
  public var fusion: FusedPoint?

  init(_ reader: MemberReader) throws(RecordDecodingError) {
    method = try reader.string("method")
    calibration = try reader.optionalString("calibration")
    mgCaRatio = try Measured(reader, "mg_ca_ratio", sigma: "mg_ca_ratio_sigma")
    mgCaRatioBasis = try reader.optionalString("mg_ca_ratio_basis")
    mgCaBelowDetection = try reader.optionalBoolean("mg_ca_below_detection")
    mgCaDetectionLimit = try reader.optionalNumber("mg_ca_detection_limit")
    naCaRatio = try Measured(reader, "na_ca_ratio", sigma: "na_ca_ratio_sigma")
    naCaBelowDetection = try reader.optionalBoolean("na_ca_below_detection")
    naCaDetectionLimit = try reader.optionalNumber("na_ca_detection_limit")
    magnesiumNetArea = try Measured(reader, "mg_net_area", sigma: "mg_net_area_sigma")
    sodiumNetArea = try Measured(reader, "na_net_area", sigma: "na_net_area_sigma")
    calciumNetArea = try Measured(reader, "ca_net_area", sigma: "ca_net_area_sigma")
    phosphorusNetArea = try Measured(reader, "p_net_area", sigma: "p_net_area_sigma")
    reducedChiSquare = try reader.optionalNumber("reduced_chi_square")
    flags = try reader.strings("flags")
    fusion = try reader.optionalObject("fusion").map { reader throws(RecordDecodingError) in
      try FusedPoint(reader)
    }
  }
}

/// Which Raman-shift axis calibration a result was computed on (`[calibration.axis]`).
public struct CalibrationProvenance: Sendable, Equatable {
  /// The calibration's id (a hash of everything that shapes the axis).
  public var id: String
  /// When the calibration was made.
  public var created: String
  /// The silicon band position the laser was zeroed on, cm⁻¹.
  public var siliconReference: Double
  /// The calibrated laser wavelength, nm.
  public var excitationNanometres: Double
  /// Why the calibration could not be applied to this spectrum's axis, if it could not.
  public var notApplied: String?

  init(_ reader: MemberReader) throws(RecordDecodingError) {
    id = try reader.string("id")
    created = try reader.string("created")
    siliconReference = try reader.number("silicon_reference_cm1")
    excitationNanometres = try reader.number("excitation_nm")
    notApplied = try reader.optionalString("not_applied")
  }
}

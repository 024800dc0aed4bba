/// One spool record as the database stores it: the members every record has, then what its
/// type adds. JSON members that the schema keeps as `jsonb` are carried as JSON text.
struct ShipRecord: Sendable {
  /// The record's instrument, as every record names it.
  struct Instrument: Sendable, Hashable {
    var id: String
    var kind: String
    var model: String
    var serial: String
    var family: String
    var firmware: String?
  }

  /// The run a `run-start` or `run-end` record describes.
  struct Run: Sendable, Hashable {
    var started: String
    var sampleID: String?
    var operatorName: String?
    var pointID: String?
  }

  /// A `run-start` or `run-end` record.
  struct RunEvent: Sendable {
    var run: Run
    /// `settings` of a run-start, as JSON text.
    var settings: String?
    /// `summary` of a run-end, as JSON text, with its counters.
    var summary: String?
    var reason: String?
    var tallies: [Int64?] = []
  }

  /// The axis calibration of an acquisition.
  enum Axis: Sendable {
    case wavelengthPolynomial(coefficientsNM: [Double], excitationNM: Double)
    case linearEnergy(kevPerChannel: Double, offsetKeV: Double)
  }

  /// Raman detection results kept as columns.
  struct RamanColumns: Sendable {
    var calcificationType: String?
    var phosphateDetected: Bool?
    var whitlockiteFraction: Double?
    var whitlockiteFractionSigma: Double?
    var carbonatePhosphateRatio: Double?
    var carbonatePhosphateRatioSigma: Double?
    var crystallinityFWHM: Double?
  }

  /// XRF detection results kept as columns (`xrf_results`).
  struct XRFColumns: Sendable {
    var mgCaRatio: Double?
    var mgCaRatioSigma: Double?
    var mgNetArea: Double?
    var mgNetAreaSigma: Double?
    var caNetArea: Double?
    var caNetAreaSigma: Double?
    var pNetArea: Double?
    var pNetAreaSigma: Double?
    var reducedChiSquare: Double?
  }

  /// The fused verdict at a measurement point (`detection.fusion`, `point_verdicts`).
  struct Verdict: Sendable {
    var pointID: String
    var whitlockite: String
    var ramanCall: String?
    var xrfCall: String?
    var whitlockiteFraction: Double?
    var whitlockiteFractionSigma: Double?
    var mgCaRatio: Double?
    var mgCaRatioSigma: Double?
    var rule: String?
  }

  /// An `acquisition` record.
  struct Acquisition: Sendable {
    var deviceSequence: Int64
    var started: String
    var ended: String
    var exposureSeconds: Double
    var fullScale: Int32
    var saturatedChannels: Int32
    var parameters: String
    var axis: Axis
    var counts: [Int32]
    var method: String
    /// The `detection` object without its `parameters` and detail members, as JSON text.
    var detection: String
    /// The members of `detection` named in `SegmentDecoder.detailMembers`, as a JSON object's
    /// text (`detection_detail`), or `nil` when it has none.
    var detectionDetail: String?
    /// `detection.parameters`, the detector's settings (the same in every record of a run), as
    /// JSON text: stored once in `whitlock.detection_parameters`, not in every row.
    var detectionParameters: String?
    var simulation: String?
    /// The `map` member (map id, grid index, stage position) of a map point, as JSON text.
    var map: String? = nil
    var raman: RamanColumns?
    var xrf: XRFColumns?
    var verdict: Verdict?
  }

  /// What the record's type adds.
  enum Body: Sendable {
    case runStart(RunEvent)
    case runEnd(RunEvent)
    case acquisition(Acquisition)
    /// A record kept whole as a document (`whitlock.record_documents`): darks and the map
    /// records. `type` is one of `SegmentDecoder.documentTypes`; `text` the whole line.
    case document(type: String, text: String)
  }

  var seq: Int64
  var runID: String
  var time: String
  var instrument: Instrument
  var body: Body

  /// The record's `type` member.
  var typeName: String {
    switch body {
    case .runStart: "run-start"
    case .runEnd: "run-end"
    case .acquisition: "acquisition"
    case .document(let type, _): type
    }
  }
}

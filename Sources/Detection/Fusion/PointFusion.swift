import WhitlockCore

/// A whitlockite verdict for one measurement point.
public enum WhitlockiteVerdict: String, Sendable, Equatable, CaseIterable {
  /// The Raman fraction is above threshold with confidence and XRF does not contradict it.
  case present
  /// No whitlockite: fraction confidently below threshold, or no phosphate band at all.
  case absent
  /// Not enough, or conflicting, evidence.
  case indeterminate
}

/// What the fusion needs from a Raman result.
public struct RamanEvidence: Sendable, Equatable {
  /// Whitlockite fraction (nil when no phosphate ν1 band was detected).
  public var fraction: Double?
  /// σ of the fraction.
  public var fractionSigma: Double?
  /// Calcification type found.
  public var calcificationType: CalcificationType
  /// The spectrum was too poor to conclude anything (saturated, low SNR, degenerate fit).
  public var poorQuality: Bool

  /// Creates evidence from its parts.
  public init(
    fraction: Double?, fractionSigma: Double?, calcificationType: CalcificationType,
    poorQuality: Bool
  ) {
    self.fraction = fraction
    self.fractionSigma = fractionSigma
    self.calcificationType = calcificationType
    self.poorQuality = poorQuality
  }

  /// Evidence from a pipeline result.
  public init(_ analysis: RamanAnalysis) {
    let flags = analysis.flags
    self.init(
      fraction: analysis.whitlockiteFraction, fractionSigma: analysis.whitlockiteFractionSigma,
      calcificationType: analysis.calcificationType,
      poorQuality: flags.contains(.saturated) || flags.contains(.lowSNR)
        || flags.contains(.fitDegenerate) || flags.contains(.axisUnsupported))
  }
}

/// What the fusion needs from an XRF result.
public struct XRFEvidence: Sendable, Equatable {
  /// Mg/Ca (molar when calibrated).
  public var mgCa: Double?
  /// σ of Mg/Ca.
  public var mgCaSigma: Double?
  /// Detection limit of Mg/Ca when Mg is below detection (no value then).
  public var mgCaDetectionLimit: Double?

  /// Creates evidence from its parts.
  public init(mgCa: Double?, mgCaSigma: Double?, mgCaDetectionLimit: Double? = nil) {
    self.mgCa = mgCa
    self.mgCaSigma = mgCaSigma
    self.mgCaDetectionLimit = mgCaDetectionLimit
  }

  /// Evidence from a pipeline result.
  public init(_ analysis: XRFAnalysis) {
    let ratio = analysis.magnesiumToCalcium
    self.init(
      mgCa: ratio.value, mgCaSigma: ratio.sigma,
      mgCaDetectionLimit: ratio.belowDetection ? ratio.detectionLimit : nil)
  }
}

/// The fused result for a point, as attached to a record.
public struct FusedVerdict: Sendable, Equatable {
  /// Point identifier.
  public var pointID: String
  /// The verdict.
  public var verdict: WhitlockiteVerdict
  /// Raman's own call (`present`, `absent`, `indeterminate`, or `missing`).
  public var ramanCall: String
  /// XRF's call (`supports`, `contradicts`, `neutral`, or `missing`).
  public var xrfCall: String
  /// The Raman evidence used (latest at the point).
  public var raman: RamanEvidence?
  /// The XRF evidence used (latest at the point).
  public var xrf: XRFEvidence?

  /// The `fusion` object of a record, rule and thresholds included.
  public func jsonValue(settings: FusionSettings) -> JSONValue {
    .object([
      ("point_id", .string(pointID)),
      ("whitlockite", .string(verdict.rawValue)),
      ("raman_call", .string(ramanCall)),
      ("xrf_call", .string(xrfCall)),
      ("whitlockite_fraction", .number(raman?.fraction)),
      ("whitlockite_fraction_sigma", .number(raman?.fractionSigma)),
      ("mg_ca_ratio", .number(xrf?.mgCa)),
      ("mg_ca_ratio_sigma", .number(xrf?.mgCaSigma)),
      ("mg_ca_detection_limit", .number(xrf?.mgCaDetectionLimit)),
      ("rule", .string(settings.ruleDescription)),
      (
        "thresholds",
        .object([
          ("fraction_threshold", .number(settings.fractionThreshold)),
          ("sigma_multiplier", .number(settings.sigmaMultiplier)),
          ("mg_ca_absent_below", .number(settings.mgCaAbsentBelow)),
          ("mg_ca_present_above", .number(settings.mgCaPresentAbove)),
          ("require_xrf", .bool(settings.requireXRF)),
        ])
      ),
    ])
  }
}

/// Combines, per measurement point (run id + point id), the latest Raman and XRF results into a
/// verdict, and keeps per-run tallies for the `run-end` summary. A pure value type: the daemon
/// wraps it in a lock and shares it between instrument sessions.
public struct PointFusion: Sendable {
  /// The rule's thresholds.
  public let settings: FusionSettings

  private struct Key: Hashable {
    var run: String
    var point: String
  }

  private struct Evidence {
    var raman: RamanEvidence?
    var xrf: XRFEvidence?
    var verdict: WhitlockiteVerdict = .indeterminate
  }

  /// Per-run counts.
  public struct RunTally: Sendable, Equatable {
    /// Raman spectra analysed.
    public var ramanSpectra = 0
    /// Raman spectra showing a calcification (type ≠ none).
    public var calcificationSpectra = 0
    /// Calcification spectra whose own Raman call is `present`.
    public var whitlockiteSpectra = 0
    /// XRF spectra analysed.
    public var xrfSpectra = 0
    /// Latest verdict per point, counted.
    public var verdicts: [WhitlockiteVerdict: Int] = [:]
    /// Points seen.
    public var points = 0
  }

  private var points: [Key: Evidence] = [:]
  private var runs: [String: RunTally] = [:]
  /// Points in the order they were first seen, oldest at `pointsHead`, for eviction.
  private var pointOrder: [Key] = []
  private var pointsHead = 0
  /// Runs in the order they were first seen, for eviction.
  private var runOrder: [String] = []

  /// Points whose evidence is kept. Older points keep their counted verdict in the run tally but
  /// their evidence is dropped, so memory stays bounded however long a run lasts (a 100 spectra/s
  /// map makes ~45,000 points an hour); evidence for a point arrives within seconds of its first
  /// spectrum, thousands of points before it would be dropped.
  public let pointCapacity: Int
  /// Runs whose tallies are kept: the current one and recent ones whose `run-end` records other
  /// instruments may still be writing.
  public let runCapacity: Int

  /// Creates an empty fusion with `settings`, keeping evidence for the latest `pointCapacity`
  /// points and tallies for the latest `runCapacity` runs.
  public init(
    settings: FusionSettings = FusionSettings(), pointCapacity: Int = 4096, runCapacity: Int = 16
  ) {
    self.settings = settings
    self.pointCapacity = max(pointCapacity, 1)
    self.runCapacity = max(runCapacity, 1)
  }

  /// Notes a first sighting of `key` (and of its run), evicting the oldest beyond the capacities.
  private mutating func remember(_ key: Key) {
    if runs[key.run] == nil {
      runOrder.append(key.run)
      if runOrder.count > runCapacity { runs[runOrder.removeFirst()] = nil }
    }
    pointOrder.append(key)
    if pointOrder.count - pointsHead > pointCapacity {
      points[pointOrder[pointsHead]] = nil
      pointsHead += 1
      // Compact now and then so the order list does not grow either.
      if pointsHead >= pointCapacity {
        pointOrder.removeFirst(pointsHead)
        pointsHead = 0
      }
    }
  }

  /// Records a Raman result at a point and returns the point's new verdict.
  public mutating func record(raman: RamanEvidence, run: String, point: String) -> FusedVerdict {
    let key = Key(run: run, point: point)
    if points[key] == nil { remember(key) }
    var evidence = points[key] ?? Evidence()
    var tally = runs[run] ?? RunTally()
    if points[key] == nil { tally.points += 1 }
    tally.ramanSpectra += 1
    if raman.calcificationType != .none { tally.calcificationSpectra += 1 }
    if Self.ramanCall(raman, settings) == .present { tally.whitlockiteSpectra += 1 }
    evidence.raman = raman
    runs[run] = tally
    return update(key, evidence)
  }

  /// Records an XRF result at a point and returns the point's new verdict.
  public mutating func record(xrf: XRFEvidence, run: String, point: String) -> FusedVerdict {
    let key = Key(run: run, point: point)
    if points[key] == nil { remember(key) }
    var evidence = points[key] ?? Evidence()
    var tally = runs[run] ?? RunTally()
    if points[key] == nil { tally.points += 1 }
    tally.xrfSpectra += 1
    evidence.xrf = xrf
    runs[run] = tally
    return update(key, evidence)
  }

  private mutating func update(_ key: Key, _ evidence: Evidence) -> FusedVerdict {
    var evidence = evidence
    let fused = Self.decide(raman: evidence.raman, xrf: evidence.xrf, settings: settings)
    var tally = runs[key.run] ?? RunTally()
    if points[key] != nil {
      tally.verdicts[evidence.verdict, default: 0] -= 1
    }
    tally.verdicts[fused.verdict, default: 0] += 1
    evidence.verdict = fused.verdict
    points[key] = evidence
    runs[key.run] = tally
    var result = fused
    result.pointID = key.point
    return result
  }

  /// Points whose evidence is currently kept (at most `pointCapacity`).
  var retainedPoints: Int { points.count }
  /// Runs whose tallies are currently kept (at most `runCapacity`).
  var retainedRuns: Int { runs.count }

  /// The tally of a run.
  public func tally(run: String) -> RunTally { runs[run] ?? RunTally() }

  /// The run's `fusion` summary for `run-end`.
  public func summary(run: String) -> JSONValue {
    let tally = tally(run: run)
    let share =
      tally.calcificationSpectra > 0
      ? Double(tally.whitlockiteSpectra) / Double(tally.calcificationSpectra) : nil
    return .object([
      ("rule", .string(settings.ruleDescription)),
      ("points", .int(Int64(tally.points))),
      ("raman_spectra", .int(Int64(tally.ramanSpectra))),
      ("xrf_spectra", .int(Int64(tally.xrfSpectra))),
      ("calcification_spectra", .int(Int64(tally.calcificationSpectra))),
      ("whitlockite_spectra", .int(Int64(tally.whitlockiteSpectra))),
      ("whitlockite_spectra_fraction", .number(share)),
      (
        "verdicts",
        .object(
          WhitlockiteVerdict.allCases.map {
            ($0.rawValue, JSONValue.int(Int64(tally.verdicts[$0] ?? 0)))
          })
      ),
    ])
  }

  /// Raman's own call under the rule.
  public static func ramanCall(_ raman: RamanEvidence, _ settings: FusionSettings)
    -> WhitlockiteVerdict
  {
    let k = settings.sigmaMultiplier
    let t = settings.fractionThreshold
    guard let fraction = raman.fraction else {
      return raman.poorQuality ? .indeterminate : .absent
    }
    let sigma = raman.fractionSigma ?? .infinity
    if fraction - k * sigma >= t { return .present }
    if fraction + k * sigma < t { return .absent }
    return .indeterminate
  }

  /// The verdict for one point's evidence.
  public static func decide(
    raman: RamanEvidence?, xrf: XRFEvidence?, settings: FusionSettings
  ) -> FusedVerdict {
    let k = settings.sigmaMultiplier
    var xrfCall = "missing"
    if let xrf {
      xrfCall = "neutral"
      if let ratio = xrf.mgCa {
        let sigma = xrf.mgCaSigma ?? .infinity
        if ratio - k * sigma >= settings.mgCaPresentAbove { xrfCall = "supports" }
        if ratio + k * sigma < settings.mgCaAbsentBelow { xrfCall = "contradicts" }
      } else if let limit = xrf.mgCaDetectionLimit, limit < settings.mgCaAbsentBelow {
        // Mg below detection, and even the detection limit is below the threshold.
        xrfCall = "contradicts"
      }
    }
    guard let raman else {
      return FusedVerdict(
        pointID: "", verdict: .indeterminate, ramanCall: "missing", xrfCall: xrfCall, raman: nil,
        xrf: xrf)
    }
    let call = ramanCall(raman, settings)
    var verdict: WhitlockiteVerdict
    switch call {
    case .present:
      if xrfCall == "contradicts" || (settings.requireXRF && xrfCall != "supports") {
        verdict = .indeterminate
      } else {
        verdict = .present
      }
    case .absent: verdict = .absent
    case .indeterminate: verdict = .indeterminate
    }
    return FusedVerdict(
      pointID: "", verdict: verdict, ramanCall: call.rawValue, xrfCall: xrfCall, raman: raman,
      xrf: xrf)
  }
}

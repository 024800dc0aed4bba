import Foundation
import WhitlockCore

/// The run a record belongs to: one sample (or calibration) measured by one or more instruments.
public struct RunContext: Sendable, Equatable {
  /// Unique id of the run (a UUID), shared by the records of every instrument in it.
  public var runID: String
  /// The sample being measured, when the operator gave one.
  public var sampleID: String?
  /// Who started the run, when known.
  public var operatorName: String?
  /// The measurement point on the sample, when the operator gave one.
  public var pointID: String?
  /// When the run started.
  public var startedAt: Date

  public init(
    runID: String, sampleID: String? = nil, operatorName: String? = nil, pointID: String? = nil,
    startedAt: Date
  ) {
    self.runID = runID
    self.sampleID = sampleID
    self.operatorName = operatorName
    self.pointID = pointID
    self.startedAt = startedAt
  }

  /// Whether an operator started this run for a sample (automatic runs have no sample id).
  public var isOperatorRun: Bool { sampleID != nil }
}

/// What happened to one instrument during a run, written into its `run-end` record.
public struct RunSummary: Sendable, Equatable {
  /// Why the run ended for this instrument, e.g. `shutdown`, `stopped`, `device-lost`.
  public var reason: String
  /// Acquisitions that completed on the device.
  public var acquisitionsCompleted: UInt64
  /// Acquisitions written to the spool.
  public var acquisitionsSpooled: UInt64
  /// Acquisitions started but aborted before the device finished them (never recorded as data).
  public var acquisitionsInterrupted: UInt64
  /// Acquisitions that had to be dropped (queue overflow); counted, never silent.
  public var acquisitionsDropped: UInt64
  /// Device or protocol errors seen during the run.
  public var errors: UInt64
  /// The run's fused whitlockite summary (written as `summary.fusion`), when the daemon fuses.
  public var fusion: JSONValue? = nil

  public init(
    reason: String, acquisitionsCompleted: UInt64 = 0, acquisitionsSpooled: UInt64 = 0,
    acquisitionsInterrupted: UInt64 = 0, acquisitionsDropped: UInt64 = 0, errors: UInt64 = 0
  ) {
    self.reason = reason
    self.acquisitionsCompleted = acquisitionsCompleted
    self.acquisitionsSpooled = acquisitionsSpooled
    self.acquisitionsInterrupted = acquisitionsInterrupted
    self.acquisitionsDropped = acquisitionsDropped
    self.errors = errors
  }
}

/// One line of a spool segment, before it has a sequence number.
public enum SpoolRecord: Sendable {
  /// An instrument joins a run; `settings` records how it was configured.
  case runStart(run: RunContext, instrument: InstrumentIdentity, settings: JSONValue, time: Date)
  /// One spectrum with its detection result.
  case acquisition(run: RunContext, acquisition: Acquisition, detection: JSONValue)
  /// An instrument leaves a run, with its tally.
  case runEnd(run: RunContext, instrument: InstrumentIdentity, summary: RunSummary, time: Date)
  /// A dark spectrum that later spectra of the instrument subtract and name.
  case dark(run: RunContext, dark: DarkFrame)
  /// A wavenumber-axis calibration the daemon acquired on request (`calibration` holds its id,
  /// version, state — `in-force`, `restored` (from the state file) or `refused` with the reason —,
  /// the axis, the verification and the lamp and standard spectra); later spectra of the
  /// instrument name the one in force.
  case calibration(
    run: RunContext, instrument: InstrumentIdentity, calibration: JSONValue, time: Date)
  /// A map starts: its plan (`ScanPlan.recordValue`), written before the stage first moves.
  /// `instrument` is the one taking the plan's first technique.
  case mapPlan(run: RunContext, instrument: InstrumentIdentity, plan: JSONValue, time: Date)
  /// A map ended (`map` holds `map_id`, `state` complete or aborted, `points_done`,
  /// `points_total`): a restarted daemon does not resume it.
  case mapEnd(run: RunContext, instrument: InstrumentIdentity, map: JSONValue, time: Date)

  /// The record's `type` member.
  public var typeName: String {
    switch self {
    case .runStart: return "run-start"
    case .acquisition: return "acquisition"
    case .runEnd: return "run-end"
    case .dark: return "dark"
    case .calibration: return "calibration"
    case .mapPlan: return "map-plan"
    case .mapEnd: return "map-end"
    }
  }
}

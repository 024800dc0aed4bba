import Detection
import Synchronization
import WhitlockCore

/// The per-point fusion shared by every instrument session of the daemon.
///
/// Sessions analyse synchronously inside their analysis task, so the shared state sits behind a
/// `Mutex` rather than in an actor: recording a result holds the lock for microseconds and needs
/// no `await` (and no change to how sessions run). Each result is recorded under the run id and
/// the point id of its acquisition (`point_id` in the acquisition parameters, which simulated
/// instruments set from their schedule, or in the simulation truth).
public final class FusionHub: Sendable {
  private let state: Mutex<PointFusion>
  /// The runs records belong to: a result is recorded under the run current when it arrives.
  private let runs: RunController
  /// The rule's thresholds.
  public let settings: FusionSettings

  /// Creates an empty hub that files results under the current run of `runs`.
  public init(runs: RunController, settings: FusionSettings) {
    self.runs = runs
    self.settings = settings
    state = Mutex(PointFusion(settings: settings))
  }

  /// The point an acquisition was taken at, if the instrument says.
  public static func pointID(of acquisition: Acquisition) -> String? {
    for (key, value) in acquisition.parameters where key == "point_id" {
      if let text = value.stringValue { return text }
    }
    return acquisition.simulationTruth?["point_id"]?.stringValue
  }

  /// Records a Raman result; returns the point's `fusion` object, or nil without a point id.
  public func record(raman: RamanAnalysis, of acquisition: Acquisition) -> JSONValue? {
    guard let point = Self.pointID(of: acquisition) else { return nil }
    let fused = state.withLock {
      $0.record(raman: RamanEvidence(raman), run: runs.current.runID, point: point)
    }
    return fused.jsonValue(settings: settings)
  }

  /// Records an XRF result; returns the point's `fusion` object, or nil without a point id.
  public func record(xrf: XRFAnalysis, of acquisition: Acquisition) -> JSONValue? {
    guard let point = Self.pointID(of: acquisition) else { return nil }
    let fused = state.withLock {
      $0.record(xrf: XRFEvidence(xrf), run: runs.current.runID, point: point)
    }
    return fused.jsonValue(settings: settings)
  }

  /// The summary of run `runID` for its `run-end`.
  public func summary(run runID: String) -> JSONValue {
    state.withLock { $0.summary(run: runID) }
  }
}

import Calibration
import Monitor
import Synchronization
import WhitlockCore

/// Axis-calibration requests waiting for a session's acquisition loop, which takes the lamp and
/// standard spectra between two sample spectra (never during one) and answers each request with
/// its calibration record's `calibration` object, or a refusal.
final class CalibrationRequests: Sendable {
  struct Waiting: Sendable {
    var request: AxisCalibrationRequest
    var continuation: CheckedContinuation<JSONValue, any Error>
  }

  private struct State {
    var open = true
    var waiting: [Waiting] = []
  }

  private let state = Mutex(State())

  /// Waits until the session has carried out `request`.
  func submit(_ request: AxisCalibrationRequest) async throws -> JSONValue {
    try await withCheckedThrowingContinuation { continuation in
      let queued = state.withLock { state -> Bool in
        guard state.open else { return false }
        state.waiting.append(Waiting(request: request, continuation: continuation))
        return true
      }
      if !queued {
        continuation.resume(throwing: ControlRefusal("the instrument's session has ended"))
      }
    }
  }

  /// Whether anyone is waiting.
  var pending: Bool { state.withLock { !$0.waiting.isEmpty } }

  /// Everyone waiting now, in order; the caller answers them.
  func take() -> [Waiting] {
    state.withLock { state in
      defer { state.waiting = [] }
      return state.waiting
    }
  }

  /// Refuses everyone waiting and every later request.
  func close() {
    let waiting = state.withLock { state in
      state.open = false
      defer { state.waiting = [] }
      return state.waiting
    }
    for item in waiting {
      item.continuation.resume(throwing: ControlRefusal("the instrument's session has ended"))
    }
  }
}

/// The axis calibration a session's spectra are analysed on since the daemon started.
struct AxisCalibrationBook: Sendable {
  /// The calibration acquired online and in force; `nil`: the configured `[calibration.axis]`
  /// (or the device axis) still applies.
  var online: WavenumberCalibration?
  /// The calibration in force: the online one, else the configured one.
  var inForce: WavenumberCalibration?
  /// Calibrations accepted online so far (the version of the one in force; 0: none).
  var version = 0
}

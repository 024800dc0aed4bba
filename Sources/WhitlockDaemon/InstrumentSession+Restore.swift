import Calibration
import Foundation
import Logging
import Monitor
import Spool
import WhitlockCore

/// What the state file offered at open and the first spectrum still has to confirm: the
/// device's axis and pixel count are known only once it delivered one.
struct PendingRestore: Sendable {
  var path: String
  var device: InstrumentStateFile.Device
  var calibration: (WavenumberCalibration, InstrumentStateFile.Calibration)?
  var darkOffered: Bool
}

extension InstrumentSession {
  /// The instrument's state file, `nil` when the session keeps no state.
  var keptStatePath: String? {
    settings.stateDirectory.map {
      InstrumentStateFile.path(directory: $0, instrumentID: instrumentID)
    }
  }

  /// Replaces the state file with the kept state changed by `update`, for the device the state
  /// now describes (a state of another device starts afresh). A failure is logged; the
  /// calibration or dark stays in force for this daemon's life.
  func keep(
    device identity: InstrumentIdentity, axis: AxisCalibration, pixels: Int,
    _ update: @Sendable (inout InstrumentStateFile) -> Void
  ) async {
    guard let path = keptStatePath else { return }
    let device = InstrumentStateFile.Device(
      model: identity.model, serial: identity.serial, pixels: pixels, axis: axis)
    let state = keptState.withLock { kept -> InstrumentStateFile in
      var state =
        kept.flatMap { $0.device == device ? $0 : nil }
        ?? InstrumentStateFile(instrument: instrumentID, device: device)
      update(&state)
      kept = state
      return state
    }
    await write(state, to: path)
  }

  /// Writes `state` durably to `path`; a failure is logged.
  private func write(_ state: InstrumentStateFile, to path: String) async {
    do {
      try await offPool { try state.write(to: path) }
    } catch let problem as StateFileProblem {
      logger.error(
        "cannot keep the calibration and dark across restarts",
        metadata: ["file": "\(problem.path)", "reason": "\(problem.reason)"])
    } catch {
      logger.error("cannot keep the calibration and dark across restarts: \(error)")
    }
  }

  /// Reads the state file after the first open and offers what still applies to `identity`:
  /// the dark to the acquisition chain (used from the first frame of the same device axis), the
  /// calibration to the first spectrum (`completeRestore`). A calibration whose configured
  /// `[calibration.axis]` changed since is set aside, logged and recorded.
  func restoreKeptState(identity: InstrumentIdentity, run: RunContext) async {
    guard let path = keptStatePath else { return }
    let id = instrumentID
    let loaded = await offPool { InstrumentStateFile.load(path: path, instrumentID: id) }
    let state: InstrumentStateFile
    switch loaded {
    case nil: return
    case .failure(let problem)?:
      ignore(problem)
      return
    case .success(let read)?:
      state = read
    }
    guard state.device.model == identity.model, state.device.serial == identity.serial else {
      ignore(
        StateFileProblem(
          path: path,
          reason:
            "made on \(state.device.model) serial \(state.device.serial), this is \(identity.model) serial \(identity.serial)"
        ))
      return
    }
    guard let deviceAxis = state.device.axis else {
      ignore(StateFileProblem(path: path, reason: "device.axis missing"))
      return
    }
    var kept = state
    var pending = PendingRestore(
      path: path, device: state.device, calibration: nil, darkOffered: false)
    if let stored = state.calibration {
      let configured = settings.axisCalibration?.id
      if let calibration = stored.wavenumberCalibration, calibration.id == stored.id {
        if stored.configuredID == configured {
          pending.calibration = (calibration, stored)
        } else {
          let message =
            "the configuration's [calibration.axis] is \(configured ?? "none"), the calibration "
            + "\(stored.id) kept in \(path) was made over \(stored.configuredID ?? "none"): "
            + "the configuration wins"
          logger.warning(
            "kept calibration not restored: the configuration changed",
            metadata: ["file": "\(path)", "calibration": "\(stored.id)", "reason": "\(message)"])
          pump.submit(
            .calibration(
              run: run, instrument: identity,
              calibration: Self.keptCalibrationDocument(
                stored, calibration, device: state.device, path: path,
                refusal: ("configuration-changed", message), inForce: configured),
              time: Date()))
          kept.calibration = nil
        }
      } else {
        ignore(
          StateFileProblem(
            path: path, reason: "the calibration's parameters do not give its id \(stored.id)"))
        kept.calibration = nil
      }
    }
    if let dark = state.dark, let chain {
      await chain.offerRestoredDark(dark.frame(of: identity), deviceAxis: deviceAxis)
      pending.darkOffered = true
    } else {
      kept.dark = nil
    }
    keptState.withLock { $0 = kept }
    if kept.calibration != state.calibration {
      // Set aside for good: a configuration changed back later must not bring it back.
      await write(kept, to: path)
    }
    if pending.calibration != nil || pending.darkOffered {
      pendingRestore.withLock { $0 = pending }
    }
  }

  /// On the first spectrum after the state file was read: puts the kept calibration in force
  /// when the device axis and pixel count are the ones it was made on (and writes a `restored`
  /// calibration record), and logs what became of the kept dark.
  func completeRestore(on acquisition: Acquisition, run: RunContext) async {
    guard
      let pending = pendingRestore.withLock({ state in
        defer { state = nil }; return state
      })
    else { return }
    let sameDevice =
      acquisition.axis == pending.device.axis && acquisition.counts.count == pending.device.pixels
    if case (let calibration, let stored)? = pending.calibration {
      if sameDevice {
        axisBook.withLock { book in
          book.online = calibration
          book.inForce = calibration
          book.version = stored.version
        }
        logger.notice(
          "calibration restored",
          metadata: [
            "file": "\(pending.path)", "calibration": "\(stored.id)",
            "version": "\(stored.version)", "accepted": "\(stored.accepted)",
          ])
        pump.submit(
          .calibration(
            run: run, instrument: acquisition.instrument,
            calibration: Self.keptCalibrationDocument(
              stored, calibration, device: pending.device, path: pending.path, refusal: nil,
              inForce: stored.id),
            time: Date()))
      } else {
        ignore(
          StateFileProblem(
            path: pending.path,
            reason:
              "calibration \(stored.id) not restored: the device axis or pixel count is not the one it was made on"
          ))
        keptState.withLock { $0?.calibration = nil }
      }
    }
    if pending.darkOffered, let verdict = await chain?.takeRestoredDarkVerdict() {
      switch verdict {
      case .restored:
        let dark = await chain?.dark
        logger.notice(
          "dark restored",
          metadata: [
            "file": "\(pending.path)", "dark": "\(dark?.id ?? "")",
            "taken": "\(dark.map { UTCTimestamp.string(from: $0.takenAt) } ?? "")",
          ])
      case .deviceChanged(let reason):
        ignore(StateFileProblem(path: pending.path, reason: "dark not restored: \(reason)"))
        keptState.withLock { $0?.dark = nil }
      case .superseded:
        break
      }
    }
  }

  /// Logs why the state file (or part of it) is not used.
  private func ignore(_ problem: StateFileProblem) {
    logger.warning(
      "instrument state file ignored",
      metadata: ["file": "\(problem.path)", "reason": "\(problem.reason)"])
  }

  /// The `calibration` record of a calibration read from the state file: `restored` and in
  /// force, or refused with `refusal` (the configuration changed since).
  static func keptCalibrationDocument(
    _ stored: InstrumentStateFile.Calibration, _ calibration: WavenumberCalibration,
    device: InstrumentStateFile.Device, path: String,
    refusal: (reason: String, message: String)?, inForce: String?
  ) -> JSONValue {
    var verification: JSONValue = .null
    if let standard = stored.verificationStandard {
      verification = .object([
        ("standard", .string(standard)),
        ("rms_cm1", stored.verificationRMSCm1.map(JSONValue.number) ?? .null),
        ("limit_cm1", stored.verificationLimitCm1.map(JSONValue.number) ?? .null),
      ])
    }
    var deviceAxis: JSONValue = .null
    if case .wavelengthPolynomial(let coefficients, let excitation)? = device.axis {
      deviceAxis = .object([
        ("coefficients_nm", .array(coefficients.map(JSONValue.number))),
        ("excitation_nm", .number(excitation)),
      ])
    }
    let refusalMember: JSONValue =
      refusal.map {
        .object([("reason", .string($0.reason)), ("message", .string($0.message))])
      } ?? .null
    return .object([
      ("id", .string(stored.id)),
      ("state", .string(refusal == nil ? "restored" : "refused")),
      ("version", .int(Int64(refusal == nil ? stored.version : 0))),
      ("in_force_id", inForce.map(JSONValue.string) ?? .null),
      ("supersedes", stored.supersedes.map(JSONValue.string) ?? .null),
      ("lamp", .string(stored.lamp)),
      ("silicon_reference_cm1", .number(stored.siliconReferenceCm1)),
      ("refusal", refusalMember),
      ("axis", OnlineAxisCalibration.axisDocument(calibration)),
      ("verification", verification),
      ("device_axis", deviceAxis),
      ("spectra", .array([])),
      ("restored_from", .string(path)),
      ("accepted", .string(stored.accepted)),
    ])
  }
}

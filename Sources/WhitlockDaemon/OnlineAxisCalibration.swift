import Calibration
import Foundation
import Monitor
import WhitlockCore

/// The online axis calibration of one instrument: the lamp, silicon and the verification
/// standard placed in the beam in turn and acquired through the session's acquisition chain,
/// the calibration computed with the very code `whitlockctl calibrate axis` runs on files
/// (`AxisCalibrator`), and verified on the standard (`StandardCheck`).
enum OnlineAxisCalibration {
  /// Why a calibration is not put in force.
  struct Refusal: Sendable, Equatable {
    /// `lamp-too-weak`, `lamp-lines-unmatched`, `silicon-not-found`,
    /// `verification-bands-not-found`, `verification-residual-too-large`, `saturated`,
    /// `acquisition-failed`.
    var reason: String
    var message: String
  }

  /// What one attempt gave.
  struct Outcome: Sendable {
    var calibration: WavenumberCalibration?
    var check: StandardCheck?
    var refusal: Refusal?
    var spectra: [(target: CalibrationTarget, acquisition: Acquisition)] = []
  }

  /// Places each target with `changer`, acquires it with `chain` and computes the calibration.
  /// The sample is back in the beam when it returns.
  static func attempt(
    _ request: AxisCalibrationRequest, instrumentID: String, chain: AcquisitionChain,
    changer: any CalibrationTargetChanger, now: Date = Date()
  ) async -> Outcome {
    var outcome = Outcome()
    var targets: [CalibrationTarget] = [request.lamp, .silicon]
    if let verify = request.verify { targets.append(verify) }
    do {
      for target in targets {
        try await changer.present(target)
        let acquisition = try await chain.acquireTarget(lit: !target.isLamp)
        outcome.spectra.append((target, acquisition))
      }
    } catch let error as SaturatedSpectrumError {
      outcome.refusal = Refusal(
        reason: "saturated",
        message:
          "\(outcome.spectra.count < targets.count ? targets[outcome.spectra.count].rawValue : "target"): \(error)"
      )
    } catch {
      outcome.refusal = Refusal(reason: "acquisition-failed", message: "\(error)")
    }
    try? await changer.present(nil)
    guard outcome.refusal == nil else { return outcome }

    let spectra = outcome.spectra.map { spectrum(of: $0.acquisition, instrumentID, $0.target) }
    guard let lamp = spectra[0], let silicon = spectra[1] else {
      outcome.refusal = Refusal(
        reason: "acquisition-failed",
        message:
          "\(instrumentID) reports no wavelength axis; only a pixel→wavelength axis calibrates")
      return outcome
    }
    let calibration: WavenumberCalibration
    do {
      calibration = try AxisCalibrator.calibrate(
        lamp: lamp, lampKind: CalibrationLamp(rawValue: request.lamp.rawValue) ?? .neon,
        silicon: silicon, excitationNanometres: nil,
        siliconReference: request.siliconReferenceCm1, created: UTCTimestamp.string(from: now))
    } catch {
      outcome.refusal = refusal(error, lamp: lamp.source)
      return outcome
    }
    outcome.calibration = calibration
    guard let verify = request.verify, let standard = ReferenceStandard(rawValue: verify.rawValue),
      let measured = spectra.last ?? nil
    else { return outcome }
    let check = StandardCheck(
      standard: standard, spectrum: measured, calibration: calibration,
      siliconReference: request.siliconReferenceCm1)
    outcome.check = check
    guard let rms = check.rms else {
      outcome.refusal = Refusal(
        reason: "verification-bands-not-found",
        message:
          "none of the \(standard.rawValue) bands \(check.bands.map { MeasurementText.rounded($0.reference) }.joined(separator: ", ")) cm⁻¹ was found in its spectrum; is \(standard.rawValue) in the beam?"
      )
      return outcome
    }
    if rms > request.maximumResidualCm1 {
      outcome.refusal = Refusal(
        reason: "verification-residual-too-large",
        message:
          "the \(standard.rawValue) bands sit \(MeasurementText.rounded(rms)) cm⁻¹ (RMS) from their reference positions on the new axis, more than the \(MeasurementText.rounded(request.maximumResidualCm1)) cm⁻¹ allowed"
      )
    }
    return outcome
  }

  /// The refusal a `CalibrationError` stands for: the calibrator names the file at fault.
  static func refusal(_ error: CalibrationError, lamp: String) -> Refusal {
    if error.file != lamp {
      return Refusal(reason: "silicon-not-found", message: error.description)
    }
    if error.message.contains("stand 8× above the noise") {
      return Refusal(reason: "lamp-too-weak", message: error.description)
    }
    return Refusal(reason: "lamp-lines-unmatched", message: error.description)
  }

  /// A spectrum on its device axis as the calibrator takes it; `nil` for an energy axis.
  static func spectrum(
    of acquisition: Acquisition, _ instrumentID: String, _ target: CalibrationTarget
  ) -> VendorSpectrum? {
    guard case .wavelengthPolynomial(_, let excitation) = acquisition.axis else { return nil }
    let shifts = acquisition.counts.indices.map {
      acquisition.axis.axisValue(atChannel: Double($0))
    }
    return VendorSpectrum(
      source: "\(instrumentID):\(target.rawValue)", shifts: shifts,
      intensities: acquisition.counts.map(Double.init), statedExcitationNanometres: excitation)
  }

  /// Scans averaged into a spectrum (1 when the chain did not say).
  static func scans(_ acquisition: Acquisition) -> Int64 {
    if case .int(let scans)? = acquisition.parameters.first(where: { $0.0 == "scans_to_average" })?
      .1,
      scans >= 1
    {
      return scans
    }
    return 1
  }

  /// The record's `axis` object of a calibration.
  static func axisDocument(_ calibration: WavenumberCalibration) -> JSONValue {
    .object([
      ("id", .string(calibration.id)),
      ("created", .string(calibration.created)),
      ("lamp", .string(calibration.lamp.rawValue)),
      ("vendor_excitation_nm", .number(calibration.vendorExcitationNanometres)),
      ("laser_wavenumber_cm1", .number(calibration.laserWavenumber)),
      ("excitation_nm", .number(calibration.excitationNanometres)),
      ("correction_centre_cm1", .number(calibration.correctionCentre)),
      ("correction_half_range_cm1", .number(calibration.correctionHalfRange)),
      ("correction_cm1", .array(calibration.correction.map(JSONValue.number))),
      ("silicon_vendor_shift_cm1", .number(calibration.siliconVendorShift)),
      ("lines_matched", .int(Int64(calibration.linesMatched))),
      ("line_fit_rms_cm1", .number(calibration.lineFitRMS)),
    ])
  }

  /// The record's `calibration` object.
  static func document(
    _ outcome: Outcome, request: AxisCalibrationRequest, inForce: WavenumberCalibration?,
    previous: WavenumberCalibration?, version: Int
  ) -> JSONValue {
    let axis = outcome.calibration.map(axisDocument) ?? .null
    var verification: JSONValue = .null
    if let check = outcome.check {
      verification = .object([
        ("standard", .string(check.standard.rawValue)),
        ("rms_cm1", .number(check.rms)),
        ("limit_cm1", .number(request.maximumResidualCm1)),
        (
          "bands",
          .array(
            check.bands.map { band -> JSONValue in
              .object([
                ("reference_cm1", .number(band.reference)),
                ("measured_cm1", .number(band.measured)),
                ("residual_cm1", .number(band.residual)),
              ])
            })
        ),
      ])
    }
    let spectra = outcome.spectra.map { item -> JSONValue in
      .object([
        ("target", .string(item.target.rawValue)),
        ("exposure_s", .number(item.acquisition.exposureSeconds)),
        ("scans_to_average", .int(scans(item.acquisition))),
        ("device_seq", .int(Int64(clamping: item.acquisition.deviceSequence))),
        ("parameters", .object(item.acquisition.parameters)),
        ("counts", .array(item.acquisition.counts.map { JSONValue.int(Int64($0)) })),
      ])
    }
    var deviceAxis: JSONValue = .null
    if case .wavelengthPolynomial(let coefficients, let excitation) = outcome.spectra.first?
      .acquisition.axis
    {
      deviceAxis = .object([
        ("coefficients_nm", .array(coefficients.map(JSONValue.number))),
        ("excitation_nm", .number(excitation)),
      ])
    }
    let id: JSONValue = outcome.calibration.map { JSONValue.string($0.id) } ?? .null
    let inForceID: JSONValue = inForce.map { JSONValue.string($0.id) } ?? .null
    var supersedes: JSONValue = .null
    if outcome.refusal == nil, let previous { supersedes = .string(previous.id) }
    var refusal: JSONValue = .null
    if let refused = outcome.refusal {
      refusal = .object([
        ("reason", .string(refused.reason)), ("message", .string(refused.message)),
      ])
    }
    let members: [(String, JSONValue)] = [
      ("id", id),
      ("state", .string(outcome.refusal == nil ? "in-force" : "refused")),
      ("version", .int(Int64(version))),
      ("in_force_id", inForceID),
      ("supersedes", supersedes),
      ("lamp", .string(request.lamp.rawValue)),
      ("silicon_reference_cm1", .number(request.siliconReferenceCm1)),
      ("refusal", refusal),
      ("axis", axis),
      ("verification", verification),
      ("device_axis", deviceAxis),
      ("spectra", .array(spectra)),
    ]
    return .object(members)
  }
}

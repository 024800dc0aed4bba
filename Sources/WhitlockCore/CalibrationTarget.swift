/// What can stand in an instrument's beam instead of the sample while it is calibrated: an
/// emission lamp (its lines fix the wavelength axis) or a Raman standard (silicon zeroes the
/// laser; the others verify the axis).
public enum CalibrationTarget: String, Sendable, CaseIterable {
  case neon
  case argon
  case silicon
  case polystyrene
  case calcite
  case cyclohexane
  case paracetamol

  /// Whether the target emits light of its own (a lamp); a lamp is measured with the
  /// instrument's laser off, a standard with it on.
  public var isLamp: Bool { self == .neon || self == .argon }
}

/// Puts a calibration target in an instrument's beam, or the sample back (`nil`): a motorised
/// target changer, or the device emulation, whose "operator" swaps the target on request.
public protocol CalibrationTargetChanger: Sendable {
  /// Places `target` in the beam (`nil`: the sample). Returns once it is in place.
  func present(_ target: CalibrationTarget?) async throws
}

/// An instrument that may have a `CalibrationTargetChanger`: the daemon then acquires lamp and
/// standard spectra on request without an operator at the bench.
public protocol PlacesCalibrationTargets: Instrument {
  /// The changer, `nil` when targets must be placed by hand.
  var calibrationTargets: (any CalibrationTargetChanger)? { get }
}

/// When an instrument's own light source (a Raman laser) may emit.
public enum EmissionPolicy: String, Sendable, CaseIterable {
  /// Only while an operator-started run (one with a sample id) is active; the default.
  case operatorRuns = "operator-runs"
  /// Whenever the instrument is open and acquiring, automatic runs included. Only for set-ups
  /// where continuous emission is safe (an enclosed sample chamber) and asked for explicitly.
  case continuous
}

/// An instrument with a light source that must be dark unless an operator is measuring a sample.
///
/// The daemon always acquires (in an automatic run when nobody started one), but a laser that
/// fires at nobody's sample is a hazard with no purpose. The session tells the instrument every
/// time an operator-started run begins or ends — at once, even while an exposure is in flight —
/// and before every acquisition; the instrument switches its source to match.
public protocol GatesEmissionOnOperatorRuns: Instrument {
  /// Whether an operator-started run is active now; `generation` increases with every change of
  /// run, so news that arrives late (older than what the instrument applied) is ignored.
  /// Switching failures are not thrown: the instrument fails safe (source off) and reports the
  /// failure from its next `acquire()`.
  func operatorRunChanged(active: Bool, generation: UInt64) async
}

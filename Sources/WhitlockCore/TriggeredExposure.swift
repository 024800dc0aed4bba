/// An instrument that can take one exposure of a given length starting now, rather than the
/// next frame of its continuous acquisition: what a map point needs, where the exposure must
/// begin after the stage has settled and last as long as the plan says.
///
/// Instruments without it are still used by maps; they expose with their configured settings
/// (the record's `exposure_s` says what was used).
public protocol TakesTriggeredExposures: Instrument {
  /// Acquires one spectrum whose exposure starts now and lasts `exposureSeconds`.
  func acquireTriggered(exposureSeconds: Double) async throws -> Acquisition
}

/// The device side of a CR-terminated ASCII protocol (the stage controllers): lines in, reply
/// lines out, plus lines the device sends by itself when their time comes (a ProScan `R` at the
/// end of a move). Time is passed in, so the emulators are pure and tested without waiting.
public protocol LineDeviceEmulator: Sendable {
  /// The replies (without CR) to one received line (without CR), at `now`.
  mutating func receive(_ line: String, at now: ContinuousClock.Instant) -> [String]
  /// Lines due by `now` that the device sends unasked.
  mutating func due(at now: ContinuousClock.Instant) -> [String]
  /// When the next unasked line falls due, if any is pending.
  func nextDue() -> ContinuousClock.Instant?
  /// Moves accepted since the device was made (for the unplug fault).
  var movesAccepted: Int { get }
}

import WhitlockCore

/// An instrument's connection state as the live view shows it.
public enum InstrumentState: Sendable, Equatable {
  /// Trying to open the device.
  case opening
  /// Open and acquiring.
  case open(InstrumentIdentity)
  /// The last attempt failed; the session retries.
  case failed(String)
  /// The device was unplugged; the session resumes when it returns.
  case waitingForDevice
  /// Closed for good (shutdown).
  case closed

  /// The state's name in the API: `opening`, `open`, `failed`, `waiting-for-device`,
  /// `closed`.
  public var name: String {
    switch self {
    case .opening: return "opening"
    case .open: return "open"
    case .failed: return "failed"
    case .waitingForDevice: return "waiting-for-device"
    case .closed: return "closed"
    }
  }
}

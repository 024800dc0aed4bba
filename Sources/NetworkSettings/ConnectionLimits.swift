/// How many connections the monitor holds and for how long, so that no number of local clients
/// can take the descriptors the spool needs or keep the daemon's memory growing.
public struct ConnectionLimits: Sendable, Equatable {
  /// Connections served at once; beyond it new ones wait in the kernel's listen queue (no
  /// descriptor is used) until one closes.
  public var maxConnections = 2048
  /// A connection that has sent no complete request head for this long — idle keep-alive, or a
  /// client trickling its headers — is closed. Requests being answered are not affected.
  public var idleTimeoutSeconds = 5.0
  /// A client that stops reading a response (a live-event stream) for this long is disconnected.
  public var stalledClientSeconds = 10.0
  /// Descriptors always left for the rest of the daemon (spool segments, devices, the journal).
  public static let reservedDescriptors = 256

  public init() {}

  /// The connection cap that fits under a descriptor limit of `descriptorLimit`, keeping
  /// `reservedDescriptors` for the rest of the daemon.
  public func effectiveMaxConnections(descriptorLimit: Int) -> Int {
    max(16, min(maxConnections, descriptorLimit - Self.reservedDescriptors))
  }
}

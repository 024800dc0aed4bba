/// The live hub's buffer sizes and client limit: what `[monitor]` sets for server-sent events.
public struct LiveHubSettings: Sendable, Equatable {
  /// Events buffered per client before the client is dropped as a laggard.
  public var clientBuffer = 512
  /// Recent events kept for clients that reconnect with `Last-Event-ID`.
  public var history = 2048
  /// Live clients served at once (`subscribeWithinLimit`); more are refused, so a flood of
  /// connections cannot exhaust memory or descriptors.
  public var maxClients = 32

  public init(clientBuffer: Int = 512, history: Int = 2048, maxClients: Int = 32) {
    self.clientBuffer = clientBuffer
    self.history = history
    self.maxClients = maxClients
  }
}

import NetworkSettings
import Synchronization
import WhitlockCore

/// The meeting point of instrument sessions (publishers) and live clients (subscribers).
///
/// Publishing never waits: each event is encoded once, kept in a bounded history for
/// `Last-Event-ID` resumption, and offered to every client's bounded buffer. A client whose buffer
/// is full has stopped keeping up; it is disconnected and counted instead of slowing anyone
/// down (it may reconnect and resume from the history).
public final class LiveHub: Sendable {
  /// Sizes of the hub's buffers (`[monitor]` keys).
  public typealias Settings = LiveHubSettings

  /// Counters for metrics and the status endpoint.
  public struct Counters: Sendable, Equatable {
    public var published: UInt64 = 0
    public var clients = 0
    public var clientsDropped: UInt64 = 0
    /// Clients refused because `maxClients` were already connected.
    public var clientsRefused: UInt64 = 0
    public var lastEventID: UInt64 = 0
  }

  private struct State {
    var nextID: UInt64 = 1
    var history: EventHistory
    var latest: [String: LiveEvent] = [:]
    var subscribers: [UInt64: AsyncStream<LiveEvent>.Continuation] = [:]
    var nextSubscriber: UInt64 = 1
    var counters = Counters()
    var closed = false
  }

  private let state: Mutex<State>
  public let settings: Settings
  /// The current map's points, from the published `map` and acquisition events, for a page
  /// opened mid-map (`GET /api/v1/maps/current/points`).
  public let mapBoard = LiveMapBoard()
  private let onClientDropped: @Sendable () -> Void

  /// - Parameter onClientDropped: called (outside the hub's lock) for every laggard dropped.
  public init(settings: Settings = Settings(), onClientDropped: @escaping @Sendable () -> Void = {})
  {
    self.settings = settings
    self.onClientDropped = onClientDropped
    state = Mutex(State(history: EventHistory(capacity: settings.history)))
  }

  /// Publishes an event and returns it with its id.
  ///
  /// - Parameter snapshotKey: when given, the event is also remembered as the latest of its key
  ///   (e.g. `acquisition:raman-1`) and sent to new clients that connect without `Last-Event-ID`,
  ///   so a page shows the current picture at once.
  @discardableResult
  public func publish(_ kind: LiveEvent.Kind, _ value: JSONValue, snapshotKey: String? = nil)
    -> LiveEvent
  {
    let data = LiveEvent.encode(value)
    let (event, laggards) = state.withLock {
      state -> (LiveEvent, [AsyncStream<LiveEvent>.Continuation]) in
      let event = LiveEvent(id: state.nextID, kind: kind, data: data)
      state.nextID += 1
      state.history.append(event)
      // Under the hub's lock, so the board sees events in id order (it takes no other lock).
      mapBoard.observe(kind, value)
      if let snapshotKey { state.latest[snapshotKey] = event }
      state.counters.published += 1
      state.counters.lastEventID = event.id
      var laggards: [AsyncStream<LiveEvent>.Continuation] = []
      for (key, continuation) in state.subscribers {
        if case .dropped = continuation.yield(event) {
          state.subscribers.removeValue(forKey: key)
          laggards.append(continuation)
        }
      }
      state.counters.clientsDropped += UInt64(laggards.count)
      state.counters.clients = state.subscribers.count
      return (event, laggards)
    }
    // Finished outside the lock: finishing runs the stream's termination handler, which takes it.
    for continuation in laggards {
      continuation.finish()
      onClientDropped()
    }
    return event
  }

  /// A live client's view: what it missed (replayed first), then the live events.
  public struct Subscription: Sendable {
    /// Events to send before the live ones: those after `Last-Event-ID` from the history, or the
    /// latest snapshot events for a new client.
    public var replay: [LiveEvent]
    /// Events newer than the replay whose ids the history no longer holds.
    public var missed: UInt64
    /// The live events; ends when the client is dropped as a laggard or the hub closes.
    public var events: AsyncStream<LiveEvent>
  }

  /// Registers a client. Replay and live stream are taken under one lock, so no event is lost or
  /// sent twice between them.
  public func subscribe(lastEventID: UInt64?) -> Subscription {
    // Without a limit a subscription is always made.
    subscribe(lastEventID: lastEventID, limit: nil)!
  }

  /// Registers a client unless `settings.maxClients` are already connected; then returns `nil`
  /// and counts the refusal (`Counters.clientsRefused`). The check and the registration happen
  /// under one lock, so concurrent clients cannot overshoot the limit.
  public func subscribeWithinLimit(lastEventID: UInt64?) -> Subscription? {
    subscribe(lastEventID: lastEventID, limit: settings.maxClients)
  }

  private func subscribe(lastEventID: UInt64?, limit: Int?) -> Subscription? {
    let (stream, continuation) = AsyncStream.makeStream(
      of: LiveEvent.self, bufferingPolicy: .bufferingOldest(max(1, settings.clientBuffer)))
    let outcome = state.withLock { state -> (replay: [LiveEvent], missed: UInt64, key: UInt64?)? in
      if let limit, !state.closed, state.subscribers.count >= limit {
        state.counters.clientsRefused += 1
        return nil
      }
      var replay: [LiveEvent]
      var missed: UInt64 = 0
      if let lastEventID {
        (replay, missed) = state.history.events(after: lastEventID)
      } else {
        replay = state.latest.values.sorted { $0.id < $1.id }
      }
      if state.closed {
        continuation.finish()
        return (replay, missed, nil)
      }
      let key = state.nextSubscriber
      state.nextSubscriber += 1
      state.subscribers[key] = continuation
      state.counters.clients = state.subscribers.count
      return (replay, missed, key)
    }
    guard let outcome else {
      continuation.finish()
      return nil
    }
    if let key = outcome.key {
      continuation.onTermination = { [weak self] _ in self?.unsubscribe(key) }
    }
    return Subscription(replay: outcome.replay, missed: outcome.missed, events: stream)
  }

  private func unsubscribe(_ key: UInt64) {
    state.withLock { state in
      state.subscribers.removeValue(forKey: key)
      state.counters.clients = state.subscribers.count
    }
  }

  /// Ends every client's stream and refuses new ones: used at shutdown so the HTTP server can
  /// finish its open responses.
  public func close() {
    let continuations = state.withLock { state in
      state.closed = true
      defer { state.subscribers.removeAll() }
      state.counters.clients = 0
      return Array(state.subscribers.values)
    }
    for continuation in continuations { continuation.finish() }
  }

  /// A snapshot of the counters.
  public var counters: Counters { state.withLock { $0.counters } }
}

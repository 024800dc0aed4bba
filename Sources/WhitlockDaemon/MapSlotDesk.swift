import Synchronization
import WhitlockCore

/// One map slot handed to an instrument session: what to expose for, and how to report back.
///
/// The map service offers it after the stage has settled; the session takes it instead of
/// acquiring freely, attaches `mapMember` to the acquisition (and so to its record and live
/// event) and reports the outcome once with `finish`.
public final class MapTicket: Sendable {
  /// The record's `map` member: `map_id`, `grid_index`, `column`, `row`, `repeat`, `stage_um`.
  public let mapMember: JSONValue
  /// The plan's exposure for this technique, s.
  public let exposureSeconds: Double
  private let outcome: Mutex<CheckedContinuation<Outcome, Never>?>

  /// What became of the exposure.
  public enum Outcome: Sendable {
    /// The spectrum was acquired (and goes to analysis and the spool).
    case acquired
    /// The acquisition failed; the slot is offered again.
    case failed(String)
    /// The session stopped (shutdown) before the spectrum was acquired.
    case interrupted
  }

  init(
    mapMember: JSONValue, exposureSeconds: Double,
    continuation: CheckedContinuation<Outcome, Never>
  ) {
    self.mapMember = mapMember
    self.exposureSeconds = exposureSeconds
    outcome = Mutex(continuation)
  }

  /// Reports the outcome; only the first call counts.
  public func finish(_ result: Outcome) {
    outcome.withLock { continuation in
      continuation?.resume(returning: result)
      continuation = nil
    }
  }
}

/// Where map slots pass from the map service to the instrument sessions.
///
/// While a map measures a technique, that technique's session asks here before every
/// acquisition and waits for a slot: it takes no free-running spectra at positions the map did
/// not choose. Without a map for its technique it is answered `nil` at once and acquires as
/// always. One slot per technique is outstanding at a time.
public final class MapSlotDesk: Sendable {
  private struct Waiter {
    var id: UInt64
    var continuation: CheckedContinuation<MapTicket?, Never>
  }

  private struct State {
    var activeKinds: Set<InstrumentKind> = []
    var offers: [InstrumentKind: MapTicket] = [:]
    var waiters: [InstrumentKind: [Waiter]] = [:]
    var nextWaiterID: UInt64 = 0
  }

  private let state = Mutex(State())

  public init() {}

  /// The next slot for the session of `kind`: `nil` at once when no map measures `kind`, else
  /// waits for one (`nil` when the map ends or the task is cancelled first).
  public func nextSlot(for kind: InstrumentKind) async -> MapTicket? {
    let id = state.withLock { state -> UInt64 in
      state.nextWaiterID += 1
      return state.nextWaiterID
    }
    return await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<MapTicket?, Never>) in
        let immediate: MapTicket?? = state.withLock { state in
          if let offer = state.offers.removeValue(forKey: kind) { return .some(offer) }
          if !state.activeKinds.contains(kind) || Task.isCancelled { return .some(nil) }
          state.waiters[kind, default: []].append(Waiter(id: id, continuation: continuation))
          return .none
        }
        if let immediate { continuation.resume(returning: immediate) }
      }
    } onCancel: {
      state.withLock { state in
        if let index = state.waiters[kind]?.firstIndex(where: { $0.id == id }),
          let waiter = state.waiters[kind]?.remove(at: index)
        {
          waiter.continuation.resume(returning: nil)
        }
      }
    }
  }

  /// Makes sessions of `kinds` wait for slots (a map starts or resumes).
  func activate(_ kinds: [InstrumentKind]) {
    state.withLock { $0.activeKinds.formUnion(kinds) }
  }

  /// Lets every session acquire freely again (the map ended); waiting sessions are released.
  func deactivate() {
    let released = state.withLock { state -> [Waiter] in
      state.activeKinds = []
      state.offers = [:]
      let waiting = state.waiters.values.flatMap { $0 }
      state.waiters = [:]
      return waiting
    }
    for waiter in released { waiter.continuation.resume(returning: nil) }
  }

  /// Offers one slot to the session of `kind` and waits for its outcome. Cancelled before a
  /// session took the slot, the offer is withdrawn and `nil` returned; once taken, the outcome
  /// is awaited (the exposure must end before the stage may move).
  func offer(kind: InstrumentKind, mapMember: JSONValue, exposureSeconds: Double) async
    -> MapTicket.Outcome?
  {
    let withdrawn = Mutex<MapTicket?>(nil)
    let outcome = await withTaskCancellationHandler {
      await withCheckedContinuation {
        (continuation: CheckedContinuation<MapTicket.Outcome, Never>) in
        let ticket = MapTicket(
          mapMember: mapMember, exposureSeconds: exposureSeconds, continuation: continuation)
        let waiter = state.withLock { state -> Waiter? in
          if let waiting = state.waiters[kind], !waiting.isEmpty {
            return state.waiters[kind]?.removeFirst()
          }
          state.offers[kind] = ticket
          return nil
        }
        withdrawn.withLock { $0 = ticket }
        if let waiter {
          waiter.continuation.resume(returning: ticket)
        } else if Task.isCancelled {
          withdraw(ticket, kind: kind)
        }
      }
    } onCancel: {
      if let ticket = withdrawn.withLock({ $0 }) { withdraw(ticket, kind: kind) }
    }
    if case .interrupted = outcome, Task.isCancelled { return nil }
    return outcome
  }

  /// Takes back an offer no session has taken yet; its offerer hears `.interrupted`.
  private func withdraw(_ ticket: MapTicket, kind: InstrumentKind) {
    let removed = state.withLock { state -> Bool in
      guard let offer = state.offers[kind], offer === ticket else { return false }
      state.offers[kind] = nil
      return true
    }
    if removed { ticket.finish(.interrupted) }
  }
}

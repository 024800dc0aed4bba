import Synchronization
import Testing

@testable import WhitlockDaemon

/// The places of a session's analysis queue: acquisition waits for one when analysis is behind,
/// and stops waiting when the session ends.
@Suite struct AnalysisQueueRoomTests {
  @Test func placesAreTakenUntilNoneIsFree() async {
    let room = AnalysisQueueRoom(capacity: 2)
    #expect(room.hasRoom)
    #expect(await room.take())
    #expect(await room.take())
    #expect(!room.hasRoom)
    room.give()
    #expect(room.hasRoom)
    #expect(await room.take())
  }

  @Test func aFullQueueHoldsTheTakerUntilAPlaceIsGiven() async {
    let room = AnalysisQueueRoom(capacity: 1)
    #expect(await room.take())
    let finished = Atomic(false)
    let taker = Task {
      let taken = await room.take()
      finished.store(true, ordering: .sequentiallyConsistent)
      return taken
    }
    // No place can come free without `give`, so however long this waits the taker is held.
    for _ in 0..<100 { await Task.yield() }
    let finishedEarly = finished.load(ordering: .sequentiallyConsistent)
    #expect(!finishedEarly)
    room.give()
    #expect(await taker.value)
    #expect(!room.hasRoom, "the given place went to the waiting taker")
  }

  @Test func closingWakesTheTakerWithoutAPlace() async {
    let room = AnalysisQueueRoom(capacity: 1)
    #expect(await room.take())
    let taker = Task { await room.take() }
    for _ in 0..<100 { await Task.yield() }
    room.close()
    #expect(await taker.value == false)
    #expect(await room.take() == false, "a closed room gives no places")
  }

  @Test func cancellationWakesTheTakerWithoutAPlace() async {
    let room = AnalysisQueueRoom(capacity: 1)
    #expect(await room.take())
    let taker = Task { await room.take() }
    for _ in 0..<100 { await Task.yield() }
    taker.cancel()
    #expect(await taker.value == false)
    room.give()
    #expect(room.hasRoom, "the place given after the cancelled wait stays free")
  }
}

import Monitor
import Synchronization
import Testing
import WhitlockCore

@Suite struct LiveHubTests {
  private func value(_ n: Int) -> JSONValue { .object([("n", .int(Int64(n)))]) }

  private func collect(_ stream: AsyncStream<LiveEvent>, count: Int) async -> [LiveEvent] {
    var events: [LiveEvent] = []
    for await event in stream {
      events.append(event)
      if events.count == count { break }
    }
    return events
  }

  @Test func liveClientReceivesEventsInOrderWithIncreasingIDs() async {
    let hub = LiveHub()
    let subscription = hub.subscribe(lastEventID: nil)
    for n in 1...5 { hub.publish(.acquisition, value(n)) }
    let events = await collect(subscription.events, count: 5)
    #expect(events.map(\.id) == [1, 2, 3, 4, 5])
    #expect(events.map { String(decoding: $0.data, as: UTF8.self) }.last == #"{"n":5}"#)
  }

  @Test func reconnectWithLastEventIDReplaysOnlyWhatWasMissed() {
    let hub = LiveHub()
    for n in 1...10 { hub.publish(.acquisition, value(n)) }
    let subscription = hub.subscribe(lastEventID: 7)
    #expect(subscription.replay.map(\.id) == [8, 9, 10])
    #expect(subscription.missed == 0)
  }

  @Test func historyIsBoundedAndReportsTheGap() {
    let hub = LiveHub(settings: .init(clientBuffer: 16, history: 4))
    for n in 1...10 { hub.publish(.acquisition, value(n)) }
    let subscription = hub.subscribe(lastEventID: 2)
    #expect(subscription.replay.map(\.id) == [7, 8, 9, 10])
    #expect(subscription.missed == 4)
  }

  @Test func newClientGetsTheLatestSnapshotPerKey() {
    let hub = LiveHub()
    hub.publish(.run, value(1), snapshotKey: "run")
    hub.publish(.acquisition, value(2), snapshotKey: "acquisition:a")
    hub.publish(.acquisition, value(3), snapshotKey: "acquisition:b")
    hub.publish(.acquisition, value(4), snapshotKey: "acquisition:a")
    hub.publish(.instrument, value(5))
    #expect(hub.subscribe(lastEventID: nil).replay.map(\.id) == [1, 3, 4])
  }

  @Test func stalledClientIsDroppedAndCountedWhileOthersKeepUp() async {
    let dropped = DropCounter()
    let hub = LiveHub(settings: .init(clientBuffer: 16, history: 64)) { dropped.increment() }
    let stalled = hub.subscribe(lastEventID: nil)
    let reader = hub.subscribe(lastEventID: nil)
    var iterator = reader.events.makeAsyncIterator()
    for n in 1...100 {
      hub.publish(.acquisition, value(n))
      let received = await iterator.next()
      #expect(received?.id == UInt64(n), "the reading client gets every event")
    }
    #expect(hub.counters.clientsDropped == 1)
    #expect(dropped.value == 1)
    #expect(hub.counters.clients == 1)
    var stalledCount = 0
    for await _ in stalled.events { stalledCount += 1 }
    #expect(stalledCount == 16, "the stalled client's stream ends after its buffer")
  }

  @Test func clientsBeyondTheLimitAreRefusedAndCountedUntilOneLeaves() {
    let hub = LiveHub(settings: .init(clientBuffer: 16, history: 64, maxClients: 2))
    let first = hub.subscribeWithinLimit(lastEventID: nil)
    let second = hub.subscribeWithinLimit(lastEventID: nil)
    #expect(first != nil && second != nil)
    #expect(hub.subscribeWithinLimit(lastEventID: nil) == nil)
    #expect(hub.subscribeWithinLimit(lastEventID: nil) == nil)
    #expect(hub.counters.clientsRefused == 2)
    #expect(hub.counters.clients == 2)
    // Neither reads: both are dropped as laggards once their buffers are full, freeing places.
    for n in 1...20 { hub.publish(.acquisition, value(n)) }
    #expect(hub.counters.clients == 0)
    #expect(hub.subscribeWithinLimit(lastEventID: nil) != nil, "a freed place is given out again")
    #expect(hub.subscribe(lastEventID: nil).replay.isEmpty, "subscribe() itself has no limit")
    #expect(hub.counters.clientsRefused == 2)
  }

  @Test func closeEndsEveryStream() async {
    let hub = LiveHub()
    let subscription = hub.subscribe(lastEventID: nil)
    hub.close()
    var count = 0
    for await _ in subscription.events { count += 1 }
    #expect(count == 0)
    #expect(hub.counters.clients == 0)
  }

  @Test func eventsAreFramedAsServerSentEvents() {
    let event = LiveEvent(id: 42, kind: .run, data: Array(#"{"a":"x\ny"}"#.utf8))
    let text = String(decoding: event.serverSentEvent, as: UTF8.self)
    #expect(text == "id: 42\nevent: run\ndata: {\"a\":\"x\\ny\"}\n\n")
  }
}

final class DropCounter: Sendable {
  private let count = Mutex(0)
  func increment() { count.withLock { $0 += 1 } }
  var value: Int { count.withLock { $0 } }
}

import NIOCore
import NIOEmbedded
import NetworkSettings
import Synchronization
import Testing

@testable import Monitor

/// A client that stops reading is disconnected after the stall timeout; one that reads again in
/// time is not. Driven on NIO's embedded channel with a virtual clock.
@Suite struct StalledClientCloserTests {
  private func channel(closed: CloseCounter) throws -> EmbeddedChannel {
    let channel = EmbeddedChannel()
    try channel.pipeline.syncOperations.addHandler(
      StalledClientCloser(
        timeout: .seconds(10), onClose: { closed.increment() }))
    let address = try SocketAddress(ipAddress: "127.0.0.1", port: 1)
    try channel.connect(to: address).wait()  // blocking-ok: an embedded channel connects at once
    return channel
  }

  @Test func aClientThatStopsReadingIsDisconnected() throws {
    let closed = CloseCounter()
    let channel = try channel(closed: closed)
    channel.isWritable = false
    channel.pipeline.fireChannelWritabilityChanged()
    channel.embeddedEventLoop.advanceTime(by: TimeAmount.seconds(9))
    #expect(channel.isActive, "within the timeout")
    channel.embeddedEventLoop.advanceTime(by: TimeAmount.seconds(2))
    #expect(!channel.isActive, "closed after 10 s unwritable")
    #expect(closed.count == 1)
  }

  @Test func aClientThatReadsAgainInTimeStays() throws {
    let closed = CloseCounter()
    let channel = try channel(closed: closed)
    for _ in 0..<5 {
      channel.isWritable = false
      channel.pipeline.fireChannelWritabilityChanged()
      channel.embeddedEventLoop.advanceTime(by: TimeAmount.seconds(8))
      channel.isWritable = true
      channel.pipeline.fireChannelWritabilityChanged()
    }
    channel.embeddedEventLoop.advanceTime(by: TimeAmount.seconds(60))
    #expect(channel.isActive)
    #expect(closed.count == 0)
    _ = try channel.finish()
  }

  @Test func theCapLeavesTheSpoolItsReserve() {
    var limits = ConnectionLimits()
    #expect(limits.effectiveMaxConnections(descriptorLimit: 1024) == 768)
    #expect(limits.effectiveMaxConnections(descriptorLimit: 8192) == 2048)
    limits.maxConnections = 100
    #expect(limits.effectiveMaxConnections(descriptorLimit: 8192) == 100)
    #expect(limits.effectiveMaxConnections(descriptorLimit: 200) == 16, "never below 16")
  }
}

private final class CloseCounter: Sendable {
  private let value = Mutex(0)
  func increment() { value.withLock { $0 += 1 } }
  var count: Int { value.withLock { $0 } }
}

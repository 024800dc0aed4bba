import WhitlockCore

/// The byte pipe an OBP session runs over: a serial port (or pseudo-terminal) or a pair of USB
/// bulk endpoints. Both carry the same messages, so the session code does not care which.
public protocol OceanByteLink: Sendable {
  /// A name for messages.
  var name: String { get }
  /// Sends every byte.
  func write(_ bytes: [UInt8], timeout: Duration) async throws
  /// Returns at least one byte or throws `.timeout`.
  func read(maxCount: Int, timeout: Duration) async throws -> [UInt8]
  /// Discards whatever the device already sent (stale replies to a killed client); returns the
  /// number of bytes dropped.
  func drain() async throws -> Int
}

/// OBP over a serial line or pseudo-terminal.
public struct ByteStreamLink: OceanByteLink {
  public let stream: any ByteStream
  /// How long the line must stay quiet before a drain ends.
  public var quietPeriod: Duration

  public init(stream: any ByteStream, quietPeriod: Duration = .milliseconds(50)) {
    self.stream = stream
    self.quietPeriod = quietPeriod
  }

  public var name: String { stream.name }

  public func write(_ bytes: [UInt8], timeout: Duration) async throws {
    try await stream.write(bytes, deadline: .now + timeout)
  }

  public func read(maxCount: Int, timeout: Duration) async throws -> [UInt8] {
    try await stream.read(maxCount: maxCount, deadline: .now + timeout)
  }

  public func drain() async throws -> Int { try await stream.drainInput(quietPeriod: quietPeriod) }
}

/// A byte pipe over one bulk OUT and one or more bulk IN endpoints of a USB device.
public struct USBBulkLink: OceanByteLink {
  public let device: any USBInterface
  public var outEndpoint: UInt8
  public var inEndpoint: UInt8
  /// Every IN endpoint emptied by `drain()`.
  public var drainEndpoints: [UInt8]
  /// How long an endpoint must stay silent before a drain moves on. A reply already on the
  /// device comes within a millisecond or two on an idle host, but a loaded one can take tens of
  /// milliseconds to reap it, and a stale reply missed here would be taken for the next one.
  public var quietPeriod: Duration

  public init(
    device: any USBInterface, outEndpoint: UInt8, inEndpoint: UInt8, drainEndpoints: [UInt8],
    quietPeriod: Duration = .milliseconds(80)
  ) {
    self.device = device
    self.outEndpoint = outEndpoint
    self.inEndpoint = inEndpoint
    self.drainEndpoints = drainEndpoints
    self.quietPeriod = quietPeriod
  }

  public var name: String { device.name }

  public func write(_ bytes: [UInt8], timeout: Duration) async throws {
    try await device.bulkWrite(endpoint: outEndpoint, bytes, timeout: timeout)
  }

  public func read(maxCount: Int, timeout: Duration) async throws -> [UInt8] {
    try await device.bulkRead(endpoint: inEndpoint, maxLength: maxCount, timeout: timeout)
  }

  public func drain() async throws -> Int {
    var dropped = 0
    for endpoint in drainEndpoints {
      // Bounded: a device that streams forever is not drained, it is broken.
      for _ in 0..<1024 {
        do {
          let chunk = try await device.bulkRead(
            endpoint: endpoint, maxLength: 16384, timeout: quietPeriod)
          if chunk.isEmpty { break }
          dropped += chunk.count
        } catch let error as InstrumentError where error.category == .timeout {
          break
        }
      }
    }
    return dropped
  }
}

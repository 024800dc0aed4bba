import AmptekDP5
import WhitlockCore

/// An in-process DP5 on "USB": bulk OUT 0x02 takes requests, bulk IN 0x81 returns one whole
/// reply packet per read, as the hardware does. Lets the driver's USB path run in tests without
/// a kernel or libusb.
public actor DP5VirtualUSBDevice: USBInterface {
  /// The name used in messages.
  public nonisolated let name = "virtual usb (10c4:842a)"
  private var emulator: DP5Emulator
  private var decoder = DP5StreamDecoder(direction: .requests)
  private var replies: [[UInt8]] = []
  private var isClosed = false

  /// A virtual device around `emulator`.
  public init(emulator: DP5Emulator) {
    self.emulator = emulator
  }

  /// Accepts request bytes on endpoint 0x02 and queues the replies.
  public func bulkWrite(endpoint: UInt8, _ bytes: [UInt8], timeout: Duration) async throws {
    try checkOpen()
    guard endpoint == DP5USBStream.outEndpoint else {
      throw InstrumentError(.protocolViolation, "\(name) has no OUT endpoint 0x\(endpoint)")
    }
    decoder.append(bytes)
    while let frame = decoder.next() {
      switch frame.content {
      case .success(let packet): replies.append(emulator.respond(to: packet, at: .now).encoded)
      case .failure: replies.append(DP5Response.rejection(.checksumError).encoded)
      }
    }
  }

  /// Returns the next queued reply from endpoint 0x81, or times out.
  public func bulkRead(endpoint: UInt8, maxLength: Int, timeout: Duration) async throws -> [UInt8] {
    try checkOpen()
    guard endpoint == DP5USBStream.inEndpoint else {
      throw InstrumentError(.protocolViolation, "\(name) has no IN endpoint 0x\(endpoint)")
    }
    guard !replies.isEmpty else {
      try await Task.sleep(for: timeout)
      throw InstrumentError(.timeout, "timed out waiting for \(name) to answer")
    }
    let reply = replies.removeFirst()
    guard reply.count <= maxLength else {
      throw InstrumentError(.protocolViolation, "\(name) reply overflows a \(maxLength)-byte read")
    }
    return reply
  }

  /// The DP5 has no control protocol: every request stalls.
  public func control(
    requestType: UInt8, request: UInt8, value: UInt16, index: UInt16, data: [UInt8], length: Int,
    timeout: Duration
  ) async throws -> [UInt8] {
    throw InstrumentError(.protocolViolation, "\(name) stalls control requests (pipe error)")
  }

  /// Forgets the replies nobody read (the device lost power).
  public func discardReplies() { replies.removeAll() }

  /// Marks the device closed.
  public func close() async { isClosed = true }

  private func checkOpen() throws {
    if isClosed { throw InstrumentError(.disconnected, "\(name) is closed") }
  }
}

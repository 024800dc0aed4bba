import Synchronization
import WhitlockCore

/// One host connection to an emulated serial device: a `ByteStream` whose far end is the device.
///
/// Bytes the device sent and nobody read stay in the device's queue after `close()`, as they
/// would in a UART, so the next connection starts with the stale reply a killed client left.
public final class EmulatedSerialLine: ByteStream {
  public let name: String
  private let output: EmulatedOutputQueue
  private let deliver: @Sendable ([UInt8]) -> Void
  private let closed = Mutex(false)

  /// A line that hands written bytes to `deliver` and reads from `output` endpoint 0.
  public init(
    name: String, output: EmulatedOutputQueue, deliver: @escaping @Sendable ([UInt8]) -> Void
  ) {
    self.name = name
    self.output = output
    self.deliver = deliver
  }

  private func checkOpen() throws {
    if closed.withLock({ $0 }) { throw InstrumentError(.disconnected, "\(name) is closed") }
    try output.checkConnected()
  }

  public func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) async throws {
    try checkOpen()
    deliver(bytes)
  }

  public func read(maxCount: Int, deadline: ContinuousClock.Instant) async throws -> [UInt8] {
    try checkOpen()
    return try await output.read(maxCount: maxCount, deadline: deadline)
  }

  public func drainInput(quietPeriod: Duration) async throws -> Int {
    var dropped = 0
    while true {
      try checkOpen()
      do {
        dropped += try await output.read(maxCount: 65536, deadline: .now + quietPeriod).count
      } catch let error as InstrumentError where error.category == .timeout {
        return dropped
      }
    }
  }

  public func close() async { closed.withLock { $0 = true } }
}

extension OBPDeviceEmulator {
  /// A new serial connection to this device; a device that dropped off (fault injection) is back.
  public func connectSerial() -> EmulatedSerialLine {
    output.setDisconnected(false)
    return EmulatedSerialLine(
      name: "emulated OBP \(model.name) serial \(settings.serial)", output: output,
      deliver: { [self] bytes in self.receive(bytes) })
  }

  /// A new virtual USB connection to this device (bulk OUT 0x01, IN 0x81).
  public func connectUSB() -> VirtualUSBDevice {
    output.setDisconnected(false)
    return VirtualUSBDevice(
      name: "virtual usb 2457:\(String(model.productID, radix: 16)) \(settings.serial)",
      output: output,
      bulkOut: { [self] endpoint, bytes in
        guard endpoint == 0x01 else {
          throw InstrumentError(.protocolViolation, "OBP device has no OUT endpoint \(endpoint)")
        }
        self.receive(bytes)
      },
      control: { _, request, _, _, _, _ in
        throw InstrumentError(.deviceRejected, "OBP device stalls control request \(request)")
      })
  }
}

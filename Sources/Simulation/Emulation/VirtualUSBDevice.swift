import Synchronization
import WhitlockCore

/// An in-process USB device: the `USBInterface` a driver sees, backed by a device emulation.
///
/// Bulk OUT transfers and control requests go to the emulation's handlers; bulk IN transfers read
/// what it queued on that endpoint.
public final class VirtualUSBDevice: USBInterface {
  /// Handles a bulk OUT transfer.
  public typealias BulkOut = @Sendable (_ endpoint: UInt8, _ bytes: [UInt8]) throws -> Void
  /// Handles a control transfer: request type, request, value, index, data, length.
  public typealias Control =
    @Sendable (UInt8, UInt8, UInt16, UInt16, [UInt8], Int) throws -> [UInt8]

  public let name: String
  private let output: EmulatedOutputQueue
  private let bulkOutHandler: BulkOut
  private let controlHandler: Control
  private let closed = Mutex(false)

  public init(
    name: String, output: EmulatedOutputQueue, bulkOut: @escaping BulkOut,
    control: @escaping Control
  ) {
    self.name = name
    self.output = output
    self.bulkOutHandler = bulkOut
    self.controlHandler = control
  }

  private func checkOpen() throws {
    if closed.withLock({ $0 }) { throw InstrumentError(.disconnected, "\(name) is closed") }
    try output.checkConnected()
  }

  public func bulkWrite(endpoint: UInt8, _ bytes: [UInt8], timeout: Duration) async throws {
    try checkOpen()
    try bulkOutHandler(endpoint, bytes)
  }

  public func bulkRead(endpoint: UInt8, maxLength: Int, timeout: Duration) async throws -> [UInt8] {
    try checkOpen()
    return try await output.read(endpoint: endpoint, maxCount: maxLength, deadline: .now + timeout)
  }

  public func control(
    requestType: UInt8, request: UInt8, value: UInt16, index: UInt16, data: [UInt8], length: Int,
    timeout: Duration
  ) async throws -> [UInt8] {
    try checkOpen()
    return try controlHandler(requestType, request, value, index, data, length)
  }

  public func close() async { closed.withLock { $0 = true } }
}

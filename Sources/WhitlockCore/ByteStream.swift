/// A bidirectional byte pipe to a device: a serial port, a pseudo-terminal, or a UDP socket.
///
/// Drivers speak their protocol over this and never touch file descriptors, so the same driver
/// runs against real hardware and against a simulator on a pseudo-terminal. Every read and write
/// has a deadline; a deadline that passes throws `InstrumentError` with category `.timeout`, and a
/// vanished device throws `.disconnected`.
public protocol ByteStream: Sendable {
  /// A name for messages, e.g. the device path.
  var name: String { get }
  /// Writes every byte or throws.
  func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) async throws
  /// Returns at least one and at most `maxCount` bytes, waiting until `deadline`.
  func read(maxCount: Int, deadline: ContinuousClock.Instant) async throws -> [UInt8]
  /// Discards everything the device has sent that nobody read yet (stale replies from a killed
  /// client), waiting until the line has been quiet for `quietPeriod`. Returns the bytes dropped.
  func drainInput(quietPeriod: Duration) async throws -> Int
  /// Closes the stream; later calls throw `.disconnected`.
  func close() async
}

/// The transfers a USB instrument needs: vendor control requests and bulk endpoints.
///
/// Implemented over libusb for real devices and by in-process device emulations for tests, so the
/// same driver code runs against both.
public protocol USBInterface: Sendable {
  /// A name for messages, e.g. `usb 1-1.4 (10c4:842a, serial 12345)`.
  var name: String { get }
  /// Writes `bytes` to bulk OUT `endpoint`.
  func bulkWrite(endpoint: UInt8, _ bytes: [UInt8], timeout: Duration) async throws
  /// Reads up to `maxLength` bytes from bulk IN `endpoint`.
  func bulkRead(endpoint: UInt8, maxLength: Int, timeout: Duration) async throws -> [UInt8]
  /// A control transfer; for device-to-host requests (bit 7 of `requestType` set) returns up to
  /// `length` bytes, otherwise sends `data` and returns nothing.
  func control(
    requestType: UInt8, request: UInt8, value: UInt16, index: UInt16, data: [UInt8], length: Int,
    timeout: Duration
  ) async throws -> [UInt8]
  /// Releases the interface and closes the device.
  func close() async
}

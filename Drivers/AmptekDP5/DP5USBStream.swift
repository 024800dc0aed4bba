import WhitlockCore

/// The DP5 USB link as a `ByteStream`, so `DP5Instrument` runs unchanged over USB.
///
/// DP5-family devices (VID 0x10C4, PID 0x842A) take requests on bulk OUT endpoint 0x02 and
/// answer on bulk IN 0x81, one whole response packet per read of up to 32768 bytes (Amptek SDK
/// DppLibUsb.h; protocols-detail.md §1.1). There are no control requests.
public struct DP5USBStream: ByteStream {
  /// Silicon Labs vendor id used by every DP5-family device.
  public static let vendorID: UInt16 = 0x10C4
  /// Product id shared by DP5/X-123, PX5 and MCA8000D.
  public static let productID: UInt16 = 0x842A
  /// Bulk OUT endpoint.
  public static let outEndpoint: UInt8 = 0x02
  /// Bulk IN endpoint.
  public static let inEndpoint: UInt8 = 0x81
  /// Largest bulk IN transfer.
  public static let maximumRead = 32_768

  private let device: any USBInterface

  /// A stream over an opened device with interface 0 claimed.
  public init(device: any USBInterface) {
    self.device = device
  }

  /// The device's name.
  public var name: String { device.name }

  /// Sends one request packet.
  public func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) async throws {
    try await device.bulkWrite(
      endpoint: Self.outEndpoint, bytes, timeout: remaining(until: deadline))
  }

  /// Reads the next response packet (or part of one), waiting until `deadline`.
  public func read(maxCount: Int, deadline: ContinuousClock.Instant) async throws -> [UInt8] {
    while true {
      let bytes = try await device.bulkRead(
        endpoint: Self.inEndpoint, maxLength: Self.maximumRead, timeout: remaining(until: deadline))
      if !bytes.isEmpty { return bytes }
      if ContinuousClock.now >= deadline {
        throw InstrumentError(.timeout, "no reply from \(name) before the deadline")
      }
    }
  }

  /// Reads and discards until a read times out after `quietPeriod`.
  public func drainInput(quietPeriod: Duration) async throws -> Int {
    var dropped = 0
    let limit = ContinuousClock.now + .seconds(5)
    while ContinuousClock.now < limit {
      do {
        dropped += try await device.bulkRead(
          endpoint: Self.inEndpoint, maxLength: Self.maximumRead, timeout: quietPeriod
        ).count
      } catch let error as InstrumentError where error.category == .timeout {
        return dropped
      }
    }
    return dropped
  }

  /// Releases the device.
  public func close() async { await device.close() }

  private func remaining(until deadline: ContinuousClock.Instant) throws -> Duration {
    let left = deadline - ContinuousClock.now
    guard left > .zero else {
      throw InstrumentError(.timeout, "deadline passed before talking to \(name)")
    }
    return left
  }
}

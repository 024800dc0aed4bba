import Foundation
import Simulation
import Synchronization
import Transports
import USBBridge
import WhitlockCore

/// One emulated device of `whitlock-sim usb`: its emulation, the socket the testbed's bridge
/// connects to, and the `USBBridgeDevice` that answers the URBs arriving there.
final class BusDevice: Sendable {
  let key: String
  let emulated: EmulatedUSBDevice
  let address: Int
  let port: String
  private let listener: UnixStreamSocket.Listener
  private let faults: USBLinkFaults
  private let tracesOut: Bool
  private let served = Mutex<USBBridgeDevice?>(nil)
  private let spectra: Mutex<SpectrumDeliveryWatch?>
  private let tracesSpectra: Bool

  init(
    key: String, emulated: EmulatedUSBDevice, socketPath: String, address: Int, port: String,
    faults: USBLinkFaults, tracesOut: Bool, tracesSpectra: Bool = false
  ) throws {
    self.tracesOut = tracesOut
    self.tracesSpectra = tracesSpectra && emulated.spectrumStream != nil
    spectra = Mutex(tracesSpectra ? emulated.spectrumStream.map(SpectrumDeliveryWatch.init) : nil)
    self.key = key
    self.emulated = emulated
    self.address = address
    self.port = port
    self.faults = faults
    listener = try UnixStreamSocket.listen(at: socketPath)
  }

  /// The bridge answering URBs, once the testbed has connected.
  var bridge: USBBridgeDevice? { served.withLock { $0 } }

  /// What the testbed needs to put the device on its bus.
  var specification: JSONValue {
    let descriptors = emulated.descriptors
    return .object([
      ("key", .string(key)), ("socket", .string(listener.path)), ("bus", .int(1)),
      ("address", .int(Int64(address))), ("port", .string(port)),
      ("vendor", .int(Int64(descriptors.vendorID))),
      ("product", .int(Int64(descriptors.productID))), ("serial", .string(descriptors.serial)),
      ("manufacturer", .string(descriptors.manufacturer)),
      ("product_name", .string(descriptors.product)),
      ("descriptors", .string(descriptors.sysfsDescriptors.map(Self.hex).joined())),
    ])
  }

  private static func hex(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16, uppercase: true)
    return digits.count == 1 ? "0" + digits : digits
  }

  /// Waits (on a thread of its own) for the testbed to connect, then answers every request in
  /// order until the testbed goes away.
  func serve() {
    let (requests, continuation) = AsyncStream.makeStream(of: USBBridgeRequest.self)
    let listener = self.listener
    let thread = Thread { [self] in
      guard let connection = try? listener.accept() else {
        continuation.finish()
        return
      }
      var observer: (@Sendable (UInt8, Int, [UInt8]) -> Void)?
      if tracesSpectra {
        observer = { [self] endpoint, position, bytes in
          self.noteDelivery(endpoint: endpoint, position: position, bytes)
        }
      }
      let bridge = USBBridgeDevice(
        device: emulated.connection, descriptors: emulated.descriptors, faults: faults,
        observeDelivery: observer
      ) { reply in connection.write(reply.encoded) }
      served.withLock { $0 = bridge }
      Task { for await request in requests { await bridge.handle(request) } }
      var decoder = USBBridgeDecoder()
      while true {
        let bytes = connection.read(maxCount: 65_536)
        if bytes.isEmpty { break }
        decoder.append(bytes)
        do {
          while let request = try decoder.next() {
            if tracesOut { trace(request) }
            continuation.yield(request)
          }
        } catch {
          SimulatorOutput.error("whitlock-sim usb: \(key): \(error); closing the device")
          break
        }
      }
      connection.close()
      continuation.finish()
    }
    thread.start()
  }
}

extension BusDevice {
  /// `usb-sim: SERIAL out 0xEP HEX` for a bulk OUT transfer (at most its first 16 bytes), and
  /// `usb-sim: SERIAL control 0x40 0xREQ` for a vendor OUT control request, so a test can act
  /// while a request is on the device, e.g. kill a client mid-exposure.
  fileprivate func trace(_ request: USBBridgeRequest) {
    switch request {
    case .submit(_, .bulk, let endpoint, _, let bytes) where endpoint & 0x80 == 0:
      let hex = bytes.prefix(16).map { String($0, radix: 16) }.joined(separator: " ")
      SimulatorOutput.line("usb-sim: \(key) out 0x\(String(endpoint, radix: 16)) \(hex)")
    case .submit(_, .control, _, _, let setup) where setup.count >= 2 && setup[0] == 0x40:
      SimulatorOutput.line("usb-sim: \(key) control 0x40 0x\(String(setup[1], radix: 16))")
    default:
      break
    }
  }

  /// `usb-sim: SERIAL spectrum FINGERPRINT delivered` for each spectrum that reached the host
  /// whole (`--trace-spectra`): what the fault matrix compares with the spool.
  fileprivate func noteDelivery(endpoint: UInt8, position: Int, _ bytes: [UInt8]) {
    let complete = spectra.withLock { watch -> [String] in
      guard watch?.stream.endpoint == endpoint else { return [] }
      return watch?.delivered(bytes, at: position) ?? []
    }
    for fingerprint in complete {
      SimulatorOutput.line("usb-sim: \(key) spectrum \(fingerprint) delivered")
    }
  }

  /// The device lost power: delivery positions start again.
  func powerLost() { spectra.withLock { $0?.reset() } }
}

/// Lines from a file handle, read with blocking reads (standard input, a pipe).
final class LineReader: @unchecked Sendable {
  private let handle: FileHandle
  private var buffer = Data()

  init(handle: FileHandle) { self.handle = handle }

  /// The next line without its newline; `nil` at end of input.
  func next() -> String? {
    while true {
      if let newline = buffer.firstIndex(of: 0x0A) {
        let line = buffer[buffer.startIndex..<newline]
        buffer.removeSubrange(buffer.startIndex...newline)
        return String(decoding: line, as: UTF8.self)
      }
      let chunk = handle.availableData
      if chunk.isEmpty {
        guard !buffer.isEmpty else { return nil }
        defer { buffer.removeAll() }
        return String(decoding: buffer, as: UTF8.self)
      }
      buffer.append(chunk)
    }
  }
}

import Simulation
import WhitlockCore

/// One emulated USB device as the umockdev testbed sees it: answers the URBs a client submits on
/// the emulated device node from a device emulation (`VirtualUSBDevice`, `DP5VirtualUSBDevice`),
/// so the client's real libusb code path meets the emulation only as bytes in transfers.
///
/// Standard control requests (descriptors, configuration, halt) are the device's own; vendor
/// control requests, bulk OUT and bulk IN go to the emulation. IN URBs wait, in order per
/// endpoint, until the emulation has bytes ready, as on a real endpoint: a URB the client
/// discards (a libusb timeout) never takes data, so unread replies stay for the next client,
/// exactly the stale data a killed program leaves in a real device.
public actor USBBridgeDevice {
  private struct PendingRead {
    var id: UInt32
    var length: Int
    var dropped = false
  }

  private let device: any USBInterface
  /// The device's descriptors (string requests are answered from them).
  public nonisolated let descriptors: USBDescriptorSet
  private let faults: USBLinkFaults
  private let send: @Sendable (USBBridgeReply) -> Void
  private var pending: [UInt8: [PendingRead]] = [:]
  private var carried: [UInt8: [UInt8]] = [:]
  /// Stream position (bytes since power-up, per IN endpoint) of the first carried byte and of
  /// the next byte the emulation will give.
  private var carriedStart: [UInt8: Int] = [:]
  private var nextFromDevice: [UInt8: Int] = [:]
  private let observeDelivery: (@Sendable (_ endpoint: UInt8, _ position: Int, [UInt8]) -> Void)?
  private var halted: Set<UInt8> = []
  /// IN endpoints whose URBs wait even when the emulation has data (`holdReplies`).
  private var heldEndpoints: Set<UInt8> = []
  private var dataTransfers = 0
  private var polling = false
  /// Counts power cycles, so bytes read from the emulation just before one are not kept after.
  private var powerGeneration = 0
  private var statistics = USBBridgeStatistics()

  /// A device answering from `device`; `send` writes each reply to the testbed.
  /// `observeDelivery` sees every IN completion that hands the host data, with the stream
  /// position of its first byte (bytes since power-up on that endpoint), so a watcher can tell
  /// which device messages reached the host whole despite short, dropped or babbled transfers.
  public init(
    device: any USBInterface, descriptors: USBDescriptorSet, faults: USBLinkFaults = .init(),
    observeDelivery: (@Sendable (_ endpoint: UInt8, _ position: Int, [UInt8]) -> Void)? = nil,
    send: @escaping @Sendable (USBBridgeReply) -> Void
  ) {
    self.device = device
    self.descriptors = descriptors
    self.faults = faults
    self.observeDelivery = observeDelivery
    self.send = send
  }

  /// What happened on the bus so far.
  public var counts: USBBridgeStatistics { statistics }

  /// Handles one request from the testbed.
  public func handle(_ request: USBBridgeRequest) async {
    switch request {
    case .submit(let id, let type, let endpoint, let length, let bytes):
      statistics.submitted += 1
      switch type {
      case .control:
        await control(id: id, packet: bytes)
      case .bulk, .interrupt:
        if endpoint & 0x80 != 0 {
          pending[endpoint, default: []].append(PendingRead(id: id, length: length))
          startPolling()
        } else {
          await bulkOut(id: id, endpoint: endpoint, bytes: bytes)
        }
      case .isochronous:
        send(.completion(id: id, status: URBStatus.stall, actual: 0, bytes: []))
      }
    case .discard(let id):
      statistics.discarded += 1
      for (endpoint, reads) in pending {
        if let index = reads.firstIndex(where: { $0.id == id }) {
          pending[endpoint]?.remove(at: index)
          send(.discardAnswer(id: id, cancelled: true))
          return
        }
      }
      send(.discardAnswer(id: id, cancelled: false))
    case .clearHalt(let endpoint):
      halted.remove(endpoint)
    case .clientGone:
      pending.removeAll()
      halted.removeAll()
    }
  }

  /// Holds the IN URBs of `endpoint` back (true) or lets them take data again (false): a test
  /// freezes an endpoint so that a reply becomes ready while nobody may take it, then kills the
  /// client.
  public func holdReplies(on endpoint: UInt8, _ held: Bool) {
    if held {
      heldEndpoints.insert(endpoint)
    } else {
      heldEndpoints.remove(endpoint)
      if !pending.isEmpty { startPolling() }
    }
  }

  /// IN URBs submitted and not yet completed or discarded.
  public var pendingReads: Int { pending.values.reduce(0) { $0 + $1.count } }

  /// Completes every waiting IN URB as discarded, taking no data: what the kernel does to the
  /// URBs of a client that closed the device node. The testbed does not always notice a client
  /// killed with SIGKILL, so a test that kills one cancels its reads this way.
  public func cancelPendingReads() {
    for read in pending.values.joined() {
      send(.completion(id: read.id, status: URBStatus.discarded, actual: 0, bytes: []))
    }
    pending.removeAll()
  }

  /// Forgets everything queued on the device side of the bus (power lost on unplug).
  public func powerCycle() {
    powerGeneration += 1
    pending.removeAll()
    carried.removeAll()
    carriedStart.removeAll()
    nextFromDevice.removeAll()
    halted.removeAll()
  }

  private func control(id: UInt32, packet: [UInt8]) async {
    guard packet.count >= 8 else {
      send(.completion(id: id, status: URBStatus.stall, actual: 0, bytes: []))
      return
    }
    let requestType = packet[0]
    let request = packet[1]
    let value = UInt16(packet[2]) | UInt16(packet[3]) << 8
    let index = UInt16(packet[4]) | UInt16(packet[5]) << 8
    let length = Int(UInt16(packet[6]) | UInt16(packet[7]) << 8)
    let incoming = requestType & 0x80 != 0
    if requestType & 0x60 == 0 {
      standardControl(id: id, request: request, value: value, index: index, length: length)
      return
    }
    do {
      let reply = try await device.control(
        requestType: requestType, request: request, value: value, index: index,
        data: Array(packet.dropFirst(8)), length: length, timeout: .seconds(1))
      let bytes = incoming ? Array(reply.prefix(length)) : []
      send(.completion(id: id, status: 0, actual: incoming ? bytes.count : length, bytes: bytes))
    } catch {
      send(.completion(id: id, status: status(for: error), actual: 0, bytes: []))
    }
  }

  private func standardControl(
    id: UInt32, request: UInt8, value: UInt16, index: UInt16, length: Int
  ) {
    switch request {
    case 0x06:  // GET_DESCRIPTOR
      guard let reply = descriptors.descriptor(value: value, length: length) else {
        send(.completion(id: id, status: URBStatus.stall, actual: 0, bytes: []))
        return
      }
      send(.completion(id: id, status: 0, actual: reply.count, bytes: reply))
    case 0x00:  // GET_STATUS
      let reply = Array([UInt8](repeating: 0, count: 2).prefix(length))
      send(.completion(id: id, status: 0, actual: reply.count, bytes: reply))
    case 0x01:  // CLEAR_FEATURE (ENDPOINT_HALT)
      halted.remove(UInt8(index & 0xFF))
      send(.completion(id: id, status: 0, actual: 0, bytes: []))
    case 0x09, 0x0B:  // SET_CONFIGURATION, SET_INTERFACE
      send(.completion(id: id, status: 0, actual: 0, bytes: []))
    default:
      send(.completion(id: id, status: URBStatus.stall, actual: 0, bytes: []))
    }
  }

  private func bulkOut(id: UInt32, endpoint: UInt8, bytes: [UInt8]) async {
    do {
      try await device.bulkWrite(endpoint: endpoint, bytes, timeout: .seconds(1))
      send(.completion(id: id, status: 0, actual: bytes.count, bytes: []))
    } catch {
      send(.completion(id: id, status: status(for: error), actual: 0, bytes: []))
    }
  }

  private func status(for error: any Error) -> Int32 {
    if let error = error as? InstrumentError, error.category == .disconnected {
      return URBStatus.noDevice
    }
    return URBStatus.stall
  }

  private func startPolling() {
    guard !polling else { return }
    polling = true
    Task { await pollWhilePending() }
  }

  private func pollWhilePending() async {
    while pending.values.contains(where: { !$0.isEmpty }) {
      var progressed = false
      for endpoint in pending.keys.sorted() where await serveFirstRead(on: endpoint) {
        progressed = true
      }
      if !progressed { try? await Task.sleep(for: .milliseconds(1)) }
    }
    polling = false
  }

  /// Completes the oldest IN URB on `endpoint` if the emulation has bytes for it.
  private func serveFirstRead(on endpoint: UInt8) async -> Bool {
    guard !heldEndpoints.contains(endpoint), let read = pending[endpoint]?.first, !read.dropped
    else { return false }
    if halted.contains(endpoint) {
      finishFirst(on: endpoint, status: URBStatus.stall, bytes: [])
      return true
    }
    var bytes: [UInt8]
    let start: Int
    if let carry = carried[endpoint], !carry.isEmpty {
      bytes = Array(carry.prefix(read.length))
      carried[endpoint] = Array(carry.dropFirst(bytes.count))
      start = carriedStart[endpoint, default: 0]
      carriedStart[endpoint] = start + bytes.count
    } else {
      let generation = powerGeneration
      do {
        bytes = try await device.bulkRead(
          endpoint: endpoint, maxLength: read.length, timeout: .zero)
      } catch let error as InstrumentError where error.category == .timeout {
        return false
      } catch {
        if pending[endpoint]?.first?.id == read.id {
          finishFirst(on: endpoint, status: status(for: error), bytes: [])
        }
        return true
      }
      // The device lost power while it was being read: those bytes died with it.
      guard generation == powerGeneration else { return true }
      start = nextFromDevice[endpoint, default: 0]
      nextFromDevice[endpoint] = start + bytes.count
      guard pending[endpoint]?.first?.id == read.id else {
        // Discarded while the emulation was asked: the bytes wait for the next URB.
        carryBack(bytes, from: start, on: endpoint)
        return true
      }
    }
    dataTransfers += 1
    if faults.applies(faults.dropEvery, to: dataTransfers, kind: 1) {
      carryBack(bytes, from: start, on: endpoint)
      pending[endpoint]?[0].dropped = true
      statistics.dropped += 1
    } else if faults.applies(faults.stallEvery, to: dataTransfers, kind: 2) {
      halted.insert(endpoint)
      statistics.stalled += 1
      finishFirst(on: endpoint, status: URBStatus.stall, bytes: [])
    } else if faults.applies(faults.babbleEvery, to: dataTransfers, kind: 3) {
      // The transfer's data is lost on the bus, as in a real babble.
      statistics.babbled += 1
      finishFirst(on: endpoint, status: URBStatus.overflow, bytes: [])
    } else if faults.applies(faults.shortEvery, to: dataTransfers, kind: 4) && bytes.count > 1 {
      let half = bytes.count / 2
      carryBack(Array(bytes.dropFirst(half)), from: start + half, on: endpoint)
      statistics.shortened += 1
      finishFirst(on: endpoint, status: 0, bytes: Array(bytes.prefix(half)))
      observeDelivery?(endpoint, start, Array(bytes.prefix(half)))
    } else {
      finishFirst(on: endpoint, status: 0, bytes: bytes)
      if !bytes.isEmpty { observeDelivery?(endpoint, start, bytes) }
    }
    return true
  }

  /// Puts bytes taken from the emulation back in front of the endpoint's queue.
  private func carryBack(_ bytes: [UInt8], from position: Int, on endpoint: UInt8) {
    carried[endpoint] = bytes + (carried[endpoint] ?? [])
    carriedStart[endpoint] = position
  }

  private func finishFirst(on endpoint: UInt8, status: Int32, bytes: [UInt8]) {
    guard let read = pending[endpoint]?.removeFirst() else { return }
    statistics.completedIn += 1
    send(.completion(id: read.id, status: status, actual: bytes.count, bytes: bytes))
  }
}

/// Counts of what a bridged device saw, for fault reports.
public struct USBBridgeStatistics: Sendable, Equatable {
  public var submitted = 0
  public var completedIn = 0
  public var discarded = 0
  public var stalled = 0
  public var babbled = 0
  public var shortened = 0
  public var dropped = 0
}

import Simulation
import Testing
import USBBridge

/// Byte tables for the bridge between the umockdev testbed
/// (`Sources/whitlock-sim/Resources/usb-testbed.py`) and the device emulations; the Python side
/// packs the same layouts with `struct`.
@Suite struct USBBridgeCodecTests {
  @Test(arguments: [
    (
      USBBridgeRequest.submit(id: 7, type: .bulk, endpoint: 0x01, length: 1, bytes: [0x09]),
      [UInt8(ascii: "S"), 7, 0, 0, 0, 3, 0x01, 1, 0, 0, 0, 1, 0, 0, 0, 0x09]
    ),
    (
      .submit(id: 0x0102_0304, type: .bulk, endpoint: 0x82, length: 4097, bytes: []),
      [UInt8(ascii: "S"), 4, 3, 2, 1, 3, 0x82, 0x01, 0x10, 0, 0, 0, 0, 0, 0]
    ),
    (
      .submit(
        id: 1, type: .control, endpoint: 0, length: 8,
        bytes: [0x40, 0xB2, 0x64, 0, 0, 0, 0, 0]),
      [UInt8(ascii: "S"), 1, 0, 0, 0, 2, 0, 8, 0, 0, 0, 8, 0, 0, 0]
        + [0x40, 0xB2, 0x64, 0, 0, 0, 0, 0]
    ),
    (.discard(id: 0xFFFF_FFFF), [UInt8(ascii: "D"), 0xFF, 0xFF, 0xFF, 0xFF]),
    (.clearHalt(endpoint: 0x81), [UInt8(ascii: "H"), 0x81]),
    (.clientGone, [UInt8(ascii: "X")]),
  ])
  func requestBytes(request: USBBridgeRequest, bytes: [UInt8]) throws {
    #expect(request.encoded == bytes)
    var decoder = USBBridgeDecoder()
    decoder.append(bytes)
    #expect(try decoder.next() == request)
    #expect(try decoder.next() == nil)
  }

  @Test(arguments: [
    (
      USBBridgeReply.completion(id: 9, status: URBStatus.success, actual: 2, bytes: [0xAB, 0xCD]),
      [UInt8(ascii: "C"), 9, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 0xAB, 0xCD]
    ),
    (
      .completion(id: 3, status: URBStatus.stall, actual: 0, bytes: []),
      [UInt8(ascii: "C"), 3, 0, 0, 0, 0xE0, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0]
    ),
    (
      .completion(id: 4, status: URBStatus.overflow, actual: 512, bytes: []),
      [UInt8(ascii: "C"), 4, 0, 0, 0, 0xB5, 0xFF, 0xFF, 0xFF, 0, 2, 0, 0, 0, 0, 0, 0]
    ),
    (.discardAnswer(id: 5, cancelled: true), [UInt8(ascii: "d"), 5, 0, 0, 0, 1]),
    (.discardAnswer(id: 6, cancelled: false), [UInt8(ascii: "d"), 6, 0, 0, 0, 0]),
  ])
  func replyBytes(reply: USBBridgeReply, bytes: [UInt8]) {
    #expect(reply.encoded == bytes)
  }

  @Test func requestsSplitAnywhereAreReassembledInOrder() throws {
    let requests: [USBBridgeRequest] = [
      .submit(id: 1, type: .bulk, endpoint: 0x01, length: 2, bytes: [0x6B, 0x04]),
      .submit(id: 2, type: .bulk, endpoint: 0x81, length: 3, bytes: []),
      .discard(id: 2), .clearHalt(endpoint: 0x81), .clientGone,
    ]
    let stream = requests.flatMap(\.encoded)
    for cut in 0...stream.count {
      var decoder = USBBridgeDecoder()
      var decoded: [USBBridgeRequest] = []
      decoder.append(stream[..<cut])
      while let request = try decoder.next() { decoded.append(request) }
      decoder.append(stream[cut...])
      while let request = try decoder.next() { decoded.append(request) }
      #expect(decoded == requests, "cut at \(cut)")
    }
  }

  @Test(arguments: [
    ([UInt8(ascii: "Q")], "unknown message"),
    ([UInt8(ascii: "S"), 1, 0, 0, 0, 9, 0x01, 0, 0, 0, 0, 0, 0, 0, 0], "URB type 9"),
    ([UInt8(ascii: "S"), 1, 0, 0, 0, 3, 0x01, 0, 0, 0, 0, 0, 0, 0, 0x02], "payload of 33554432"),
  ])
  func malformedStreamsAreRefusedWithTheReason(bytes: [UInt8], reason: String) {
    var decoder = USBBridgeDecoder()
    decoder.append(bytes)
    do {
      _ = try decoder.next()
      Issue.record("accepted \(bytes)")
    } catch {
      #expect(error.kind == bytes[0])
      #expect(error.reason.hasPrefix(reason), "\(error)")
    }
  }
}

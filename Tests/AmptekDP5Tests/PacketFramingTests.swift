import AmptekDP5
import Testing

/// Request packets checked byte for byte against the pre-computed table of protocols-detail.md
/// §1.2 (checksums by the Programmer's Guide rule; Netfinder matches the example in PG Rev A4).
@Suite struct PacketFramingTests {
  static let table: [(DP5Request, [UInt8])] = [
    (.status, [0xF5, 0xFA, 0x01, 0x01, 0x00, 0x00, 0xFE, 0x0F]),
    (.spectrum(withStatus: true, clear: false), [0xF5, 0xFA, 0x02, 0x03, 0x00, 0x00, 0xFE, 0x0C]),
    (.spectrum(withStatus: true, clear: true), [0xF5, 0xFA, 0x02, 0x04, 0x00, 0x00, 0xFE, 0x0B]),
    (.clearSpectrum, [0xF5, 0xFA, 0xF0, 0x01, 0x00, 0x00, 0xFD, 0x20]),
    (.enableMCA, [0xF5, 0xFA, 0xF0, 0x02, 0x00, 0x00, 0xFD, 0x1F]),
    (.disableMCA, [0xF5, 0xFA, 0xF0, 0x03, 0x00, 0x00, 0xFD, 0x1E]),
    (.keepAliveNoSharing, [0xF5, 0xFA, 0xF0, 0x21, 0x00, 0x00, 0xFD, 0x00]),
    (.netfinder, [0xF5, 0xFA, 0x03, 0x07, 0x00, 0x00, 0xFE, 0x07]),
    (
      .textConfiguration("PRET=10.0;", persist: true),
      [
        0xF5, 0xFA, 0x20, 0x02, 0x00, 0x0A, 0x50, 0x52, 0x45, 0x54, 0x3D, 0x31, 0x30, 0x2E, 0x30,
        0x3B, 0xFB, 0x73,
      ]
    ),
    (
      .textReadback("MCAC=?;"),
      [0xF5, 0xFA, 0x20, 0x03, 0x00, 0x07, 0x4D, 0x43, 0x41, 0x43, 0x3D, 0x3F, 0x3B, 0xFC, 0x1C]
    ),
  ]

  @Test func requestsEncodeToTheGuideBytes() {
    for (request, bytes) in Self.table {
      #expect(request.encoded == bytes, "\(request.name)")
    }
  }

  @Test func requestsDecodeOnTheDeviceSide() throws {
    for (request, bytes) in Self.table {
      var decoder = DP5StreamDecoder(direction: .requests)
      decoder.append(bytes)
      let decoded = decoder.next()
      let frame = try #require(decoded)
      let packet = try frame.content.get()
      #expect(try DP5Request(packet: packet) == request)
    }
    let others: [DP5Request] = [
      .spectrum(withStatus: false, clear: false), .spectrum(withStatus: false, clear: true),
      .textConfiguration("MCAC=1024;", persist: false), .echo([1, 2, 3]),
    ]
    for request in others { #expect(try DP5Request(packet: request.packet) == request) }
  }

  @Test func everyFrameSumsToZeroWithItsChecksum() {
    for (_, bytes) in Self.table {
      var sum: UInt16 = 0
      for byte in bytes.dropLast(2) { sum &+= UInt16(byte) }
      sum &+= UInt16(bytes[bytes.count - 2]) << 8 | UInt16(bytes[bytes.count - 1])
      #expect(sum == 0)
    }
  }

  @Test func deviceOKAcknowledgementMatchesTheGuide() {
    #expect(DP5Response.ok.encoded == [0xF5, 0xFA, 0xFF, 0x00, 0x00, 0x00, 0xFD, 0x12])
  }

  @Test func lengthIsBigEndianAndSentEvenWhenZero() {
    let long = DP5Packet(pid1: 0x20, pid2: 0x02, data: Array(repeating: 0x41, count: 300))
    let bytes = long.encoded
    #expect(bytes[4] == 0x01 && bytes[5] == 0x2C)
    #expect(bytes.count == 308)
    #expect(DP5Packet(pid1: 1, pid2: 1).encoded.count == 8)
  }

  @Test func deviceRejectsUnknownPIDsAndMisplacedData() {
    #expect(throws: DP5DeviceError.pidError) { try DP5Request(packet: DP5Packet(pid1: 9, pid2: 9)) }
    #expect(throws: DP5DeviceError.lengthError) {
      try DP5Request(packet: DP5Packet(pid1: 1, pid2: 1, data: [0]))
    }
    #expect(throws: DP5DeviceError.lengthError) {
      try DP5Request(packet: DP5Packet(pid1: 0x20, pid2: 0x02))
    }
    #expect(throws: DP5DeviceError.lengthError) {
      try DP5Request(
        packet: DP5Packet(pid1: 0xF1, pid2: 0x7F, data: Array(repeating: 0, count: 513)))
    }
  }
}

import AmptekDP5
import Testing

/// Spectrum responses: PID2 1…12 ↔ channel count and status flag, 3-byte little-endian counts
/// (protocols-detail.md §1.4; Amptek SDK ConsoleHelper.cpp `ProcessSpectrumEx`).
@Suite struct SpectrumCodecTests {
  @Test func pid2EncodesChannelCountAndStatus() {
    let expected: [(UInt8, Int, Bool)] = [
      (1, 256, false), (2, 256, true), (3, 512, false), (4, 512, true), (5, 1024, false),
      (6, 1024, true), (7, 2048, false), (8, 2048, true), (9, 4096, false), (10, 4096, true),
      (11, 8192, false), (12, 8192, true),
    ]
    for (pid2, channels, withStatus) in expected {
      let layout = DP5Spectrum.layout(pid2: pid2)
      #expect(layout?.channels == channels && layout?.withStatus == withStatus)
      #expect(DP5Spectrum.responsePID2(channels: channels, withStatus: withStatus) == pid2)
    }
    #expect(DP5Spectrum.layout(pid2: 0) == nil && DP5Spectrum.layout(pid2: 13) == nil)
    #expect(DP5Spectrum.responsePID2(channels: 300, withStatus: false) == nil)
  }

  @Test func countsAreThreeBytesLeastSignificantFirst() throws {
    var counts = [UInt32](repeating: 0, count: 256)
    counts[0] = 0x01_0203
    counts[1] = 0xFF_FFFF
    counts[255] = 7
    let packet = try #require(DP5Spectrum(counts: counts).packet)
    #expect(packet.pid1 == 0x81 && packet.pid2 == 1)
    #expect(Array(packet.data[0..<6]) == [0x03, 0x02, 0x01, 0xFF, 0xFF, 0xFF])
    #expect(Array(packet.data[765..<768]) == [0x07, 0x00, 0x00])
    #expect(try DP5Spectrum(pid2: 1, data: packet.data).counts == counts)
  }

  @Test func everyChannelCountRoundTripsWithAndWithoutStatus() throws {
    var status = DP5Status()
    status.fastCount = 99
    status.serialNumber = 5
    for channels in DP5Spectrum.channelCounts {
      let counts = (0..<channels).map { UInt32(($0 &* 2_654_435_761) & 0xFF_FFFF) }
      for attached in [nil, status] {
        let spectrum = DP5Spectrum(counts: counts, status: attached)
        let packet = DP5Response.spectrum(spectrum).packet
        #expect(packet.data.count == channels * 3 + (attached == nil ? 0 : 64))
        #expect(try DP5Response(packet: packet) == .spectrum(spectrum))
      }
    }
  }

  @Test func countsAboveTwentyFourBitsClipAtFullScale() throws {
    var counts = [UInt32](repeating: 0, count: 512)
    counts[3] = 0x0100_0000
    let packet = try #require(DP5Spectrum(counts: counts).packet)
    #expect(try DP5Spectrum(pid2: packet.pid2, data: packet.data).counts[3] == 0xFF_FFFF)
  }

  @Test func truncatedSpectrumIsMalformed() {
    #expect(throws: DP5ProtocolError.self) {
      try DP5Spectrum(pid2: 2, data: [UInt8](repeating: 0, count: 256 * 3))
    }
    #expect(throws: DP5ProtocolError.unknownPacket(pid1: 0x81, pid2: 13)) {
      try DP5Spectrum(pid2: 13, data: [])
    }
  }

  @Test func otherResponsesRoundTrip() throws {
    let responses: [DP5Response] = [
      .configurationReadback("MCAC=2048;PRET=10.0;"), .echo([0, 1, 0xF5, 0xFA]), .ok,
      .acknowledgement(code: 0x05, data: Array("MCAC=3000;".utf8)),
    ]
    for response in responses { #expect(try DP5Response(packet: response.packet) == response) }
    #expect(throws: DP5ProtocolError.unknownPacket(pid1: 0x84, pid2: 1)) {
      try DP5Response(packet: DP5Packet(pid1: 0x84, pid2: 1))
    }
  }
}

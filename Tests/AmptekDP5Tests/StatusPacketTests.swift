import AmptekDP5
import Testing

/// The 64-byte status packet against hand-built byte tables laid out as in Amptek's SDK
/// DP5Status.cpp `Process_Status` (protocols-detail.md §1.5).
@Suite struct StatusPacketTests {
  /// An X-123 (DP5 + PC5) with firmware 6.07 build 3, FPGA 6.05, serial 123456, −110 V,
  /// 220.0 K detector, 35 °C board, acquiring with preset reached and unit configured.
  static let x123: [UInt8] = {
    var b = [UInt8](repeating: 0, count: 64)
    b.replaceSubrange(0..<4, with: [0x45, 0x23, 0x01, 0x00])  // fast 0x12345
    b.replaceSubrange(4..<8, with: [0xE8, 0x03, 0x00, 0x00])  // slow 1000
    b.replaceSubrange(8..<12, with: [0x07, 0x00, 0x00, 0x00])  // GP 7
    b.replaceSubrange(12..<16, with: [0x05, 0x64, 0x00, 0x00])  // 5 ms + 100 × 100 ms
    b.replaceSubrange(16..<20, with: [0x10, 0x27, 0x00, 0x00])  // live 10000 ms
    b.replaceSubrange(20..<24, with: [0x24, 0x27, 0x00, 0x00])  // real 10020 ms
    b[24] = 0x67
    b[25] = 0x65
    b.replaceSubrange(26..<30, with: [0x40, 0xE2, 0x01, 0x00])  // serial 123456
    b[30] = 0xFF  // HV −220 × 0.5 V, big-endian
    b[31] = 0x24
    b[32] = 0xF8  // high nibble ignored: 0x898 = 2200 × 0.1 K
    b[33] = 0x98
    b[34] = 0x23
    b[35] = 0xA2
    b[36] = 0x20
    b[37] = 0x03
    b[38] = 0x80
    b[39] = 0x00
    return b
  }()

  @Test func decodesEveryFieldOfAnX123Status() throws {
    let status = try DP5Status(bytes: Self.x123)
    #expect(status.fastCount == 0x12345)
    #expect(status.slowCount == 1000)
    #expect(status.generalPurposeCount == 7)
    #expect(status.accumulationMilliseconds == 10_005)
    #expect(status.accumulationSeconds == 10.005)
    #expect(status.liveTimeMilliseconds == 10_000)
    #expect(status.realTimeSeconds == 10.02)
    #expect(status.firmwareVersion == "6.07 build 3")
    #expect(status.fpgaVersion == "6.05")
    #expect(status.serialNumber == 123_456)
    #expect(status.highVoltage == -110)
    #expect(status.detectorTemperatureKelvin == 220)
    #expect(status.boardTemperatureCelsius == 35)
    #expect(status.presetTimeReached && status.mcaEnabled && status.unitConfigured)
    #expect(!status.presetCountReached && !status.presetLiveTimeReached)
    #expect(!status.autoInputOffsetSearching && status.rebooted)
    #expect(status.pc5Present)
    #expect(status.deviceType == .dp5)
    #expect(status.modelName == "Amptek X-123")
  }

  @Test func encodingReproducesTheTableExceptIgnoredBits() throws {
    var expected = Self.x123
    expected[32] &= 0x0F
    #expect(try DP5Status(bytes: Self.x123).encoded == expected)
  }

  @Test func serialNoneNegativeTemperatureAndOldFirmware() throws {
    var bytes = Self.x123
    bytes[29] = 0x80
    bytes[34] = 0xF6
    bytes[24] = 0x54
    bytes[38] = 0
    let status = try DP5Status(bytes: bytes)
    #expect(status.serialNumber == nil)
    #expect(status.boardTemperatureCelsius == -10)
    #expect(status.firmwareVersion == "5.04", "no build number before 6.05")
    #expect(status.modelName == "Amptek DP5")
    #expect(try DP5Status(bytes: status.encoded) == status)
  }

  @Test func everyDeviceTypeHasAModelName() throws {
    let names: [UInt8: String] = [
      0: "Amptek DP5", 1: "Amptek PX5", 2: "Amptek DP5G", 3: "Amptek MCA8000D", 4: "Amptek TB5",
      5: "Amptek DP5-X", 9: "Amptek device type 9",
    ]
    for (byte, name) in names {
      var bytes = Self.x123
      bytes[38] = 0
      bytes[39] = byte
      let status = try DP5Status(bytes: bytes)
      #expect(status.modelName == name)
      #expect(status.deviceType.byte == byte)
      if byte < 6 { #expect(DP5DeviceType(name: status.deviceType.name) == status.deviceType) }
    }
  }

  @Test func deadTimeFromFastAndSlowCounts() {
    var status = DP5Status()
    #expect(status.deadTimeFraction == nil)
    status.fastCount = 1000
    status.slowCount = 900
    #expect(abs((status.deadTimeFraction ?? 0) - 0.1) < 1e-12)
  }

  @Test func wrongLengthIsMalformed() {
    #expect(throws: DP5ProtocolError.self) {
      try DP5Status(bytes: [UInt8](repeating: 0, count: 63))
    }
    let response = DP5Packet(pid1: 0x80, pid2: 0x01, data: [1, 2, 3])
    #expect(throws: DP5ProtocolError.self) { try DP5Response(packet: response) }
  }

  @Test func statusResponseRoundTrips() throws {
    let status = try DP5Status(bytes: Self.x123)
    let packet = DP5Response.status(status).packet
    #expect(packet.pid1 == 0x80 && packet.pid2 == 0x01 && packet.data.count == 64)
    #expect(try DP5Response(packet: packet) == .status(status))
  }
}

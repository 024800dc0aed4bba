import AmptekDP5
import Testing

/// The streaming decoder under fragmentation, garbage, false sync bytes and corrupted frames.
@Suite struct StreamDecoderTests {
  /// A realistic reply sequence: status, a 1024-channel spectrum with status, ACK, read-back.
  static let replies: [DP5Response] = {
    var status = DP5Status()
    status.fastCount = 12_345
    status.serialNumber = 42
    let counts = (0..<1024).map { UInt32($0 * 37 % 5000) }
    return [
      .status(status), .spectrum(DP5Spectrum(counts: counts, status: status)), .ok,
      .configurationReadback("MCAC=1024;"),
    ]
  }()

  static var stream: [UInt8] { replies.flatMap(\.encoded) }

  private func decodeAll(_ chunks: [[UInt8]]) throws -> ([DP5Response], Int) {
    var decoder = DP5StreamDecoder(direction: .responses)
    var responses: [DP5Response] = []
    var skipped = 0
    for chunk in chunks {
      decoder.append(chunk)
      while let frame = decoder.next() {
        skipped += frame.skippedBytes
        responses.append(try DP5Response(packet: frame.content.get()))
      }
    }
    return (responses, skipped)
  }

  @Test func allAtOnce() throws {
    let (responses, skipped) = try decodeAll([Self.stream])
    #expect(responses == Self.replies)
    #expect(skipped == 0)
  }

  @Test func byteByByte() throws {
    let (responses, skipped) = try decodeAll(Self.stream.map { [$0] })
    #expect(responses == Self.replies)
    #expect(skipped == 0)
  }

  @Test(arguments: [1, 2, 3, 4, 5])
  func randomChunks(seed: UInt64) throws {
    var generator = SplitMix(state: seed)
    var chunks: [[UInt8]] = []
    var rest = Self.stream[...]
    while !rest.isEmpty {
      let size = Int(generator.next() % 97) + 1
      chunks.append(Array(rest.prefix(size)))
      rest = rest.dropFirst(size)
    }
    let (responses, skipped) = try decodeAll(chunks)
    #expect(responses == Self.replies)
    #expect(skipped == 0)
  }

  @Test func resynchronisesAfterGarbageAndCountsSkippedBytes() throws {
    let garbage: [UInt8] = [0x00, 0xF5, 0x13, 0xFA, 0xF5, 0xF5, 0x41, 0x42]
    var decoder = DP5StreamDecoder(direction: .responses)
    decoder.append(garbage + DP5Response.ok.encoded + [0x99, 0x98] + DP5Response.ok.encoded)
    let firstFrame = decoder.next()
    let first = try #require(firstFrame)
    #expect(first.skippedBytes == garbage.count)
    #expect(try first.content.get() == DP5Response.ok.packet)
    let secondFrame = decoder.next()
    let second = try #require(secondFrame)
    #expect(second.skippedBytes == 2)
    #expect(decoder.next() == nil)
    #expect(decoder.totalSkippedBytes == garbage.count + 2)
  }

  @Test func falseSyncWithImpossibleLengthDoesNotStall() throws {
    // F5 FA 80 01 with LEN 0x7FFF cannot be a status (64 bytes): skipped at once.
    let fake: [UInt8] = [0xF5, 0xFA, 0x80, 0x01, 0x7F, 0xFF]
    var decoder = DP5StreamDecoder(direction: .responses)
    decoder.append(fake + DP5Response.ok.encoded)
    let decoded = decoder.next()
    let frame = try #require(decoded)
    #expect(frame.skippedBytes == fake.count)
    #expect(try frame.content.get().pid1 == 0xFF)
  }

  @Test func partialHeaderWaitsForMoreBytes() {
    var decoder = DP5StreamDecoder(direction: .responses)
    decoder.append([0x10, 0xF5])
    #expect(decoder.next() == nil)
    #expect(decoder.pendingSkippedBytes == 1)
    #expect(decoder.bufferedByteCount == 1)
  }

  @Test func corruptedChecksumIsReportedAndTheNextPacketStillDecodes() throws {
    var corrupted = DP5Response.status(DP5Status()).encoded
    corrupted[corrupted.count - 1] ^= 0x01
    var decoder = DP5StreamDecoder(direction: .responses)
    decoder.append(corrupted + DP5Response.ok.encoded)
    let badFrame = decoder.next()
    let bad = try #require(badFrame)
    guard
      case .failure(.checksumMismatch(let pid1, let pid2, let received, let computed)) =
        bad.content
    else {
      Issue.record("expected a checksum mismatch, got \(bad.content)")
      return
    }
    #expect(pid1 == 0x80 && pid2 == 0x01 && received == computed ^ 0x01)
    let goodFrame = decoder.next()
    let good = try #require(goodFrame)
    #expect(good.skippedBytes == 0)
    #expect(try good.content.get() == DP5Response.ok.packet)
  }

  @Test func corruptedDataByteFailsTheChecksum() throws {
    var bytes = DP5Response.configurationReadback("PRET=10;").encoded
    bytes[8] ^= 0x20
    var decoder = DP5StreamDecoder(direction: .responses)
    decoder.append(bytes)
    let decoded = decoder.next()
    let frame = try #require(decoded)
    #expect((try? frame.content.get()) == nil)
  }

  @Test func resetDiscardsBufferedBytesAsSkipped() {
    var decoder = DP5StreamDecoder(direction: .responses)
    decoder.append(Array(DP5Response.ok.encoded.prefix(5)))
    #expect(decoder.next() == nil)
    decoder.reset()
    #expect(decoder.bufferedByteCount == 0)
    #expect(decoder.totalSkippedBytes == 5)
  }

  @Test func requestDirectionAcceptsRequestsUpTo512Bytes() throws {
    var decoder = DP5StreamDecoder(direction: .requests)
    let echo = DP5Request.echo(Array(repeating: 0x55, count: 512))
    decoder.append([0x01] + echo.encoded)
    let decoded = decoder.next()
    let frame = try #require(decoded)
    #expect(frame.skippedBytes == 1)
    #expect(try DP5Request(packet: frame.content.get()) == echo)
  }
}

/// A tiny deterministic generator for chunk sizes.
struct SplitMix {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

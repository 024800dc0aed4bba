import Testing
import WhitlockCore

/// JSON strings through the parser and writer, from seeded random bytes: ASCII runs (the fast
/// path), escapes, control characters, quotes, multi-byte UTF-8 and invalid bytes. Whatever the
/// parser accepts must survive a write/parse round trip unchanged (the property the libFuzzer
/// target `FuzzJSON` checks, here on every test run).
@Suite struct JSONStringRoundTripTests {
  /// A small seeded generator (SplitMix64), so a failure can be repeated from its case number.
  private struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
  }

  private static let pieces: [[UInt8]] = [
    Array("plain ascii text".utf8), Array("\\\"".utf8), Array("\\\\".utf8), Array("\\n\\t".utf8),
    Array("\\u00e9".utf8), Array("\\ud83d\\ude00".utf8), Array("\\ud83d".utf8),
    Array("é".utf8), Array("水".utf8), Array("😀".utf8), [0x01], [0x1F], [0x7F], [0x80], [0xC3],
    [0xFF], [0xED, 0xA0, 0x80], Array("\"".utf8), Array("\\x".utf8), Array("\\u12".utf8),
  ]

  private static func body(_ random: inout Generator) -> [UInt8] {
    var bytes: [UInt8] = []
    for _ in 0..<random.below(6) {
      bytes += pieces[random.below(pieces.count)]
      if random.below(3) == 0 {
        bytes += Array(repeating: UInt8(ascii: "a"), count: random.below(40))
      }
    }
    return bytes
  }

  @Test func acceptedStringsSurviveAWriteParseRoundTrip() throws {
    var random = Generator(state: 0x5EED_1234)
    var accepted = 0
    for number in 0..<20_000 {
      let text = Self.body(&random)
      let documents: [[UInt8]] = [
        [UInt8(ascii: "\"")] + text + [UInt8(ascii: "\"")],
        Array("[\"".utf8) + text + Array("\",1]".utf8),
        Array("{\"".utf8) + text + Array("\":\"".utf8) + text + Array("\"}".utf8),
      ]
      for document in documents {
        guard let value = try? JSONParser.parse(document) else { continue }
        accepted += 1
        var writer = JSONWriter(reservingCapacity: document.count * 2 + 16)
        writer.value(value)
        let again = try JSONParser.parse(writer.bytes)
        #expect(again == value, "case \(number): \(document)")
        var second = JSONWriter(reservingCapacity: writer.bytes.count + 16)
        second.value(again)
        #expect(second.bytes == writer.bytes, "case \(number): not stable")
      }
    }
    #expect(accepted > 10_000, "the cases reach the parser's accepting paths: \(accepted)")
  }

  @Test func controlCharactersAndBadUTF8AreRefused() {
    for bad: [UInt8] in [
      [0x22, 0x61, 0x01, 0x22], [0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22],
      [0x22, 0x61, 0x62],
    ] {
      #expect(throws: (any Error).self) { try JSONParser.parse(bad) }
    }
  }
}

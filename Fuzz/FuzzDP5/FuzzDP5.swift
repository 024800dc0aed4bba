// libFuzzer target: the Amptek DP5 stream decoder and the packet, status and spectrum decoders
// must turn any bytes into frames or errors, never crash, and whatever decodes must re-encode.
import AmptekDP5
import FuzzSupport

@_cdecl("fuzz_dp5_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  runLibFuzzer(argc, argv) { bytes in
    for direction in [DP5StreamDecoder.Direction.responses, .requests] {
      // Two fragments split by the first byte, to exercise resynchronising across appends.
      var decoder = DP5StreamDecoder(direction: direction)
      let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
      decoder.append(bytes[..<split])
      while let frame = decoder.next() { check(frame, direction) }
      decoder.append(bytes[split...])
      while let frame = decoder.next() { check(frame, direction) }
    }
    _ = try? DP5Status(bytes: bytes)
    if bytes.count >= 1 {
      _ = try? DP5Spectrum(pid2: bytes[0], data: Array(bytes.dropFirst()))
    }
  }
}

private func check(_ frame: DP5StreamDecoder.Frame, _ direction: DP5StreamDecoder.Direction) {
  guard case .success(let packet) = frame.content else { return }
  var again = DP5StreamDecoder(direction: direction)
  again.append(packet.encoded)
  guard case .success(let decoded)? = again.next()?.content, decoded == packet else {
    fatalError("re-encoded DP5 packet does not decode to itself: \(packet)")
  }
  if direction == .responses { _ = try? DP5Response(packet: packet) }
}

import Testing

@testable import SpoolShipper

/// Record lines for the decoder tests.
enum DecoderSamples {
  static let instrument =
    #""instrument":{"id":"r1","kind":"raman","model":"m","serial":"s","family":"simulated","firmware":null}"#
  static let run = "\"run_id\":\"c7c0c236-5d49-494a-aa74-651c2a37b899\""

  static func acquisition(seq: Int, counts: String = "[1,2,3]") -> String {
    "{\"schema\":1,\"type\":\"acquisition\",\(run),\"seq\":\(seq),\"time\":\"2026-01-31T12:00:00.000Z\",\(instrument),"
      + "\"acquisition\":{\"device_seq\":\(seq),\"started\":\"2026-01-31T11:59:59.000Z\",\"ended\":\"2026-01-31T12:00:00.000Z\","
      + "\"exposure_s\":1,\"full_scale\":65535,\"saturated_channels\":0,\"parameters\":{}},"
      + "\"axis\":{\"type\":\"wavelength-polynomial\",\"unit\":\"cm-1\",\"coefficients_nm\":[780,0.1],\"excitation_nm\":785},"
      + "\"counts\":\(counts),\"detection\":{\"method\":\"m\",\"whitlockite_fraction\":0.3,\"whitlockite_fraction_sigma\":null,"
      + "\"fusion\":{\"point_id\":\"p1\",\"whitlockite\":\"present\",\"raman_call\":\"present\",\"xrf_call\":\"missing\"}}}"
  }

  static func decode(_ text: String) throws(SegmentDecodingError) -> [ShipRecord] {
    try SegmentDecoder.decode(Array(text.utf8))
  }

  static func without(_ part: String, seq: Int = 1) -> String {
    acquisition(seq: seq).replacingOccurrences(of: part, with: "") + "\n"
  }

  static func replacing(_ part: String, with other: String) -> String {
    acquisition(seq: 1).replacingOccurrences(of: part, with: other) + "\n"
  }

  static let malformed: [(String, String)] = [
    (acquisition(seq: 1), "line 1: the last"),
    (acquisition(seq: 1) + "\n{\"schema\":1\n", "line 2: invalid JSON"),
    (
      acquisition(seq: 2) + "\n" + acquisition(seq: 2) + "\n", "line 2: seq 2 does not follow seq 2"
    ),
    (acquisition(seq: 1, counts: "[1,-2]") + "\n", "line 1: counts[1] is not an integer"),
    (acquisition(seq: 1, counts: "[]") + "\n", "line 1: counts is not a non-empty array"),
    (without("\"exposure_s\":1,"), "line 1: acquisition.exposure_s is missing"),
    (
      replacing("\"time\":\"2026-01-31T12:00:00.000Z\"", with: "\"time\":\"noon\""),
      "line 1: time is not a timestamp"
    ),
    (replacing("\"schema\":1", with: "\"schema\":2"), "line 1: schema 2 is not the schema 1"),
    ("", "the segment holds no records"),
  ]
}

@Suite("Segment decoder")
struct SegmentDecoderTests {

  @Test("an acquisition's columns, counts, axis and fused verdict")
  func acquisition() throws {
    let records = try DecoderSamples.decode(DecoderSamples.acquisition(seq: 7) + "\n")
    #expect(records.count == 1)
    let record = try #require(records.first)
    #expect(record.seq == 7)
    #expect(record.instrument.kind == "raman")
    guard case .acquisition(let acquisition) = record.body else {
      Issue.record("not an acquisition")
      return
    }
    #expect(acquisition.counts == [1, 2, 3])
    #expect(acquisition.raman?.whitlockiteFraction == 0.3)
    #expect(acquisition.raman?.whitlockiteFractionSigma == nil)
    #expect(acquisition.verdict?.whitlockite == "present")
    #expect(acquisition.detection.hasPrefix("{\"method\":\"m\""))
    guard case .wavelengthPolynomial(let coefficients, let excitation) = acquisition.axis else {
      Issue.record("wrong axis")
      return
    }
    #expect(coefficients == [780, 0.1])
    #expect(excitation == 785)
  }

  @Test("dark and map records are kept whole; an acquisition's map member is carried")
  func documentsAndMapPoints() throws {
    let dark =
      "{\"schema\":1,\"type\":\"dark\",\(DecoderSamples.run),\"seq\":1,\"time\":\"2026-01-31T12:00:00.000Z\","
      + "\(DecoderSamples.instrument),\"dark\":{\"id\":\"x\"},\"counts\":[1,2]}"
    let point =
      DecoderSamples.acquisition(seq: 2).dropLast()
      + ",\"map\":{\"map_id\":\"m1\",\"grid_index\":3,\"stage_um\":[1.5,2]}}"
    let records = try DecoderSamples.decode(dark + "\n" + point + "\n")
    #expect(records.count == 2)
    guard case .document(let type, let text) = records[0].body else {
      Issue.record("the dark record is not a document")
      return
    }
    #expect(type == "dark")
    #expect(text == dark)
    #expect(records[0].typeName == "dark")
    guard case .acquisition(let acquisition) = records[1].body else {
      Issue.record("not an acquisition")
      return
    }
    #expect(acquisition.map == #"{"map_id":"m1","grid_index":3,"stage_um":[1.5,2]}"#)
  }

  @Test("an unknown record type is rejected, naming the types the shipper stores")
  func unknownType() {
    #expect(throws: SegmentDecodingError.self) {
      _ = try DecoderSamples.decode(
        DecoderSamples.replacing("\"type\":\"acquisition\"", with: "\"type\":\"mystery\""))
    }
    let decoded = SegmentDecoder.decodeLines(
      Array(
        DecoderSamples.replacing("\"type\":\"acquisition\"", with: "\"type\":\"mystery\"").utf8))
    #expect(decoded.rejected.first?.message.contains("dark, map-end, map-plan") == true)
  }

  @Test("malformed segments name the line and the reason", arguments: DecoderSamples.malformed)
  func malformed(text: String, message: String) {
    #expect {
      try DecoderSamples.decode(text)
    } throws: { error in
      "\(error)".hasPrefix(message)
    }
  }

  @Test("a bad line is rejected alone: the records before and after it are kept")
  func badLineIsRejectedAlone() throws {
    let good1 = DecoderSamples.acquisition(seq: 4)
    let bad = DecoderSamples.acquisition(seq: 5, counts: "[1,-2]")
    let good2 = DecoderSamples.acquisition(seq: 6)
    let torn = "{\"schema\":1"
    let text = [good1, bad, "not json", good2, good2].joined(separator: "\n") + "\n" + torn
    let bytes = Array(text.utf8)
    let decoded = SegmentDecoder.decodeLines(bytes)
    #expect(decoded.records.map(\.seq) == [4, 6])
    #expect(decoded.lines.map(\.line) == [1, 4])
    #expect(decoded.rejected.map(\.line) == [2, 3, 5, 6])
    #expect(decoded.rejected.map(\.seq) == [5, nil, 6, nil])
    #expect(decoded.rejected[0].message.hasPrefix("counts[1] is not an integer"))
    #expect(decoded.rejected[2].message == "seq 6 does not follow seq 6")
    #expect(decoded.rejected[3].message.hasPrefix("the last 11 bytes"))
    // Each rejected line's bytes are exactly the line, without its newline.
    #expect(String(decoding: bytes[decoded.rejected[0].bytes], as: UTF8.self) == bad)
    #expect(String(decoding: bytes[decoded.rejected[3].bytes], as: UTF8.self) == torn)
    #expect(String(decoding: bytes[decoded.lines[1].bytes], as: UTF8.self) == good2)
  }
}

@Suite("Detector parameters and detail split off the detection object")
struct DetectionParametersTests {
  static func split(_ text: String) throws -> (String, String?, String?) {
    let bytes = Array(text.utf8)[...]
    let members = try #require(JSONMemberScanner.members(bytes))
    return ScannedObject(bytes, members).split(off: "parameters", moving: ["bands", "fits"])
  }

  @Test("parameters anywhere, first, last or alone; members keep their text, not the spaces")
  func positions() throws {
    #expect(
      try Self.split(#"{"a":1,"parameters":{"x":[1,2]},"b":2}"#) == (
        #"{"a":1,"b":2}"#, #"{"x":[1,2]}"#, nil
      ))
    #expect(try Self.split(#"{"parameters":{},"b":2}"#) == (#"{"b":2}"#, "{}", nil))
    #expect(
      try Self.split(#"{"a":1, "parameters" : {"y":"}"} }"#) == (#"{"a":1}"#, #"{"y":"}"}"#, nil))
    #expect(try Self.split(#"{"parameters":{}}"#) == ("{}", "{}", nil))
    #expect(try Self.split(#"{"a":1}"#) == (#"{"a":1}"#, nil, nil))
  }

  @Test("detail members move to an object of their own, in their order")
  func detail() throws {
    #expect(
      try Self.split(#"{"bands":[{"n":"x"}],"a":1,"parameters":{},"fits" : {"f":true}}"#) == (
        #"{"a":1}"#, "{}", #"{"bands":[{"n":"x"}],"fits" : {"f":true}}"#
      ))
    #expect(try Self.split(#"{"fits":null}"#) == ("{}", nil, #"{"fits":null}"#))
  }
}

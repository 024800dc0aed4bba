import Spool
import WhitlockCore

#if canImport(Glibc)
  import Glibc
#endif

/// Turns a segment's bytes into `ShipRecord`s, and says which lines are wrong and why.
///
/// A segment in `new/` is complete by the spool's contract, yet one line of it can still be
/// unshippable (a record that fails the schema, a torn tail written by something else, a
/// sequence number that does not increase). Such a line is rejected alone, with its line number
/// and reason: the shipper quarantines its bytes and ships the segment's other records, so one
/// bad record (say, from an instrument with an unprogrammed EEPROM) never holds back the records
/// of every other instrument written beside it.
enum SegmentDecoder {
  /// Largest value a count may have: the schema stores counts as PostgreSQL `integer`.
  static let maximumCount = Int64(Int32.max)

  /// A line that cannot be shipped: where its bytes are and why.
  struct RejectedLine: Sendable, Equatable {
    /// 1-based line number.
    var line: Int
    /// The line's bytes in the segment, without its newline.
    var bytes: Range<Int>
    /// Its sequence number, when the line got far enough to say.
    var seq: Int64?
    var message: String

    var description: String { "line \(line): \(message)" }
  }

  /// The records a segment holds and the lines it holds that are not shippable records.
  struct Decoded: Sendable {
    var records: [ShipRecord] = []
    /// Each record's line: `lines[i]` is the 1-based line and byte range of `records[i]`.
    var lines: [(line: Int, bytes: Range<Int>)] = []
    var rejected: [RejectedLine] = []
  }

  /// Decodes every line; a line that fails is rejected alone and the others are kept. Sequence
  /// numbers must increase from one kept record to the next: a line whose seq does not is
  /// rejected (the record before it keeps the number).
  static func decodeLines(_ bytes: [UInt8]) -> Decoded {
    var result = Decoded()
    var start = 0
    var lineNumber = 0
    var previousSeq: Int64 = 0
    var writer = JSONWriter(reservingCapacity: 16 * 1024)
    while start < bytes.count {
      lineNumber += 1
      guard let end = lineEnd(bytes, from: start) else {
        result.rejected.append(
          RejectedLine(
            line: lineNumber, bytes: start..<bytes.count, seq: nil,
            message: "the last \(bytes.count - start) bytes are not newline-terminated"))
        break
      }
      let range = start..<end
      let line = bytes[range]
      start = end + 1
      guard let members = JSONMemberScanner.members(line) else {
        // Let the full parser say exactly what is wrong with the line.
        var message = "the line is not a JSON object"
        do { _ = try JSONParser.parse(line) } catch { message = "\(error)" }
        result.rejected.append(
          RejectedLine(line: lineNumber, bytes: range, seq: nil, message: message))
        continue
      }
      let scanned = ScannedObject(line, members)
      let record: ShipRecord
      do throws(FieldError) {
        record = try decodeRecord(scanned, writer: &writer)
      } catch {
        let seq = try? scanned.fields(parsing: ["seq"], path: "").integer("seq")
        result.rejected.append(
          RejectedLine(line: lineNumber, bytes: range, seq: seq, message: error.message))
        continue
      }
      guard record.seq > previousSeq else {
        result.rejected.append(
          RejectedLine(
            line: lineNumber, bytes: range, seq: record.seq,
            message: "seq \(record.seq) does not follow seq \(previousSeq)"))
        continue
      }
      previousSeq = record.seq
      result.records.append(record)
      result.lines.append((lineNumber, range))
    }
    return result
  }

  /// Decodes a segment that must be wholly shippable: throws for its first rejected line, or
  /// when it holds no records.
  static func decode(_ bytes: [UInt8]) throws(SegmentDecodingError) -> [ShipRecord] {
    let decoded = decodeLines(bytes)
    if let first = decoded.rejected.first {
      throw SegmentDecodingError(line: first.line, first.message)
    }
    if decoded.records.isEmpty {
      throw SegmentDecodingError(line: 0, "the segment holds no records")
    }
    return decoded.records
  }

  /// The index of the first newline at or after `start`, found with `memchr`.
  private static func lineEnd(_ bytes: [UInt8], from start: Int) -> Int? {
    bytes.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress, start < buffer.count,
        let found = memchr(base + start, 0x0A, buffer.count - start)
      else { return nil }
      return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }
  }

  /// The members that become columns; the rest (counts, detection, settings, simulation) are
  /// taken from the line's bytes without building values.
  static let parsedMembers: Set<String> = [
    "schema", "type", "run_id", "seq", "time", "instrument", "acquisition", "axis", "run",
    "summary",
  ]

  /// Record types stored whole in `whitlock.record_documents`.
  static let documentTypes: Set<String> = ["dark", "calibration", "map-plan", "map-end"]

  /// The members of `detection` that become columns.
  static let detectionColumns: Set<String> = [
    "method", "calcification_type", "phosphate_detected", "whitlockite_fraction",
    "whitlockite_fraction_sigma", "carbonate_phosphate_ratio", "carbonate_phosphate_ratio_sigma",
    "crystallinity_fwhm_cm1", "mg_ca_ratio", "mg_ca_ratio_sigma", "mg_net_area",
    "mg_net_area_sigma", "ca_net_area", "ca_net_area_sigma", "p_net_area", "p_net_area_sigma",
    "reduced_chi_square", "fusion",
  ]

  /// Members of `detection` stored in `detection_detail` (`json`) instead of the `jsonb`
  /// `detection`: the per-band and per-line fit table, the phase evidence and the fit reports,
  /// four fifths of a Raman detection object, kept as written and checked as JSON by the server
  /// but not converted into `jsonb`, which cost the server more than any other part of a record.
  static let detailMembers: Set<String> = ["bands", "lines", "phases", "fits"]

  private static func decodeRecord(_ line: ScannedObject, writer: inout JSONWriter)
    throws(FieldError) -> ShipRecord
  {
    let fields = try line.fields(parsing: parsedMembers, path: "")
    let schema = try fields.integer("schema")
    guard schema == RecordEncoder.schemaVersion else {
      throw FieldError(
        "schema \(schema) is not the schema \(RecordEncoder.schemaVersion) this shipper knows")
    }
    let seq = try fields.integer("seq")
    guard seq > 0 else { throw FieldError("seq \(seq) is not positive") }
    let runID = try fields.string("run_id")
    guard SpoolIdentity(uuid: runID) != nil else {
      throw FieldError("run_id \(runID.prefix(40).debugDescription) is not a lower-case UUID")
    }
    let time = try fields.timestamp("time")
    let instrumentFields = try fields.object("instrument")
    let instrument = ShipRecord.Instrument(
      id: try instrumentFields.string("id"), kind: try instrumentFields.string("kind"),
      model: try instrumentFields.string("model"), serial: try instrumentFields.string("serial"),
      family: try instrumentFields.string("family"),
      firmware: try instrumentFields.optionalString("firmware"))
    guard instrument.kind == "raman" || instrument.kind == "xrf" else {
      throw FieldError("instrument.kind \(instrument.kind.debugDescription) is not raman or xrf")
    }
    let body: ShipRecord.Body
    switch try fields.string("type") {
    case "run-start":
      var event = try runEvent(fields)
      event.settings = try line.objectText("settings")
      body = .runStart(event)
    case "run-end":
      var event = try runEvent(fields)
      let summary = try fields.object("summary")
      event.summary = try line.objectText("summary")
      event.reason = try summary.string("reason")
      event.tallies = try [
        "acquisitions_completed", "acquisitions_spooled", "acquisitions_interrupted",
        "acquisitions_dropped", "errors",
      ].map { name throws(FieldError) in try summary.integer(name) }
      body = .runEnd(event)
    case "acquisition":
      body = .acquisition(
        try acquisition(fields, line: line, kind: instrument.kind, writer: &writer))
    case let other where documentTypes.contains(other):
      body = .document(type: other, text: line.text)
    case let other:
      throw FieldError(
        "type \(other.prefix(40).debugDescription) is not run-start, acquisition, run-end or "
          + documentTypes.sorted().joined(separator: ", "))
    }
    return ShipRecord(seq: seq, runID: runID, time: time, instrument: instrument, body: body)
  }

  private static func runEvent(_ fields: Fields) throws(FieldError) -> ShipRecord.RunEvent {
    let run = try fields.object("run")
    return ShipRecord.RunEvent(
      run: ShipRecord.Run(
        started: try run.timestamp("started"), sampleID: try run.optionalString("sample_id"),
        operatorName: try run.optionalString("operator"),
        pointID: try run.optionalString("point_id")))
  }

  private static func acquisition(
    _ fields: Fields, line: ScannedObject, kind: String, writer: inout JSONWriter
  ) throws(FieldError) -> ShipRecord.Acquisition {
    let acquisition = try fields.object("acquisition")
    let axisFields = try fields.object("axis")
    let axis: ShipRecord.Axis
    switch try axisFields.string("type") {
    case "wavelength-polynomial":
      axis = .wavelengthPolynomial(
        coefficientsNM: try axisFields.numbers("coefficients_nm"),
        excitationNM: try axisFields.number("excitation_nm"))
    case "linear-energy":
      axis = .linearEnergy(
        kevPerChannel: try axisFields.number("kev_per_channel"),
        offsetKeV: try axisFields.number("offset_kev"))
    case let other:
      throw FieldError("axis.type \(other.prefix(40).debugDescription) is not known")
    }
    let detectionObject = try line.object("detection")
    let detection = try detectionObject.fields(parsing: detectionColumns, path: "detection")
    let (detectionText, detectionParameters, detectionDetail) = detectionObject.split(
      off: "parameters", moving: detailMembers)
    var result = ShipRecord.Acquisition(
      deviceSequence: try acquisition.integer("device_seq"),
      started: try acquisition.timestamp("started"), ended: try acquisition.timestamp("ended"),
      exposureSeconds: try acquisition.number("exposure_s"),
      fullScale: try acquisition.int32("full_scale"),
      saturatedChannels: try acquisition.int32("saturated_channels"),
      parameters: try acquisition.json("parameters", writer: &writer), axis: axis,
      counts: try line.counts("counts"), method: try detection.string("method"),
      detection: detectionText, detectionDetail: detectionDetail,
      detectionParameters: detectionParameters,
      simulation: try line.optionalObjectText("simulation"),
      map: try line.optionalObjectText("map"))
    if kind == "raman" {
      result.raman = ShipRecord.RamanColumns(
        calcificationType: try detection.optionalString("calcification_type"),
        phosphateDetected: try detection.optionalBool("phosphate_detected"),
        whitlockiteFraction: try detection.optionalNumber("whitlockite_fraction"),
        whitlockiteFractionSigma: try detection.optionalNumber("whitlockite_fraction_sigma"),
        carbonatePhosphateRatio: try detection.optionalNumber("carbonate_phosphate_ratio"),
        carbonatePhosphateRatioSigma: try detection.optionalNumber(
          "carbonate_phosphate_ratio_sigma"),
        crystallinityFWHM: try detection.optionalNumber("crystallinity_fwhm_cm1"))
    } else {
      result.xrf = ShipRecord.XRFColumns(
        mgCaRatio: try detection.optionalNumber("mg_ca_ratio"),
        mgCaRatioSigma: try detection.optionalNumber("mg_ca_ratio_sigma"),
        mgNetArea: try detection.optionalNumber("mg_net_area"),
        mgNetAreaSigma: try detection.optionalNumber("mg_net_area_sigma"),
        caNetArea: try detection.optionalNumber("ca_net_area"),
        caNetAreaSigma: try detection.optionalNumber("ca_net_area_sigma"),
        pNetArea: try detection.optionalNumber("p_net_area"),
        pNetAreaSigma: try detection.optionalNumber("p_net_area_sigma"),
        reducedChiSquare: try detection.optionalNumber("reduced_chi_square"))
    }
    if let fusion = try detection.optionalObject("fusion") {
      result.verdict = ShipRecord.Verdict(
        pointID: try fusion.string("point_id"), whitlockite: try fusion.string("whitlockite"),
        ramanCall: try fusion.optionalString("raman_call"),
        xrfCall: try fusion.optionalString("xrf_call"),
        whitlockiteFraction: try fusion.optionalNumber("whitlockite_fraction"),
        whitlockiteFractionSigma: try fusion.optionalNumber("whitlockite_fraction_sigma"),
        mgCaRatio: try fusion.optionalNumber("mg_ca_ratio"),
        mgCaRatioSigma: try fusion.optionalNumber("mg_ca_ratio_sigma"),
        rule: try fusion.optionalString("rule"))
    }
    return result
  }
}

/// Why a segment cannot be shipped: the 1-based line and what is wrong with it.
public struct SegmentDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
  /// 1-based line number, 0 for the segment as a whole.
  public var line: Int
  public var message: String

  init(line: Int, _ message: String) {
    self.line = line
    self.message = message
  }

  public var description: String { line > 0 ? "line \(line): \(message)" : message }
}

import HDF5
import Records
import WhitlockCore

/// Writes one run as a NeXus `NXentry`: the instruments' groups as acquisitions arrive (see
/// `NeXusInstrumentWriter`), then at the end the run's metadata (`title`, `start_time`,
/// `end_time`, `entry_identifier`, `sample` (`NXsample`), `operator` (`NXuser`)) and
/// `point_verdicts` (`NXcollection`): the latest fused verdict of every measurement point with
/// the rule and thresholds, and the run-end fusion summary.
final class NeXusEntryWriter {
  /// The run id.
  let runID: String
  /// The entry's group name.
  let name: String
  /// Spectra written, all instruments.
  var spectra: Int { instruments.reduce(0) { $0 + $1.count } }

  private let group: HDF5Group
  private var instruments: [NeXusInstrumentWriter] = []
  /// Member names of the entry so far, and those `finish` writes.
  private var usedNames: Set<String> = [
    "title", "entry_identifier", "start_time", "end_time", "program_name", "sample", "operator",
    "point_verdicts",
  ]
  private var run: RunInfo?
  private var settings: [String: JSONValue] = [:]
  private var summaries: [String: RunEndRecord.Summary] = [:]
  private var earliest: (Double, String)?
  private var latest: (Double, String)?
  /// The latest verdict of each point, kept as a few values rather than the record's JSON so a
  /// run of 100,000 spectra at 20,000 points holds a few MiB, not the records' fusion objects.
  private var points: [String: PointVerdict] = [:]
  /// The fusion rule and thresholds of the run's first verdict (the same in every record).
  private var rule: (name: String?, thresholds: JSONValue?)?
  private var fusionSummary: JSONValue?

  /// Creates the entry group `name` in `root` for run `runID`.
  init(root: HDF5Group, name: String, runID: String) throws(HDF5Error) {
    self.runID = runID
    self.name = name
    group = try root.createGroup(name)
    try group.setAttribute("NX_class", "NXentry")
  }

  /// The group name of the first spectra written, for `@default`.
  var defaultData: String? { instruments.first?.spectraGroupName }

  /// Notes the time of any record of the run.
  private func saw(time: String?) {
    guard let time, let seconds = UTCTimestampParsing.seconds(time) else { return }
    if earliest.map({ seconds < $0.0 }) ?? true { earliest = (seconds, time) }
    if latest.map({ seconds > $0.0 }) ?? true { latest = (seconds, time) }
  }

  /// Takes a `run-start` record: the run's metadata and the instrument's settings.
  func runStart(_ record: RunStartRecord) {
    let instrument = record.header.instrument.id
    if run == nil { run = record.run }
    settings[instrument] = record.settings
    saw(time: record.run.started)
    saw(time: record.header.time)
  }

  /// Takes a `run-end` record and finishes that instrument's groups.
  func runEnd(_ record: RunEndRecord) throws(HDF5Error) {
    let instrument = record.header.instrument.id
    if run == nil { run = record.run }
    summaries[instrument] = record.summary
    if let fusion = record.summary.fusion { fusionSummary = fusion }
    saw(time: record.run.started)
    saw(time: record.header.time)
    for writer in instruments where writer.instrument.id == instrument && !writer.finished {
      try writer.finish(settings: settings[instrument], summary: summaries[instrument])
    }
  }

  /// Appends an acquisition to its instrument's groups, creating them on first use.
  func append(_ acquisition: AcquisitionRecord) throws(HDF5Error) {
    saw(time: acquisition.exposure.started)
    saw(time: acquisition.exposure.ended)
    let writer: NeXusInstrumentWriter
    if let open = instruments.last(where: { $0.accepts(acquisition) }) {
      writer = open
    } else {
      let suffixes = ["", "_spectra", "_results", "_acquisitions"]
      let candidate = NeXusName.unique(
        NeXusName.make(acquisition.header.instrument.id), suffixes: suffixes, taken: usedNames)
      for suffix in suffixes { usedNames.insert(candidate + suffix) }
      let startedText = run?.started ?? acquisition.exposure.started
      let origin = UTCTimestampParsing.seconds(startedText).map { ($0, startedText) } ?? (0, "")
      writer = try NeXusInstrumentWriter(
        entry: group, entryPath: "/" + name, name: candidate, first: acquisition, timeOrigin: origin
      )
      instruments.append(writer)
    }
    try writer.append(acquisition)
    if let fusion = acquisition.detection.fusion {
      let order = points[fusion.pointID]?.order ?? points.count
      points[fusion.pointID] = PointVerdict(
        order: order, seq: acquisition.header.seq, fusion: fusion)
      if rule == nil { rule = (fusion.rule, fusion.thresholds) }
    }
  }

  /// Finishes every instrument and writes the run's metadata and point verdicts.
  func finish() throws(HDF5Error) {
    for writer in instruments where !writer.finished {
      try writer.finish(
        settings: settings[writer.instrument.id], summary: summaries[writer.instrument.id])
    }
    let sample = run?.sampleID
    let operatorName = run?.operatorName
    let startText = run?.started ?? earliest?.1 ?? ""
    try group.write(
      "title", "whitlockd run \(runID)" + (sample.map { ", sample \($0)" } ?? ""))
    try group.write("entry_identifier", runID)
    try group.write("start_time", startText)
    try group.write("end_time", latest?.1 ?? startText)
    try group.write("program_name", "whitlockd")
    let sampleGroup = try group.createGroup("sample")
    try sampleGroup.setAttribute("NX_class", "NXsample")
    try sampleGroup.write("name", sample ?? "")
    if let point = run?.pointID { try sampleGroup.write("point_id", point) }
    let user = try group.createGroup("operator")
    try user.setAttribute("NX_class", "NXuser")
    try user.write("name", operatorName ?? "")
    try user.write("role", "operator")
    if !points.isEmpty || fusionSummary != nil { try writePointVerdicts() }
    if let defaultData { try group.setAttribute("default", defaultData) }
  }

  private func writePointVerdicts() throws(HDF5Error) {
    let verdicts = try group.createGroup("point_verdicts")
    try verdicts.setAttribute("NX_class", "NXcollection")
    try verdicts.setAttribute(
      "description", "the latest fused whitlockite verdict of each measurement point")
    let sorted = points.sorted { $0.value.order < $1.value.order }
    let ordered = sorted.map(\.value)
    try verdicts.write("point_id", sorted.map(\.key))
    try verdicts.write("whitlockite", ordered.map(\.whitlockite))
    try verdicts.write("raman_call", ordered.map(\.ramanCall))
    try verdicts.write("xrf_call", ordered.map(\.xrfCall))
    try verdicts.write("whitlockite_fraction", ordered.map(\.whitlockiteFraction))
    try verdicts.write("whitlockite_fraction_errors", ordered.map(\.whitlockiteFractionSigma))
    try verdicts.write("mg_ca_ratio", ordered.map(\.mgCaRatio))
    try verdicts.write("mg_ca_ratio_errors", ordered.map(\.mgCaRatioSigma))
    try verdicts.write("last_seq", ordered.map { Int64($0.seq) })
    // The run-end fusion summary is free-form (`PointFusion`'s tally); its rule is read by name.
    let ruleName = rule?.name ?? fusionSummary?["rule"]?.stringValue
    if let ruleName { try verdicts.write("rule", ruleName) }
    if case .object(let thresholds)? = rule?.thresholds {
      for (key, value) in thresholds {
        if case .bool(let flag) = value {
          try verdicts.write(NeXusName.make(key), Int8(flag ? 1 : 0))
        } else if let number = value.doubleValue {
          try verdicts.write(NeXusName.make(key), number)
        }
      }
    }
    guard case .object(let members)? = fusionSummary else { return }
    let summary = try verdicts.createGroup("run_summary")
    try summary.setAttribute("NX_class", "NXcollection")
    for (key, value) in members where key != "rule" {
      if case .object(let counts) = value {
        for (verdict, count) in counts {
          try summary.write(NeXusName.make("\(key)_\(verdict)"), Int64(count.doubleValue ?? 0))
        }
      } else if case .int(let number) = value {
        try summary.write(NeXusName.make(key), number)
      } else if let number = value.doubleValue {
        try summary.write(NeXusName.make(key), number)
      }
    }
  }
}

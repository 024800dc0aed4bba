import HDF5
import Records
import WhitlockCore

/// Writes one instrument's part of a run into a NeXus entry, an acquisition at a time:
///
/// - `NAME` (`NXinstrument`): `detector` (`NXdetector`: model, serial, firmware, calibration,
///   and links to the counts), for Raman `source` (`NXsource`, the excitation laser), and
///   `run_configuration` (`NXcollection`: the run-start settings and run-end tally);
/// - `NAME_spectra` (`NXdata`): `counts` (acquisition × channel, uint32) against `time` and the
///   axis (`raman_shift` in 1/cm or `energy` in keV);
/// - `NAME_results` (`NXdata`): the detection results per acquisition, whitlockite fraction or
///   Mg/Ca (with `_errors`) plotted against `time`;
/// - `NAME_acquisitions` (`NXcollection`): seq, device seq, start/end times, exposure, full scale,
///   acquisition parameters and the full detection object (JSON) of every acquisition.
///
/// Every per-acquisition field is chunked and compressed and grows a chunk at a time.
final class NeXusInstrumentWriter {
  let instrument: InstrumentIdentity
  let calibration: AxisCalibration
  let channels: Int
  /// The base name of the groups.
  let name: String
  /// The name of the spectra group (the entry's `@default` candidate).
  var spectraGroupName: String { name + "_spectra" }
  /// Spectra written.
  var count: Int { counts.count }
  /// Whether `finish` has run.
  private(set) var finished = false

  private let instrumentGroup: HDF5Group
  private let detector: HDF5Group
  private let spectra: HDF5Group
  private let results: HDF5Group
  private let acquisitions: HDF5Group
  private let counts: HDF5AppendableDataset<UInt32>
  private let time: HDF5AppendableDataset<Double>
  private let seq: NeXusColumn
  private let deviceSeq: NeXusColumn
  private let startTime: HDF5AppendableStrings
  private let endTime: HDF5AppendableStrings
  private let exposure: HDF5AppendableDataset<Double>
  private let fullScale: HDF5AppendableDataset<Int64>
  private let saturated: HDF5AppendableDataset<Int64>
  private let parameters: HDF5AppendableStrings
  private let detectionText: HDF5AppendableText
  private let detectionParametersIndex: HDF5AppendableDataset<Int64>
  private var detectionParameterSets: [String: Int] = [:]
  /// The previous row's detection parameters and their set's index.
  private var lastParameterSet: (value: JSONValue?, index: Int)?
  /// Encodes each row's detection object; its buffer is kept from row to row.
  private var encoder = JSONWriter(reservingCapacity: 16 * 1024)
  private let fields: [NeXusResultField]
  private let resultColumns: [NeXusColumn]
  /// Seconds since the epoch that `time` counts from.
  private let timeOrigin: Double

  /// Creates the groups for `first` (its instrument, calibration and channel count) in `entry`
  /// under the free name `name`; `timeOrigin` (seconds since the epoch, ISO text) is where
  /// `time` starts.
  init(
    entry: HDF5Group, entryPath: String, name: String, first: AcquisitionRecord,
    timeOrigin: (Double, String)
  ) throws(HDF5Error) {
    instrument = first.header.instrument
    calibration = first.axis
    channels = first.counts.count
    self.name = name
    self.timeOrigin = timeOrigin.0
    let spectrumRows = max(1, min(256, (256 * 1024) / (4 * channels)))
    let rows = 1024

    instrumentGroup = try entry.createGroup(name)
    try instrumentGroup.setAttribute("NX_class", "NXinstrument")
    try instrumentGroup.write("name", instrument.id)
    detector = try instrumentGroup.createGroup("detector")
    try detector.setAttribute("NX_class", "NXdetector")
    try detector.write("local_name", instrument.id)
    try detector.write("description", instrument.model)
    try detector.write("serial_number", instrument.serial)
    try detector.write("family", instrument.family)
    if let firmware = instrument.firmware { try detector.write("firmware_version", firmware) }
    try detector.write("saturation_value", Int64(first.exposure.fullScale)).setAttribute(
      "units", "counts")

    let axisName: String
    let calibration = first.axis
    let axisValues = (0..<channels).map { calibration.axisValue(atChannel: Double($0)) }
    let axisUnits: String
    switch calibration {
    case .wavelengthPolynomial(let coefficients, let excitation):
      axisName = "raman_shift"
      axisUnits = "1/cm"
      try detector.write("type", "spectrometer CCD")
      let polynomial = try detector.write("wavelength_calibration", coefficients)
      try polynomial.setAttribute("units", "nm")
      try polynomial.setAttribute(
        "description", "wavelength(pixel) = sum of c[i] * pixel^i, pixel counted from 0")
      let source = try instrumentGroup.createGroup("source")
      try source.setAttribute("NX_class", "NXsource")
      try source.write("name", "excitation laser")
      try source.write("type", "Optical Laser")
      try source.write("wavelength", excitation).setAttribute("units", "nm")
    case .linearEnergy(let gain, let offset):
      axisName = "energy"
      axisUnits = "keV"
      try detector.write("type", "X-ray fluorescence detector")
      try detector.write("energy_per_channel", gain).setAttribute("units", "keV")
      try detector.write("energy_offset", offset).setAttribute("units", "keV")
      if let amplifier = first.exposure.parameters["gain"] {
        if let text = amplifier.stringValue {
          try detector.write("gain_setting", text)
        } else if let number = amplifier.doubleValue {
          try detector.write("gain_setting", String(number))
        }
      }
    }

    acquisitions = try entry.createGroup(name + "_acquisitions")
    try acquisitions.setAttribute("NX_class", "NXcollection")
    time = try HDF5AppendableDataset<Double>(in: acquisitions, "time", chunkRows: rows)
    try time.dataset.setAttribute("units", "s")
    try time.dataset.setAttribute("start", timeOrigin.1)
    try time.dataset.setAttribute("long_name", "acquisition start (s since \(timeOrigin.1))")
    seq = try .integers(in: acquisitions, "seq", chunkRows: rows)
    try seq.dataset.setAttribute("long_name", "spool sequence number")
    deviceSeq = try .integers(in: acquisitions, "device_seq", chunkRows: rows)
    startTime = try HDF5AppendableStrings(in: acquisitions, "start_time", chunkRows: rows)
    endTime = try HDF5AppendableStrings(in: acquisitions, "end_time", chunkRows: rows)
    exposure = try HDF5AppendableDataset<Double>(in: acquisitions, "exposure_time", chunkRows: rows)
    try exposure.dataset.setAttribute("units", "s")
    fullScale = try HDF5AppendableDataset<Int64>(in: acquisitions, "full_scale", chunkRows: rows)
    try fullScale.dataset.setAttribute("units", "counts")
    saturated = try HDF5AppendableDataset<Int64>(
      in: acquisitions, "saturated_channels", chunkRows: rows)
    parameters = try HDF5AppendableStrings(in: acquisitions, "parameters", chunkRows: rows)
    try parameters.dataset.setAttribute("description", "acquisition parameters (JSON)")
    detectionText = try HDF5AppendableText(in: acquisitions, "detection", chunkRows: rows)
    try detectionText.bytes.dataset.setAttribute(
      "description",
      "the record's detection object (JSON, UTF-8; row i is detection[detection_end[i-1]:"
        + "detection_end[i]]) without its parameters, which are in "
        + "detection_parameters[detection_parameters_index]")
    detectionParametersIndex = try HDF5AppendableDataset<Int64>(
      in: acquisitions, "detection_parameters_index", chunkRows: rows)

    spectra = try entry.createGroup(name + "_spectra")
    try spectra.setAttribute("NX_class", "NXdata")
    counts = try HDF5AppendableDataset<UInt32>(
      in: spectra, "counts", columns: channels, chunkRows: spectrumRows)
    try counts.dataset.setAttribute("units", "counts")
    try counts.dataset.setAttribute("long_name", "\(instrument.id) raw counts")
    try spectra.write(axisName, axisValues).setAttribute("units", axisUnits)
    try spectra.link("time", to: "\(entryPath)/\(name)_acquisitions/time")
    try spectra.link("seq", to: "\(entryPath)/\(name)_acquisitions/seq")
    try spectra.setAttribute("signal", "counts")
    try spectra.setAttribute("axes", ["time", axisName])
    try spectra.setAttribute("time_indices", Int64(0))
    try spectra.setAttribute("\(axisName)_indices", Int64(1))
    try detector.link("data", to: "\(entryPath)/\(name)_spectra/counts")
    try detector.link("full_scale", to: "\(entryPath)/\(name)_acquisitions/full_scale")
    try detector.link("seq", to: "\(entryPath)/\(name)_acquisitions/seq")

    results = try entry.createGroup(name + "_results")
    try results.setAttribute("NX_class", "NXdata")
    fields = NeXusResultField.fields(for: instrument.kind)
    var columns: [NeXusColumn] = []
    for field in fields {
      columns.append(
        try NeXusColumn(
          in: results, field.name, storage: field.storage, chunkRows: rows, units: field.units))
    }
    resultColumns = columns
    try results.link("time", to: "\(entryPath)/\(name)_acquisitions/time")
    try results.link("seq", to: "\(entryPath)/\(name)_acquisitions/seq")
    try results.setAttribute("signal", fields[0].name)
    try results.setAttribute("axes", ["time"])
    try results.setAttribute("time_indices", Int64(0))
  }

  /// Whether `acquisition` fits this writer's layout (same instrument, calibration, channels).
  func accepts(_ acquisition: AcquisitionRecord) -> Bool {
    !finished && acquisition.header.instrument.id == instrument.id
      && acquisition.axis == calibration && acquisition.counts.count == channels
  }

  /// Appends one acquisition.
  func append(_ acquisition: AcquisitionRecord) throws(HDF5Error) {
    try counts.append(acquisition.counts)
    let started = UTCTimestampParsing.seconds(acquisition.exposure.started)
    try time.append(started.map { $0 - timeOrigin } ?? .nan)
    try seq.append(.int(Int64(acquisition.header.seq)))
    try deviceSeq.append(.int(acquisition.exposure.deviceSeq))
    try startTime.append(acquisition.exposure.started)
    try endTime.append(acquisition.exposure.ended)
    try exposure.append(acquisition.exposure.exposureSeconds)
    try fullScale.append(Int64(acquisition.exposure.fullScale))
    try saturated.append(acquisition.exposure.saturatedChannels)
    try parameters.append(Self.text(acquisition.exposure.parameters))
    let detectionParameters = try appendDetection(acquisition.detection.json)
    try detectionParametersIndex.append(Int64(parameterSetIndex(detectionParameters)))
    for (field, column) in zip(fields, resultColumns) {
      try column.append(field.value(in: acquisition.detection.json))
    }
  }

  /// Appends the detection object without its `parameters` to `detection`, encoded in `encoder`
  /// (a buffer kept from row to row), and returns those parameters (nil when it has none).
  private func appendDetection(_ detection: JSONValue) throws(HDF5Error) -> JSONValue? {
    encoder.reset()
    var detectionParameters: JSONValue?
    if case .object(let members) = detection {
      encoder.raw(UInt8(ascii: "{"))
      var first = true
      for (key, value) in members {
        if key == "parameters" {
          if detectionParameters == nil { detectionParameters = value }
          continue
        }
        if !first { encoder.raw(UInt8(ascii: ",")) }
        first = false
        encoder.string(key)
        encoder.raw(UInt8(ascii: ":"))
        encoder.value(value)
      }
      encoder.raw(UInt8(ascii: "}"))
    } else {
      encoder.value(detection)
    }
    try encoder.bytes.withUnsafeBufferPointer { (text) throws(HDF5Error) in
      try detectionText.append(utf8: text)
    }
    return detectionParameters
  }

  /// The index of a detection parameter set in `detection_parameters`, adding it when new. Runs
  /// repeat one set, so a set equal to the previous row's is not encoded again.
  private func parameterSetIndex(_ detectionParameters: JSONValue?) -> Int {
    if let last = lastParameterSet, last.value == detectionParameters { return last.index }
    let text = detectionParameters.map(Self.text) ?? ""
    let index =
      detectionParameterSets[text]
      ?? {
        let next = detectionParameterSets.count
        detectionParameterSets[text] = next
        return next
      }()
    lastParameterSet = (detectionParameters, index)
    return index
  }

  /// Writes pending rows, the detection parameter sets, the run-start settings and the run-end
  /// tally (when the export saw them), and closes nothing: the groups close when released.
  func finish(settings: JSONValue?, summary: RunEndRecord.Summary?) throws(HDF5Error) {
    guard !finished else { return }
    finished = true
    try counts.flush()
    try time.flush()
    for column in [seq, deviceSeq] + resultColumns { try column.flush() }
    for strings in [startTime, endTime, parameters] { try strings.flush() }
    try detectionText.flush()
    try exposure.flush()
    try fullScale.flush()
    try saturated.flush()
    try detectionParametersIndex.flush()
    let sets = detectionParameterSets.sorted { $0.value < $1.value }.map(\.key)
    try acquisitions.write("detection_parameters", sets).setAttribute(
      "description", "the distinct detection parameter sets (JSON)")
    let configuration = try instrumentGroup.createGroup("run_configuration")
    try configuration.setAttribute("NX_class", "NXcollection")
    if let settings { try configuration.write("settings", Self.text(settings)) }
    if let summary {
      try configuration.write("reason", summary.reason)
      for (key, count) in [
        ("acquisitions_completed", summary.acquisitionsCompleted),
        ("acquisitions_spooled", summary.acquisitionsSpooled),
        ("acquisitions_interrupted", summary.acquisitionsInterrupted),
        ("acquisitions_dropped", summary.acquisitionsDropped), ("errors", summary.errors),
      ] {
        try configuration.write(key, Int64(count))
      }
    }
  }

  /// Compact JSON text of `value`.
  static func text(_ value: JSONValue) -> String {
    var writer = JSONWriter(reservingCapacity: 4096)
    writer.value(value)
    return String(decoding: writer.bytes, as: UTF8.self)
  }
}

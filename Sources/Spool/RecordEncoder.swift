import Foundation
import WhitlockCore

/// Writes spool records as one compact JSON object each, following `RecordSchema`.
///
/// The version in `schemaVersion` changes whenever a consumer would have to change.
public enum RecordEncoder {
  /// The value of every record's `schema` member.
  public static let schemaVersion: Int64 = 1

  /// Appends `record` with sequence number `seq` to `writer`, followed by a newline.
  public static func encode(_ record: SpoolRecord, seq: UInt64, into writer: inout JSONWriter) {
    writer.raw("{")
    writer.key("schema")
    writer.integer(schemaVersion)
    writer.raw(",")
    writer.key("type")
    writer.string(record.typeName)
    switch record {
    case .runStart(let run, let instrument, let settings, let time):
      header(run: run, seq: seq, time: time, instrument: instrument, into: &writer)
      writer.raw(",")
      writer.key("run")
      runObject(run, into: &writer)
      writer.raw(",")
      writer.key("settings")
      writer.value(settings)
    case .acquisition(let run, let acquisition, let detection):
      header(
        run: run, seq: seq, time: acquisition.endedAt, instrument: acquisition.instrument,
        into: &writer)
      writer.raw(",")
      acquisitionMembers(acquisition, into: &writer)
      writer.raw(",")
      writer.key("detection")
      writer.value(detection)
      if let truth = acquisition.simulationTruth {
        writer.raw(",")
        writer.key("simulation")
        writer.value(truth)
      }
      if let map = acquisition.mapPoint {
        writer.raw(",")
        writer.key("map")
        writer.value(map)
      }
    case .runEnd(let run, let instrument, let summary, let time):
      header(run: run, seq: seq, time: time, instrument: instrument, into: &writer)
      writer.raw(",")
      writer.key("run")
      runObject(run, into: &writer)
      writer.raw(",")
      writer.key("summary")
      var members: [(String, JSONValue)] = [
        ("reason", .string(summary.reason)),
        ("acquisitions_completed", .int(Int64(summary.acquisitionsCompleted))),
        ("acquisitions_spooled", .int(Int64(summary.acquisitionsSpooled))),
        ("acquisitions_interrupted", .int(Int64(summary.acquisitionsInterrupted))),
        ("acquisitions_dropped", .int(Int64(summary.acquisitionsDropped))),
        ("errors", .int(Int64(summary.errors))),
      ]
      if let fusion = summary.fusion { members.append(("fusion", fusion)) }
      writer.object(members)
    case .dark(let run, let dark):
      header(run: run, seq: seq, time: dark.takenAt, instrument: dark.instrument, into: &writer)
      writer.raw(",")
      writer.key("run")
      runObject(run, into: &writer)
      writer.raw(",")
      darkMembers(dark, into: &writer)
    case .calibration(let run, let instrument, let calibration, let time):
      header(run: run, seq: seq, time: time, instrument: instrument, into: &writer)
      writer.raw(",")
      writer.key("run")
      runObject(run, into: &writer)
      writer.raw(",")
      writer.key("calibration")
      writer.value(calibration)
    case .mapPlan(let run, let instrument, let plan, let time):
      header(run: run, seq: seq, time: time, instrument: instrument, into: &writer)
      writer.raw(",")
      writer.key("plan")
      writer.value(plan)
    case .mapEnd(let run, let instrument, let map, let time):
      header(run: run, seq: seq, time: time, instrument: instrument, into: &writer)
      writer.raw(",")
      writer.key("map")
      writer.value(map)
    }
    writer.raw("}")
    writer.raw(0x0A)
  }

  private static func header(
    run: RunContext, seq: UInt64, time: Date, instrument: InstrumentIdentity,
    into writer: inout JSONWriter
  ) {
    writer.raw(",")
    writer.key("run_id")
    writer.string(run.runID)
    writer.raw(",")
    writer.key("seq")
    writer.integer(seq)
    writer.raw(",")
    writer.key("time")
    writer.string(UTCTimestamp.string(from: time))
    writer.raw(",")
    writer.key("instrument")
    writer.object([
      ("id", .string(instrument.id)),
      ("kind", .string(instrument.kind.rawValue)),
      ("model", .string(instrument.model)),
      ("serial", .string(instrument.serial)),
      ("family", .string(instrument.family)),
      ("firmware", instrument.firmware.map(JSONValue.string) ?? .null),
    ])
  }

  private static func runObject(_ run: RunContext, into writer: inout JSONWriter) {
    writer.object([
      ("started", .string(UTCTimestamp.string(from: run.startedAt))),
      ("sample_id", run.sampleID.map(JSONValue.string) ?? .null),
      ("operator", run.operatorName.map(JSONValue.string) ?? .null),
      ("point_id", run.pointID.map(JSONValue.string) ?? .null),
    ])
  }

  /// The `dark` object and the dark's mean `counts` (numbers: a mean over scans is not whole).
  private static func darkMembers(_ dark: DarkFrame, into writer: inout JSONWriter) {
    writer.key("dark")
    writer.object([
      ("id", .string(dark.id)),
      ("taken", .string(UTCTimestamp.string(from: dark.takenAt))),
      ("exposure_s", .number(dark.settings.exposureSeconds)),
      ("scans_to_average", .int(Int64(dark.settings.scansToAverage))),
      ("gain", .number(dark.gain)),
      ("detector_temperature_c", .number(dark.detectorTemperatureC)),
      ("method", .string(dark.method)),
      ("full_scale", .int(Int64(dark.fullScale))),
    ])
    writer.raw(",")
    writer.key("counts")
    writer.raw("[")
    for (index, value) in dark.counts.enumerated() {
      if index > 0 { writer.raw(",") }
      writer.number((value * 1000).rounded() / 1000)
    }
    writer.raw("]")
  }

  private static func acquisitionMembers(_ acquisition: Acquisition, into writer: inout JSONWriter)
  {
    writer.key("acquisition")
    writer.raw("{")
    writer.key("device_seq")
    writer.integer(acquisition.deviceSequence)
    writer.raw(",")
    writer.key("started")
    writer.string(UTCTimestamp.string(from: acquisition.startedAt))
    writer.raw(",")
    writer.key("ended")
    writer.string(UTCTimestamp.string(from: acquisition.endedAt))
    writer.raw(",")
    writer.key("exposure_s")
    writer.number(acquisition.exposureSeconds)
    writer.raw(",")
    writer.key("full_scale")
    writer.integer(UInt64(acquisition.fullScale))
    writer.raw(",")
    writer.key("saturated_channels")
    writer.integer(UInt64(acquisition.saturatedChannelCount))
    writer.raw(",")
    writer.key("parameters")
    writer.object(acquisition.parameters)
    writer.raw("}")
    writer.raw(",")
    writer.key("axis")
    switch acquisition.axis {
    case .wavelengthPolynomial(let coefficients, let excitation):
      writer.object([
        ("type", .string("wavelength-polynomial")),
        ("unit", .string("cm-1")),
        ("coefficients_nm", .array(coefficients.map(JSONValue.number))),
        ("excitation_nm", .number(excitation)),
      ])
    case .linearEnergy(let gain, let offset):
      writer.object([
        ("type", .string("linear-energy")),
        ("unit", .string("keV")),
        ("kev_per_channel", .number(gain)),
        ("offset_kev", .number(offset)),
      ])
    }
    writer.raw(",")
    writer.key("counts")
    writer.counts(acquisition.counts)
  }
}

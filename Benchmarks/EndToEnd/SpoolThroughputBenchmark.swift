import Foundation
import SampleModels
import Simulation
import Spool
import TextTables
import WhitlockCore

/// Durable records per second through the spool for realistic Raman (2048 px) and XRF (4096 ch)
/// records, with default segment limits: every segment fsync'd, renamed and its directory fsync'd.
struct SpoolThroughputBenchmark {
  var table: String

  static func run(directory: String, records: Int, rawBytesPerSecond: Double) throws
    -> SpoolThroughputBenchmark
  {
    var table = TextTable(
      title:
        "Spool throughput (default limits: 1000 records or 32 MiB per segment, fsync per segment)",
      layout: .figures,
      headers: ["record", "path", "records", "records/s", "MiB/s", "% of raw disk", "segments"])
    for kind in [InstrumentKind.raman, .xrf] {
      let samples = makeRecords(kind: kind, distinct: 32)
      for threaded in [false, true] {
        let root = directory + "/spool-\(kind.rawValue)-\(threaded ? "pump" : "direct")"
        let layout = SpoolLayout(root: root)
        try layout.create()
        let writer = try SpoolWriter(
          layout: layout, limits: SegmentLimits(), recovery: SpoolRecovery.run(layout))
        let start = ContinuousClock.now
        var bytes: UInt64 = 0
        var segments: UInt64 = 0
        if threaded {
          let pump = SpoolPump(writer: writer, capacity: records + 1)
          for index in 0..<records { pump.submit(samples[index % samples.count]) }
          let semaphore = DispatchSemaphore(value: 0)
          Task {
            await pump.finish(timeout: 600)
            semaphore.signal()
          }
          semaphore.wait()
          bytes = pump.counters.bytesWritten
          segments = pump.counters.segmentsPublished
        } else {
          for index in 0..<records { try writer.append(samples[index % samples.count]) }
          try writer.publish()
          bytes = writer.statistics.bytesWritten
          segments = writer.statistics.segmentsPublished
        }
        let seconds = (ContinuousClock.now - start).inSeconds
        let rate = Double(bytes) / seconds
        table.rows.append([
          kind == .raman ? "Raman 2048 px" : "XRF 4096 ch",
          threaded ? "SpoolPump (thread)" : "SpoolWriter",
          "\(records)", format(Double(records) / seconds, 0), format(rate / 1_048_576),
          format(100 * rate / rawBytesPerSecond), "\(segments)",
        ])
        try? FileManager.default.removeItem(atPath: root)
      }
    }
    return SpoolThroughputBenchmark(table: table.render() + "\n")
  }

  /// Records with simulated counts and a detection object of realistic size.
  static func makeRecords(kind: InstrumentKind, distinct: Int) -> [SpoolRecord] {
    let run = RunContext(runID: UUID().uuidString.lowercased(), startedAt: Date())
    var random = RandomSource(seed: 9)
    let identity = InstrumentIdentity(
      id: kind == .raman ? "raman-bench" : "xrf-bench", kind: kind, model: "bench", serial: "B1",
      family: "simulated")
    return (0..<distinct).map { index in
      let counts: [UInt32]
      let axis: AxisCalibration
      switch kind {
      case .raman:
        let model = RamanSampleModel(pixelCount: 2048)
        counts = model.counts(
          for: .phosphate(whitlockiteFraction: Double(index % 8) / 10), random: &random)
        axis = model.axisCalibration
      case .xrf:
        let model = XRFSampleModel(channelCount: 4096)
        counts = model.spectrum(for: XRFComposition(mgToCaMolar: 0.05), random: &random).counts
        axis = model.axisCalibration
      }
      let acquisition = Acquisition(
        instrument: identity, deviceSequence: UInt64(index + 1), startedAt: Date(), endedAt: Date(),
        counts: counts, axis: axis, exposureSeconds: 1, fullScale: 65535,
        parameters: [("integration_time_s", .double(1))])
      let detection = JSONValue.object(
        (0..<20).map { ("value_\($0)", JSONValue.double(Double($0) * 0.123456789)) }
          + [("method", .string("bench"))])
      return .acquisition(run: run, acquisition: acquisition, detection: detection)
    }
  }
}

import Foundation
import Spool
import WhitlockCore

extension ShippingFixture {
  /// A spool with `segments` segments of 5 records each, written by the real writer.
  static func makeSpool(_ root: String, segments: Int) throws -> Int {
    try writeSpool(
      root, counts: (0..<(segments * 5)).map { [1, 2, 3, UInt32($0)] }, recordsPerSegment: 5,
      detection: .object([
        ("method", .string("test")), ("whitlockite_fraction", .double(0.25)),
        ("whitlockite_fraction_sigma", .double(0.05)),
      ]))
    return segments * 5
  }

  /// A spool of one run with an acquisition for each element of `counts`, each carrying
  /// `detection`, in segments of `recordsPerSegment` records (the writer's default when nil),
  /// written and published by the real writer.
  static func writeSpool(
    _ root: String, counts: [[UInt32]], recordsPerSegment: Int? = nil, detection: JSONValue,
    darkFirst: Bool = false
  ) throws {
    let layout = SpoolLayout(root: root)
    try layout.create()
    var limits = SegmentLimits()
    if let recordsPerSegment { limits.maxRecords = recordsPerSegment }
    let writer = try SpoolWriter(
      layout: layout, limits: limits, recovery: SpoolRecovery.run(layout))
    let run = RunContext(
      runID: UUID().uuidString.lowercased(), sampleID: "B-17", startedAt: Date())
    let instrument = InstrumentIdentity(
      id: "raman-sim", kind: .raman, model: "sim", serial: "S1", family: "simulated")
    if darkFirst {
      let dark = DarkFrame(
        id: "0c5e8a1e-61f0-4d8c-9e4a-2b7f3c1d9a55", instrument: instrument, takenAt: Date(),
        settings: FrameSettings(exposureSeconds: 0.1, scansToAverage: 2), gain: nil,
        detectorTemperatureC: -10, counts: [100, 101, 99.5, 100], fullScale: 65535,
        method: "laser-off")
      try writer.append(.dark(run: run, dark: dark))
    }
    for (index, values) in counts.enumerated() {
      let acquisition = Acquisition(
        instrument: instrument, deviceSequence: UInt64(index + 1), startedAt: Date(),
        endedAt: Date(), counts: values,
        axis: .wavelengthPolynomial(coefficients: [780, 0.1], excitationNanometres: 785),
        exposureSeconds: 0.1, fullScale: 65535, parameters: [])
      try writer.append(.acquisition(run: run, acquisition: acquisition, detection: detection))
    }
    try writer.publish()
  }
}

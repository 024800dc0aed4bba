// A child process for crash-consistency tests: recovers the spool like the daemon does at start,
// then appends records as fast as it can (small segments, so publications are frequent) and
// prints each sequence number once `append` has returned. Tests kill it with SIGKILL at random
// moments and check that everything it printed survives, exactly once.
import Foundation
import Spool
import WhitlockCore

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
  FileHandle.standardError.write(Data("usage: SpoolCrashWriter SPOOL [PIXELS]\n".utf8))
  exit(2)
}
let layout = SpoolLayout(root: arguments[1])
let pixels = arguments.count > 2 ? Int(arguments[2]) ?? 2048 : 2048
do {
  try layout.create()
  let lock = try SpoolLock(layout: layout)
  let report = try SpoolRecovery.run(layout)
  let writer = try SpoolWriter(
    layout: layout, limits: SegmentLimits(maxRecords: 7, maxBytes: 1 << 20, maxAgeSeconds: 0.05),
    recovery: report)
  let run = RunContext(runID: UUID().uuidString.lowercased(), startedAt: Date())
  let identity = InstrumentIdentity(
    id: "crash-writer", kind: .raman, model: "fixture", serial: "0", family: "simulated")
  var counts = [UInt32](repeating: 0, count: pixels)
  var index: UInt64 = 0
  while true {
    index += 1
    for pixel in counts.indices { counts[pixel] = UInt32((pixel &* 7919 &+ Int(index)) % 60_000) }
    let acquisition = Acquisition(
      instrument: identity, deviceSequence: index, startedAt: Date(), endedAt: Date(),
      counts: counts,
      axis: .wavelengthPolynomial(coefficients: [800, 0.1], excitationNanometres: 785),
      exposureSeconds: 0.001, fullScale: 65535)
    let seq = try writer.append(
      .acquisition(
        run: run, acquisition: acquisition, detection: .object([("method", .string("none"))])))
    let line = Array("\(seq)\n".utf8)
    // The test reads what was acknowledged; once nobody reads (the test runner died, and with
    // SIGPIPE ignored by it the write fails instead of killing this process), stop.
    guard line.withUnsafeBytes({ write(STDOUT_FILENO, $0.baseAddress, $0.count) }) == line.count
    else { exit(3) }
    try writer.publishIfDue()
  }
  withExtendedLifetime(lock) {}
} catch {
  FileHandle.standardError.write(Data("SpoolCrashWriter: \(error)\n".utf8))
  exit(1)
}

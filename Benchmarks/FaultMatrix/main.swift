import Foundation
import WhitlockCore

// whitlock-faults: the issue-8 fault matrix against the real whitlockd, whitlock-sim and
// whitlockctl binaries built beside this one. Prints one table; exits 1 if a scenario failed.
//
//   whitlock-faults [--quick] [--family dp5|ocean|usb|ship|all] [--only SCENARIO] [--cycles N] [--crashes N]
//
// Families: dp5 (Amptek DP5, plus the driver-independent disk/crash/sigterm scenarios) and ocean
// (Ocean Insight OBP against `whitlock-sim obp`), usb (USB2000+ and Wasatch through libusb on the
// `whitlock-sim usb` testbed), ship (`whitlockctl ship` into a real PostgreSQL). Scenarios:
// unplug, line, disk, fsync-eio, crash, sigterm, obp-unplug, obp-line, usb, seq-reuse.

// One scenario runs at a time and nothing is measured in this process: a short blocking request
// to the daemon's monitor holds up nothing (see `BlockingWork`).
BlockingWork.allowBlockingInTasks()

var arguments = Array(CommandLine.arguments.dropFirst())
var quick = false
var only: String?
var cycles: Int?
var crashes: Int?
var family = "all"
while let argument = arguments.first {
  arguments.removeFirst()
  switch argument {
  case "--quick": quick = true
  case "--only": only = arguments.isEmpty ? nil : arguments.removeFirst()
  case "--cycles": cycles = arguments.isEmpty ? nil : Int(arguments.removeFirst())
  case "--crashes": crashes = arguments.isEmpty ? nil : Int(arguments.removeFirst())
  case "--family": family = arguments.isEmpty ? "" : arguments.removeFirst()
  default:
    print(
      "usage: whitlock-faults [--quick] [--family dp5|ocean|usb|ship|all] [--only unplug|line|"
        + "disk|fsync-eio|crash|sigterm|obp-unplug|obp-line|usb|seq-reuse] [--cycles N] [--crashes N]"
    )
    exit(2)
  }
}

let scenarios = Scenarios(
  unplugCycles: cycles ?? (quick ? 5 : 50), crashCycles: crashes ?? (quick ? 10 : 100),
  lineFaultPresets: quick ? 6 : 15)
var rows: [MatrixRow] = []
let started = ContinuousClock.now
let all: [(String, String, () async throws -> [MatrixRow])] = [
  ("dp5", "unplug", { try await scenarios.unplugReplug() }),
  ("dp5", "line", { try await scenarios.lineFaults() }),
  ("dp5", "disk", { try await scenarios.diskFull() }),
  ("dp5", "fsync-eio", { try await scenarios.fsyncEIO() }),
  ("dp5", "crash", { try await scenarios.crash() }),
  ("dp5", "sigterm", { try await scenarios.sigterm() }),
  ("ocean", "obp-unplug", { try await scenarios.oceanUnplugReplug() }),
  ("ocean", "obp-line", { try await scenarios.oceanLineFaults() }),
  ("usb", "usb", { try await scenarios.usbFaults() }),
  ("ship", "seq-reuse", { try await scenarios.seqReuse() }),
]
guard ["dp5", "ocean", "usb", "ship", "all"].contains(family) else {
  print("whitlock-faults: --family must be dp5, ocean, usb, ship or all")
  exit(2)
}
for (group, name, run) in all
where (family == "all" || family == group) && (only == nil || only == name) {
  FileHandle.standardError.write("whitlock-faults: \(name)…\n".data(using: .utf8)!)
  do {
    let produced = try await run()
    for row in produced {
      FileHandle.standardError.write(
        "  \(row.scenario): \(row.verdict) \(row.notes)\n".data(using: .utf8)!)
    }
    rows += produced
  } catch {
    rows.append(
      MatrixRow(
        scenario: name, cycles: 0, completed: "-", spooled: "-", lost: "-", duplicated: "-",
        verdict: "ERROR", notes: "\(error)"))
  }
}

let header = ["scenario", "cycles", "completed", "spooled", "lost", "dup", "result", "notes"]
let table =
  [header]
  + rows.map {
    [
      $0.scenario, "\($0.cycles)", $0.completed, $0.spooled, $0.lost, $0.duplicated, $0.verdict,
      $0.notes,
    ]
  }
let widths = (0..<header.count - 1).map { column in table.map { $0[column].count }.max() ?? 0 }
for (index, row) in table.enumerated() {
  let cells = row.enumerated().map { column, cell in
    column < widths.count
      ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0) : cell
  }
  print(cells.joined(separator: " | "))
  if index == 0 {
    print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-") + "-+-------")
  }
}
print("completed = acquisitions the device finished (simulator preset log, or run-end summaries")
print("for simulated instruments; for obp rows, intact spectrum replies the simulator served);")
print(
  "spooled = acquisition records in new/+cur/; total time "
    + "\(format((ContinuousClock.now - started).seconds)) s")
exit(rows.allSatisfy { $0.verdict == "PASS" || $0.verdict == "SKIP" } ? 0 : 1)

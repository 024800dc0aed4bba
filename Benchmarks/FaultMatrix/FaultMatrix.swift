import ArgumentParser
import Foundation
import WhitlockCore

/// whitlock-faults: the issue-8 fault matrix against the real whitlockd, whitlock-sim and
/// whitlockctl binaries built beside this one. Prints one table; exits 1 if a scenario failed.
@main
struct FaultMatrix: AsyncParsableCommand {
  /// A group of scenarios.
  enum Family: String, CaseIterable, ExpressibleByArgument {
    case dp5, ocean, usb, ship, stage, all
  }

  /// The scenarios in the order they run, each with its family.
  static let scenarios: [(family: Family, name: String)] = [
    (.dp5, "unplug"), (.dp5, "line"), (.dp5, "disk"), (.dp5, "fsync-eio"), (.dp5, "crash"),
    (.dp5, "sigterm"),
    (.ocean, "obp-unplug"), (.ocean, "obp-line"), (.usb, "usb"), (.ship, "seq-reuse"),
    (.stage, "stage-unplug"), (.stage, "map-kill"),
  ]

  static let configuration = CommandConfiguration(
    commandName: "whitlock-faults",
    abstract:
      "The fault matrix: the real whitlockd under unplugs, line faults, a full disk, an fsync EIO, SIGKILL and SIGTERM.",
    discussion: """
      Runs whitlockd, whitlock-sim and whitlockctl built beside this program and counts, for \
      every scenario, the acquisitions the device completed, the records spooled, and those lost \
      or duplicated (both must be 0). Families: dp5 (Amptek DP5, plus the driver-independent \
      disk, fsync-eio, crash and sigterm scenarios), ocean (Ocean Insight OBP against `whitlock-sim obp`), \
      usb (USB2000+ and Wasatch through libusb on the `whitlock-sim usb` testbed), ship \
      (`whitlockctl ship` into a real PostgreSQL), stage (a map on `whitlock-sim proscan` \
      unplugged mid-map, resumed from the recorded acquisitions; a map in whitlockd killed with \
      SIGKILL and resumed by the restarted daemon). Prints one table; exits 1 if a \
      scenario failed.
      """)

  @Flag(help: "A short run: 5 unplug cycles, 10 crashes, 6 line-fault presets.")
  var quick = false

  @Option(help: "Run one family of scenarios: dp5, ocean, usb, ship, stage or all.")
  var family: Family = .all

  @Option(
    help: ArgumentHelp(
      "Run one scenario: \(FaultMatrix.scenarios.map(\.name).joined(separator: ", ")).",
      valueName: "scenario"))
  var only: String?

  @Option(help: ArgumentHelp("Unplug cycles (default 50, 5 with --quick).", valueName: "n"))
  var cycles: Int?

  @Option(help: ArgumentHelp("Crash cycles (default 100, 10 with --quick).", valueName: "n"))
  var crashes: Int?

  func validate() throws {
    if let only, !Self.scenarios.contains(where: { $0.name == only }) {
      throw ValidationError(
        "--only must be one of \(Self.scenarios.map(\.name).joined(separator: ", "))")
    }
    if let cycles, cycles <= 0 { throw ValidationError("--cycles must be a positive number") }
    if let crashes, crashes <= 0 { throw ValidationError("--crashes must be a positive number") }
  }

  /// One scenario runs at a time and nothing is measured in this process: a short blocking
  /// request to the daemon's monitor holds up nothing (see `BlockingWork`).
  static func main() async {
    BlockingWork.allowBlockingInTasks()
    await main(nil)
  }

  func run() async throws {
    let scenarios = Scenarios(
      unplugCycles: cycles ?? (quick ? 5 : 50), crashCycles: crashes ?? (quick ? 10 : 100),
      lineFaultPresets: quick ? 6 : 15)
    guard await Self.runMatrix(scenarios, family: family, only: only) else {
      throw ExitCode.failure
    }
  }

  /// Runs the selected scenarios on the main actor, as the tool did before it parsed options
  /// with ArgumentParser, prints the table and tells whether every scenario passed or was skipped.
  @MainActor static func runMatrix(_ scenarios: Scenarios, family: Family, only: String?) async
    -> Bool
  {
    var rows: [MatrixRow] = []
    let started = ContinuousClock.now
    let all: [(Family, String, () async throws -> [MatrixRow])] = [
      (.dp5, "unplug", { try await scenarios.unplugReplug() }),
      (.dp5, "line", { try await scenarios.lineFaults() }),
      (.dp5, "disk", { try await scenarios.diskFull() }),
      (.dp5, "fsync-eio", { try await scenarios.fsyncEIO() }),
      (.dp5, "crash", { try await scenarios.crash() }),
      (.dp5, "sigterm", { try await scenarios.sigterm() }),
      (.ocean, "obp-unplug", { try await scenarios.oceanUnplugReplug() }),
      (.ocean, "obp-line", { try await scenarios.oceanLineFaults() }),
      (.usb, "usb", { try await scenarios.usbFaults() }),
      (.ship, "seq-reuse", { try await scenarios.seqReuse() }),
      (.stage, "stage-unplug", { try await scenarios.stageUnplugMidMap() }),
      (.stage, "map-kill", { try await scenarios.mapKillResume() }),
    ]
    for (group, name, run) in all
    where (family == .all || family == group) && (only == nil || only == name) {
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
          $0.scenario, "\($0.cycles)", $0.completed, $0.spooled, $0.lost, $0.duplicated,
          $0.verdict, $0.notes,
        ]
      }
    let widths = (0..<header.count - 1).map { column in
      table.map { $0[column].count }.max() ?? 0
    }
    for (index, row) in table.enumerated() {
      let cells = row.enumerated().map { column, cell in
        column < widths.count
          ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0) : cell
      }
      print(cells.joined(separator: " | "))
      if index == 0 {
        print(
          widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-") + "-+-------")
      }
    }
    print(
      "completed = acquisitions the device finished (simulator preset log, or run-end summaries")
    print("for simulated instruments; for obp rows, intact spectrum replies the simulator served);")
    print(
      "spooled = acquisition records in new/+cur/; total time "
        + "\(format((ContinuousClock.now - started).seconds)) s")
    return rows.allSatisfy { $0.verdict == "PASS" || $0.verdict == "SKIP" }
  }
}

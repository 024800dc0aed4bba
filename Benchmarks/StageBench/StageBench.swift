import ArgumentParser
import Foundation
import Mapping
import MarzhauserTango
import PriorProScan
import Simulation
import TextTables
import Transports
import WhitlockCore

/// `whitlock-stage-bench`: how much time a map point costs beyond the stage's modelled move time,
/// for each stage driver against its emulator over a real pseudo-terminal.
///
/// A snake map is run by `MapRunner` (move, wait until settled, no exposure). The overhead of a
/// point is the wall time from its move command to the settled position minus the move time the
/// emulator's trapezoidal model gives for that step (`StageMove.seconds`): the line, the
/// driver's replies and polls, the runner's bookkeeping, the emulator's scheduling. The first
/// point (the approach from the stage's start) is left out.
@main
struct StageBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "whitlock-stage-bench",
    abstract: "Per-point overhead of the stage drivers beyond the modelled move time.")

  @Option(help: "Grid columns and rows (a square map).")
  var size = 10

  @Option(help: "Grid step, µm.")
  var step = 100.0

  @Flag(
    help: """
      Run the map through the daemon's map service with the simulated Raman instrument, the \
      detector and the spool (ProScan emulator), and report the overhead beyond exposure and \
      modelled move.
      """)
  var throughDaemon = false

  @Option(help: "Raman exposure per point, s (with --through-daemon).")
  var exposure = 0.1

  func validate() throws {
    guard (2...100).contains(size) else { throw ValidationError("--size must be 2…100") }
    guard step > 0, step <= 1000 else { throw ValidationError("--step must be in (0, 1000] µm") }
    guard exposure > 0, exposure <= 10 else {
      throw ValidationError("--exposure must be in (0, 10] s")
    }
  }

  func run() async throws {
    if throughDaemon {
      print(try await DaemonMapBench.run(size: size, step: step, exposure: exposure))
      return
    }
    let plan = try ScanPlan(
      id: "bench",
      region: .rectangle(
        origin: StagePosition(x: 1000, y: 1000), width: Double(size - 1) * step,
        height: Double(size - 1) * step),
      step: step, exposures: ScanExposures(ramanSeconds: 0.1))
    var table = TextTable(
      title:
        "\(plan.grid.points.count) points, step \(step) µm, snake order, over a pseudo-terminal",
      layout: .figures,
      headers: [
        "stage", "modelled move ms", "median overhead ms", "p95 overhead ms", "max overhead ms",
      ])

    let proscan = ProScanEmulatorSettings()
    let proscanMotion = StageAxisMotion(
      speed: proscan.topSpeed, acceleration: proscan.topAcceleration)
    table.add(
      try await Self.measure(
        "Prior ProScan III", plan: plan, motion: proscanMotion,
        server: LineDeviceServer(device: ProScanEmulator(settings: proscan))
      ) { path in
        ProScanStage(name: "bench") { try SerialPort.open(path: path, baudRate: 9600) }
      })

    let tango = TangoEmulatorSettings()
    let tangoMotion = StageAxisMotion(speed: tango.speed, acceleration: tango.acceleration)
    table.add(
      try await Self.measure(
        "Märzhäuser TANGO", plan: plan, motion: tangoMotion,
        server: LineDeviceServer(device: TangoEmulator(settings: tango))
      ) { path in
        TangoStage(name: "bench") { try SerialPort.open(path: path, baudRate: 57_600) }
      })
    print(table.render())
  }

  static func measure<Device: LineDeviceEmulator>(
    _ name: String, plan: ScanPlan, motion: StageAxisMotion,
    server: LineDeviceServer<Device>, stage make: (String) -> any MotorizedStage
  ) async throws -> [String] {
    let pty = try PseudoTerminal()
    let serving = Task {
      var server = server
      _ = await server.serve(pty)
    }
    defer { serving.cancel() }
    let stage = make(pty.devicePath)
    _ = try await stage.open()
    let start = try await stage.position()
    let summary = try await MapRunner(plan: plan, stage: stage).run(recorded: []) { _, _, _ in }
    let points = plan.grid.points.map(\.position)
    var overheads: [Double] = []
    var modelled: [Double] = []
    for (index, seconds) in summary.moveSeconds.enumerated() {
      let from = index == 0 ? start : points[index - 1]
      let move = StageMove(from: from, to: points[index], startedAt: .now, x: motion, y: motion)
      overheads.append((seconds - move.seconds) * 1000)
      modelled.append(move.seconds * 1000)
    }
    overheads.removeFirst()
    modelled.removeFirst()
    await stage.close()
    await pty.close()
    overheads.sort()
    func format(_ value: Double) -> String { String(format: "%.1f", value) }
    let median = overheads[overheads.count / 2]
    let p95 = overheads[min(overheads.count - 1, Int(Double(overheads.count) * 0.95))]
    return [
      name, format(modelled.reduce(0, +) / Double(modelled.count)), format(median), format(p95),
      format(overheads.last ?? 0),
    ]
  }
}

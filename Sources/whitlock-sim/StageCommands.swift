import ArgumentParser
import Foundation
import Simulation
import Transports
import WhitlockCore

/// `whitlock-sim proscan`: a Prior ProScan III XY stage on a pseudo-terminal.
struct ProScanSimCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "proscan",
    abstract: "Serve an emulated Prior ProScan III XY stage on a pseudo-terminal.",
    discussion: """
      Answers the ProScan ASCII protocol (standard mode; COMP, G, GR, PS, $, K, RES, SMS, SAS)
      with moves timed by a trapezoidal speed profile: R at the end of each move, E,18 when the
      100-move queue is full, E,8 for a target outside the travel. See docs/mapping.md.
      """)

  @OptionGroup var common: StageSimulatorOptions

  @Option(help: "µm per position unit (RES,s).")
  var resolution = 1.0

  func validate() throws { try common.validate() }

  func run() async throws {
    var settings = ProScanEmulatorSettings()
    settings.travel = common.travel
    settings.topSpeed = common.speed
    settings.topAcceleration = common.acceleration
    settings.resolution = resolution
    let server = LineDeviceServer(
      device: ProScanEmulator(settings: settings), unplugAfterMoves: common.unplugAfterMoves,
      maximumUnplugs: common.maxUnplugs)
    try await common.serve(server, name: "proscan")
  }
}

/// `whitlock-sim tango`: a Märzhäuser TANGO XY stage on a pseudo-terminal.
struct TangoSimCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tango",
    abstract: "Serve an emulated Märzhäuser TANGO XY stage on a pseudo-terminal.",
    discussion: """
      Answers the TANGO (Venus) ASCII protocol: !autostatus, ?version, !dim 1 1, !moa, !mor,
      ?pos, ?statusaxis, ?err, !a, ?lim; moves timed by a trapezoidal speed profile; error 32
      for a target outside the travel. See docs/mapping.md.
      """)

  @OptionGroup var common: StageSimulatorOptions

  func validate() throws { try common.validate() }

  func run() async throws {
    var settings = TangoEmulatorSettings()
    settings.travel = common.travel
    settings.speed = common.speed
    settings.acceleration = common.acceleration
    let server = LineDeviceServer(
      device: TangoEmulator(settings: settings), unplugAfterMoves: common.unplugAfterMoves,
      maximumUnplugs: common.maxUnplugs)
    try await common.serve(server, name: "tango")
  }
}

/// The options both stage simulators take, and their serving loop.
struct StageSimulatorOptions: ParsableArguments {
  @Option(help: "Where to keep the symlink to the pseudo-terminal.")
  var link: String

  @Option(help: "Travel in X, µm.")
  var travelX = 100_000.0

  @Option(help: "Travel in Y, µm.")
  var travelY = 75_000.0

  @Option(help: "Top speed, µm/s.")
  var speed = 10_000.0

  @Option(help: "Acceleration, µm/s².")
  var acceleration = 100_000.0

  @Option(help: "Unplug (hang up) after this many moves on one connection, then plug in again.")
  var unplugAfterMoves: Int?

  @Option(help: "Unplug at most this many times (then keep the line).")
  var maxUnplugs: Int?

  @Option(help: "Pause between hang-up and the new pseudo-terminal, s.")
  var reconnectDelay = 0.5

  @Flag(help: "Log every line received and the replies sent.")
  var logLines = false

  var travel: StageTravel { StageTravel(x: 0...travelX, y: 0...travelY) }

  func validate() throws {
    guard travelX > 0, travelY > 0 else {
      throw ValidationError("--travel-x and --travel-y must be > 0")
    }
    guard speed > 0, acceleration > 0 else {
      throw ValidationError("--speed and --acceleration must be > 0")
    }
    if let unplugAfterMoves, unplugAfterMoves < 1 {
      throw ValidationError("--unplug-after-moves must be at least 1")
    }
  }

  func serve<Device: LineDeviceEmulator>(_ server: LineDeviceServer<Device>, name: String)
    async throws
  {
    var server = server
    let deviceLink = DeviceLink(path: link)
    let stop = StopSignals.install { deviceLink.remove() }
    defer { stop.forEach { $0.cancel() } }
    let log: @Sendable (String) -> Void = { SimulatorOutput.line("\(name)-sim: " + $0) }
    var first = true
    while true {
      let pty = try PseudoTerminal()
      try deviceLink.point(to: pty.devicePath)
      if first {
        SimulatorOutput.line(
          "whitlock-sim \(name): stage on \(pty.devicePath) linked at \(link); travel "
            + "\(travelX) × \(travelY) µm, \(speed) µm/s, \(acceleration) µm/s²")
        first = false
      } else {
        log("plugged in again on \(pty.devicePath)")
      }
      let ending = await server.serve(pty, logsLines: logLines, log: log)
      await pty.close()
      deviceLink.remove()
      guard ending == .unplugged else {
        throw SimulatorError("the pseudo-terminal failed; stopping")
      }
      log("unplugged; plugging in again in \(reconnectDelay) s")
      try await Task.sleep(for: .seconds(reconnectDelay))
    }
  }
}

import AmptekDP5
import ArgumentParser
import Dispatch
import Foundation
import SampleModels
import Simulation
import Transports
import WhitlockCore

/// `whitlock-sim dp5`: an Amptek DP5-family detector on a pseudo-terminal.
struct DP5Command: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dp5",
    abstract: "Serve a simulated Amptek DP5/X-123/PX5/MCA8000D on a pseudo-terminal.",
    discussion: """
      Creates a pseudo-terminal, keeps a symlink to it at --link, prints the path and answers the
      DP5 protocol until killed. Spectra come from the physical XRF model (Mg, P, Ca, Fe, Zn
      lines, escape peaks, continuum, Poisson counts, dead time) and accumulate in real time
      while the MCA is enabled. The general-purpose counter counts completed presets.
      """)

  @Option(help: "Where to keep the symlink to the pseudo-terminal.")
  var link: String

  @Option(help: "Serial number the device reports.")
  var serial: UInt32 = 31_337

  @Option(help: "Device type: dp5, px5, dp5g, mca8000d, tb5 or dp5x.")
  var deviceType = "dp5"

  @Flag(help: "Report no PC5 supply (a bare DP5 rather than an X-123).")
  var noPC5 = false

  @Option(help: "True molar Mg/Ca of the sample.")
  var mgCa = 0.06

  @Option(help: "Ca Kα strength relative to a typical calcification.")
  var calcium = 1.0

  @Option(help: "Tube-current multiplier on every rate (raises counts and dead time).")
  var flux = 1.0

  @Option(help: "Seed of the counting noise.")
  var seed: UInt64 = 1

  @Option(help: "Probability of 1–24 garbage bytes before a reply.")
  var garbage = 0.0

  @Option(help: "Probability of a corrupted reply checksum.")
  var corruptChecksum = 0.0

  @Option(help: "Probability that only the first part of a reply is sent.")
  var truncate = 0.0

  @Option(help: "Probability that a reply is dropped (the request is still executed).")
  var dropReply = 0.0

  @Option(help: "Probability that a reply is delayed by --delay-seconds.")
  var delayReply = 0.0

  @Option(help: "Delay of a delayed reply, s.")
  var delaySeconds = 0.3

  @Option(help: "Probability that a request is refused with a busy ACK (0x0D).")
  var busy = 0.0

  @Option(help: "Hang up after this many requests per connection, then reconnect.")
  var disconnectAfter: Int?

  @Option(help: "Hang up at most this many times (then keep the link).")
  var maxDisconnects: Int?

  @Option(help: "Pause between hang-up and the new pseudo-terminal, s.")
  var reconnectDelay = 0.5

  @Flag(help: "Log every request and the reply sent.")
  var logRequests = false

  @Option(help: "Seed of the fault generator.")
  var faultSeed: UInt64 = 7

  func validate() throws {
    guard DP5DeviceType(name: deviceType) != nil else {
      throw ValidationError(
        "--device-type \(deviceType) is not dp5, px5, dp5g, mca8000d, tb5 or dp5x")
    }
    for (name, value) in [
      ("--garbage", garbage), ("--corrupt-checksum", corruptChecksum), ("--truncate", truncate),
      ("--drop-reply", dropReply),
      ("--delay-reply", delayReply), ("--busy", busy),
    ] where !(0...1).contains(value) {
      throw ValidationError("\(name) is a probability between 0 and 1")
    }
    if let disconnectAfter, disconnectAfter < 1 {
      throw ValidationError("--disconnect-after must be at least 1")
    }
  }

  var deviceSettings: DP5EmulatorSettings {
    var settings = DP5EmulatorSettings()
    settings.deviceType = DP5DeviceType(name: deviceType) ?? .dp5
    settings.pc5Present = !noPC5
    settings.serialNumber = serial
    settings.composition = XRFComposition(mgToCaMolar: mgCa, calciumStrength: calcium)
    settings.model.fluxScale = flux
    settings.seed = seed
    return settings
  }

  var faultSettings: DP5FaultSettings {
    var faults = DP5FaultSettings()
    faults.garbageProbability = garbage
    faults.corruptChecksumProbability = corruptChecksum
    faults.truncateProbability = truncate
    faults.dropReplyProbability = dropReply
    faults.delayReplyProbability = delayReply
    faults.delaySeconds = delaySeconds
    faults.busyProbability = busy
    faults.disconnectAfterRequests = disconnectAfter
    faults.maximumDisconnects = maxDisconnects
    faults.seed = faultSeed
    return faults
  }

  func run() async throws {
    let deviceLink = DeviceLink(path: link)
    let settings = deviceSettings
    var server = DP5EmulatorServer(emulator: DP5Emulator(settings: settings), faults: faultSettings)
    server.logsRequests = logRequests
    let stop = StopSignals.install { deviceLink.remove() }
    defer { stop.forEach { $0.cancel() } }
    let model = settings.deviceType.modelName(pc5Present: settings.pc5Present)
    let log: @Sendable (String) -> Void = { SimulatorOutput.line("dp5-sim: " + $0) }
    var first = true
    while true {
      let pty = try PseudoTerminal()
      try deviceLink.point(to: pty.devicePath)
      if first {
        SimulatorOutput.line(
          "whitlock-sim dp5: \(model) serial \(serial) on \(pty.devicePath) linked at \(link); "
            + "energy \(settings.energyRangeKeV) keV over MCAC channels, offset "
            + "\(settings.offsetKeV) keV; Mg/Ca \(mgCa); RSF "
            + "\(settings.model.relativeSensitivityMgToCa)")
        first = false
      } else {
        log("reconnected on \(pty.devicePath)")
      }
      let ending = await server.serve(pty, log: log)
      await pty.close()
      guard ending == .disconnectFault else {
        deviceLink.remove()
        throw SimulatorError("the pseudo-terminal failed; stopping")
      }
      deviceLink.remove()
      log("hung up; reconnecting in \(reconnectDelay) s")
      try await Task.sleep(for: .seconds(reconnectDelay))
    }
  }
}

/// SIGTERM and SIGINT handlers that clean up and exit with status 0; also the parent watch
/// (`WHITLOCK_EXIT_WITH_PARENT`), which ends in SIGTERM.
enum StopSignals {
  static func install(cleanup: @escaping @Sendable () -> Void) -> [any DispatchSourceProtocol] {
    let queue = DispatchQueue(label: "whitlock-sim.signals")
    let terminate = DispatchSource.makeSignalSource(signal: SIGTERM, queue: queue)
    signal(SIGTERM, SIG_IGN)
    signal(SIGINT, SIG_IGN)
    let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: queue)
    let handler: @Sendable () -> Void = {
      cleanup()
      exit(0)
    }
    terminate.setEventHandler(handler: handler)
    interrupt.setEventHandler(handler: handler)
    terminate.resume()
    interrupt.resume()
    ParentProcessWatch.startIfRequested { parent in
      SimulatorOutput.error("whitlock-sim: parent process \(parent) is gone; stopping")
    }
    return [terminate, interrupt]
  }
}

import Foundation
import PriorProScan
import Simulation
import Synchronization
import Transports
import WhitlockCore

/// An emulated ProScan on a pseudo-terminal that can be unplugged and plugged in again (a new
/// pseudo-terminal, the same controller state): the driver and the emulator share only bytes.
final class ProScanBench: Sendable {
  private struct State {
    var pty: PseudoTerminal
    var server: Task<LineDeviceServer<ProScanEmulator>, Never>
  }
  private let state: Mutex<State>

  init(settings: ProScanEmulatorSettings = ProScanEmulatorSettings(), unplugAfterMoves: Int? = nil)
    throws
  {
    let pty = try PseudoTerminal()
    let server = LineDeviceServer(
      device: ProScanEmulator(settings: settings), unplugAfterMoves: unplugAfterMoves,
      maximumUnplugs: 1)
    state = Mutex(State(pty: pty, server: Self.serve(server, on: pty)))
  }

  private static func serve(_ server: LineDeviceServer<ProScanEmulator>, on pty: PseudoTerminal)
    -> Task<LineDeviceServer<ProScanEmulator>, Never>
  {
    Task {
      var server = server
      if await server.serve(pty) == .unplugged { await pty.close() }
      return server
    }
  }

  /// The device path a client opens now.
  var path: String { state.withLock { $0.pty.devicePath } }

  /// The master side of the current pseudo-terminal (to plant stale bytes in the line).
  var master: PseudoTerminal { state.withLock { $0.pty } }

  /// The driver's settings with a reply deadline a loaded test machine meets (the default,
  /// 1 s, is a real controller's); tests of the deadline itself set their own.
  static var patientSettings: ProScanSettings {
    var settings = ProScanSettings()
    settings.replyTimeout = .seconds(15)
    return settings
  }

  func stage(_ settings: ProScanSettings = ProScanBench.patientSettings) -> ProScanStage {
    ProScanStage(name: "stage-test", settings: settings) { [self] in
      try SerialPort.open(path: self.path, baudRate: 9600)
    }
  }

  /// Waits until the server has stopped (unplug fault or closed line) and returns its state.
  func unplugged() async -> LineDeviceServer<ProScanEmulator> {
    await state.withLock { $0.server }.value
  }

  /// Serves the same controller on a new pseudo-terminal, as after plugging the cable back in.
  func plugIn(_ server: LineDeviceServer<ProScanEmulator>) throws {
    let pty = try PseudoTerminal()
    state.withLock { $0 = State(pty: pty, server: Self.serve(server, on: pty)) }
  }

  func stop() async {
    let (pty, server) = state.withLock { ($0.pty, $0.server) }
    server.cancel()
    await pty.close()
    _ = await server.value
  }
}

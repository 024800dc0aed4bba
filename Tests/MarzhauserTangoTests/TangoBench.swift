import Foundation
import MarzhauserTango
import Simulation
import Synchronization
import Transports
import WhitlockCore

/// An emulated TANGO on a pseudo-terminal that can be unplugged and plugged in again.
final class TangoBench: Sendable {
  private struct State {
    var pty: PseudoTerminal
    var server: Task<LineDeviceServer<TangoEmulator>, Never>
  }
  private let state: Mutex<State>

  init(settings: TangoEmulatorSettings = TangoEmulatorSettings(), unplugAfterMoves: Int? = nil)
    throws
  {
    let pty = try PseudoTerminal()
    let server = LineDeviceServer(
      device: TangoEmulator(settings: settings), unplugAfterMoves: unplugAfterMoves,
      maximumUnplugs: 1)
    state = Mutex(State(pty: pty, server: Self.serve(server, on: pty)))
  }

  private static func serve(_ server: LineDeviceServer<TangoEmulator>, on pty: PseudoTerminal)
    -> Task<LineDeviceServer<TangoEmulator>, Never>
  {
    Task {
      var server = server
      if await server.serve(pty) == .unplugged { await pty.close() }
      return server
    }
  }

  var path: String { state.withLock { $0.pty.devicePath } }
  var master: PseudoTerminal { state.withLock { $0.pty } }

  /// The driver's settings with a reply deadline a loaded test machine meets (the default is
  /// a real controller's); tests of the deadline itself set their own.
  static var patientSettings: TangoSettings {
    var settings = TangoSettings()
    settings.replyTimeout = .seconds(15)
    return settings
  }

  func stage(_ settings: TangoSettings = TangoBench.patientSettings) -> TangoStage {
    TangoStage(name: "stage-test", settings: settings) { [self] in
      try SerialPort.open(path: self.path, baudRate: 57_600)
    }
  }

  func unplugged() async -> LineDeviceServer<TangoEmulator> {
    await state.withLock { $0.server }.value
  }

  func plugIn(_ server: LineDeviceServer<TangoEmulator>) throws {
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

import MarzhauserTango
import Simulation
import Testing
import Transports
import WhitlockCore

/// What `open()` says when the line holds something that is not a working TANGO.
@Suite struct TangoOpenFailureTests {
  @Test func aSilentLineIsATimeoutNamingTheQuestion() async throws {
    let pty = try PseudoTerminal()
    var settings = TangoSettings()
    settings.replyTimeout = .milliseconds(200)
    let path = pty.devicePath
    let stage = TangoStage(name: "silent", settings: settings) { try SerialPort.open(path: path) }
    await #expect(throws: StageError.timeout(waitingFor: "?err")) { _ = try await stage.open() }
    await pty.close()
  }

  @Test func anotherControllerIsRefusedByItsVersion() async throws {
    var device = TangoEmulatorSettings()
    device.version = "Vers:LS"
    let bench = try TangoBench(settings: device)
    let stage = bench.stage()
    await #expect(
      throws: StageError.unexpectedReply(expected: "a TANGO version", received: "Vers:LS")
    ) {
      _ = try await stage.open()
    }
    await bench.stop()
  }

  @Test func aMissingPortIsPortUnavailable() async {
    let stage = TangoStage(name: "gone") { try SerialPort.open(path: "/dev/whitlock-no-such-port") }
    do {
      _ = try await stage.open()
      Issue.record("opened a port that does not exist")
    } catch {
      guard case .portUnavailable(let why) = error else {
        Issue.record("expected .portUnavailable, got \(error)")
        return
      }
      #expect(why.contains("does not exist"))
    }
  }
}

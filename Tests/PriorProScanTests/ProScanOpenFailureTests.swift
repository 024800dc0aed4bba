import PriorProScan
import Simulation
import Testing
import Transports
import WhitlockCore

/// What `open()` says when the line holds something that is not a working ProScan.
@Suite struct ProScanOpenFailureTests {
  @Test func aSilentLineIsATimeoutNamingTheCommand() async throws {
    let pty = try PseudoTerminal()
    var settings = ProScanSettings()
    settings.replyTimeout = .milliseconds(200)
    let path = pty.devicePath
    let stage = ProScanStage(name: "silent", settings: settings) { try SerialPort.open(path: path) }
    await #expect(throws: StageError.timeout(waitingFor: "K")) { _ = try await stage.open() }
    await pty.close()
  }

  /// A refused setting is reported with the command and the manual's name for the error.
  @Test func aSettingTheControllerRefusesNamesCommandAndError() async throws {
    let bench = try ProScanBench()
    var settings = ProScanBench.patientSettings
    settings.maximumSpeedPercent = 150
    let stage = bench.stage(settings)
    await #expect(
      throws: StageError.deviceRefused(code: 10, meaning: "ARG1 OUT OF RANGE", command: "SMS,150")
    ) { _ = try await stage.open() }
    await bench.stop()
  }
}

import MarzhauserTango
import PriorProScan
import SampleModels
import Simulation
import Transports
import WhitlockConfiguration
import WhitlockCore

/// The stage `[stage]` configures: a driver over its serial port, or the simulated stage
/// (`SimulatedStage`), whose position the simulated instruments read to measure the simulated
/// specimen.
struct ConfiguredStage: Sendable {
  /// The stage maps move.
  var stage: any MotorizedStage
  /// Where the simulated stage is now, for the simulated instruments; `nil` for real stages.
  var simulatedPosition: (@Sendable () -> StagePosition)?

  init(_ configuration: StageConfiguration) {
    switch configuration.driver {
    case .proscan:
      let port = configuration.port ?? ""
      let baud = configuration.baudRate
      var settings = ProScanSettings()
      settings.maximumSpeedPercent = configuration.speedPercent
      settings.accelerationPercent = configuration.accelerationPercent
      stage = ProScanStage(name: "proscan \(port)", settings: settings) {
        try SerialPort.open(path: port, baudRate: baud)
      }
      simulatedPosition = nil
    case .tango:
      let port = configuration.port ?? ""
      let baud = configuration.baudRate
      stage = TangoStage(name: "tango \(port)") { try SerialPort.open(path: port, baudRate: baud) }
      simulatedPosition = nil
    case .simulated:
      let simulated = SimulatedStage(name: "simulated")
      stage = simulated
      simulatedPosition = { simulated.position(at: .now) }
    }
  }

  /// The demo map of the simulated specimen: origin and side of its square, µm.
  static var demoSquare: (origin: StagePosition, side: Double) {
    SimulatedSpecimen().suggestedMapSquare
  }
}

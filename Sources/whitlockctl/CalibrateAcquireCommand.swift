import ArgumentParser
import WhitlockCore

/// `whitlockctl calibrate acquire --instrument ID`: an axis calibration acquired by the running
/// daemon.
struct CalibrateAcquireCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "acquire",
    abstract: "Have the running daemon acquire and apply an axis calibration on one instrument",
    discussion: """
      Between two spectra the daemon places the lamp (laser off), silicon and the verification
      standard in the beam in turn, acquires each with auto-exposure and the instrument's
      averaging, computes the calibration as `calibrate axis` does on files and checks it on the
      standard. Accepted, it is written to the spool as a `calibration` record and every later
      spectrum of the instrument is analysed on it and names it; refused (lamp too weak, lines
      not matched, silicon not found, verification residual too large), the record says why and
      the previous calibration stays in force (exit status 1). A laser instrument is calibrated
      only in an operator run. Prints the record's calibration object as JSON. Give --timeout
      enough for three auto-exposure searches and their spectra.
      """)

  @OptionGroup var options: RunCommand.ControlOptions

  @Option(name: .long, help: "The instrument's configured id.")
  var instrument: String

  @Option(help: "The lamp: neon or argon.")
  var lamp = "neon"

  @Option(
    help: "A standard acquired after the calibration to verify it (polystyrene, calcite, …).")
  var verify: String?

  @Option(
    name: .customLong("silicon-cm1"), help: "The silicon band's true position (cm-1).")
  var siliconReference = 520.45

  @Option(
    name: .customLong("max-residual-cm1"),
    help: "The largest RMS residual (cm-1) over the standard's bands that keeps the calibration.")
  var maximumResidual = 1.0

  func validate() throws {
    guard let lamp = CalibrationTarget(rawValue: lamp), lamp.isLamp else {
      throw ValidationError("--lamp must be neon or argon")
    }
    if let verify {
      guard let standard = CalibrationTarget(rawValue: verify), !standard.isLamp else {
        let names = CalibrationTarget.allCases.filter { !$0.isLamp }.map(\.rawValue)
        throw ValidationError("--verify must be one of \(names.joined(separator: ", "))")
      }
    }
  }

  func run() throws {
    guard InstrumentIDRule.isValid(instrument) else {
      throw ValidationError(
        "--instrument \(InstrumentIDRule.quoted(instrument)) \(InstrumentIDRule.explanation)")
    }
    try options.post(
      "/api/v1/instruments/\(instrument)/calibration",
      body: .object([
        ("lamp", .string(lamp)),
        ("silicon_reference_cm1", .number(siliconReference)),
        ("verify", verify.map(JSONValue.string) ?? .null),
        ("max_residual_cm1", .number(maximumResidual)),
      ]))
  }
}

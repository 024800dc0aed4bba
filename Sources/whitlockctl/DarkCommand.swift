import ArgumentParser
import WhitlockCore

/// `whitlockctl dark --instrument ID`: takes a dark on the running daemon.
struct DarkCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dark",
    abstract: "Take a dark spectrum on one instrument of the running daemon",
    discussion: """
      The daemon takes the dark between two spectra at the instrument's current exposure and
      averaging, writes it to the spool as a `dark` record and subtracts it from later spectra
      whose exposure, gain and pixel count match; every spectrum names its dark. A Wasatch
      instrument keeps its laser off for the dark. An Ocean Insight spectrometer is lit from
      outside: block the beam first and pass --beam-blocked. Prints the dark as JSON.
      Give --timeout enough for the exposure times the scans to average (and a discarded frame).
      """)

  @OptionGroup var options: RunCommand.ControlOptions

  @Option(name: .long, help: "The instrument's configured id.")
  var instrument: String

  @Flag(name: .long, help: "The beam is blocked (instruments without a laser of their own).")
  var beamBlocked = false

  func run() throws {
    guard InstrumentIDRule.isValid(instrument) else {
      throw ValidationError(
        "--instrument \(InstrumentIDRule.quoted(instrument)) \(InstrumentIDRule.explanation)")
    }
    try options.post(
      "/api/v1/instruments/\(instrument)/dark",
      body: .object([("beam_blocked", .bool(beamBlocked))]))
  }
}

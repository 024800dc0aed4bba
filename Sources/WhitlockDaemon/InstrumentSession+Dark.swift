import Spool
import WhitlockCore

extension InstrumentSession {
  /// Takes a dark between two spectra and returns it once it is in the spool; later spectra
  /// subtract it while their settings match and name it either way.
  ///
  /// An instrument with its own light source (a Wasatch laser) keeps it off for the dark's
  /// frames. For one without (an Ocean Insight spectrometer, lit from outside), the operator
  /// must block the beam first and say so with `beamBlocked`.
  public func requestDark(beamBlocked: Bool) async throws -> DarkFrame {
    guard hasAcquisitionChain else {
      throw DarkRefusal(
        "\(instrumentID) takes no darks: it has no acquisition chain (give it an "
          + "[instrument.acquisition] table; Wasatch and Ocean Insight drivers take part)")
    }
    if !switchesOwnLightSource && !beamBlocked {
      throw DarkRefusal(
        "\(instrumentID) has no light source whitlockd can switch off: block the beam, then ask "
          + "again with beam_blocked (whitlockctl dark --beam-blocked)")
    }
    return try await waitForDark()
  }
}

import Monitor
import WhitlockCore

extension InstrumentSession {
  /// Acquires a wavenumber-axis calibration between two spectra: the lamp (laser off), silicon
  /// and the verification standard placed in the beam in turn, the calibration computed and
  /// verified, and written as a `calibration` record. Accepted, it is in force for every later
  /// spectrum, which names it; refused, the record and the thrown `ControlRefusal` say why and
  /// the previous calibration stays in force. Returns the record's `calibration` object.
  ///
  /// The instrument needs an acquisition chain and something that places the targets
  /// (`PlacesCalibrationTargets`); a laser instrument is calibrated only in an operator run.
  public func requestAxisCalibration(_ request: AxisCalibrationRequest) async throws -> JSONValue {
    guard hasAcquisitionChain else {
      throw ControlRefusal(
        "\(instrumentID) takes no calibration spectra: it has no acquisition chain (give it an "
          + "[instrument.acquisition] table)")
    }
    guard calibrationTargets != nil else {
      throw ControlRefusal(
        "\(instrumentID) has no target changer to place the lamp and standards: record their "
          + "spectra by hand and calibrate offline (whitlockctl calibrate axis --neon FILE "
          + "--silicon FILE -o CAL.toml)")
    }
    if switchesOwnLightSource && !currentRunIsOperatorRun {
      throw Self.laserRefusal(instrumentID)
    }
    return try await calibrationRequests.submit(request)
  }

  /// The calibration the session's spectra are analysed on now, `nil` for the device axis.
  public var axisCalibrationInForce: (id: String, version: Int)? {
    axisBook.withLock { book in book.inForce.map { ($0.id, book.version) } }
  }
}

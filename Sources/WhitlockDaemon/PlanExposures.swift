import WhitlockCore

/// Takes a map's spectra at its plan's exposure on an instrument that adjusts its exposure but
/// has no acquisition chain: the first frame after the exposure changes (or after an open) is
/// discarded, because some devices apply a new integration time only from the next spectrum on
/// (python-seabreeze issues 110, 177 and 283), and a map's points must all have the plan's
/// exposure.
actor PlanExposures {
  /// The exposure of the latest frame the device took, `nil` after an open.
  private var lastExposure: Double?

  /// The device's state is unknown after an open: its next frame is discarded.
  func deviceOpened() { lastExposure = nil }

  /// One spectrum of `exposureSeconds` from `instrument`.
  func acquire(_ instrument: any AdjustsExposure, exposureSeconds: Double) async throws
    -> Acquisition
  {
    if lastExposure != exposureSeconds {
      lastExposure = nil
      _ = try await instrument.acquire(exposureSeconds: exposureSeconds, dark: false)
    }
    let acquisition = try await instrument.acquire(exposureSeconds: exposureSeconds, dark: false)
    lastExposure = exposureSeconds
    return acquisition
  }
}

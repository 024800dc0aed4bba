import WhitlockCore

/// A spectrum that could not be taken without saturating: discarded, never recorded.
public struct SaturatedSpectrumError: Error, Sendable, CustomStringConvertible {
  /// The exposure of the saturated frame, s.
  public var exposureSeconds: Double
  /// Pixels at full scale.
  public var saturatedPixels: Int
  /// Whether auto-exposure had already cut the exposure to its shortest.
  public var atShortestExposure: Bool

  public init(exposureSeconds: Double, saturatedPixels: Int, atShortestExposure: Bool) {
    self.exposureSeconds = exposureSeconds
    self.saturatedPixels = saturatedPixels
    self.atShortestExposure = atShortestExposure
  }

  public var description: String {
    let exposure = MeasurementText.rounded(exposureSeconds)
    if atShortestExposure {
      return
        "saturated: \(saturatedPixels) pixels at full scale at \(exposure) s, the shortest "
        + "exposure allowed ([instrument.acquisition] exposure_range_s); the spectrum was "
        + "discarded (too much light: lower the laser power or the lamp)"
    }
    return
      "saturated: \(saturatedPixels) pixels at full scale at \(exposure) s; the spectrum was "
      + "discarded (shorten exposure_s or set auto_exposure = true in [instrument.acquisition])"
  }
}

/// A dark that cannot be taken.
public struct DarkRefusal: Error, Sendable, CustomStringConvertible {
  public var description: String

  public init(_ description: String) { self.description = description }
}

import Foundation
import Testing
import WhitlockCore

/// The pure arithmetic of the acquisition chain: when a dark fits, auto-exposure's steps, and
/// averaging, boxcar and rounding.
@Suite struct AcquisitionChainMathTests {
  private let identity = InstrumentIdentity(
    id: "r1", kind: .raman, model: "Test", serial: "T-1", family: "test")

  private func dark(exposure: Double, gain: Double? = nil, temperature: Double? = nil)
    -> DarkFrame
  {
    DarkFrame(
      id: "d", instrument: identity, takenAt: Date(timeIntervalSince1970: 1000),
      settings: FrameSettings(exposureSeconds: exposure, scansToAverage: 4), gain: gain,
      detectorTemperatureC: temperature, counts: [800, 801, 802], fullScale: 65535,
      method: "laser-off")
  }

  @Test func aDarkWithTheSameSettingsFitsWhateverItsAveraging() {
    let match = DarkMatch.judge(
      dark(exposure: 0.5, gain: 1, temperature: -10),
      settings: FrameSettings(exposureSeconds: 0.5, scansToAverage: 1), pixels: 3, gain: 1,
      temperatureC: -9, at: Date(timeIntervalSince1970: 1060), rules: DarkRules())
    #expect(match.flags.isEmpty)
    #expect(match.subtracts)
    #expect(match.ageSeconds == 60)
  }

  @Test func anOldDarkIsFlaggedStaleButStillSubtracted() {
    let match = DarkMatch.judge(
      dark(exposure: 0.5), settings: FrameSettings(exposureSeconds: 0.5), pixels: 3, gain: nil,
      temperatureC: nil, at: Date(timeIntervalSince1970: 1000 + 3601),
      rules: DarkRules(maximumAgeSeconds: 3600))
    #expect(match.flags == [.stale])
    #expect(match.subtracts)
  }

  @Test func aDarkOfOtherSettingsIsFlaggedAndNotSubtracted() {
    let match = DarkMatch.judge(
      dark(exposure: 0.5, gain: 1, temperature: -10),
      settings: FrameSettings(exposureSeconds: 0.8), pixels: 4, gain: 2, temperatureC: -5,
      at: Date(timeIntervalSince1970: 1001), rules: DarkRules())
    #expect(
      match.flags == [.exposureMismatch, .gainMismatch, .pixelCountMismatch, .temperatureMismatch])
    #expect(!match.subtracts)
    let warmer = DarkMatch.judge(
      dark(exposure: 0.5, temperature: -10), settings: FrameSettings(exposureSeconds: 0.5),
      pixels: 3, gain: nil, temperatureC: -7, at: Date(timeIntervalSince1970: 1001),
      rules: DarkRules(temperatureToleranceC: 2))
    #expect(warmer.flags == [.temperatureMismatch])
    #expect(warmer.subtracts, "a temperature drift is flagged, the dark still applies")
  }

  /// A spectrum with an offset of 800 and one band whose top is `peak` counts.
  private func spectrum(peak: Double, fullScale: UInt32 = 65535) -> [UInt32] {
    (0..<101).map { pixel in
      let band = exp(-pow(Double(pixel - 50) / 6, 2))
      return UInt32(min(800 + (peak - 800) * band, Double(fullScale)).rounded())
    }
  }

  @Test func autoExposureAcceptsAPeakInTheWindow() {
    let decision = AutoExposure.decide(
      exposureSeconds: 0.5, counts: spectrum(peak: 45_000), fullScale: 65535,
      settings: AutoExposureSettings(), range: 0.01...2)
    #expect(decision == .accept)
  }

  @Test func autoExposureScalesTheSignalAboveTheOffsetTowardsTheWindowsMiddle() {
    let counts = spectrum(peak: 5_000)
    guard
      case .retry(let next) = AutoExposure.decide(
        exposureSeconds: 0.1, counts: counts, fullScale: 65535,
        settings: AutoExposureSettings(), range: 0.01...2)
    else {
      Issue.record("expected a retry")
      return
    }
    // The signal above the offset (800) scaled to put the peak at 45 000.
    let peak = AutoExposure.peak(counts)
    #expect(peak > 4_800 && peak <= 5_000)
    #expect(abs(next - 0.1 * 44_200 / (peak - 800)) < 1e-9)
  }

  @Test func autoExposureNeverAcceptsASaturatedFrame() {
    let saturated = spectrum(peak: 90_000)
    #expect(saturated.contains(65535))
    #expect(
      AutoExposure.decide(
        exposureSeconds: 1, counts: saturated, fullScale: 65535,
        settings: AutoExposureSettings(), range: 0.01...2) == .retry(exposureSeconds: 0.4))
    #expect(
      AutoExposure.decide(
        exposureSeconds: 0.01, counts: saturated, fullScale: 65535,
        settings: AutoExposureSettings(), range: 0.01...2)
        == .saturatedAtShortest(exposureSeconds: 0.01))
  }

  @Test func autoExposureStopsAtTheLongestExposureForAWeakSample() {
    #expect(
      AutoExposure.decide(
        exposureSeconds: 2, counts: spectrum(peak: 3_000), fullScale: 65535,
        settings: AutoExposureSettings(), range: 0.01...2) == .accept)
  }

  @Test func aCosmicRaySpikeIsNotThePeak() {
    var counts = spectrum(peak: 45_000)
    counts[10] = 65_000
    #expect(AutoExposure.peak(counts) < 46_000)
    #expect(AutoExposure.floor(counts) >= 800)
  }

  @Test func theWindowScalesWithTheDetectorsFullScale() {
    let window = AutoExposure.window(AutoExposureSettings(), fullScale: 16383)
    #expect(abs(window.lowerBound - 40_000 * 16383 / 65535) < 1e-6)
    #expect(abs(window.upperBound - 50_000 * 16383 / 65535) < 1e-6)
  }

  @Test func averagingBoxcarAndRounding() {
    #expect(SpectrumCorrection.mean([[1, 2, 3], [3, 4, 5]]) == [2, 3, 4])
    #expect(SpectrumCorrection.boxcar([0, 0, 9, 0, 0], halfWidth: 1) == [0, 3, 3, 3, 0])
    #expect(SpectrumCorrection.boxcar([1, 2, 3], halfWidth: 0) == [1, 2, 3])
    let rounded = SpectrumCorrection.counts([-3, 0.4, 2.6, .nan])
    #expect(rounded.counts == [0, 0, 3, 0])
    #expect(rounded.clampedPixels == 2)
  }

  @Test func nonlinearityCorrectionDividesByTheResponse() {
    var values = [0.0, 1000, 50_000]
    SpectrumCorrection.correctNonlinearity(&values, coefficients: [1, -1e-6])
    #expect(values[0] == 0)
    #expect(abs(values[1] - 1000 / (1 - 1e-3)) < 1e-9)
    #expect(abs(values[2] - 50_000 / (1 - 0.05)) < 1e-6)
  }
}

import Foundation
import Testing
import WhitlockCore
import WhitlockDaemon

/// The acquisition chain over a detector whose counts follow the exposure: saturated frames never
/// become data, the first frame after a change is discarded, darks are subtracted only where
/// they fit and named on every spectrum, and the non-linearity polynomial is applied only after
/// its check.
@Suite struct AcquisitionChainTests {
  private func makeChain(
    _ detector: LinearDetector, exposure: Double, auto: Bool = false,
    configure: (inout AcquisitionChainSettings) -> Void = { _ in }
  ) async -> AcquisitionChain {
    var settings = AcquisitionChainSettings(exposureSeconds: exposure)
    if auto { settings.autoExposure = AutoExposureSettings() }
    configure(&settings)
    let chain = AcquisitionChain(instrument: detector, settings: settings)
    _ = try? await detector.open()
    await chain.deviceOpened()
    return chain
  }

  private let run = "00000000-0000-4000-8000-000000000001"

  @Test func aSaturatedFrameAtAFixedExposureIsDiscardedWithItsOwnError() async throws {
    let detector = LinearDetector(peakRate: 100_000)
    let chain = await makeChain(detector, exposure: 1)
    await #expect(throws: SaturatedSpectrumError.self) {
      _ = try await chain.acquire(runID: run, operatorRun: true)
    }
    do {
      _ = try await chain.acquire(runID: run, operatorRun: true)
      Issue.record("a saturated spectrum was delivered")
    } catch let error as SaturatedSpectrumError {
      #expect(error.saturatedPixels > 0 && !error.atShortestExposure)
      #expect(error.description.contains("discarded"))
    }
  }

  @Test func autoExposureLandsInTheWindowAndNeverDeliversASaturatedFrame() async throws {
    let detector = LinearDetector(peakRate: 100_000)
    let chain = await makeChain(detector, exposure: 1, auto: true)
    let spectrum = try await chain.acquire(runID: run, operatorRun: true)
    #expect(spectrum.saturatedChannelCount == 0)
    let peak = Double(spectrum.counts.max() ?? 0)
    #expect((40_000...50_000).contains(peak), "peak \(peak)")
    #expect(spectrum.exposureSeconds < 1)
    #expect(spectrum.parameter("exposure_control") == .string("auto"))
    #expect(spectrum.parameter("auto_exposure")?["outcome"] == .string("in-window"))
    #expect((spectrum.parameter("frames_discarded")?.doubleValue ?? 0) >= 1)
    // Every frame the detector took at a saturating exposure was thrown away: the delivered
    // spectrum was integrated with the exposure it claims.
    let last = await detector.frames.last
    #expect(last?.integrated == spectrum.exposureSeconds)
    // The sample becomes brighter: the next spectrum saturates, is discarded, and the chain
    // searches again instead of recording it.
    await detector.setPeakRate(400_000)
    let brighter = try await chain.acquire(runID: run, operatorRun: true)
    #expect(brighter.saturatedChannelCount == 0)
    #expect((brighter.parameter("saturated_frames_rejected")?.doubleValue ?? 0) >= 1)
    #expect(brighter.exposureSeconds < spectrum.exposureSeconds)
  }

  @Test func tooMuchLightAtTheShortestExposureIsASpecificError() async throws {
    let detector = LinearDetector(peakRate: 1e9)
    let chain = await makeChain(detector, exposure: 0.5, auto: true)
    do {
      _ = try await chain.acquire(runID: run, operatorRun: true)
      Issue.record("a saturated spectrum was delivered")
    } catch let error as SaturatedSpectrumError {
      #expect(error.atShortestExposure)
      #expect(error.exposureSeconds == 0.01)
    }
  }

  @Test func theFirstFrameAfterAChangeOfSettingsIsDiscarded() async throws {
    // The device integrates 0.1 s until told otherwise, and applies a change a frame late.
    let detector = LinearDetector(peakRate: 40_000)
    let chain = await makeChain(detector, exposure: 0.5)
    let spectrum = try await chain.acquire(runID: run, operatorRun: true)
    let frames = await detector.frames
    #expect(frames.count == 2)
    #expect(frames[0].integrated == 0.1, "the discarded frame still had the old exposure")
    #expect(frames[1].integrated == 0.5)
    #expect(spectrum.counts[50] == UInt32(800 + 40_000 * 0.5))
    #expect(spectrum.parameter("frames_discarded") == .int(1))
    // Same settings: nothing is discarded.
    let next = try await chain.acquire(runID: run, operatorRun: true)
    #expect(await detector.frames.count == 3)
    #expect(next.parameter("frames_discarded") == .int(0))
  }

  @Test func scansAreAveragedAndSmoothedAndRecorded() async throws {
    let detector = LinearDetector(peakRate: 40_000)
    let chain = await makeChain(detector, exposure: 0.5) {
      $0.scansToAverage = 3
      $0.boxcarHalfWidth = 2
    }
    let spectrum = try await chain.acquire(runID: run, operatorRun: true)
    #expect(await detector.frames.count == 4, "one discarded frame and three scans")
    #expect(spectrum.parameter("scans_to_average") == .int(3))
    #expect(spectrum.parameter("scans_on_device") == .int(1))
    #expect(spectrum.parameter("boxcar_half_width") == .int(2))
    let top = (48...52).map { 800 + 20_000 * LinearDetector.band($0) }.reduce(0, +) / 5
    #expect(abs(Double(spectrum.counts[50]) - top) <= 1)
  }

  @Test func aMatchingDarkIsSubtractedAndNamed() async throws {
    let detector = LinearDetector(peakRate: 40_000)
    let chain = await makeChain(detector, exposure: 0.5)
    let dark = try await chain.takeDark()
    #expect(dark.method == "operator-blocked")
    #expect(dark.counts.allSatisfy { $0 == 800 })
    #expect(dark.settings.exposureSeconds == 0.5)
    let spectrum = try await chain.acquire(runID: run, operatorRun: true)
    #expect(spectrum.counts[50] == 20_000)
    #expect(spectrum.counts[0] == 0)
    let use = spectrum.parameter("dark")
    #expect(use?["id"] == .string(dark.id))
    #expect(use?["subtracted"] == .bool(true))
    #expect(use?["flags"] == .array([]))
    // The switch from dark to light counts as a change of settings.
    let frames = await detector.frames
    #expect(frames.map { $0.dark } == [true, true, false, false])
  }

  @Test func aStaleDarkIsFlaggedOnEveryRecordThatUsesIt() async throws {
    let detector = LinearDetector(peakRate: 40_000)
    let chain = await makeChain(detector, exposure: 0.5) {
      $0.darkRules = DarkRules(maximumAgeSeconds: 1e-9)
    }
    let dark = try await chain.takeDark()
    for _ in 0..<3 {
      let spectrum = try await chain.acquire(runID: run, operatorRun: true)
      #expect(spectrum.parameter("dark")?["id"] == .string(dark.id))
      #expect(spectrum.parameter("dark")?["flags"] == .array([.string("stale")]))
      #expect(spectrum.parameter("dark")?["subtracted"] == .bool(true))
    }
  }

  @Test func aDarkOfAnotherExposureIsFlaggedAndNotSubtracted() async throws {
    let detector = LinearDetector(peakRate: 40_000)
    let chain = await makeChain(detector, exposure: 0.5, auto: true)
    _ = try await chain.acquire(runID: run, operatorRun: true)
    let dark = try await chain.takeDark()
    let fitting = try await chain.acquire(runID: run, operatorRun: true)
    #expect(fitting.parameter("dark")?["flags"] == .array([]))
    // A new sample in a new operator run: auto-exposure picks another exposure.
    await detector.setPeakRate(160_000)
    let other = "00000000-0000-4000-8000-000000000002"
    for _ in 0..<2 {
      let spectrum = try await chain.acquire(runID: other, operatorRun: true)
      #expect(spectrum.exposureSeconds != dark.settings.exposureSeconds)
      #expect(spectrum.parameter("dark")?["id"] == .string(dark.id))
      #expect(spectrum.parameter("dark")?["flags"] == .array([.string("exposure-mismatch")]))
      #expect(spectrum.parameter("dark")?["subtracted"] == .bool(false))
      #expect(spectrum.counts[0] == 800, "not subtracted")
    }
  }

  @Test func validNonlinearityCoefficientsAreAppliedAndBadOnesRefused() async throws {
    let good = LinearDetector(peakRate: 40_000, coefficients: [1, -1e-6])
    let corrected = try await makeChain(good, exposure: 0.5).acquire(runID: run, operatorRun: true)
    #expect(corrected.parameter("nonlinearity_correction") == .string("applied"))
    let raw = 800 + 20_000.0
    #expect(corrected.counts[50] == UInt32((raw / (1 - 1e-6 * raw)).rounded()))

    let zeros = LinearDetector(peakRate: 40_000, coefficients: [0, 0, 0, 0])
    let untouched = try await makeChain(zeros, exposure: 0.5).acquire(runID: run, operatorRun: true)
    let state = untouched.parameter("nonlinearity_correction")?.stringValue ?? ""
    #expect(state.hasPrefix("refused: ") && state.contains("all zero"))
    #expect(untouched.counts[50] == UInt32(raw))

    let off = try await makeChain(good, exposure: 0.5) { $0.correctNonlinearity = false }
      .acquire(runID: run, operatorRun: true)
    #expect(off.parameter("nonlinearity_correction") == .string("off"))
  }
}

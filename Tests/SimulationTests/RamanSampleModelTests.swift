import SampleModels
import Testing
import WhitlockCore

@testable import Simulation

/// Index of the largest value.
func argmax(_ values: [Double]) -> Int {
  values.indices.max { values[$0] < values[$1] } ?? 0
}

@Suite struct RamanSampleModelTests {
  @Test(arguments: [1024, 2048, 4096])
  func axisCoversTheFingerprintRegionAtEveryPixelCount(pixelCount: Int) {
    let model = RamanSampleModel(pixelCount: pixelCount)
    let shifts = model.ramanShifts()
    #expect(shifts.count == pixelCount)
    #expect(abs(shifts[0] - 190) < 1)
    #expect(abs(shifts[pixelCount - 1] - 2010) < 1)
    #expect(zip(shifts, shifts.dropFirst()).allSatisfy { $0 < $1 })
    var random = RandomSource(seed: 5)
    #expect(
      model.counts(for: .phosphate(whitlockiteFraction: 0.3), random: &random).count == pixelCount)
  }

  @Test func countsAreDeterministicForAGeneratorState() {
    let model = RamanSampleModel()
    let composition = RamanComposition.phosphate(whitlockiteFraction: 0.4, acpAmount: 0.05)
    var first = RandomSource(seed: 11)
    var second = RandomSource(seed: 11)
    var other = RandomSource(seed: 12)
    let a = model.counts(for: composition, random: &first)
    #expect(a == model.counts(for: composition, random: &second))
    #expect(a != model.counts(for: composition, random: &other))
  }

  @Test(arguments: [(0.0, 961.0), (1.0, 970.0)])
  func phosphateBandPeaksWhereExpected(fraction: Double, centre: Double) {
    for pixelCount in [1024, 2048] {
      let model = RamanSampleModel(pixelCount: pixelCount)
      let shifts = model.ramanShifts()
      let tissue = model.expectedCounts(for: RamanComposition())
      let sample = model.expectedCounts(for: .phosphate(whitlockiteFraction: fraction))
      let band = zip(sample, tissue).map { $0 - $1 }
      let peak = argmax(band)
      let pixelWidth = shifts[peak + 1] - shifts[peak]
      #expect(abs(shifts[peak] - centre) <= pixelWidth)
    }
  }

  @Test func oxalateAndTissueBandsSitAtTheirShifts() {
    let model = RamanSampleModel()
    let shifts = model.ramanShifts()
    let tissue = model.expectedCounts(for: RamanComposition())
    let monohydrate = model.expectedCounts(for: .oxalate(dihydrateFraction: 0))
    let dihydrate = model.expectedCounts(for: .oxalate(dihydrateFraction: 1))
    let pixelWidth = shifts[700] - shifts[699]
    #expect(abs(shifts[argmax(zip(monohydrate, tissue).map { $0 - $1 })] - 1463) <= pixelWidth)
    #expect(abs(shifts[argmax(zip(dihydrate, tissue).map { $0 - $1 })] - 1476) <= pixelWidth)
    // Phenylalanine at 1003 cm⁻¹ is the sharpest local maximum of bare tissue near 1000 cm⁻¹.
    let near1003 = shifts.indices.filter { abs(shifts[$0] - 1003) < 15 }
    let local = near1003.max { tissue[$0] < tissue[$1] }!
    #expect(abs(shifts[local] - 1003) <= pixelWidth)
  }

  @Test func fluorescenceDominatesTheBandsAndQuantumEfficiencyFalls() {
    let model = RamanSampleModel()
    let shifts = model.ramanShifts()
    let tissue = model.expectedCounts(for: RamanComposition())
    let sample = model.expectedCounts(for: .phosphate(whitlockiteFraction: 0))
    let peak = argmax(zip(sample, tissue).map { $0 - $1 })
    let bandHeight = sample[peak] - tissue[peak]
    #expect(tissue[peak] - model.baselineOffset > 2 * bandHeight)
    #expect(model.quantumEfficiency(atWavelength: 800) > model.quantumEfficiency(atWavelength: 930))
    #expect(shifts.count == 1024)
  }

  @Test func longIntegrationSaturatesAtFullScale() {
    var model = RamanSampleModel()
    model.integrationSeconds = 20
    var random = RandomSource(seed: 3)
    let counts = model.counts(
      for: .phosphate(strength: 2, whitlockiteFraction: 0.2), random: &random)
    #expect(counts.contains(65535))
    #expect(counts.allSatisfy { $0 <= 65535 })
  }

  @Test func noiseIsPoissonOnTheSignal() {
    var model = RamanSampleModel(pixelCount: 1024)
    model.readNoise = 0
    model.cosmicRayRate = 0
    let composition = RamanComposition.phosphate(whitlockiteFraction: 0.5)
    let expected = model.expectedCounts(for: composition)
    var random = RandomSource(seed: 21)
    let repeats = 200
    var sums = [Double](repeating: 0, count: expected.count)
    var squares = [Double](repeating: 0, count: expected.count)
    for _ in 0..<repeats {
      let counts = model.counts(for: composition, random: &random)
      for pixel in counts.indices {
        let value = Double(counts[pixel])
        sums[pixel] += value
        squares[pixel] += value * value
      }
    }
    var ratioSum = 0.0
    var meanError = 0.0
    for pixel in expected.indices {
      let mean = sums[pixel] / Double(repeats)
      let variance = (squares[pixel] - Double(repeats) * mean * mean) / Double(repeats - 1)
      ratioSum += variance / (expected[pixel] - model.baselineOffset)
      meanError += (mean - expected[pixel]) / expected[pixel].squareRoot()
    }
    // Averaged over 1024 pixels the variance/mean ratio has a standard error of ≈ 0.3 %.
    #expect(abs(ratioSum / Double(expected.count) - 1) < 0.03)
    #expect(abs(meanError / Double(expected.count)) < 0.05)
  }

  @Test func cosmicRaysAppearAtTheConfiguredRate() {
    var model = RamanSampleModel()
    model.readNoise = 0
    model.cosmicRayRate = 50
    let composition = RamanComposition()
    let expected = model.expectedCounts(for: composition)
    var random = RandomSource(seed: 8)
    let counts = model.counts(for: composition, random: &random)
    let spikes = counts.indices.filter {
      Double(counts[$0]) - expected[$0] > 2000
    }
    #expect(spikes.count >= 30)
    model.cosmicRayRate = 0
    let clean = model.counts(for: composition, random: &random)
    #expect(clean.indices.allSatisfy { Double(clean[$0]) - expected[$0] < 1000 })
  }
}

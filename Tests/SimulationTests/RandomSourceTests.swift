import SampleModels
import Testing

@testable import Simulation

/// Sample mean and (unbiased) variance.
func meanAndVariance(_ values: [Double]) -> (mean: Double, variance: Double) {
  let mean = values.reduce(0, +) / Double(values.count)
  let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
  return (mean, squares / Double(values.count - 1))
}

@Suite struct RandomSourceTests {
  @Test func sameSeedGivesSameSequenceAndDifferentSeedsDiffer() {
    var a = RandomSource(seed: 42)
    var b = RandomSource(seed: 42)
    var c = RandomSource(seed: 43)
    let first = (0..<16).map { _ in a.next() }
    #expect(first == (0..<16).map { _ in b.next() })
    #expect(first != (0..<16).map { _ in c.next() })
    #expect(RandomSource(seed: 7, stream: 1) != RandomSource(seed: 7, stream: 2))
    #expect(RandomSource(seed: 7, stream: 1) == RandomSource(seed: 7, stream: 1))
  }

  @Test func uniformHasMeanOneHalfAndVarianceOneTwelfth() {
    var random = RandomSource(seed: 1)
    let values = (0..<100_000).map { _ in random.uniform() }
    #expect(values.allSatisfy { $0 >= 0 && $0 < 1 })
    let (mean, variance) = meanAndVariance(values)
    #expect(abs(mean - 0.5) < 0.005)
    #expect(abs(variance - 1.0 / 12.0) < 0.002)
  }

  @Test func gaussianIsStandardNormal() {
    var random = RandomSource(seed: 2)
    let values = (0..<100_000).map { _ in random.gaussian() }
    let (mean, variance) = meanAndVariance(values)
    #expect(abs(mean) < 0.015)
    #expect(abs(variance - 1) < 0.02)
    let beyondTwoSigma = Double(values.filter { abs($0) > 2 }.count) / Double(values.count)
    #expect(abs(beyondTwoSigma - 0.0455) < 0.004)
  }

  @Test(arguments: [0.05, 0.7, 3.0, 9.9, 10.0, 37.5, 1000.0, 2.5e6])
  func poissonMeanAndVarianceMatch(mean expected: Double) {
    var random = RandomSource(seed: UInt64(expected * 1000))
    let draws = 40_000
    let values = (0..<draws).map { _ in Double(random.poisson(mean: expected)) }
    let (mean, variance) = meanAndVariance(values)
    #expect(values.allSatisfy { $0 >= 0 && $0 == $0.rounded() })
    // Five standard errors of the mean; 8 % on the variance (its standard error is 0.7 % at large means, 2.3 % at 0.05).
    #expect(abs(mean - expected) < 5 * (expected / Double(draws)).squareRoot())
    #expect(abs(variance / expected - 1) < 0.08)
  }

  @Test func poissonOfDegenerateMeansIsZero() {
    var random = RandomSource(seed: 3)
    #expect(random.poisson(mean: 0) == 0)
    #expect(random.poisson(mean: -5) == 0)
    #expect(random.poisson(mean: .nan) == 0)
    #expect(random.poisson(mean: .infinity) == 0)
  }
}

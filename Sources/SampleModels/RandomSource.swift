import Foundation

/// A seeded, fast pseudo-random generator (xoshiro256**, seeded through splitmix64) with the
/// samplers the spectrum models need.
///
/// It is a value type so that a simulation is reproducible from a seed and a copy of the state
/// replays exactly the same numbers; it is not suitable for cryptography.
public struct RandomSource: RandomNumberGenerator, Sendable, Equatable {
  private var state0: UInt64
  private var state1: UInt64
  private var state2: UInt64
  private var state3: UInt64

  /// Creates a generator whose whole output is determined by `seed`.
  public init(seed: UInt64) {
    var mixer = seed
    state0 = Self.splitMix(&mixer)
    state1 = Self.splitMix(&mixer)
    state2 = Self.splitMix(&mixer)
    state3 = Self.splitMix(&mixer)
  }

  /// Creates the generator for one numbered stream of a seed, so that acquisition `stream` of a
  /// simulated device gets the same numbers no matter what was drawn before it.
  public init(seed: UInt64, stream: UInt64) {
    var mixer = stream &* 0xD1B5_4A32_D192_ED03 ^ 0x8CB9_2BA7_2F3D_8DD7
    self.init(seed: seed ^ Self.splitMix(&mixer))
  }

  /// One step of splitmix64, which spreads a 64-bit seed over the xoshiro state.
  private static func splitMix(_ value: inout UInt64) -> UInt64 {
    value &+= 0x9E37_79B9_7F4A_7C15
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// The next 64 random bits (xoshiro256**).
  public mutating func next() -> UInt64 {
    let result = ((state1 &* 5) << 7 | (state1 &* 5) >> 57) &* 9
    let shifted = state1 << 17
    state2 ^= state0
    state3 ^= state1
    state1 ^= state2
    state0 ^= state3
    state2 ^= shifted
    state3 = state3 << 45 | state3 >> 19
    return result
  }

  /// A uniform double in [0, 1) with 53 random bits.
  public mutating func uniform() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// A uniform double in the open interval (0, 1), safe to take the logarithm of.
  public mutating func uniformPositive() -> Double {
    (Double(next() >> 11) + 0.5) * 0x1.0p-53
  }

  /// A uniform double in [lower, upper).
  public mutating func uniform(in lower: Double, _ upper: Double) -> Double {
    lower + (upper - lower) * uniform()
  }

  /// A standard normal deviate (Marsaglia's polar method; the second value is discarded so that
  /// the state stays a plain value without a cached spare).
  public mutating func gaussian() -> Double {
    gaussianPair().0
  }

  /// Two independent standard normal deviates from one round of Marsaglia's polar method, for
  /// callers that need many (per-pixel read noise): half the logarithms and square roots of two
  /// `gaussian()` calls.
  public mutating func gaussianPair() -> (Double, Double) {
    while true {
      let u = 2 * uniform() - 1
      let v = 2 * uniform() - 1
      let s = u * u + v * v
      if s > 0, s < 1 {
        let factor = (-2 * log(s) / s).squareRoot()
        return (u * factor, v * factor)
      }
    }
  }

  /// A Poisson deviate with the given mean.
  ///
  /// Means below 10 use exact inversion by sequential search; larger means use Hörmann's
  /// transformed rejection with squeeze (PTRS, 1993), which is exact for every mean. A mean that
  /// is zero, negative or not finite gives 0; a result is capped at `Int.max / 2`.
  public mutating func poisson(mean: Double) -> Int {
    poisson(PoissonSampler(mean: mean))
  }

  /// A Poisson deviate from a prepared sampler: the same numbers as `poisson(mean:)` with the
  /// sampler's mean, without recomputing the per-mean constants on every draw.
  public mutating func poisson(_ sampler: PoissonSampler) -> Int {
    switch sampler.method {
    case .zero: return 0
    case .inversion: return poissonByInversion(sampler)
    case .transformedRejection: return poissonByTransformedRejection(sampler)
    }
  }

  private mutating func poissonByInversion(_ sampler: PoissonSampler) -> Int {
    let mean = sampler.mean
    let u = uniform()
    var k = 0
    var probability = sampler.expMinusMean
    var cumulative = probability
    while u > cumulative, k < 1000 {
      k += 1
      probability *= mean / Double(k)
      cumulative += probability
      if probability == 0 { break }
    }
    return k
  }

  private mutating func poissonByTransformedRejection(_ sampler: PoissonSampler) -> Int {
    let mean = sampler.mean
    let a = sampler.a
    let b = sampler.b
    let cap = Double(Int.max / 2)
    while true {
      let u = uniform() - 0.5
      let v = uniform()
      let us = 0.5 - abs(u)
      let k = ((2 * a / us + b) * u + mean + 0.43).rounded(.down)
      if us >= 0.07, v <= sampler.acceptRegion { return Int(min(max(k, 0), cap)) }
      if k < 0 || (us < 0.013 && v > us) { continue }
      let lhs = log(v) + sampler.logInverseAlpha - log(a / (us * us) + b)
      let rhs = -mean + k * sampler.logMean - lgamma(k + 1)
      if lhs <= rhs { return Int(min(k, cap)) }
    }
  }
}

/// The per-mean constants of `RandomSource`'s Poisson sampler.
///
/// A simulated spectrum draws one Poisson deviate per pixel from means that stay the same for
/// every exposure of one composition, so the logarithms and square roots that depend only on the
/// mean are computed once here instead of on every draw.
public struct PoissonSampler: Sendable, Equatable {
  enum Method: Sendable, Equatable {
    case zero
    case inversion
    case transformedRejection
  }

  /// The mean the sampler draws with (0 for a degenerate mean).
  public let mean: Double
  let method: Method
  let expMinusMean: Double
  let logMean: Double
  let a: Double
  let b: Double
  let logInverseAlpha: Double
  let acceptRegion: Double

  /// Prepares draws with `mean`; zero, negative and non-finite means always give 0.
  public init(mean: Double) {
    guard mean > 0, mean.isFinite else {
      self.mean = 0
      method = .zero
      expMinusMean = 1
      logMean = 0
      a = 0
      b = 0
      logInverseAlpha = 0
      acceptRegion = 0
      return
    }
    self.mean = mean
    if mean < 10 {
      method = .inversion
      expMinusMean = exp(-mean)
      logMean = 0
      a = 0
      b = 0
      logInverseAlpha = 0
      acceptRegion = 0
      return
    }
    method = .transformedRejection
    expMinusMean = 0
    let rootMean = mean.squareRoot()
    logMean = log(mean)
    let b = 0.931 + 2.53 * rootMean
    self.b = b
    a = -0.059 + 0.02483 * b
    logInverseAlpha = log(1.1239 + 1.1328 / (b - 3.4))
    acceptRegion = 0.9277 - 3.6224 / (b - 2)
  }
}

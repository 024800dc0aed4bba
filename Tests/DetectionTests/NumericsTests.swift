import Foundation
import Testing

@testable import Detection

@Suite struct NumericsTests {
  /// Sizes around the two-ended solve's threshold (8) and both parities of its middle split.
  @Test(arguments: [4, 5, 7, 8, 9, 10, 11, 40, 41, 101])
  func pentadiagonalSolverMatchesADenseSolve(n: Int) {
    let lambda = 7.5
    let weights = (0..<n).map { 0.1 + Double($0 % 5) * 0.2 }
    let values = (0..<n).map { sin(Double($0) / 3) * 10 + Double($0) }
    // Dense A = W + λ·DᵀD.
    var dense = [Double](repeating: 0, count: n * n)
    for i in 0..<n { dense[i * n + i] = weights[i] }
    for row in 0..<(n - 2) {
      let c = [1.0, -2.0, 1.0]
      for a in 0..<3 {
        for b in 0..<3 { dense[(row + a) * n + row + b] += lambda * c[a] * c[b] }
      }
    }
    let rhs = (0..<n).map { weights[$0] * values[$0] }
    var factor = [Double](repeating: 0, count: n * n)
    var expected = rhs
    dense.withUnsafeBufferPointer { a in
      factor.withUnsafeMutableBufferPointer { f in
        #expect(DenseCholesky.factor(a.baseAddress!, n: n, into: f.baseAddress!))
        expected.withUnsafeMutableBufferPointer {
          DenseCholesky.solve(factor: f.baseAddress!, n: n, $0.baseAddress!)
        }
      }
    }
    var result = [Double](repeating: 0, count: n)
    var d = result
    var e = result
    var f = result
    var r = result
    let ok = PentadiagonalSolver.solve(
      n: n, lambda: lambda, weights: weights, values: values, result: &result, d: &d, e: &e,
      f: &f, r: &r)
    #expect(ok)
    for i in 0..<n { #expect(abs(result[i] - expected[i]) < 1e-8 * max(1, abs(expected[i]))) }
    // The kept factorisation solves the same system.
    var kept = [Double](repeating: 0, count: n)
    #expect(
      PentadiagonalSolver.factor(
        n: n, lambda: lambda, weights: weights, reciprocalPivots: &d, e: &e, f: &f))
    PentadiagonalSolver.substitute(
      n: n, weights: weights, values: values, reciprocalPivots: d, e: e, f: f, scratch: &r,
      result: &kept)
    for i in 0..<n { #expect(abs(kept[i] - expected[i]) < 1e-8 * max(1, abs(expected[i]))) }
  }

  /// The two-buffer median equals a sort's middle on noise, spikes, ties, sorted runs and
  /// constant input, odd and even sizes.
  @Test(arguments: [1, 2, 3, 24, 25, 26, 100, 101, 834, 1669])
  func twoBufferMedianIsExact(n: Int) {
    var state = UInt64(n)
    func next() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(1 << 53)
    }
    let inputs: [[Double]] = [
      (0..<n).map { _ in next() - 0.5 },
      (0..<n).map { i in i % 97 == 0 ? 1e6 : (next() - 0.5) * 30 },
      (0..<n).map { _ in (next() * 4).rounded() },
      (0..<n).map { Double($0) },
      (0..<n).map { Double(n - $0) },
      [Double](repeating: 3, count: n),
    ]
    for input in inputs {
      let sorted = input.sorted()
      let expected = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
      var values = input
      var scratch = [Double](repeating: 0, count: n)
      #expect(Selection.median(&values, count: n, scratch: &scratch) == expected)
    }
  }

  @Test func medianSelectsTheMiddle() {
    var odd = [5.0, 1, 4, 2, 3]
    var even = [8.0, 1, 7, 2, 6, 3]
    #expect(Selection.median(&odd, count: 5) == 3)
    #expect(Selection.median(&even, count: 6) == 4.5)
  }

  @Test func savitzkyGolayKeepsACubicExactly() {
    let smoother = SavitzkyGolay()
    #expect(smoother.prepare(pixels: 9, order: 3))
    let input = (0..<50).map { x -> Double in
      let t = Double(x)
      return 0.01 * t * t * t - 0.5 * t * t + 3 * t + 7
    }
    var output = [Double](repeating: 0, count: 50)
    input.withUnsafeBufferPointer { i in
      output.withUnsafeMutableBufferPointer {
        smoother.apply(i.baseAddress!, count: 50, into: $0.baseAddress!)
      }
    }
    for index in 0..<50 { #expect(abs(output[index] - input[index]) < 1e-6) }
  }
}

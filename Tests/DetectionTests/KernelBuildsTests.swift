import Testing

@testable import Detection

/// The portable and the x86-64-v3 builds of the band-fit kernels must agree bit for bit, so a
/// spectrum gives the same numbers on every machine whichever build runs. Inputs cover a band's
/// centre, wings far beyond the exponential's cutoff, window lengths that are not a multiple of
/// the vector width, and columns of very different scale.
@Suite(.enabled(if: DetectorKernels.isSupported(.x86v3), "needs an x86-64-v3 processor"))
struct KernelBuildsTests {
  /// A deterministic sequence in [0, 1), so runs are reproducible.
  struct Pseudorandom {
    var state: UInt64
    mutating func next() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(UInt64(1) << 53)
    }
  }

  /// A slightly non-uniform Raman-shift axis, as a wavelength calibration gives.
  static func axis(count: Int) -> [Double] {
    (0..<count).map { (index: Int) -> Double in
      let i = Double(index)
      return 930 + 0.87 * i + 1e-4 * i * i
    }
  }

  static let bands: [(fwhm: Double, eta: Double, position: Double)] = [
    (9.5, 0.4, 961), (0.6, 0, 900), (40, 1, 1100),
  ]

  @Test(arguments: [1, 3, 4, 5, 31, 102, 257])
  func bandColumnsAgree(count: Int) {
    var random = Pseudorandom(state: UInt64(count))
    let x = Self.axis(count: count)
    let roots = (0..<count).map { _ in 0.01 + random.next() }
    for band in Self.bands {
      var results: [[UInt64]] = []
      for kernels in DetectorKernels.allCases {
        var area = [Double](repeating: 0, count: count)
        var centre = area
        var width = area
        var eta = [Double](repeating: 0.25, count: count)
        kernels.bandColumns(
          fwhm: band.fwhm, eta: band.eta, position: band.position, area: 1234.5, x: x,
          rootWeights: roots, count: count, area: &area, centre: &centre, width: &width,
          eta: &eta)
        results.append((area + centre + width + eta).map(\.bitPattern))
      }
      #expect(results[0] == results[1], "band \(band)")
      #expect(results[0].allSatisfy { Double(bitPattern: $0).isFinite })
    }
  }

  @Test(arguments: [1, 3, 4, 5, 31, 102, 257])
  func addBandAgrees(count: Int) {
    let x = Self.axis(count: count)
    for band in Self.bands {
      var results: [[UInt64]] = []
      for kernels in DetectorKernels.allCases {
        var model = (0..<count).map { 100 + Double($0) }
        kernels.addBand(
          fwhm: band.fwhm, eta: band.eta, position: band.position, area: 5e4, x: x, count: count,
          to: &model)
        results.append(model.map(\.bitPattern))
      }
      #expect(results[0] == results[1], "band \(band)")
    }
  }

  @Test(arguments: [(1, 5), (2, 4), (5, 7), (12, 102), (13, 33), (15, 257)])
  func normalEquationsAgree(columns: Int, count: Int) {
    var random = Pseudorandom(state: UInt64(columns * 1000 + count))
    // Columns of very different scale, as area, centre and width columns are.
    let jacobian = (0..<(columns * count)).map { index in
      (random.next() - 0.3) * [1e-3, 1, 1e4][(index / count) % 3]
    }
    let residual = (0..<count).map { _ in random.next() - 0.5 }
    var results: [[UInt64]] = []
    for kernels in DetectorKernels.allCases {
      var normal = [Double](repeating: 0, count: columns * columns)
      var gradient = [Double](repeating: 0, count: columns)
      kernels.normalEquations(
        jacobian: jacobian, residual: residual, columns: columns, count: count, normal: &normal,
        gradient: &gradient)
      results.append((normal + gradient).map(\.bitPattern))
    }
    #expect(results[0] == results[1])
    // And the products are right: check one lower-triangle entry and the gradient directly.
    let a = columns - 1
    var expected = 0.0
    var expectedGradient = 0.0
    for i in 0..<count {
      expected += jacobian[a * count + i] * jacobian[i]
      expectedGradient += jacobian[a * count + i] * residual[i]
    }
    let normal = results[0].prefix(columns * columns).map { Double(bitPattern: $0) }
    let gradient = results[0].suffix(columns).map { Double(bitPattern: $0) }
    #expect(abs(normal[a * columns] - expected) <= 1e-9 * max(abs(expected), 1))
    #expect(abs(gradient[a] - expectedGradient) <= 1e-9 * max(abs(expectedGradient), 1))
  }

  /// Both parities of the two-ended split, and AsLS-like weights (p and 1 − p).
  @Test(arguments: [8, 9, 40, 41, 834, 835])
  func pentadiagonalSolveAgrees(n: Int) {
    var random = Pseudorandom(state: UInt64(n))
    let values = (0..<n).map { 1000 + 300 * Double($0 % 17) + 50 * random.next() }
    let weights = (0..<n).map { _ in random.next() < 0.3 ? 0.01 : 0.99 }
    var results: [[UInt64]] = []
    for kernels in DetectorKernels.allCases {
      var z = [Double](repeating: 0, count: n)
      var d = z
      var e = z
      var f = z
      var r = z
      #expect(
        kernels.solvePentadiagonal(
          n: n, lambda: 1.6e6, weights: weights, values: values, result: &z, d: &d, e: &e, f: &f,
          r: &r))
      var kept = [Double](repeating: 0, count: n)
      #expect(
        PentadiagonalSolver.factor(
          n: n, lambda: 1.6e6, weights: weights, reciprocalPivots: &d, e: &e, f: &f))
      kernels.substitutePentadiagonal(
        n: n, weights: weights, values: values, reciprocalPivots: d, e: e, f: f, scratch: &r,
        result: &kept)
      results.append((z + kept).map(\.bitPattern))
    }
    #expect(results[0] == results[1])
  }

  /// Each smoothed point is the same ordered sum as the plain loop, in both builds.
  @Test(arguments: [(5, 5), (7, 6), (9, 40), (11, 835), (15, 838)])
  func centredConvolutionMatchesThePlainSum(window: Int, count: Int) {
    var random = Pseudorandom(state: UInt64(window * 7 + count))
    let input = (0..<count).map { _ in 1000 * random.next() }
    let coefficients = (0..<window).map { _ in random.next() - 0.3 }
    var expected = [Double](repeating: -1, count: count)
    let half = window / 2
    for i in half..<max(half, count - half) {
      var sum = 0.0
      for k in 0..<window { sum += coefficients[k] * input[i - half + k] }
      expected[i] = sum
    }
    for kernels in DetectorKernels.allCases {
      var output = [Double](repeating: -1, count: count)
      kernels.centredConvolution(
        input, count: count, coefficients: coefficients, window: window, into: &output)
      #expect(output.map(\.bitPattern) == expected.map(\.bitPattern), "\(kernels)")
    }
  }
}

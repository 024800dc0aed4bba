/// Savitzky–Golay smoothing: each point is replaced by the value at its centre of a least-squares
/// polynomial over a symmetric window. The window is given in cm⁻¹ and converted to an odd number
/// of pixels for the spectrum at hand; coefficients are recomputed only when that number changes.
/// Points within half a window of either end are copied unchanged.
final class SavitzkyGolay {
  /// The build of the smoothing loop this smoother runs (results are the same with either).
  private let kernels: DetectorKernels
  private let coefficients = ScratchBuffer(capacity: 64)
  private let normal = ScratchBuffer(capacity: 64)
  private let factor = ScratchBuffer(capacity: 64)
  private let column = ScratchBuffer(capacity: 16)
  private(set) var windowPixels = 0
  private var order = -1

  /// A smoother running the given build of its loop.
  init(kernels: DetectorKernels = .active) { self.kernels = kernels }

  /// Prepares coefficients for `pixels` (odd, ≥ 3) and polynomial `order`; returns false when the
  /// window cannot support the order (then smoothing is skipped).
  func prepare(pixels: Int, order: Int) -> Bool {
    guard pixels >= 3, pixels % 2 == 1, order >= 0, order < pixels else {
      windowPixels = 0
      return false
    }
    if pixels == windowPixels, order == self.order { return true }
    let m = order + 1
    let half = pixels / 2
    let nm = normal.reserve(m * m)
    let f = factor.reserve(m * m)
    let col = column.reserve(m)
    let c = coefficients.reserve(pixels)
    // Normal matrix of the Vandermonde design on offsets −half…half.
    for a in 0..<m {
      for b in 0..<m {
        var sum = 0.0
        for k in -half...half { sum += Self.power(Double(k), a + b) }
        nm[a * m + b] = sum
      }
    }
    guard DenseCholesky.factor(nm, n: m, into: f) else {
      windowPixels = 0
      return false
    }
    // Smoothing weights: first row of (VᵀV)⁻¹Vᵀ, i.e. solve (VᵀV)·q = e₀ then c_k = Σ q_j k^j.
    for j in 0..<m { col[j] = j == 0 ? 1 : 0 }
    DenseCholesky.solve(factor: f, n: m, col)
    for k in -half...half {
      var sum = 0.0
      for j in 0..<m { sum += col[j] * Self.power(Double(k), j) }
      c[k + half] = sum
    }
    windowPixels = pixels
    self.order = order
    return true
  }

  /// Smooths `input[0..<count]` into `output`.
  func apply(
    _ input: UnsafePointer<Double>, count n: Int, into output: UnsafeMutablePointer<Double>
  ) {
    let w = windowPixels
    guard w >= 3, n >= w else {
      for i in 0..<n { output[i] = input[i] }
      return
    }
    let half = w / 2
    let c = coefficients.pointer
    for i in 0..<half {
      output[i] = input[i]
      output[n - 1 - i] = input[n - 1 - i]
    }
    kernels.centredConvolution(input, count: n, coefficients: c, window: w, into: output)
  }

  private static func power(_ base: Double, _ exponent: Int) -> Double {
    var result = 1.0
    for _ in 0..<exponent { result *= base }
    return result
  }
}

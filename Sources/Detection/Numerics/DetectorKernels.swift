import CCPUFeatures
import SpectralKernels
import SpectralKernelsX86_64V3

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

typealias FastExp = PortableKernels.FastExp
typealias PseudoVoigt = PortableKernels.PseudoVoigt
typealias PentadiagonalSolver = PortableKernels.PentadiagonalSolver

/// Which build of the detector's inner loops (band fits, AsLS solve, smoothing) runs: the
/// portable one, or the same source built for x86-64-v3 (AVX2), twice as wide. Both give
/// bit-identical results, so the choice changes speed only.
public enum DetectorKernels: String, Sendable, CaseIterable {
  case portable
  case x86v3 = "x86-64-v3"

  /// Environment variable that forces the portable build (`portable`), for comparing the two.
  public static let environmentVariable = "WHITLOCK_KERNELS"

  /// The build this process uses: x86-64-v3 where the processor and the operating system support
  /// it, unless `WHITLOCK_KERNELS=portable` asks otherwise (any other value means automatic).
  public static let active: DetectorKernels = {
    if let requested = getenv(environmentVariable), String(cString: requested) == "portable" {
      return .portable
    }
    return isSupported(.x86v3) ? .x86v3 : .portable
  }()

  /// Whether this machine can run `kernels`.
  public static func isSupported(_ kernels: DetectorKernels) -> Bool {
    switch kernels {
    case .portable: true
    case .x86v3: whitlock_cpu_supports_x86_64_v3() != 0
    }
  }

  /// One band's √weight-scaled Jacobian columns; see `PortableKernels.bandColumns`.
  @inline(__always)
  func bandColumns(
    fwhm: Double, eta: Double, position: Double, area: Double, x: UnsafePointer<Double>,
    rootWeights: UnsafePointer<Double>, count: Int, area columnArea: UnsafeMutablePointer<Double>,
    centre: UnsafeMutablePointer<Double>, width: UnsafeMutablePointer<Double>,
    eta etaSum: UnsafeMutablePointer<Double>
  ) {
    switch self {
    case .portable:
      PortableKernels.bandColumns(
        fwhm: fwhm, eta: eta, position: position, area: area, x: x, rootWeights: rootWeights,
        count: count, area: columnArea, centre: centre, width: width, eta: etaSum)
    case .x86v3:
      X86_64V3Kernels.bandColumns(
        fwhm: fwhm, eta: eta, position: position, area: area, x: x, rootWeights: rootWeights,
        count: count, area: columnArea, centre: centre, width: width, eta: etaSum)
    }
  }

  /// Adds a band's profile times `area` to `model`; see `PortableKernels.addBand`.
  @inline(__always)
  func addBand(
    fwhm: Double, eta: Double, position: Double, area: Double, x: UnsafePointer<Double>,
    count: Int, to model: UnsafeMutablePointer<Double>
  ) {
    switch self {
    case .portable:
      PortableKernels.addBand(
        fwhm: fwhm, eta: eta, position: position, area: area, x: x, count: count, to: model)
    case .x86v3:
      X86_64V3Kernels.addBand(
        fwhm: fwhm, eta: eta, position: position, area: area, x: x, count: count, to: model)
    }
  }

  /// JᵀJ (lower triangle) and Jᵀr; see `PortableKernels.normalEquations`.
  @inline(__always)
  func normalEquations(
    jacobian: UnsafePointer<Double>, residual: UnsafePointer<Double>, columns: Int, count: Int,
    normal: UnsafeMutablePointer<Double>, gradient: UnsafeMutablePointer<Double>
  ) {
    switch self {
    case .portable:
      PortableKernels.normalEquations(
        jacobian: jacobian, residual: residual, columns: columns, count: count, normal: normal,
        gradient: gradient)
    case .x86v3:
      X86_64V3Kernels.normalEquations(
        jacobian: jacobian, residual: residual, columns: columns, count: count, normal: normal,
        gradient: gradient)
    }
  }

  /// Whittaker / AsLS system solve; see `PortableKernels.PentadiagonalSolver.solve`.
  @inline(__always)
  func solvePentadiagonal(
    n: Int, lambda: Double, weights: UnsafePointer<Double>, values: UnsafePointer<Double>,
    result: UnsafeMutablePointer<Double>, d: UnsafeMutablePointer<Double>,
    e: UnsafeMutablePointer<Double>, f: UnsafeMutablePointer<Double>,
    r: UnsafeMutablePointer<Double>
  ) -> Bool {
    switch self {
    case .portable:
      PortableKernels.PentadiagonalSolver.solve(
        n: n, lambda: lambda, weights: weights, values: values, result: result, d: d, e: e, f: f,
        r: r)
    case .x86v3:
      X86_64V3Kernels.PentadiagonalSolver.solve(
        n: n, lambda: lambda, weights: weights, values: values, result: result, d: d, e: e, f: f,
        r: r)
    }
  }

  /// Solve with a kept factorisation; see `PortableKernels.PentadiagonalSolver.substitute`.
  @inline(__always)
  func substitutePentadiagonal(
    n: Int, weights: UnsafePointer<Double>, values: UnsafePointer<Double>,
    reciprocalPivots: UnsafePointer<Double>, e: UnsafePointer<Double>, f: UnsafePointer<Double>,
    scratch: UnsafeMutablePointer<Double>, result: UnsafeMutablePointer<Double>
  ) {
    switch self {
    case .portable:
      PortableKernels.PentadiagonalSolver.substitute(
        n: n, weights: weights, values: values, reciprocalPivots: reciprocalPivots, e: e, f: f,
        scratch: scratch, result: result)
    case .x86v3:
      X86_64V3Kernels.PentadiagonalSolver.substitute(
        n: n, weights: weights, values: values, reciprocalPivots: reciprocalPivots, e: e, f: f,
        scratch: scratch, result: result)
    }
  }

  /// Savitzky–Golay sums; see `PortableKernels.centredConvolution`.
  @inline(__always)
  func centredConvolution(
    _ input: UnsafePointer<Double>, count: Int, coefficients: UnsafePointer<Double>,
    window: Int, into output: UnsafeMutablePointer<Double>
  ) {
    switch self {
    case .portable:
      PortableKernels.centredConvolution(
        input, count: count, coefficients: coefficients, window: window, into: output)
    case .x86v3:
      X86_64V3Kernels.centredConvolution(
        input, count: count, coefficients: coefficients, window: window, into: output)
    }
  }
}

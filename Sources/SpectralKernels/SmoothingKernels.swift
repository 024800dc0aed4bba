extension Kernels {
  /// `output[i] = Σₖ coefficients[k]·input[i − half + k]` for every i with a full window
  /// (half ≤ i < count − half, window = 2·half + 1): the Savitzky–Golay smoothing sum.
  ///
  /// Four neighbouring outputs are summed side by side in the lanes of one vector, each over k
  /// in order, so every output is the same sum a scalar loop gives, without the scalar loop's
  /// chain of dependent additions.
  @inline(never)
  public static func centredConvolution(
    _ input: UnsafePointer<Double>, count: Int, coefficients: UnsafePointer<Double>,
    window: Int, into output: UnsafeMutablePointer<Double>
  ) {
    let half = window / 2
    let end = count - half
    var i = half
    while i + 4 <= end {
      let base = input + (i - half)
      var sum = SIMD4<Double>()
      for k in 0..<window { sum += SIMD4(repeating: coefficients[k]) * load(base + k) }
      UnsafeMutableRawPointer(output + i).storeBytes(of: sum, as: SIMD4<Double>.self)
      i += 4
    }
    while i < end {
      let base = input + (i - half)
      var sum = 0.0
      for k in 0..<window { sum += coefficients[k] * base[k] }
      output[i] = sum
      i += 1
    }
  }
}

extension Kernels {
  /// One band's √weight-scaled Jacobian columns (area, centre, width) for a window's pixels, its
  /// η part added to `etaSum`: the band fit's largest cost, one call per band per model
  /// evaluation.
  ///
  /// A function of its own, not inlined into the band loop: there the compiler would hoist the
  /// pointer-overlap check out of that loop, where the columns of consecutive bands (one buffer)
  /// do overlap, and always take the scalar path. Called per band, the check passes and the pixel
  /// loop runs vectorised.
  @inline(never)
  public static func bandColumns(
    fwhm: Double, eta: Double, position: Double, area: Double, x: UnsafePointer<Double>,
    rootWeights sw: UnsafePointer<Double>, count: Int,
    area columnArea: UnsafeMutablePointer<Double>,
    centre columnCentre: UnsafeMutablePointer<Double>,
    width columnWidth: UnsafeMutablePointer<Double>, eta etaSum: UnsafeMutablePointer<Double>
  ) {
    let shape = PseudoVoigt.Shape(fwhm: fwhm, eta: eta)
    for i in 0..<count {
      let profile = shape.evaluate(offset: x[i] - position)
      let root = sw[i]
      columnArea[i] = root * profile.value
      columnCentre[i] = root * area * profile.dCentre
      columnWidth[i] = root * area * profile.dWidth
      etaSum[i] += root * area * profile.dEta
    }
  }

  /// Adds `area` times the band's unit profile to `model`, pixel by pixel.
  @inline(never)
  public static func addBand(
    fwhm: Double, eta: Double, position: Double, area: Double, x: UnsafePointer<Double>,
    count: Int, to model: UnsafeMutablePointer<Double>
  ) {
    let shape = PseudoVoigt.Shape(fwhm: fwhm, eta: eta)
    for i in 0..<count { model[i] += area * shape.value(offset: x[i] - position) }
  }

  /// The normal equations of a least-squares step: JᵀJ into the lower triangle of the
  /// `columns`×`columns` row-major `normal` and Jᵀr into `gradient`, from the column-major
  /// Jacobian (`count` contiguous values per column) and the residual.
  ///
  /// Two columns go against two at a time, so four dot products share each pass over the data
  /// and the loop does one load per multiply-add instead of two.
  @inline(never)
  public static func normalEquations(
    jacobian: UnsafePointer<Double>, residual: UnsafePointer<Double>, columns m: Int, count: Int,
    normal: UnsafeMutablePointer<Double>, gradient: UnsafeMutablePointer<Double>
  ) {
    var a = 0
    while a + 1 < m {
      let columnA = jacobian + a * count
      let columnA1 = columnA + count
      let gradientPair = dotPair(columnA, columnA1, residual, count: count)
      gradient[a] = gradientPair.0
      gradient[a + 1] = gradientPair.1
      var b = 0
      while b <= a {
        let block = dotBlock(
          columnA, columnA1, jacobian + b * count, jacobian + (b + 1) * count, count: count)
        normal[a * m + b] = block.0
        normal[(a + 1) * m + b] = block.2
        normal[(a + 1) * m + b + 1] = block.3
        if b + 1 <= a { normal[a * m + b + 1] = block.1 }
        b += 2
      }
      a += 2
    }
    if a < m {
      let columnA = jacobian + a * count
      gradient[a] = dot(columnA, residual, count: count)
      for b in 0...a { normal[a * m + b] = dot(columnA, jacobian + b * count, count: count) }
    }
  }

  /// The four lanes of `s` summed in a fixed order.
  @inline(__always)
  static func total(_ s: SIMD4<Double>) -> Double { (s[0] + s[1]) + (s[2] + s[3]) }

  @inline(__always)
  static func load(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
  }

  /// Σ aᵢ·bᵢ in four lanes.
  @inline(__always)
  static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Double {
    var s = SIMD4<Double>()
    var i = 0
    while i + 4 <= count {
      s += load(a + i) * load(b + i)
      i += 4
    }
    var t = total(s)
    while i < count {
      t += a[i] * b[i]
      i += 1
    }
    return t
  }

  /// (a0·b, a1·b) in one pass, in four lanes.
  @inline(__always)
  static func dotPair(
    _ a0: UnsafePointer<Double>, _ a1: UnsafePointer<Double>, _ b: UnsafePointer<Double>,
    count: Int
  ) -> (Double, Double) {
    var s0 = SIMD4<Double>()
    var s1 = SIMD4<Double>()
    var i = 0
    while i + 4 <= count {
      let y = load(b + i)
      s0 += load(a0 + i) * y
      s1 += load(a1 + i) * y
      i += 4
    }
    var t0 = total(s0)
    var t1 = total(s1)
    while i < count {
      t0 += a0[i] * b[i]
      t1 += a1[i] * b[i]
      i += 1
    }
    return (t0, t1)
  }

  /// (a0·b0, a0·b1, a1·b0, a1·b1) in one pass, in four lanes.
  @inline(__always)
  static func dotBlock(
    _ a0: UnsafePointer<Double>, _ a1: UnsafePointer<Double>, _ b0: UnsafePointer<Double>,
    _ b1: UnsafePointer<Double>, count: Int
  ) -> (Double, Double, Double, Double) {
    var s00 = SIMD4<Double>()
    var s01 = SIMD4<Double>()
    var s10 = SIMD4<Double>()
    var s11 = SIMD4<Double>()
    var i = 0
    while i + 4 <= count {
      let x0 = load(a0 + i)
      let x1 = load(a1 + i)
      let y0 = load(b0 + i)
      let y1 = load(b1 + i)
      s00 += x0 * y0
      s01 += x0 * y1
      s10 += x1 * y0
      s11 += x1 * y1
      i += 4
    }
    var t00 = total(s00)
    var t01 = total(s01)
    var t10 = total(s10)
    var t11 = total(s11)
    while i < count {
      t00 += a0[i] * b0[i]
      t01 += a0[i] * b1[i]
      t10 += a1[i] * b0[i]
      t11 += a1[i] * b1[i]
      i += 1
    }
    return (t00, t01, t10, t11)
  }
}

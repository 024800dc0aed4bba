extension Kernels {
  /// Unit-area pseudo-Voigt profile η·L + (1 − η)·G (Lorentzian and Gaussian of the same FWHM) and
  /// its partial derivatives, for the band fits.
  public enum PseudoVoigt {
    /// 4·ln 2.
    @inlinable public static var gaussianK: Double { 2.772588722239781 }
    /// sqrt(4·ln 2 / π), the Gaussian's peak height times its FWHM.
    @inlinable public static var gaussianNorm: Double { 0.9394372786996513 }

    /// Profile value and derivatives with respect to centre, FWHM and η at offset `d` = x − centre.
    @inlinable @inline(__always)
    public static func evaluate(offset d: Double, fwhm w: Double, eta: Double) -> (
      value: Double, dCentre: Double, dWidth: Double, dEta: Double
    ) {
      let g = w / 2
      let d2 = d * d
      let denominator = d2 + g * g
      let lorentz = g / (Double.pi * denominator)
      let t = gaussianK * d2 / (w * w)
      let gauss = gaussianNorm / w * FastExp.negative(t)
      let value = eta * lorentz + (1 - eta) * gauss
      let lorentzCentre = lorentz * 2 * d / denominator
      let gaussCentre = gauss * 2 * gaussianK * d / (w * w)
      let lorentzWidth = lorentz * (d2 - g * g) / (w * denominator)
      let gaussWidth = gauss * (2 * t - 1) / w
      return (
        value, eta * lorentzCentre + (1 - eta) * gaussCentre,
        eta * lorentzWidth + (1 - eta) * gaussWidth, lorentz - gauss
      )
    }

    /// Profile value only.
    @inlinable @inline(__always)
    public static func value(offset d: Double, fwhm w: Double, eta: Double) -> Double {
      let g = w / 2
      let d2 = d * d
      let lorentz = g / (Double.pi * (d2 + g * g))
      let gauss = gaussianNorm / w * FastExp.negative(gaussianK * d2 / (w * w))
      return eta * lorentz + (1 - eta) * gauss
    }
  }
}

extension Kernels.PseudoVoigt {
  /// A band's profile with its per-band constants (reciprocals of the width) worked out once, so
  /// the per-pixel evaluation needs one division instead of six. Same formulas as `evaluate`.
  @frozen public struct Shape {
    public let eta: Double
    public let halfWidthSquared: Double
    public let inverseWidth: Double
    public let gaussianRate: Double
    public let lorentzScale: Double
    public let gaussianScale: Double

    /// The profile of FWHM `w` and Lorentzian share `eta`.
    @inlinable @inline(__always)
    public init(fwhm w: Double, eta: Double) {
      let g = w / 2
      self.eta = eta
      halfWidthSquared = g * g
      inverseWidth = 1 / w
      gaussianRate = Kernels.PseudoVoigt.gaussianK * inverseWidth * inverseWidth
      lorentzScale = g / Double.pi
      gaussianScale = Kernels.PseudoVoigt.gaussianNorm * inverseWidth
    }

    /// Value and derivatives with respect to centre, FWHM and η at offset `d` = x − centre.
    @inlinable @inline(__always)
    public func evaluate(offset d: Double) -> (
      value: Double, dCentre: Double, dWidth: Double, dEta: Double
    ) {
      let d2 = d * d
      let inverseDenominator = 1 / (d2 + halfWidthSquared)
      let lorentz = lorentzScale * inverseDenominator
      let t = gaussianRate * d2
      let gauss = gaussianScale * Kernels.FastExp.negative(t)
      let value = eta * lorentz + (1 - eta) * gauss
      let lorentzCentre = lorentz * 2 * d * inverseDenominator
      let gaussCentre = gauss * 2 * gaussianRate * d
      let lorentzWidth = lorentz * (d2 - halfWidthSquared) * inverseWidth * inverseDenominator
      let gaussWidth = gauss * (2 * t - 1) * inverseWidth
      return (
        value, eta * lorentzCentre + (1 - eta) * gaussCentre,
        eta * lorentzWidth + (1 - eta) * gaussWidth, lorentz - gauss
      )
    }

    /// Value only at offset `d`.
    @inlinable @inline(__always)
    public func value(offset d: Double) -> Double {
      let d2 = d * d
      let lorentz = lorentzScale / (d2 + halfWidthSquared)
      let gauss = gaussianScale * Kernels.FastExp.negative(gaussianRate * d2)
      return eta * lorentz + (1 - eta) * gauss
    }
  }
}

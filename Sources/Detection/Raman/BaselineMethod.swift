/// How the broad fluorescence background under a Raman spectrum is estimated.
public enum BaselineMethod: String, Sendable, Equatable, CaseIterable {
  /// Asymmetric least squares (Eilers & Boelens 2005): Whittaker smoother whose weights are `p`
  /// above the curve and 1 − `p` below it, iterated until the weights settle.
  case asls
  /// Asymmetrically reweighted penalised least squares (Baek et al., Analyst 140 (2015) 250):
  /// weights from a logistic function of the negative residuals' mean and spread; no `p` to set.
  case arpls
  /// Iterative modified polynomial fit (Lieber & Mahadevan-Jansen, Applied Spectroscopy 57 (2003)
  /// 1363): fit a polynomial, clip the data to it, repeat.
  case modpoly
}

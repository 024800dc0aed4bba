import Foundation

/// Why a spectrum of an intensity standard could not be turned into a response correction.
public enum IntensityCalibrationError: Error, Equatable, CustomStringConvertible {
  /// The spectrum was taken at another laser line than the certificate's.
  case excitationMismatch(file: String, spectrumNanometres: Double, standard: IntensityStandard)
  /// The measured range and the certified range overlap by less than `minimumSpan`.
  case tooLittleOverlap(file: String, measured: ClosedRange<Double>, standard: IntensityStandard)
  /// The standard's emission is too weak (or negative) around `shift` to divide by.
  case tooWeak(file: String, shift: Double, level: Double, noise: Double)

  public var description: String {
    func f(_ value: Double) -> String { String(format: "%.0f", value) }
    switch self {
    case .excitationMismatch(let file, let nanometres, let standard):
      return
        "\(file): taken at \(String(format: "%.1f", nanometres)) nm, but \(standard.title) is "
        + "certified for \(f(standard.excitationNanometres)) nm excitation; measure the SRM of "
        + "this laser line"
    case .tooLittleOverlap(let file, let measured, let standard):
      return
        "\(file): covers \(f(measured.lowerBound))–\(f(measured.upperBound)) cm-1, which overlaps "
        + "\(standard.title)'s certified \(f(standard.certifiedRange.lowerBound))–"
        + "\(f(standard.certifiedRange.upperBound)) cm-1 by less than "
        + "\(f(IntensityCalibrator.minimumSpan)) cm-1"
    case .tooWeak(let file, let shift, let level, let noise):
      return
        "\(file): the standard's emission near \(f(shift)) cm-1 is \(String(format: "%.1f", level)) "
        + "counts for a noise of \(String(format: "%.1f", noise)); expose longer (it must stand "
        + "\(f(IntensityCalibrator.signalToNoise)) times the noise over the range used)"
    }
  }
}

/// Derives an `IntensityCalibration` from a spectrum of a NIST intensity standard: the
/// measured emission, smoothed, is divided into the certificate's curve.
///
/// The emission is estimated at nodes every `step` cm⁻¹ as the median of the points within
/// ±`halfWindow` (spikes and the glass's own weak Raman bands do not move a median), then
/// averaged over three nodes. Nodes where the emission does not stand `signalToNoise` times the
/// noise (dark-subtracted edges, a detector's dead end) are dropped from the ends; a gap inside
/// the range, or less than `minimumSpan` left, is refused.
public enum IntensityCalibrator {
  /// Node spacing of the correction, cm⁻¹.
  public static let step = 5.0
  /// Half-width of the median window, cm⁻¹.
  public static let halfWindow = 15.0
  /// The emission must stand this many times the noise (MAD of first differences).
  public static let signalToNoise = 10.0
  /// Narrowest usable range, cm⁻¹.
  public static let minimumSpan = 300.0

  /// The correction for the instrument that measured `spectrum` of `standard`, on `axis` (the
  /// vendor axis when `nil`). `excitationNanometres` is used when the file does not state its
  /// laser wavelength.
  public static func calibrate(
    spectrum: VendorSpectrum, standard: IntensityStandard, axis: WavenumberCalibration?,
    excitationNanometres: Double? = nil, created: String
  ) throws(IntensityCalibrationError) -> IntensityCalibration {
    let file = spectrum.source
    var placed = spectrum
    if placed.statedExcitationNanometres == nil {
      placed.statedExcitationNanometres = excitationNanometres ?? standard.excitationNanometres
    }
    let excitation = placed.statedExcitationNanometres ?? standard.excitationNanometres
    guard abs(excitation - standard.excitationNanometres) <= 10 else {
      throw .excitationMismatch(
        file: file, spectrumNanometres: excitation, standard: standard)
    }
    let shifts = axis?.shifts(of: placed) ?? placed.shifts
    let order = shifts.indices.sorted { shifts[$0] < shifts[$1] }
    let x = order.map { shifts[$0] }
    let y = order.map { placed.intensities[$0] }
    guard let low = x.first, let high = x.last else {
      throw .tooLittleOverlap(file: file, measured: 0...0, standard: standard)
    }
    let certified = standard.certifiedRange
    let first = (max(certified.lowerBound, low + halfWindow) / step).rounded(.up) * step
    let last = (min(certified.upperBound, high - halfWindow) / step).rounded(.down) * step
    guard last - first >= minimumSpan else {
      throw .tooLittleOverlap(file: file, measured: low...high, standard: standard)
    }
    let nodes = stride(from: first, through: last + step / 2, by: step).map { $0 }
    var medians = [Double](repeating: .nan, count: nodes.count)
    var window: [Double] = []
    var start = 0
    for (index, node) in nodes.enumerated() {
      while start < x.count, x[start] < node - halfWindow { start += 1 }
      window.removeAll(keepingCapacity: true)
      var i = start
      while i < x.count, x[i] <= node + halfWindow {
        window.append(y[i])
        i += 1
      }
      if !window.isEmpty { medians[index] = PeakFinder.median(&window) }
    }
    let level = nodes.indices.map { index -> Double in
      let neighbours = [index - 1, index, index + 1].filter {
        medians.indices.contains($0) && medians[$0].isFinite
      }
      guard !neighbours.isEmpty else { return .nan }
      return neighbours.map { medians[$0] }.reduce(0, +) / Double(neighbours.count)
    }
    let noise = PeakFinder.noise(y)
    let threshold = signalToNoise * max(noise, 1e-12)
    let usable = level.map { $0.isFinite && $0 > threshold }
    guard let lower = usable.firstIndex(of: true), let upper = usable.lastIndex(of: true) else {
      let middle = nodes.count / 2
      throw .tooWeak(file: file, shift: nodes[middle], level: level[middle], noise: noise)
    }
    if let gap = (lower...upper).first(where: { !usable[$0] }) {
      throw .tooWeak(file: file, shift: nodes[gap], level: level[gap], noise: noise)
    }
    if nodes[upper] - nodes[lower] < minimumSpan {
      let weak = lower > 0 ? lower - 1 : min(upper + 1, nodes.count - 1)
      throw .tooWeak(file: file, shift: nodes[weak], level: level[weak], noise: noise)
    }
    var factors = (lower...upper).map { standard.relativeIntensity(atShift: nodes[$0]) / level[$0] }
    let reference = (lower...upper).min { abs(nodes[$0] - 1000) < abs(nodes[$1] - 1000) } ?? lower
    let scale = factors[reference - lower]
    factors = factors.map { $0 / scale }
    return IntensityCalibration(
      created: created, standard: standard,
      standardFile: URL(fileURLWithPath: file).lastPathComponent,
      axisCalibrationID: axis?.id ?? "", firstShift: nodes[lower], step: step, factors: factors)
  }
}

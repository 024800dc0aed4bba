/// One atomic emission line of a calibration lamp.
public struct EmissionLine: Sendable, Equatable {
  /// Wavelength in standard air, nm (NIST ASD's "observed wavelength, air").
  public let airNanometres: Double
  /// NIST ASD relative intensity (comparable within one element only).
  public let relativeIntensity: Double

  /// A line at `airNanometres` with NIST relative intensity `relativeIntensity`.
  public init(_ airNanometres: Double, _ relativeIntensity: Double) {
    self.airNanometres = airNanometres
    self.relativeIntensity = relativeIntensity
  }

  /// The line's vacuum wavenumber in cm⁻¹ (Raman shifts are vacuum wavenumber differences).
  public var vacuumWavenumber: Double {
    AirRefraction.vacuumWavenumber(airNanometres: airNanometres)
  }
}

/// Calibration lamps whose line tables are built in.
///
/// Source: A. Kramida, Yu. Ralchenko, J. Reader and NIST ASD Team, NIST Atomic Spectra Database
/// (version 5.11), National Institute of Standards and Technology, https://physics.nist.gov/asd —
/// Ne I and Ar I lines, observed wavelengths in air and relative intensities, 500–1000 nm (the
/// range of Raman spectra excited at 514–785 nm).
public enum CalibrationLamp: String, Sendable, CaseIterable {
  case neon
  case argon

  /// The lamp's lines, ascending in wavelength.
  public var lines: [EmissionLine] {
    switch self {
    case .neon: return NeonLines.table
    case .argon: return ArgonLines.table
    }
  }
}

/// Ne I lines, 500–1000 nm, from NIST ASD (see `CalibrationLamp`).
enum NeonLines {
  static let table: [EmissionLine] = [
    EmissionLine(500.51587, 50),
    EmissionLine(503.77512, 50),
    EmissionLine(514.49384, 50),
    EmissionLine(533.07775, 60),
    EmissionLine(534.10938, 100),
    EmissionLine(534.32834, 60),
    EmissionLine(540.05618, 200),
    EmissionLine(556.27662, 50),
    EmissionLine(565.66588, 50),
    EmissionLine(571.92248, 50),
    EmissionLine(574.82985, 50),
    EmissionLine(576.44188, 70),
    EmissionLine(580.44496, 50),
    EmissionLine(582.01558, 50),
    EmissionLine(585.24879, 200),
    EmissionLine(587.28275, 50),
    EmissionLine(588.18952, 100),
    EmissionLine(590.24623, 5),
    EmissionLine(590.64294, 5),
    EmissionLine(594.48342, 50),
    EmissionLine(596.54710, 50),
    EmissionLine(597.46273, 50),
    EmissionLine(597.55340, 60),
    EmissionLine(598.79074, 15),
    EmissionLine(602.99969, 100),
    EmissionLine(607.43377, 100),
    EmissionLine(609.61631, 30),
    EmissionLine(612.84499, 10),
    EmissionLine(614.30626, 100),
    EmissionLine(616.35939, 100),
    EmissionLine(618.21460, 15),
    EmissionLine(621.72812, 100),
    EmissionLine(626.64950, 100),
    EmissionLine(630.47889, 10),
    EmissionLine(632.81646, 30),
    EmissionLine(633.44278, 100),
    EmissionLine(638.29917, 100),
    EmissionLine(640.22480, 200),
    EmissionLine(650.65281, 150),
    EmissionLine(653.28822, 10),
    EmissionLine(659.89529, 100),
    EmissionLine(665.20927, 15),
    EmissionLine(667.82762, 50),
    EmissionLine(671.70430, 7),
    EmissionLine(692.94673, 1000),
    EmissionLine(702.40504, 300),
    EmissionLine(703.24131, 800),
    EmissionLine(705.12923, 20),
    EmissionLine(705.91074, 100),
    EmissionLine(717.39381, 800),
    EmissionLine(721.32000, 150),
    EmissionLine(723.51880, 150),
    EmissionLine(724.51666, 800),
    EmissionLine(734.39450, 150),
    EmissionLine(747.24386, 30),
    EmissionLine(748.88712, 300),
    EmissionLine(749.21020, 100),
    EmissionLine(752.28180, 150),
    EmissionLine(753.57741, 300),
    EmissionLine(754.40443, 130),
    EmissionLine(772.46233, 1),
    EmissionLine(774.07380, 120),
    EmissionLine(783.90529, 2),
    EmissionLine(792.62010, 120),
    EmissionLine(792.71177, 3),
    EmissionLine(793.69961, 13),
    EmissionLine(794.31814, 80),
    EmissionLine(808.24580, 60),
    EmissionLine(808.43450, 100),
    EmissionLine(811.85492, 40),
    EmissionLine(812.89108, 12),
    EmissionLine(813.64054, 170),
    EmissionLine(825.93790, 30),
    EmissionLine(826.48070, 100),
    EmissionLine(826.60772, 70),
    EmissionLine(826.71162, 10),
    EmissionLine(830.03258, 300),
    EmissionLine(831.49950, 100),
    EmissionLine(836.57466, 50),
    EmissionLine(837.21060, 100),
    EmissionLine(837.76080, 800),
    EmissionLine(841.71606, 30),
    EmissionLine(841.84274, 250),
    EmissionLine(846.33575, 40),
    EmissionLine(848.44435, 13),
    EmissionLine(849.53598, 700),
    EmissionLine(854.46958, 15),
    EmissionLine(857.13524, 30),
    EmissionLine(859.12584, 400),
    EmissionLine(863.46470, 350),
    EmissionLine(864.70411, 60),
    EmissionLine(865.43831, 600),
    EmissionLine(865.55220, 80),
    EmissionLine(866.82560, 100),
    EmissionLine(867.94925, 130),
    EmissionLine(868.19211, 150),
    EmissionLine(870.41116, 30),
    EmissionLine(877.16563, 100),
    EmissionLine(878.06226, 600),
    EmissionLine(878.37533, 400),
    EmissionLine(883.09072, 6),
    EmissionLine(885.38668, 300),
    EmissionLine(886.53063, 20),
    EmissionLine(886.57552, 150),
    EmissionLine(891.95006, 60),
    EmissionLine(898.85564, 20),
    EmissionLine(907.94620, 100),
    EmissionLine(914.86716, 120),
    EmissionLine(920.17591, 90),
    EmissionLine(922.00601, 60),
    EmissionLine(922.15801, 20),
    EmissionLine(922.66903, 20),
    EmissionLine(927.55196, 9),
    EmissionLine(928.75630, 200),
    EmissionLine(930.08527, 80),
    EmissionLine(931.05839, 8),
    EmissionLine(931.39726, 30),
    EmissionLine(932.65068, 70),
    EmissionLine(937.33078, 15),
    EmissionLine(942.53788, 50),
    EmissionLine(945.92095, 30),
    EmissionLine(948.66818, 50),
    EmissionLine(953.41629, 60),
    EmissionLine(954.74049, 30),
    EmissionLine(957.70130, 120),
    EmissionLine(966.54197, 180),
    EmissionLine(980.88600, 100),
    EmissionLine(1029.54174, 4),
    EmissionLine(1056.24075, 80),
    EmissionLine(1079.80429, 60),
    EmissionLine(1084.44772, 90),
  ]
}

/// The strong Ar I lines, 690–970 nm, from NIST ASD (see `CalibrationLamp`).
enum ArgonLines {
  static let table: [EmissionLine] = [
    EmissionLine(696.5431, 10_000), EmissionLine(706.7218, 10_000), EmissionLine(714.7042, 1000),
    EmissionLine(727.2936, 2000), EmissionLine(738.3980, 10_000), EmissionLine(750.3869, 20_000),
    EmissionLine(751.4652, 15_000), EmissionLine(763.5106, 25_000), EmissionLine(772.3761, 15_000),
    EmissionLine(772.4207, 10_000), EmissionLine(794.8176, 20_000), EmissionLine(800.6157, 20_000),
    EmissionLine(801.4786, 25_000), EmissionLine(810.3693, 20_000), EmissionLine(811.5311, 35_000),
    EmissionLine(826.4522, 10_000), EmissionLine(840.8210, 15_000), EmissionLine(842.4648, 20_000),
    EmissionLine(852.1442, 15_000), EmissionLine(866.7944, 4500), EmissionLine(912.2967, 35_000),
    EmissionLine(922.4499, 15_000), EmissionLine(965.7786, 25_000),
  ]
}

import CHDF5

/// One-time set-up of the HDF5 library for this process.
enum HDF5Library {
  /// Opens the library and turns off its printing of error stacks to stderr: every failure is
  /// reported once, as an `HDF5Error`, by the code that called it.
  static let prepared: Bool = {
    H5open()
    whitlock_h5_silence_errors()
    return true
  }()
}

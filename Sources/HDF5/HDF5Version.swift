import CHDF5

/// The version of the HDF5 library in use, written into NeXus files as `@HDF5_Version`.
public enum HDF5Version {
  /// `major.minor.release`, e.g. `1.10.8`.
  public static var text: String {
    var major: UInt32 = 0
    var minor: UInt32 = 0
    var release: UInt32 = 0
    H5get_libversion(&major, &minor, &release)
    return "\(major).\(minor).\(release)"
  }
}

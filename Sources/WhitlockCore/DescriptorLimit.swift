#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The process's limit on open file descriptors (`RLIMIT_NOFILE`).
///
/// Many systems start processes with a soft limit of 1024 for the sake of old `select()` code;
/// whitlockd uses none, so it raises the soft limit to the hard one at start (systemd's
/// `LimitNOFILE=` sets both) and sizes the monitor's connection cap to what is left.
public enum DescriptorLimit {
  /// The current soft limit.
  public static var current: Int {
    var limit = rlimit()
    guard getrlimit(descriptorResource, &limit) == 0 else { return 1024 }
    // RLIM_INFINITY is all bits set; any limit above Int32.max is as good as none.
    return Int(min(UInt64(limit.rlim_cur), UInt64(Int32.max)))
  }

  /// Raises the soft limit to the hard limit; returns the soft limit in force afterwards.
  @discardableResult
  public static func raiseToHardLimit() -> Int {
    var limit = rlimit()
    guard getrlimit(descriptorResource, &limit) == 0 else { return current }
    if limit.rlim_cur < limit.rlim_max {
      limit.rlim_cur = limit.rlim_max
      _ = setrlimit(descriptorResource, &limit)
    }
    return current
  }

  #if canImport(Glibc)
    private static let descriptorResource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
  #else
    private static let descriptorResource = RLIMIT_NOFILE
  #endif
}

/// Filesystem faults injected into a `SpoolWriter` by tests, so the full-disk path (failed
/// writes, failed publication, recovery once space returns) can be exercised without a small
/// filesystem or a mount. Production writers have none.
protocol SpoolFaultInjector: AnyObject, Sendable {
  /// A fault for the write of `count` bytes to `path`: the write stores `partial` bytes, then
  /// fails with `errno`, as a write(2) on a filesystem that runs out of space does. `nil` writes
  /// normally.
  func writeFault(path: String, count: Int) -> (errno: Int32, partial: Int)?

  /// An errno with which publishing the segment at `path` fails, or `nil` to publish normally.
  func publishFault(path: String) -> Int32?
}

import ServiceLifecycle

/// Gives free heap memory back to the system once a minute, so resident memory reflects what the
/// daemon uses rather than what glibc retained after a burst (see `MallocArenas.trim`).
///
/// The daemon's per-spectrum paths do not allocate, so what is trimmed is left over from start-up,
/// thread-pool growth, spool segments and HTTP traffic; a trim of a few tens of MB takes about a
/// millisecond.
public struct MemoryTrimService: Service {
  /// Time between trims.
  public var interval: Duration

  /// Creates the service; one trim per `interval`.
  public init(interval: Duration = .seconds(60)) {
    self.interval = interval
  }

  /// Trims every `interval` until the group shuts down.
  public func run() async throws {
    await cancelWhenGracefulShutdown {
      while !Task.isCancelled {
        do { try await Task.sleep(for: interval) } catch { return }
        MallocArenas.trim()
      }
    }
  }
}

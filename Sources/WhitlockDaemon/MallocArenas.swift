#if canImport(Glibc)
  import Glibc
#endif

/// Caps the number of glibc malloc arenas for the daemon's process.
///
/// glibc gives threads that allocate concurrently arenas of their own, up to eight per core, and
/// an arena's memory is rarely returned to the system. In a long-running daemon whose thread pool
/// grows lazily, each new worker thread then shows up as a permanent step in resident memory
/// (the one-hour soak saw +11 MiB when the fourth worker started) that is not a leak but looks
/// like one. whitlockd's hot paths do not allocate per spectrum, so two arenas cost no
/// measurable contention. An explicit `MALLOC_ARENA_MAX` in the environment wins.
public enum MallocArenas {
  /// glibc's `M_ARENA_MAX` option of `mallopt` (malloc.h; not exported to Swift).
  private static let arenaMaximumOption: Int32 = -8

  /// Limits the arenas to `count`; returns whether the limit was applied.
  @discardableResult
  public static func limit(to count: Int32 = 2) -> Bool {
    #if canImport(Glibc)
      guard getenv("MALLOC_ARENA_MAX") == nil else { return false }
      // `mallopt` is in glibc but not in Swift's Glibc module; look it up in the process.
      guard let symbol = dlsym(nil, "mallopt") else { return false }
      typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
      let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
      return mallopt(arenaMaximumOption, count) == 1
    #else
      return false
    #endif
  }

  /// Returns free memory held by the arenas to the system (`malloc_trim(0)`); false where there
  /// is no such call.
  ///
  /// glibc keeps freed memory inside an arena unless it sits at the arena's top; a one-hour soak
  /// showed a permanent 11 MiB step in resident memory when the thread pool grew, which one
  /// `malloc_trim` from a debugger gave back at once (RssAnon 52.0 → 39.5 MB): retained free
  /// memory, not a leak. `MemoryTrimService` calls this once a minute.
  @discardableResult
  public static func trim() -> Bool {
    #if canImport(Glibc)
      guard let symbol = trimFunction else { return false }
      typealias MallocTrim = @convention(c) (Int) -> Int32
      return unsafeBitCast(symbol, to: MallocTrim.self)(0) == 1
    #else
      return false
    #endif
  }

  #if canImport(Glibc)
    /// `malloc_trim`, looked up once (not in Swift's Glibc module either).
    nonisolated(unsafe) private static let trimFunction = dlsym(nil, "malloc_trim")
  #endif
}

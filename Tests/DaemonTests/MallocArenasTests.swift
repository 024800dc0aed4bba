import Foundation
import Testing
import WhitlockDaemon

#if canImport(Glibc)
  import Glibc
#endif

/// The glibc memory controls the daemon uses: found in the process, and a trim returns memory
/// that was freed but kept by the allocator.
@Suite struct MallocArenasTests {
  /// Anonymous resident memory of this process, kB.
  static func residentAnonymousKilobytes() throws -> Int {
    let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
    let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("RssAnon:") })
    return try #require(Int(line.split(separator: " ").dropFirst().first ?? ""))
  }

  /// Whether glibc's allocator serves this process: AddressSanitizer and ThreadSanitizer bring
  /// their own, for which `malloc_trim` does nothing (`scripts/sanitizers.sh`).
  static let glibcAllocator: Bool = {
    #if canImport(Glibc)
      return dlsym(nil, "__asan_init") == nil && dlsym(nil, "__tsan_init") == nil
    #else
      return false
    #endif
  }()

  @Test(.enabled(if: glibcAllocator, "needs glibc's allocator"))
  func trimGivesFreedMemoryBack() throws {
    // 64 MiB in small blocks, interleaved with survivors so the freed ones cannot be returned
    // from the top of the heap on free; then everything but the survivors is freed.
    let blocks = 128 * 1024
    var pointers = [UnsafeMutableRawPointer](
      repeating: UnsafeMutableRawPointer(bitPattern: 1)!, count: blocks)
    for index in 0..<blocks {
      let block = UnsafeMutableRawPointer.allocate(byteCount: 512, alignment: 16)
      block.initializeMemory(as: UInt8.self, repeating: 0x5A, count: 512)
      pointers[index] = block
    }
    for index in 0..<blocks where index % 64 != 0 { pointers[index].deallocate() }
    let before = try Self.residentAnonymousKilobytes()
    #expect(MallocArenas.trim())
    let after = try Self.residentAnonymousKilobytes()
    for index in stride(from: 0, to: blocks, by: 64) { pointers[index].deallocate() }
    // About 63 MiB were freed; the trim must hand back at least a quarter of it.
    #expect(before - after > 16 * 1024, "RssAnon \(before) kB → \(after) kB")
  }
}

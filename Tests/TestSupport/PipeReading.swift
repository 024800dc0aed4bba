import Foundation

#if canImport(Glibc)
  import Glibc
#endif

extension FileHandle {
  /// Reads until end of file, retrying reads a signal interrupted. Foundation's
  /// `readDataToEndOfFile` stops the process on `EINTR`, which a thread that does not block
  /// signals (any `Thread`, unlike a dispatch worker) gets whenever a child exits.
  public func readToEndRetryingInterrupts() -> Data {  // blocking-ok: callers own the thread
    var collected = Data()
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
      let count = buffer.withUnsafeMutableBytes {
        Glibc.read(fileDescriptor, $0.baseAddress, $0.count)
      }
      if count > 0 {
        collected.append(contentsOf: buffer[0..<count])
      } else if count == 0 || errno != EINTR {
        return collected
      }
    }
  }
}

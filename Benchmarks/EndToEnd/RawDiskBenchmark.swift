import Foundation
import TextTables

/// The physical limit: sequential `write(2)` of large blocks then one `fsync`, like
/// `dd bs=1M conv=fsync`, on the same filesystem as the spool.
struct RawDiskBenchmark {
  var bytesPerSecond: Double
  var table: String

  static func run(directory: String, megabytes: Int) throws -> RawDiskBenchmark {
    let path = directory + "/raw.bin"
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    defer {
      close(fd)
      unlink(path)
    }
    let block = [UInt8](repeating: 0x5A, count: 1 << 20)
    let start = ContinuousClock.now
    for _ in 0..<megabytes {
      let written = block.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      guard written == block.count else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }
    fsync(fd)
    let seconds = (ContinuousClock.now - start).inSeconds
    let rate = Double(megabytes << 20) / seconds
    var table = TextTable(
      title: "Raw sequential write (dd bs=1M conv=fsync equivalent)",
      layout: .figures, headers: ["size MiB", "MiB/s"])
    table.rows.append(["\(megabytes)", format(rate / 1_048_576)])
    return RawDiskBenchmark(bytesPerSecond: rate, table: table.render() + "\n")
  }
}

extension Duration {
  var inSeconds: Double {
    let (seconds, attoseconds) = components
    return Double(seconds) + Double(attoseconds) / 1e18
  }
}

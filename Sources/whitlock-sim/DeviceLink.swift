import Foundation

/// The symlink that gives a simulated device a stable path while its pseudo-terminal changes.
struct DeviceLink {
  let path: String

  /// Points the link at `target`, atomically replacing an older link. Refuses to replace
  /// anything that is not a symlink.
  func point(to target: String) throws {
    let manager = FileManager.default
    if let type = try? manager.attributesOfItem(atPath: path)[.type] as? FileAttributeType,
      type != .typeSymbolicLink
    {
      throw SimulatorError("\(path) exists and is not a symlink; refusing to replace it")
    }
    if (try? manager.destinationOfSymbolicLink(atPath: path)) != nil
      || manager.fileExists(atPath: path)
    {
      let temporary = path + ".tmp-\(getpid())"
      try? manager.removeItem(atPath: temporary)
      try manager.createSymbolicLink(atPath: temporary, withDestinationPath: target)
      guard rename(temporary, path) == 0 else {
        throw SimulatorError("cannot replace \(path): \(String(cString: strerror(errno)))")
      }
    } else {
      try manager.createSymbolicLink(atPath: path, withDestinationPath: target)
    }
  }

  /// Removes the link if it is one.
  func remove() {
    if (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil {
      try? FileManager.default.removeItem(atPath: path)
    }
  }
}

/// A simulator start-up failure.
struct SimulatorError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

import Foundation

/// Finds the built executables that integration tests start.
public enum ProductsDirectory {
  /// `WHITLOCK_BIN_DIR` when set, else the directory of the running test bundle, which SwiftPM
  /// places beside the products it built.
  public static var url: URL {
    if let override = ProcessInfo.processInfo.environment["WHITLOCK_BIN_DIR"], !override.isEmpty {
      return URL(fileURLWithPath: override)
    }
    let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    // The runner is the `.xctest` bundle itself (Linux) or lies inside it (macOS): its parent
    // directory holds the products.
    var candidate = runner
    while candidate.pathComponents.count > 1 {
      if candidate.pathExtension == "xctest" { return candidate.deletingLastPathComponent() }
      candidate.deleteLastPathComponent()
    }
    return runner.deletingLastPathComponent()
  }

  /// The path of executable `name`, or an error telling how to build it.
  public static func executable(_ name: String) throws -> String {
    let path = url.appendingPathComponent(name).path
    guard FileManager.default.isExecutableFile(atPath: path) else {
      throw MissingProduct(
        description:
          "\(path) is missing: build it first (`swift build --build-tests`, as `make test` does)")
    }
    return path
  }
}

/// A product the tests need has not been built.
public struct MissingProduct: Error, CustomStringConvertible {
  public var description: String
}

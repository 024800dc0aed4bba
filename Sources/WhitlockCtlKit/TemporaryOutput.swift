import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file written under a temporary name beside its final path and renamed into place only when
/// complete: fsync the file, rename, fsync the directory. Readers of the final path see either
/// nothing (or the previous file) or the whole new one.
struct TemporaryOutput {
  /// Where the file ends up.
  let finalPath: String
  /// Where it is written meanwhile: `.NAME.partial-PID` in the same directory.
  let path: String
  private let directory: String

  /// Reserves the temporary name; fails with the system's reason when the directory is not
  /// writable or does not exist.
  init(finalPath: String) throws(NeXusExport.Failure) {
    self.finalPath = finalPath
    let url = URL(fileURLWithPath: finalPath)
    directory = url.deletingLastPathComponent().path
    path = directory + "/." + url.lastPathComponent + ".partial-\(getpid())"
    var status = stat()
    if stat(finalPath, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
      throw NeXusExport.Failure("cannot write \(finalPath): it is a directory")
    }
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw NeXusExport.Failure(
        "cannot write \(finalPath): \(directory): \(String(cString: strerror(errno)))")
    }
    close(descriptor)
  }

  /// Makes the finished file durable and gives it its final name.
  func commit() throws(NeXusExport.Failure) {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0, fsync(descriptor) == 0 else {
      let reason = String(cString: strerror(errno))
      if descriptor >= 0 { close(descriptor) }
      discard()
      throw NeXusExport.Failure("cannot write \(finalPath): \(reason)")
    }
    close(descriptor)
    guard rename(path, finalPath) == 0 else {
      let reason = String(cString: strerror(errno))
      discard()
      throw NeXusExport.Failure("cannot rename \(path) to \(finalPath): \(reason)")
    }
    let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if directoryDescriptor >= 0 {
      fsync(directoryDescriptor)
      close(directoryDescriptor)
    }
  }

  /// Removes the temporary file.
  func discard() { unlink(path) }
}

import CHDF5

/// A failed HDF5 call: what was being done, and the library's own explanation from its error
/// stack (for example "unable to open file; … errno = 13, error message = 'Permission denied'").
public struct HDF5Error: Error, CustomStringConvertible, Sendable {
  /// The message.
  public var description: String

  /// An error with a message of the caller's.
  public init(_ description: String) { self.description = description }

  /// An error for `operation`, with the current HDF5 error stack appended (and cleared).
  static func fromStack(_ operation: String) -> HDF5Error {
    var buffer = [CChar](repeating: 0, count: 1024)
    let used = buffer.withUnsafeMutableBufferPointer {
      whitlock_h5_error_stack($0.baseAddress, $0.count)
    }
    let detail = String(decoding: buffer.prefix(used).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return HDF5Error(detail.isEmpty ? operation : "\(operation): \(detail)")
  }
}

/// Checks return values of the C API: negative means failure.
enum HDF5Call {
  /// Returns a non-negative identifier, or throws with the error stack.
  static func id(_ value: hid_t, _ operation: @autoclosure () -> String) throws(HDF5Error)
    -> hid_t
  {
    guard value >= 0 else { throw HDF5Error.fromStack(operation()) }
    return value
  }

  /// Throws with the error stack when `status` is negative.
  static func check(_ status: herr_t, _ operation: @autoclosure () -> String) throws(HDF5Error) {
    guard status >= 0 else { throw HDF5Error.fromStack(operation()) }
  }
}

import CHDF5

/// An open HDF5 file. Closed when released or by `close()`.
public final class HDF5File: HDF5Object {
  public private(set) var id: hid_t
  /// The path it was opened with.
  public let path: String

  private init(id: hid_t, path: String) {
    self.id = id
    self.path = path
  }

  deinit { if id >= 0 { H5Fclose(id) } }

  /// Creates (or truncates) the file at `path` for writing.
  public static func create(path: String) throws(HDF5Error) -> HDF5File {
    _ = HDF5Library.prepared
    let id = try HDF5Call.id(
      H5Fcreate(path, whitlock_h5f_acc_trunc(), whitlock_h5p_default(), whitlock_h5p_default()),
      "cannot create HDF5 file \(path)")
    return HDF5File(id: id, path: path)
  }

  /// Opens an existing file read-only.
  public static func open(path: String) throws(HDF5Error) -> HDF5File {
    _ = HDF5Library.prepared
    guard H5Fis_hdf5(path) > 0 else {
      _ = HDF5Error.fromStack("")
      throw HDF5Error("\(path) is not an HDF5 file")
    }
    let id = try HDF5Call.id(
      H5Fopen(path, whitlock_h5f_acc_rdonly(), whitlock_h5p_default()),
      "cannot open HDF5 file \(path)")
    return HDF5File(id: id, path: path)
  }

  /// The root group `/`.
  public func root() throws(HDF5Error) -> HDF5Group { try HDF5Group.open(in: self, "/") }

  /// Writes everything buffered to the file and closes it; errors the library reports while
  /// doing so (a full disk, say) are thrown rather than lost.
  public func close() throws(HDF5Error) {
    guard id >= 0 else { return }
    let status = H5Fclose(id)
    id = -1
    try HDF5Call.check(status, "cannot close HDF5 file \(path)")
  }
}

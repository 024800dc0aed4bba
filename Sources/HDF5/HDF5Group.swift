import CHDF5

/// An open HDF5 group: creates and finds its members.
public final class HDF5Group: HDF5Object {
  public let id: hid_t
  /// The group's name within its parent (`/` for the root).
  public let name: String

  init(id: hid_t, name: String) {
    self.id = id
    self.name = name
  }

  deinit { H5Gclose(id) }

  /// Opens group `path` relative to `location`.
  public static func open(in location: any HDF5Object, _ path: String) throws(HDF5Error)
    -> HDF5Group
  {
    let id = try HDF5Call.id(
      H5Gopen2(location.id, path, whitlock_h5p_default()), "cannot open group \(path)")
    return HDF5Group(id: id, name: path)
  }

  /// Creates member group `name`.
  public func createGroup(_ name: String) throws(HDF5Error) -> HDF5Group {
    let id = try HDF5Call.id(
      H5Gcreate2(
        self.id, name, whitlock_h5p_default(), whitlock_h5p_default(), whitlock_h5p_default()),
      "cannot create group \(name) in \(self.name)")
    return HDF5Group(id: id, name: name)
  }

  /// Opens member group `name`.
  public func group(_ name: String) throws(HDF5Error) -> HDF5Group {
    try HDF5Group.open(in: self, name)
  }

  /// Whether the group has a member called `name`.
  public func contains(_ name: String) -> Bool { H5Lexists(id, name, whitlock_h5p_default()) > 0 }

  /// What a member is.
  public enum MemberKind: Sendable, Equatable {
    case group
    case dataset
    case other
  }

  /// The names of the members, in the library's (name) order, with their kind.
  public func members() throws(HDF5Error) -> [(name: String, kind: MemberKind)] {
    var info = H5G_info_t()
    try HDF5Call.check(H5Gget_info(id, &info), "cannot list group \(name)")
    var result: [(name: String, kind: MemberKind)] = []
    for index in 0..<info.nlinks {
      let length = H5Lget_name_by_idx(
        id, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, whitlock_h5p_default())
      guard length >= 0 else { throw HDF5Error.fromStack("cannot list group \(name)") }
      var buffer = [CChar](repeating: 0, count: Int(length) + 1)
      H5Lget_name_by_idx(
        id, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, whitlock_h5p_default())
      let member = String(
        decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
      let object = H5Oopen(id, member, whitlock_h5p_default())
      var kind = MemberKind.other
      if object >= 0 {
        switch H5Iget_type(object) {
        case H5I_GROUP: kind = .group
        case H5I_DATASET: kind = .dataset
        default: kind = .other
        }
        H5Oclose(object)
      } else {
        _ = HDF5Error.fromStack("")
      }
      result.append((member, kind))
    }
    return result
  }

  /// Writes scalar string dataset `name`.
  @discardableResult
  public func write(_ name: String, _ value: String) throws(HDF5Error) -> HDF5Dataset {
    let type = try makeStringType()
    defer { H5Tclose(type) }
    let dataset = try HDF5Dataset.create(in: self, name, type: type, dimensions: nil)
    try withCStrings([value]) { (pointers) throws(HDF5Error) in
      var array = pointers
      try HDF5Call.check(
        H5Dwrite(
          dataset.id, type, whitlock_h5s_all(), whitlock_h5s_all(), whitlock_h5p_default(),
          &array), "cannot write \(name)")
    }
    return dataset
  }

  /// Writes scalar numeric dataset `name`.
  @discardableResult
  public func write<Element: HDF5Element>(_ name: String, _ value: Element) throws(HDF5Error)
    -> HDF5Dataset
  {
    let dataset = try HDF5Dataset.create(
      in: self, name, type: Element.hdf5Type, dimensions: nil)
    var copy = value
    let status = withUnsafePointer(to: &copy) {
      H5Dwrite(
        dataset.id, Element.hdf5Type, whitlock_h5s_all(), whitlock_h5s_all(),
        whitlock_h5p_default(), $0)
    }
    try HDF5Call.check(status, "cannot write \(name)")
    return dataset
  }

  /// Writes one-dimensional numeric dataset `name` (an axis, say), deflate-compressed when large.
  @discardableResult
  public func write<Element: HDF5Element>(_ name: String, _ values: [Element]) throws(HDF5Error)
    -> HDF5Dataset
  {
    let dataset = try HDF5Dataset.create(
      in: self, name, type: Element.hdf5Type, dimensions: [values.count])
    try values.withUnsafeBufferPointer { (buffer) throws(HDF5Error) in
      try HDF5Call.check(
        H5Dwrite(
          dataset.id, Element.hdf5Type, whitlock_h5s_all(), whitlock_h5s_all(),
          whitlock_h5p_default(), buffer.baseAddress), "cannot write \(name)")
    }
    return dataset
  }

  /// Writes one-dimensional string dataset `name`.
  @discardableResult
  public func write(_ name: String, _ values: [String]) throws(HDF5Error) -> HDF5Dataset {
    let type = try makeStringType()
    defer { H5Tclose(type) }
    let dataset = try HDF5Dataset.create(in: self, name, type: type, dimensions: [values.count])
    try withCStrings(values) { (pointers) throws(HDF5Error) in
      var array = pointers
      try HDF5Call.check(
        H5Dwrite(
          dataset.id, type, whitlock_h5s_all(), whitlock_h5s_all(), whitlock_h5p_default(),
          &array), "cannot write \(name)")
    }
    return dataset
  }

  /// Opens member dataset `name`.
  public func dataset(_ name: String) throws(HDF5Error) -> HDF5Dataset {
    let id = try HDF5Call.id(
      H5Dopen2(id, name, whitlock_h5p_default()), "cannot open dataset \(name) in \(self.name)")
    return HDF5Dataset(id: id, name: name)
  }

  /// Makes `name` a second name (a hard link) for the object at `target`, a path relative to
  /// this group or absolute. NeXus uses this to show one dataset in two groups.
  public func link(_ name: String, to target: String) throws(HDF5Error) {
    try HDF5Call.check(
      H5Lcreate_hard(id, target, id, name, whitlock_h5p_default(), whitlock_h5p_default()),
      "cannot link \(name) to \(target)")
  }
}

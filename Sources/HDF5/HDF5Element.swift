import CHDF5

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A numeric Swift type stored in HDF5 as the native type of the same size and signedness.
public protocol HDF5Element: BitwiseCopyable {
  /// The HDF5 memory (and file) datatype.
  static var hdf5Type: hid_t { get }
  /// The value written for rows whose value is missing (NaN for floating point).
  static var fillValue: Self { get }
}

extension Double: HDF5Element {
  public static var hdf5Type: hid_t { whitlock_h5t_native_double() }
  public static var fillValue: Double { .nan }
}

extension UInt32: HDF5Element {
  public static var hdf5Type: hid_t { whitlock_h5t_native_uint32() }
  public static var fillValue: UInt32 { 0 }
}

extension Int64: HDF5Element {
  public static var hdf5Type: hid_t { whitlock_h5t_native_int64() }
  public static var fillValue: Int64 { 0 }
}

extension UInt8: HDF5Element {
  public static var hdf5Type: hid_t { whitlock_h5t_native_uint8() }
  public static var fillValue: UInt8 { 0 }
}

extension Int8: HDF5Element {
  public static var hdf5Type: hid_t { whitlock_h5t_native_int8() }
  public static var fillValue: Int8 { 0 }
}

/// The variable-length UTF-8 string type used for every string field and attribute (h5py reads
/// these attributes as `str`). The caller closes it.
func makeStringType() throws(HDF5Error) -> hid_t {
  let type = try HDF5Call.id(H5Tcopy(whitlock_h5t_c_s1()), "copy string type")
  try HDF5Call.check(H5Tset_size(type, whitlock_h5t_variable()), "set string size")
  try HDF5Call.check(H5Tset_cset(type, H5T_CSET_UTF8), "set string character set")
  return type
}

/// Calls `body` with C strings for `strings` (each NUL-terminated), valid during the call.
func withCStrings<Result>(
  _ strings: [String], _ body: ([UnsafePointer<CChar>?]) throws(HDF5Error) -> Result
) throws(HDF5Error) -> Result {
  var storage: [UnsafeMutablePointer<CChar>?] = []
  storage.reserveCapacity(strings.count)
  defer { for pointer in storage { free(pointer) } }
  for string in strings { storage.append(strdup(string)) }
  return try body(storage.map { UnsafePointer($0) })
}

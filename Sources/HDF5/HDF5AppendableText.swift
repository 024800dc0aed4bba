/// A growing column of texts (one per row) stored compressed: the UTF-8 bytes of every row, one
/// after the other, in the chunked, deflated uint8 dataset `NAME`, and where each row ends in
/// the int64 dataset `NAME_end` (row `i` is `NAME[NAME_end[i-1]:NAME_end[i]]`, from 0 for the
/// first).
///
/// Variable-length strings live in HDF5's global heap, which is never compressed: a column of
/// long JSON documents (a few kB per spectrum) would make the file several times its data. Here
/// they compress like the rest of the file, and memory holds one chunk of bytes.
public final class HDF5AppendableText {
  /// The bytes (for attributes).
  public let bytes: HDF5AppendableDataset<UInt8>
  /// Where each row ends, in bytes.
  public let ends: HDF5AppendableDataset<Int64>
  private var total: Int64 = 0

  /// Creates `name` and `name_end` in `group`; `chunkBytes` is the compression unit of the text,
  /// `chunkRows` that of the row ends.
  public init(
    in group: HDF5Group, _ name: String, chunkBytes: Int = 256 * 1024, chunkRows: Int,
    deflate: Int32 = 4
  ) throws(HDF5Error) {
    bytes = try HDF5AppendableDataset<UInt8>(
      in: group, name, chunkRows: chunkBytes, deflate: deflate)
    ends = try HDF5AppendableDataset<Int64>(
      in: group, name + "_end", chunkRows: chunkRows, deflate: deflate)
    try bytes.dataset.setAttribute("encoding", "utf-8")
    try bytes.dataset.setAttribute("row_ends", name + "_end")
  }

  /// Rows appended so far.
  public var count: Int { ends.count }

  /// Appends one row.
  public func append(_ text: String) throws(HDF5Error) {
    try Array(text.utf8).withUnsafeBufferPointer { (utf8) throws(HDF5Error) in
      try append(utf8: utf8)
    }
  }

  /// Appends one row given as UTF-8 bytes.
  public func append(utf8: UnsafeBufferPointer<UInt8>) throws(HDF5Error) {
    try bytes.append(buffer: utf8)
    total += Int64(utf8.count)
    try ends.append(total)
  }

  /// Writes pending bytes and row ends.
  public func flush() throws(HDF5Error) {
    try bytes.flush()
    try ends.flush()
  }
}

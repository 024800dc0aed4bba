/// Order statistics without allocation.
enum Selection {
  /// The median of `values[0..<n]`, found by quickselect (Hoare partition, median-of-three pivot)
  /// in expected O(n). The buffer is reordered.
  static func median(_ values: UnsafeMutablePointer<Double>, count n: Int) -> Double {
    guard n > 0 else { return 0 }
    let upper = select(values, count: n, rank: n / 2)
    guard n % 2 == 0 else { return upper }
    // The lower middle is the largest element left of the upper middle after partitioning.
    var lower = values[0]
    for index in 1..<(n / 2) where values[index] > lower { lower = values[index] }
    return (lower + upper) / 2
  }

  /// The element of the given 0-based rank; afterwards everything left of `rank` is ≤ it and
  /// everything right of it is ≥ it.
  static func select(_ values: UnsafeMutablePointer<Double>, count n: Int, rank: Int) -> Double {
    var low = 0
    var high = n - 1
    while high > low {
      let middle = low + (high - low) / 2
      if values[middle] < values[low] { values.swapAt(middle, low) }
      if values[high] < values[low] { values.swapAt(high, low) }
      if values[high] < values[middle] { values.swapAt(high, middle) }
      let pivot = values[middle]
      var i = low
      var j = high
      while i <= j {
        while values[i] < pivot { i += 1 }
        while values[j] > pivot { j -= 1 }
        if i <= j {
          values.swapAt(i, j)
          i += 1
          j -= 1
        }
      }
      if rank <= j {
        high = j
      } else if rank >= i {
        low = i
      } else {
        return values[rank]
      }
    }
    return values[rank]
  }
}

extension UnsafeMutablePointer where Pointee == Double {
  /// Exchanges two elements.
  @inline(__always)
  fileprivate func swapAt(_ a: Int, _ b: Int) {
    let held = self[a]
    self[a] = self[b]
    self[b] = held
  }
}

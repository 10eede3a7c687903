/// A buffer that the workers of one run write at disjoint indices (each block its own paths), read once they are
/// done.
package final class SharedRows<Element>: @unchecked Sendable {
  private var storage: UnsafeMutableBufferPointer<Element>

  package init(count: Int) where Element: Numeric {
    storage = .allocate(capacity: count)
    storage.initialize(repeating: 0)
  }

  package subscript(index: Int) -> Element {
    get { storage[index] }
    set { storage[index] = newValue }
  }

  /// Calls `body` with the rows as they stand (after the workers are done).
  package func withBuffer<Result>(_ body: (UnsafeBufferPointer<Element>) throws -> Result) rethrows -> Result {
    try body(UnsafeBufferPointer(storage))
  }

  /// Frees the memory early; the rows must not be read after.
  package func release() {
    storage.deallocate()
    storage = .init(start: nil, count: 0)
  }

  deinit { storage.deallocate() }
}

import CBLAS
import _ReserveSimKernels

/// Thin wrappers over OpenBLAS' CBLAS, named for what they do in the model.
package enum BLAS {
  /// Makes OpenBLAS single-threaded and stops its thread pool (once per process): the simulator runs its own
  /// threads, one kernel each, and the pool's idle workers would otherwise spin on a core for about 0.1 s after
  /// loading (measured: 0.1 s of CPU and 0.04 s of wall clock off a 1M-path run).
  public static func useSingleThread() { _ = stopThreadPool }

  private static let stopThreadPool: Void = { _ = rs_blas_stop_thread_pool() }()

  /// ε = z·Lᵀ for a chunk of a block: z is a column-major `rows` × k matrix of independent standard normals (one
  /// row per lane and month, one column per factor, columns `stride` apart), L the row-major k × k lower-triangular
  /// Cholesky factor, so each row of ε (same layout) has correlation matrix L·Lᵀ. One `dgemm`.
  public static func correlate(
    rows: Int, stride: Int, normals: UnsafePointer<Double>, cholesky: [Double],
    into shocks: UnsafeMutablePointer<Double>
  ) {
    let f = Int32(Int(Double(cholesky.count).squareRoot().rounded()))
    precondition(Int(f * f) == cholesky.count, "L must be square")
    precondition(rows <= stride, "a column holds at most its stride of rows")
    cholesky.withUnsafeBufferPointer { l in
      // Column-major view: the row-major buffer of L reads as Lᵀ, so z·(buffer) = z·Lᵀ.
      cblas_dgemm(
        CblasColMajor, CblasNoTrans, CblasNoTrans, Int32(rows), f, f, 1.0,
        normals, Int32(stride), l.baseAddress, f, 0.0, shocks, Int32(stride))
    }
  }
}

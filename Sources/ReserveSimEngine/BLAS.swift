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
  /// Cholesky factor of a correlation matrix, so each row of ε has correlation matrix L·Lᵀ.
  ///
  /// L₀₀ = √1 = 1 and L₀ⱼ = 0 for j > 0, so ε₀ = z₀: the caller reads the first column from z, and `shocks` holds
  /// columns 1 … k − 1 only (`stride` apart). Column i is z's first i + 1 columns times row i of L, ε_i = Σ_{j≤i} L_ij
  /// z_j: one `dgemv` each — a tall matrix times a short vector, which OpenBLAS streams without the packing and the
  /// β pass a `dgemm` of k columns pays (measured on a year of a 256-path block, two factors: 7.4 µs for the `dgemm`,
  /// 3.6 µs for a `dgemv` per column, of which only the second is needed).
  public static func correlate(
    rows: Int, stride: Int, normals: UnsafePointer<Double>, cholesky: [Double],
    into shocks: UnsafeMutablePointer<Double>
  ) {
    let k = Int(Double(cholesky.count).squareRoot().rounded())
    precondition(k * k == cholesky.count, "L must be square")
    precondition(k == 0 || cholesky[0] == 1, "L must factor a correlation matrix (L₀₀ = 1)")
    precondition(rows <= stride, "a column holds at most its stride of rows")
    cholesky.withUnsafeBufferPointer { l in
      for i in 1..<max(k, 1) {
        cblas_dgemv(
          CblasColMajor, CblasNoTrans, Int32(rows), Int32(i + 1), 1.0, normals, Int32(stride), l.baseAddress! + i * k,
          1, 0.0, shocks + (i - 1) * stride, 1)
      }
    }
  }
}

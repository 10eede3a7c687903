import CBLAS

/// Thin wrappers over OpenBLAS' CBLAS, named for what they do in the model.
public enum BLAS {
  /// Makes OpenBLAS single-threaded: the simulator runs its own threads, one kernel each.
  public static func useSingleThread() { openblas_set_num_threads(1) }

  /// E = Z·Lᵀ for a row-major `rows`×4 matrix Z of independent normals and the lower-triangular
  /// Cholesky factor L, so each row of E has correlation matrix L·Lᵀ (one `dgemm`).
  public static func correlate(rows: Int, shocks: [Double], cholesky: [Double], into result: inout [Double]) {
    let f = Int32(Factor.allCases.count)
    shocks.withUnsafeBufferPointer { z in
      cholesky.withUnsafeBufferPointer { l in
        result.withUnsafeMutableBufferPointer { e in
          cblas_dgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), f, f, 1.0,
            z.baseAddress, f, l.baseAddress, f, 0.0, e.baseAddress, f)
        }
      }
    }
  }
}

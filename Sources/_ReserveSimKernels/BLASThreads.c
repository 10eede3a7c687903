// OpenBLAS' thread pool, stopped: the simulator runs its own threads and calls BLAS from each, single-threaded.
#include "ReserveSimKernels.h"

// Exported by OpenBLAS' pthreads build (its fork handler); absent from the serial and OpenMP builds, hence weak.
extern int blas_thread_shutdown_(void) __attribute__((weak));
extern void openblas_set_num_threads(int) __attribute__((weak));

int rs_blas_stop_thread_pool(void) {
  if (openblas_set_num_threads) openblas_set_num_threads(1);
  if (!blas_thread_shutdown_) return 0;
  blas_thread_shutdown_();
  return 1;
}

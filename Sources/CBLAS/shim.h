// OpenBLAS' CBLAS interface, plus openblas_set_num_threads (declared in the same header).
#include <cblas.h>

#ifndef PATCHFIT_CLAPACK_SHIM_H
#define PATCHFIT_CLAPACK_SHIM_H
#include <lapacke.h>
#include <cblas.h>

// LAPACKE's matrix-layout selectors are macros.
static inline int pf_LAPACK_ROW_MAJOR(void) { return LAPACK_ROW_MAJOR; }
static inline int pf_LAPACK_COL_MAJOR(void) { return LAPACK_COL_MAJOR; }

// OpenBLAS's thread-count setter. Declared here too because <cblas.h> declares it only when the
// alternatives point at OpenBLAS's header; the module links libopenblas, which always defines it.
void openblas_set_num_threads(int num_threads);

// One BLAS thread: our matrices are ≤ 20×20, and OpenBLAS's idle workers otherwise spin in
// sched_yield after start-up and after any threaded call. The environment variable would have
// to be set before the library's constructor runs (before main), so the CLI calls this instead.
static inline void pf_single_threaded_blas(void) { openblas_set_num_threads(1); }

#endif

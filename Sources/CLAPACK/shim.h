#ifndef PATCHFIT_CLAPACK_SHIM_H
#define PATCHFIT_CLAPACK_SHIM_H
#include <lapacke.h>
#include <cblas.h>

// LAPACKE's matrix-layout selectors are macros.
static inline int pf_LAPACK_ROW_MAJOR(void) { return LAPACK_ROW_MAJOR; }
static inline int pf_LAPACK_COL_MAJOR(void) { return LAPACK_COL_MAJOR; }

// OpenBLAS's thread-count setter and pool shutdown (exported by libopenblas, which the module
// links; <cblas.h> declares the first only when the alternatives point at OpenBLAS's header).
void openblas_set_num_threads(int num_threads);
int blas_thread_shutdown_(void);

// One BLAS thread: our matrices are ≤ 20×20. OpenBLAS starts its worker pool in a library
// constructor (before main, so setting OPENBLAS_NUM_THREADS here is too late) and the workers
// spin in sched_yield for ~0.1 s after start-up and after any threaded call (~30–60 k syscalls,
// 30–60 ms CPU per run). Setting one thread alone does not stop the spinning workers; shutting
// the pool down ends them, and with one thread OpenBLAS never restarts it — but a later
// openblas_set_num_threads would, so call this once (GatingModels' `blasSingleThreaded`).
static inline void pf_single_threaded_blas(void) {
    openblas_set_num_threads(1);
    blas_thread_shutdown_();
}

#endif

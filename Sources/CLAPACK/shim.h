#ifndef PATCHFIT_CLAPACK_SHIM_H
#define PATCHFIT_CLAPACK_SHIM_H
#include <lapacke.h>
#include <cblas.h>

// LAPACKE's matrix-layout selectors are macros.
static inline int pf_LAPACK_ROW_MAJOR(void) { return LAPACK_ROW_MAJOR; }
static inline int pf_LAPACK_COL_MAJOR(void) { return LAPACK_COL_MAJOR; }

#endif

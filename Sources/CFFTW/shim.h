#ifndef PATCHFIT_CFFTW_SHIM_H
#define PATCHFIT_CFFTW_SHIM_H
#include <fftw3.h>

// Planner flags are #defines of shifted constants; give Swift typed values.
static inline unsigned pf_FFTW_ESTIMATE(void) { return FFTW_ESTIMATE; }
static inline unsigned pf_FFTW_MEASURE(void)  { return FFTW_MEASURE; }
static inline unsigned pf_FFTW_DESTROY_INPUT(void) { return FFTW_DESTROY_INPUT; }
static inline unsigned pf_FFTW_PRESERVE_INPUT(void) { return FFTW_PRESERVE_INPUT; }

#endif

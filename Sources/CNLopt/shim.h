#ifndef PATCHFIT_CNLOPT_SHIM_H
#define PATCHFIT_CNLOPT_SHIM_H
// NLopt (Debian libnlopt-dev): derivative-free bound-constrained optimisers (BOBYQA) for
// likelihoods with many free rates, where the Nelder–Mead simplex crawls.
#include <nlopt.h>
#endif

#ifndef PROCSIM_COPENBLAS_SHIM_H
#define PROCSIM_COPENBLAS_SHIM_H
#include <stddef.h>
#include <cblas.h>
// Debian builds OpenBLAS without LAPACKE, but exports the Fortran LAPACK symbols.
// Column-major, every argument by pointer.
void dgesv_(const int *n, const int *nrhs, double *a, const int *lda,
            int *ipiv, double *b, const int *ldb, int *info);
void openblas_set_num_threads(int num_threads);
#endif

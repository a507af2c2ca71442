#ifndef PROCSIM_COPENBLAS_SHIM_H
#define PROCSIM_COPENBLAS_SHIM_H
#include <stddef.h>
#include <cblas.h>
// Debian builds OpenBLAS without LAPACKE, but exports the Fortran LAPACK symbols.
// Column-major, every argument by pointer.
void dgesv_(const int *n, const int *nrhs, double *a, const int *lda,
            int *ipiv, double *b, const int *ldb, int *info);
void openblas_set_num_threads(int num_threads);

// The functions procsim calls, as pointer types taken from the declarations above, so that
// the pointers looked up in the library have exactly the header's signatures.
typedef __typeof__(&cblas_dgemv) procsim_dgemv_t;
typedef __typeof__(&cblas_dsyrk) procsim_dsyrk_t;
typedef __typeof__(&dgesv_) procsim_dgesv_t;
typedef __typeof__(&openblas_set_num_threads) procsim_set_threads_t;
#endif

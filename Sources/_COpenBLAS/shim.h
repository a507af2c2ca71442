#ifndef PROCSIM_COPENBLAS_SHIM_H
#define PROCSIM_COPENBLAS_SHIM_H
#include <stddef.h>
#include <cblas.h>
// Debian builds OpenBLAS without LAPACKE, but exports the Fortran LAPACK symbols.
// Column-major, every argument by pointer; the trailing size_t is gfortran's hidden string length.
void dgels_(const char *trans, const int *m, const int *n, const int *nrhs,
            double *a, const int *lda, double *b, const int *ldb,
            double *work, const int *lwork, int *info, size_t trans_len);
void dgesv_(const int *n, const int *nrhs, double *a, const int *lda,
            int *ipiv, double *b, const int *ldb, int *info);
void openblas_set_num_threads(int num_threads);
#endif

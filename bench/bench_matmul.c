/*
** bench_matmul.c: single-thread GFLOP/s of the tensor core's matrix
** multiply at 64x128x128 and 256x256x256 (M x N x K, C = A B), reference
** loops against the optimized kernel, and OpenBLAS's sgemm in the same run
** when configure found it (--with-openblas; pinned to one thread).  Prints
** the optimized kernel's ratio to the reference and to OpenBLAS.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tensor/tensor.h"

#ifdef HAVE_OPENBLAS
#include <cblas.h>
void openblas_set_num_threads(int);
#endif

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);  /* CPU time: the machine is shared */
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef void (*gemmfn)(int M, int N, int K, const float *A, const float *B,
                       float *C);
static void run_ref(int M, int N, int K, const float *A, const float *B,
                    float *C) {
  lem_gemm_ref(0, 0, M, N, K, A, B, 0.0f, C);
}
static void run_opt(int M, int N, int K, const float *A, const float *B,
                    float *C) {
  lem_gemm(0, 0, M, N, K, A, B, 0.0f, C);
}
#ifdef HAVE_OPENBLAS
static void run_blas(int M, int N, int K, const float *A, const float *B,
                     float *C) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, A, K,
              B, N, 0.0f, C, N);
}
#endif

/* Best of 5 timings of enough repetitions to take ~0.1 s. */
static double gflops(gemmfn f, int M, int N, int K, const float *A,
                     const float *B, float *C) {
  double flop = 2.0 * M * N * K, best = 0.0;
  int reps = 1;
  for (;;) {
    double t0 = now();
    for (int r = 0; r < reps; r++) f(M, N, K, A, B, C);
    if (now() - t0 > 0.02 || reps > (1 << 20)) break;
    reps *= 2;
  }
  reps *= 5;
  for (int trial = 0; trial < 5; trial++) {
    double t0 = now();
    for (int r = 0; r < reps; r++) f(M, N, K, A, B, C);
    double g = flop * reps / (now() - t0) / 1e9;
    if (g > best) best = g;
  }
  return best;
}

int main(void) {
  int sizes[2][3] = {{64, 128, 128}, {256, 256, 256}};
#ifdef HAVE_OPENBLAS
  openblas_set_num_threads(1);
#endif
  printf("matmul, single thread, optimized kernel: %s\n", lem_gemm_path());
  for (int s = 0; s < 2; s++) {
    int M = sizes[s][0], N = sizes[s][1], K = sizes[s][2];
    lem_rng r;
    lem_rng_seed(&r, 1);
    float *A = malloc(sizeof(float) * M * K), *B = malloc(sizeof(float) * K * N);
    float *C = malloc(sizeof(float) * M * N);
    if (!A || !B || !C) return 1;
    for (int i = 0; i < M * K; i++) A[i] = lem_rng_normal(&r);
    for (int i = 0; i < K * N; i++) B[i] = lem_rng_normal(&r);
    double gr = gflops(run_ref, M, N, K, A, B, C);
    double go = gflops(run_opt, M, N, K, A, B, C);
    printf("%dx%dx%d  reference %6.2f GFLOP/s  optimized %6.2f GFLOP/s  "
           "(x%.1f)",
           M, N, K, gr, go, go / gr);
#ifdef HAVE_OPENBLAS
    double gb = gflops(run_blas, M, N, K, A, B, C);
    printf("  openblas %6.2f GFLOP/s  optimized/openblas %.2f", gb, go / gb);
#else
    printf("  (openblas not configured)");
#endif
    printf("\n");
    free(A);
    free(B);
    free(C);
  }
  return 0;
}

/*
** tensor_opt.c: the optimized matrix multiply of the tensor core.
**
** The classic GotoBLAS / BLIS structure: C is computed in KC-deep slices;
** each slice of op(B) is packed into NR-wide column strips and each block of
** op(A) into MR-tall row strips (zero-padded at the edges, transposition
** folded into the packing), and a register-blocked micro-kernel multiplies
** one MR x NR tile of C from two packed strips.  Packing buffers live on the
** stack, so nothing is allocated.
**
** Also here: the attention forward pass with vectorizable dot products
** (dot8), tested against lem_attention_ref.
**
** Two micro-kernels: one with AVX2 and FMA intrinsics (6 x 16 tile, twelve
** ymm accumulators), compiled for that target through a function attribute
** and chosen at run time when the CPU has both; and a portable one in plain
** C loops over the same packed layout.  Both visit k in the same order, so
** results are fixed for a given CPU and do not depend on any thread count
** (there are no threads).
*/
#include "tensor.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define LEM_HAVE_AVX2_KERNEL 1
#endif

enum { MR = 6, NR = 16, KC = 128, MC = 96, NC = 128 };

/* Pack rows [i0, i0+mc) x depth [k0, k0+kc) of op(A) into MR-row strips,
** each stored k-major: strip[k*MR + r]. */
static void pack_a(int ta, const float *A, int M, int K, int i0, int mc,
                   int k0, int kc, float *buf) {
  for (int s = 0; s < mc; s += MR, buf += (size_t)MR * kc)
    for (int r = 0; r < MR; r++) {
      /* rows in the inner loop when A is transposed, else depth: either
      ** way the reads are contiguous */
      if (s + r >= mc) {
        for (int k = 0; k < kc; k++) buf[k * MR + r] = 0.0f;
      } else if (ta) {
        for (int k = 0; k < kc; k++)
          buf[k * MR + r] = A[(size_t)(k0 + k) * M + i0 + s + r];
      } else {
        const float *row = A + (size_t)(i0 + s + r) * K + k0;
        for (int k = 0; k < kc; k++) buf[k * MR + r] = row[k];
      }
    }
}

/* Pack depth [k0, k0+kc) x columns [j0, j0+nc) of op(B) into NR-column
** strips, each stored k-major: strip[k*NR + c]. */
static void pack_b(int tb, const float *B, int N, int K, int j0, int nc,
                   int k0, int kc, float *buf) {
  for (int s = 0; s < nc; s += NR, buf += (size_t)NR * kc) {
    if (!tb && s + NR <= nc) {
      for (int k = 0; k < kc; k++)
        memcpy(buf + k * NR, B + (size_t)(k0 + k) * N + j0 + s,
               NR * sizeof(float));
      continue;
    }
    for (int c = 0; c < NR; c++) {
      if (s + c >= nc) {
        for (int k = 0; k < kc; k++) buf[k * NR + c] = 0.0f;
      } else if (tb) {  /* a row of the stored B^T: contiguous reads */
        const float *row = B + (size_t)(j0 + s + c) * K + k0;
        for (int k = 0; k < kc; k++) buf[k * NR + c] = row[k];
      } else {
        for (int k = 0; k < kc; k++)
          buf[k * NR + c] = B[(size_t)(k0 + k) * N + j0 + s + c];
      }
    }
  }
}

/* One MR x NR tile: c (rows ldc apart) = [c +] a-strip . b-strip over kc. */
static void kern_portable(int kc, const float *a, const float *b, float *c,
                          size_t ldc, int add) {
  float acc[MR][NR];
  memset(acc, 0, sizeof acc);
  for (int k = 0; k < kc; k++)
    for (int r = 0; r < MR; r++)
      for (int q = 0; q < NR; q++) acc[r][q] += a[k * MR + r] * b[k * NR + q];
  for (int r = 0; r < MR; r++)
    for (int q = 0; q < NR; q++)
      c[r * ldc + q] = add ? c[r * ldc + q] + acc[r][q] : acc[r][q];
}

#ifdef LEM_HAVE_AVX2_KERNEL
/* The AVX2/FMA tile: c (ldc apart) = [c +] a-strip . b-strip over kc.
** Writing straight into C (no temporary tile) matters: the write-back of a
** tile costs a sizeable share of its kc * 96 multiply-adds otherwise. */
__attribute__((target("avx2,fma"))) static void
kern_avx2(int kc, const float *a, const float *b, float *c, size_t ldc,
          int add) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00,
         c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00,
         c50 = c00, c51 = c00;
  for (int k = 0; k < kc; k++, a += MR, b += NR) {
    __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8), x;
#define ROW(r, lo, hi)                     \
  x = _mm256_broadcast_ss(a + r);          \
  lo = _mm256_fmadd_ps(x, b0, lo);         \
  hi = _mm256_fmadd_ps(x, b1, hi);
    ROW(0, c00, c01) ROW(1, c10, c11) ROW(2, c20, c21)
    ROW(3, c30, c31) ROW(4, c40, c41) ROW(5, c50, c51)
#undef ROW
  }
#define OUT(r, lo, hi)                                                    \
  if (add) {                                                              \
    lo = _mm256_add_ps(lo, _mm256_loadu_ps(c + (r) * ldc));               \
    hi = _mm256_add_ps(hi, _mm256_loadu_ps(c + (r) * ldc + 8));           \
  }                                                                       \
  _mm256_storeu_ps(c + (r) * ldc, lo);                                    \
  _mm256_storeu_ps(c + (r) * ldc + 8, hi);
  OUT(0, c00, c01) OUT(1, c10, c11) OUT(2, c20, c21)
  OUT(3, c30, c31) OUT(4, c40, c41) OUT(5, c50, c51)
#undef OUT
}

static int have_avx2(void) {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#else
static int have_avx2(void) { return 0; }
#endif

typedef void (*kernfn)(int, const float *, const float *, float *, size_t,
                       int);

static void gemm_with(kernfn kern, int ta, int tb, int M, int N, int K,
                      const float *A, const float *B, float beta, float *C) {
  _Alignas(64) float bp[KC * NC];
  _Alignas(64) float ap[KC * MC];
  _Alignas(64) float t[MR * NR];
  if (K == 0) {
    if (beta == 0.0f) memset(C, 0, (size_t)M * N * sizeof(float));
    return;
  }
  for (int jc = 0; jc < N; jc += NC) {
    int nc = N - jc < NC ? N - jc : NC;
    for (int pc = 0; pc < K; pc += KC) {
      int kc = K - pc < KC ? K - pc : KC;
      int add = pc > 0 || beta != 0.0f;  /* add to C, or overwrite it */
      pack_b(tb, B, N, K, jc, nc, pc, kc, bp);
      for (int ic = 0; ic < M; ic += MC) {
        int mc = M - ic < MC ? M - ic : MC;
        pack_a(ta, A, M, K, ic, mc, pc, kc, ap);
        for (int jr = 0; jr < nc; jr += NR)
          for (int ir = 0; ir < mc; ir += MR) {
            int mr = mc - ir < MR ? mc - ir : MR;
            int nr = nc - jr < NR ? nc - jr : NR;
            float *c = C + (size_t)(ic + ir) * N + jc + jr;
            const float *as = ap + (size_t)ir * kc, *bs = bp + (size_t)jr * kc;
            if (mr == MR && nr == NR) {
              kern(kc, as, bs, c, (size_t)N, add);
              continue;
            }
            kern(kc, as, bs, t, NR, 0);  /* an edge tile: via t */
            for (int r = 0; r < mr; r++)
              for (int q = 0; q < nr; q++)
                c[(size_t)r * N + q] =
                    add ? c[(size_t)r * N + q] + t[r * NR + q] : t[r * NR + q];
          }
      }
    }
  }
}

void lem_gemm_portable(int ta, int tb, int M, int N, int K, const float *A,
                       const float *B, float beta, float *C) {
  gemm_with(kern_portable, ta, tb, M, N, K, A, B, beta, C);
}

void lem_gemm(int ta, int tb, int M, int N, int K, const float *A,
              const float *B, float beta, float *C) {
#ifdef LEM_HAVE_AVX2_KERNEL
  if (have_avx2()) {
    gemm_with(kern_avx2, ta, tb, M, N, K, A, B, beta, C);
    return;
  }
#endif
  gemm_with(kern_portable, ta, tb, M, N, K, A, B, beta, C);
}

/* ---- attention ---- */

/* A dot product in 8 independent lanes, so that it vectorizes under strict
** float semantics; the lanes are summed in a fixed order. */
static inline float dot8(const float *a, const float *b, int n) {
  float s[8] = {0, 0, 0, 0, 0, 0, 0, 0}, r = 0.0f;
  int i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++) s[j] += a[i + j] * b[i + j];
  for (int j = 0; j < 8; j++) r += s[j];
  for (; i < n; i++) r += a[i] * b[i];
  return r;
}

void lem_attention(float *out, float *att, const float *qkv,
                   const int32_t *lens, int causal, int B, int T, int C,
                   int NH) {
  int hs = C / NH;
  float scale = 1.0f / sqrtf((float)hs);
  for (int b = 0; b < B; b++)
    for (int t = 0; t < T; t++) {
      int vis = lem_att_visible(lens, causal, b, t, T);
      for (int h = 0; h < NH; h++) {
        const float *q = qkv + ((size_t)b * T + t) * 3 * C + h * hs;
        const float *k0 = qkv + (size_t)b * T * 3 * C + C + h * hs;
        float *a = att + (((size_t)b * NH + h) * T + t) * T;
        float *o = out + ((size_t)b * T + t) * C + h * hs;
        float mx = -INFINITY, sum = 0.0f;
        for (int t2 = 0; t2 < vis; t2++) {
          a[t2] = dot8(q, k0 + (size_t)t2 * 3 * C, hs) * scale;
          mx = a[t2] > mx ? a[t2] : mx;
        }
        for (int t2 = 0; t2 < vis; t2++) sum += a[t2] = expf(a[t2] - mx);
        float inv = vis ? 1.0f / sum : 0.0f;
        for (int t2 = 0; t2 < T; t2++) a[t2] = t2 < vis ? a[t2] * inv : 0.0f;
        memset(o, 0, (size_t)hs * sizeof(float));
        const float *v0 = k0 + C;
        for (int t2 = 0; t2 < vis; t2++) {
          const float *v = v0 + (size_t)t2 * 3 * C;
          float w = a[t2];
          for (int i = 0; i < hs; i++) o[i] += w * v[i];
        }
      }
    }
}

const char *lem_gemm_path(void) {
  return have_avx2() ? "avx2-fma" : "portable";
}

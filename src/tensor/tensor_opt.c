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
** Also here: linear layers with their weights packed once
** (lem_linear_packed: the same loops and bits as lem_linear without the
** packing of B); the attention forward pass with vectorizable dot products
** (dot8); and, chosen at run time like the micro-kernel, AVX2 versions of
** GELU (with an 8-lane expf), layer norm and the inference attention over
** packed rows.  Each is tested against its reference in tensor.c.
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
_Static_assert(NR == LEM_PACK_COLS, "the packed strips are LEM_PACK_COLS wide");

static int have_avx2(void);

#ifdef LEM_HAVE_AVX2_KERNEL
/* A full strip of A (not transposed): MR = 6 rows lda apart, kc deep, into
** buf[k*MR + r], 8 k at a time through an 8 x 8 transpose in registers
** (rows 6 and 7 zero).  Column k's 8 lanes are stored at buf + k*MR, in
** k order, so the 2 extra floats are overwritten by column k+1; after
** the last column they spill 2 floats past the strip (the buffers have
** PACK_SLACK floats to spare; the next strip is packed after this one). */
__attribute__((target("avx2,fma"))) static void
pack_a6_avx2(const float *A, size_t lda, int kc, float *buf) {
  int k = 0;
  __m256 z = _mm256_setzero_ps();
  for (; k + 8 <= kc; k += 8) {
    __m256 r0 = _mm256_loadu_ps(A + k), r1 = _mm256_loadu_ps(A + lda + k),
           r2 = _mm256_loadu_ps(A + 2 * lda + k),
           r3 = _mm256_loadu_ps(A + 3 * lda + k),
           r4 = _mm256_loadu_ps(A + 4 * lda + k),
           r5 = _mm256_loadu_ps(A + 5 * lda + k);
    __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1),
           t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3),
           t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5),
           t6 = _mm256_unpacklo_ps(z, z), t7 = t6;
    __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE),
           u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE),
           u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE),
           u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    float *b = buf + (size_t)k * MR;
    _mm256_storeu_ps(b + 0 * MR, _mm256_permute2f128_ps(u0, u4, 0x20));
    _mm256_storeu_ps(b + 1 * MR, _mm256_permute2f128_ps(u1, u5, 0x20));
    _mm256_storeu_ps(b + 2 * MR, _mm256_permute2f128_ps(u2, u6, 0x20));
    _mm256_storeu_ps(b + 3 * MR, _mm256_permute2f128_ps(u3, u7, 0x20));
    _mm256_storeu_ps(b + 4 * MR, _mm256_permute2f128_ps(u0, u4, 0x31));
    _mm256_storeu_ps(b + 5 * MR, _mm256_permute2f128_ps(u1, u5, 0x31));
    _mm256_storeu_ps(b + 6 * MR, _mm256_permute2f128_ps(u2, u6, 0x31));
    _mm256_storeu_ps(b + 7 * MR, _mm256_permute2f128_ps(u3, u7, 0x31));
  }
  for (; k < kc; k++)
    for (int r = 0; r < MR; r++) buf[k * MR + r] = A[(size_t)r * lda + k];
}
#endif

enum { PACK_SLACK = 8 };

/* Pack rows [i0, i0+mc) x depth [k0, k0+kc) of op(A) into MR-row strips,
** each stored k-major: strip[k*MR + r]. */
static void pack_a(int ta, const float *A, int M, int K, int i0, int mc,
                   int k0, int kc, float *buf) {
#ifdef LEM_HAVE_AVX2_KERNEL
  int fast = !ta && have_avx2();
#endif
  for (int s = 0; s < mc; s += MR, buf += (size_t)MR * kc) {
#ifdef LEM_HAVE_AVX2_KERNEL
    if (fast && s + MR <= mc) {
      pack_a6_avx2(A + (size_t)(i0 + s) * K + k0, (size_t)K, kc, buf);
      continue;
    }
#endif
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

/* One MR x NR tile: c (rows ldc apart) = [c +] a-strip . b-strip over kc
** [+ bias (NR)], the bias added last, as lem_linear adds it. */
static void kern_portable(int kc, const float *a, const float *b, float *c,
                          size_t ldc, int add, const float *bias) {
  float acc[MR][NR];
  memset(acc, 0, sizeof acc);
  for (int k = 0; k < kc; k++)
    for (int r = 0; r < MR; r++)
      for (int q = 0; q < NR; q++) acc[r][q] += a[k * MR + r] * b[k * NR + q];
  for (int r = 0; r < MR; r++)
    for (int q = 0; q < NR; q++) {
      float v = add ? c[r * ldc + q] + acc[r][q] : acc[r][q];
      c[r * ldc + q] = bias ? v + bias[q] : v;
    }
}

#ifdef LEM_HAVE_AVX2_KERNEL
/* The AVX2/FMA tile: c (ldc apart) = [c +] a-strip . b-strip over kc
** [+ bias].
** Writing straight into C (no temporary tile) matters: the write-back of a
** tile costs a sizeable share of its kc * 96 multiply-adds otherwise. */
__attribute__((target("avx2,fma"))) static void
kern_avx2(int kc, const float *a, const float *b, float *c, size_t ldc,
          int add, const float *bias) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00,
         c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00,
         c50 = c00, c51 = c00;
  for (int k = 0; k < kc; k++, a += MR, b += NR) {
    __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8), x;
#define ROW(r, lo, hi)                     \
  x = _mm256_broadcast_ss(a + r);          \
  lo = _mm256_fmadd_ps(x, b0, lo);         \
  hi = _mm256_fmadd_ps(x, b1, hi);
    ROW(0, c00, c01) ROW(1, c10, c11) ROW(2, c20, c21)
    ROW(3, c30, c31) ROW(4, c40, c41) ROW(5, c50, c51)
#undef ROW
  }
  __m256 bl = bias ? _mm256_loadu_ps(bias) : _mm256_setzero_ps(),
         bh = bias ? _mm256_loadu_ps(bias + 8) : bl;
#define OUT(r, lo, hi)                                                    \
  if (add) {                                                              \
    lo = _mm256_add_ps(lo, _mm256_loadu_ps(c + (r) * ldc));               \
    hi = _mm256_add_ps(hi, _mm256_loadu_ps(c + (r) * ldc + 8));           \
  }                                                                       \
  if (bias) {                                                             \
    lo = _mm256_add_ps(lo, bl);                                           \
    hi = _mm256_add_ps(hi, bh);                                           \
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
                       int, const float *);

/* One tile of C at c (ldc apart), mr x nr of it inside C: the kernel, or
** for an edge tile the kernel into t and the inside copied out, with the
** same additions in the same order. */
static void tile(kernfn kern, int kc, const float *as, const float *bs,
                 float *c, size_t ldc, int mr, int nr, int add,
                 const float *bias, float *t) {
  if (mr == MR && nr == NR) {
    kern(kc, as, bs, c, ldc, add, bias);
    return;
  }
  kern(kc, as, bs, t, NR, 0, NULL);
  for (int r = 0; r < mr; r++)
    for (int q = 0; q < nr; q++) {
      float v = add ? c[(size_t)r * ldc + q] + t[r * NR + q] : t[r * NR + q];
      c[(size_t)r * ldc + q] = bias ? v + bias[q] : v;
    }
}

static void gemm_with(kernfn kern, int ta, int tb, int M, int N, int K,
                      const float *A, const float *B, float beta, float *C) {
  _Alignas(64) float bp[KC * NC];
  _Alignas(64) float ap[KC * MC + PACK_SLACK];
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
            tile(kern, kc, as, bs, c, (size_t)N, mr, nr, add, NULL, t);
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

/* ---- pre-packed weights ----
** W (N,K) as op(B) = W^T: strip s (columns s*NR.. of W^T, rows of W) at
** Wp + s*NR*K, k-major over all of K: Wp[s*NR*K + k*NR + c]. */

size_t lem_packed_size(int N, int K) {
  return (size_t)((N + NR - 1) / NR) * NR * (size_t)K;
}

void lem_pack_weight(float *Wp, const float *W, int N, int K) {
  pack_b(1, W, N, K, 0, N, 0, K, Wp); /* W is op(B)^T: one slice, all of K */
}

/* Columns [j0, j0+n) of lem_linear with W packed (j0 a multiple of NR),
** into out (rows ldo apart): the loops of gemm_with with the B panels read
** in place, A packed once per row block and depth slice, and the bias
** added by the last slice's tiles.  Each element of out sees the same
** operations in the same order as through lem_linear. */
static void linear_packed_with(kernfn kern, float *out, size_t ldo,
                               const float *inp, const float *Wp,
                               const float *bias, int M, int K, int j0,
                               int n) {
  _Alignas(64) float ap[KC * MC + PACK_SLACK];
  _Alignas(64) float t[MR * NR];
  if (K == 0) {
    for (int i = 0; i < M; i++)
      for (int j = 0; j < n; j++) out[(size_t)i * ldo + j] = bias ? bias[j0 + j] : 0.0f;
    return;
  }
  Wp += (size_t)j0 * K;  /* strip j0 / NR */
  if (bias) bias += j0;
  for (int ic = 0; ic < M; ic += MC) {
    int mc = M - ic < MC ? M - ic : MC;
    for (int pc = 0; pc < K; pc += KC) {
      int kc = K - pc < KC ? K - pc : KC, last = pc + kc == K;
      pack_a(0, inp, M, K, ic, mc, pc, kc, ap);
      for (int jr = 0; jr < n; jr += NR) {
        int nr = n - jr < NR ? n - jr : NR;
        const float *bs = Wp + (size_t)jr * K + (size_t)pc * NR;
        /* an edge strip's tile reads only its nr biases (tile) */
        const float *bb = bias && last ? bias + jr : NULL;
        for (int ir = 0; ir < mc; ir += MR) {
          int mr = mc - ir < MR ? mc - ir : MR;
          tile(kern, kc, ap + (size_t)ir * kc, bs,
               out + (size_t)(ic + ir) * ldo + jr, ldo, mr, nr, pc > 0, bb,
               t);
        }
      }
    }
  }
}

static kernfn best_kernel(void) {
#ifdef LEM_HAVE_AVX2_KERNEL
  if (have_avx2()) return kern_avx2;
#endif
  return kern_portable;
}

void lem_linear_packed(float *out, const float *inp, const float *Wp,
                       const float *bias, int M, int K, int N) {
  linear_packed_with(best_kernel(), out, (size_t)N, inp, Wp, bias, M, K, 0, N);
}

void lem_linear_packed_portable(float *out, const float *inp, const float *Wp,
                                const float *bias, int M, int K, int N) {
  linear_packed_with(kern_portable, out, (size_t)N, inp, Wp, bias, M, K, 0,
                     N);
}

void lem_linear_packed_cols(float *out, size_t ldo, const float *inp,
                            const float *Wp, const float *bias, int M, int K,
                            int j0, int n) {
  linear_packed_with(best_kernel(), out, ldo, inp, Wp, bias, M, K, j0, n);
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

/* ---- vector exp, GELU and layer norm ---- */

#ifdef LEM_HAVE_AVX2_KERNEL
/* expf on 8 lanes: Cephes' range reduction (x = n ln2 + r, |r| <= ln2/2)
** and degree-6 polynomial, within 2 ulp of libm's expf over the clamped
** range; below -87.3 it gives about 1e-38, above 88.3 about 2e38 (never
** infinity), which is all the callers need. */
__attribute__((target("avx2,fma"))) static inline __m256 exp8(__m256 x) {
  x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.3f)),
                    _mm256_set1_ps(88.3f));
  __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504f)),
                             _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
  __m256i e = _mm256_slli_epi32(
      _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

/* gelu on 8 lanes, the formula of lem_gelu_ref with tanh(u) =
** 1 - 2 / (exp(2u) + 1). */
__attribute__((target("avx2,fma"))) static inline __m256 gelu8(__m256 v) {
  const __m256 one = _mm256_set1_ps(1.0f), half = _mm256_set1_ps(0.5f);
  __m256 v3 = _mm256_mul_ps(_mm256_mul_ps(v, v), v);
  __m256 u = _mm256_mul_ps(_mm256_set1_ps(0.7978845608f),
                           _mm256_fmadd_ps(_mm256_set1_ps(0.044715f), v3, v));
  __m256 th = _mm256_sub_ps(
      one, _mm256_div_ps(_mm256_set1_ps(2.0f),
                         _mm256_add_ps(exp8(_mm256_add_ps(u, u)), one)));
  return _mm256_mul_ps(_mm256_mul_ps(half, v), _mm256_add_ps(one, th));
}

__attribute__((target("avx2,fma"))) static void gelu_avx2(float *out,
                                                          const float *x,
                                                          size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(out + i, gelu8(_mm256_loadu_ps(x + i)));
  if (i < n) {  /* the tail through a padded vector, the same formula */
    float t[8] = {0};
    memcpy(t, x + i, (n - i) * sizeof(float));
    _mm256_storeu_ps(t, gelu8(_mm256_loadu_ps(t)));
    memcpy(out + i, t, (n - i) * sizeof(float));
  }
}

/* The sum of 8 lanes, in a fixed order. */
__attribute__((target("avx2,fma"))) static inline float hsum8(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}

/* Layer norm of rows whose width C is a multiple of 8: the sums in 8
** lanes, then the formula of lem_layernorm_ref element by element. */
__attribute__((target("avx2,fma"))) static void
layernorm_avx2(float *out, float *mean, float *rstd, const float *x,
               const float *w, const float *b, int N, int C) {
  for (int i = 0; i < N; i++) {
    const float *xi = x + (size_t)i * C;
    float *oi = out + (size_t)i * C;
    __m256 acc = _mm256_setzero_ps();
    for (int c = 0; c < C; c += 8) acc = _mm256_add_ps(acc, _mm256_loadu_ps(xi + c));
    float m = hsum8(acc) / (float)C;
    __m256 vm = _mm256_set1_ps(m);
    acc = _mm256_setzero_ps();
    for (int c = 0; c < C; c += 8) {
      __m256 d = _mm256_sub_ps(_mm256_loadu_ps(xi + c), vm);
      acc = _mm256_fmadd_ps(d, d, acc);
    }
    float s = 1.0f / sqrtf(hsum8(acc) / (float)C + 1e-5f);
    __m256 vs = _mm256_set1_ps(s);
    for (int c = 0; c < C; c += 8) {
      __m256 d = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(xi + c), vm), vs);
      _mm256_storeu_ps(oi + c, _mm256_add_ps(_mm256_mul_ps(d, _mm256_loadu_ps(w + c)),
                                             _mm256_loadu_ps(b + c)));
    }
    mean[i] = m;
    rstd[i] = s;
  }
}
#endif

void lem_gelu(float *out, const float *x, size_t n) {
#ifdef LEM_HAVE_AVX2_KERNEL
  if (have_avx2()) {
    gelu_avx2(out, x, n);
    return;
  }
#endif
  lem_gelu_ref(out, x, n);
}

void lem_layernorm(float *out, float *mean, float *rstd, const float *x,
                   const float *w, const float *b, int N, int C) {
#ifdef LEM_HAVE_AVX2_KERNEL
  if (have_avx2() && C % 8 == 0) {
    layernorm_avx2(out, mean, rstd, x, w, b, N, C);
    return;
  }
#endif
  lem_layernorm_ref(out, mean, rstd, x, w, b, N, C);
}

/* ---- attention over packed sequences (inference) ---- */

enum { KB = 64, HSMAX = 128 };  /* keys per block; the widest head */

#ifdef LEM_HAVE_AVX2_KERNEL
/* Keys [k0, k0+nk) of head h of the sequence whose rows start at qkv,
** transposed into kt[i*KB + j] (i < hs), zero-padded to a multiple of 8. */
static void keys_t(float *kt, const float *qkv, int k0, int nk, int C, int h,
                   int hs) {
  int nkp = (nk + 7) & ~7;
  for (int j = 0; j < nkp; j++) {
    if (j >= nk) {
      for (int i = 0; i < hs; i++) kt[i * KB + j] = 0.0f;
      continue;
    }
    const float *k = qkv + (size_t)(k0 + j) * 3 * C + C + h * hs;
    for (int i = 0; i < hs; i++) kt[i * KB + j] = k[i];
  }
}

/* One query q of head h against the keys and values of a sequence of len
** rows at seq: o (hs) = softmax(q.k / sqrt(hs)) . v, in blocks of KB keys
** with the softmax carried from block to block (running maximum m and sum
** l, the output rescaled when m grows).  kt holds the transposed keys of
** the first block when len <= KB (pre = 1); else each block is transposed
** here. */
__attribute__((target("avx2,fma"))) static void
att_query(float *o, const float *q, const float *seq, int len, float *kt,
          int pre, int C, int h, int hs, float scale) {
  _Alignas(32) float p[KB];
  float m = -INFINITY, l = 0.0f;
  for (int i = 0; i < hs; i += 8) _mm256_storeu_ps(o + i, _mm256_setzero_ps());
  for (int k0 = 0; k0 < len; k0 += KB) {
    int nk = len - k0 < KB ? len - k0 : KB, nb = (nk + 7) / 8;
    if (!pre) keys_t(kt, seq, k0, nk, C, h, hs);
    /* the scores of 32 keys at a time, in registers */
    __m256 vsc = _mm256_set1_ps(scale);
    for (int b0 = 0; b0 < nb; b0 += 4) {
      int ng = nb - b0 < 4 ? nb - b0 : 4;
      const float *k = kt + 8 * b0;
      __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
      for (int i = 0; i < hs; i++, k += KB) {
        __m256 qi = _mm256_broadcast_ss(q + i);
        a0 = _mm256_fmadd_ps(qi, _mm256_load_ps(k), a0);
        if (ng > 1) a1 = _mm256_fmadd_ps(qi, _mm256_load_ps(k + 8), a1);
        if (ng > 2) a2 = _mm256_fmadd_ps(qi, _mm256_load_ps(k + 16), a2);
        if (ng > 3) a3 = _mm256_fmadd_ps(qi, _mm256_load_ps(k + 24), a3);
      }
      _mm256_store_ps(p + 8 * b0, _mm256_mul_ps(a0, vsc));
      if (ng > 1) _mm256_store_ps(p + 8 * b0 + 8, _mm256_mul_ps(a1, vsc));
      if (ng > 2) _mm256_store_ps(p + 8 * b0 + 16, _mm256_mul_ps(a2, vsc));
      if (ng > 3) _mm256_store_ps(p + 8 * b0 + 24, _mm256_mul_ps(a3, vsc));
    }
    float mc = -INFINITY;
    for (int j = 0; j < nk; j++) mc = p[j] > mc ? p[j] : mc;
    float mn = mc > m ? mc : m;
    float alpha = m == -INFINITY ? 0.0f : expf(m - mn);
    __m256 vmn = _mm256_set1_ps(mn), sum = _mm256_setzero_ps();
    for (int b = 0; b < nb; b++)
      _mm256_store_ps(p + 8 * b, exp8(_mm256_sub_ps(_mm256_load_ps(p + 8 * b), vmn)));
    for (int j = nk; j < 8 * nb; j++) p[j] = 0.0f;  /* padding keys */
    for (int b = 0; b < nb; b++) sum = _mm256_add_ps(sum, _mm256_load_ps(p + 8 * b));
    l = l * alpha + hsum8(sum);
    m = mn;
    /* o = alpha o + sum p_j v_j, 32 outputs at a time in four independent
    ** sums (one chain of dependent adds would wait on each) */
    __m256 va = _mm256_set1_ps(alpha);
    for (int i = 0; i < hs; i += 32) {
      const float *v = seq + (size_t)k0 * 3 * C + 2 * C + h * hs + i;
      int ng = hs - i < 32 ? (hs - i) / 8 : 4;
      __m256 o0 = _mm256_mul_ps(_mm256_loadu_ps(o + i), va), o1 = o0, o2 = o0,
             o3 = o0;
      if (ng > 1) o1 = _mm256_mul_ps(_mm256_loadu_ps(o + i + 8), va);
      if (ng > 2) o2 = _mm256_mul_ps(_mm256_loadu_ps(o + i + 16), va);
      if (ng > 3) o3 = _mm256_mul_ps(_mm256_loadu_ps(o + i + 24), va);
      for (int j = 0; j < nk; j++, v += 3 * C) {
        __m256 pj = _mm256_broadcast_ss(p + j);
        o0 = _mm256_fmadd_ps(pj, _mm256_loadu_ps(v), o0);
        if (ng > 1) o1 = _mm256_fmadd_ps(pj, _mm256_loadu_ps(v + 8), o1);
        if (ng > 2) o2 = _mm256_fmadd_ps(pj, _mm256_loadu_ps(v + 16), o2);
        if (ng > 3) o3 = _mm256_fmadd_ps(pj, _mm256_loadu_ps(v + 24), o3);
      }
      _mm256_storeu_ps(o + i, o0);
      if (ng > 1) _mm256_storeu_ps(o + i + 8, o1);
      if (ng > 2) _mm256_storeu_ps(o + i + 16, o2);
      if (ng > 3) _mm256_storeu_ps(o + i + 24, o3);
    }
  }
  __m256 inv = _mm256_set1_ps(1.0f / l);
  for (int i = 0; i < hs; i += 8)
    _mm256_storeu_ps(o + i, _mm256_mul_ps(_mm256_loadu_ps(o + i), inv));
}

__attribute__((target("avx2,fma"))) static void
attention_rows_avx2(float *out, const float *qkv, const int32_t *start,
                    const int32_t *lens, int first_only, int B, int C,
                    int NH) {
  _Alignas(32) float kt[HSMAX * KB];
  int hs = C / NH;
  float scale = 1.0f / sqrtf((float)hs);
  for (int b = 0; b < B; b++) {
    const float *seq = qkv + (size_t)start[b] * 3 * C;
    int len = lens[b], nq = first_only ? (len > 0) : len;
    if (first_only && !len) memset(out + (size_t)b * C, 0, (size_t)C * sizeof(float));
    for (int h = 0; h < NH; h++) {
      int pre = len <= KB;
      if (pre) keys_t(kt, seq, 0, len, C, h, hs);
      for (int t = 0; t < nq; t++) {
        size_t row = first_only ? (size_t)b : (size_t)start[b] + t;
        att_query(out + row * C + h * hs, seq + (size_t)t * 3 * C + h * hs,
                  seq, len, kt, pre, C, h, hs, scale);
      }
    }
  }
}
#endif

/* The portable one: att_query's blocks and carried softmax in plain C,
** the scores by dot8 (keys read in place, not transposed). */
static void att_query_portable(float *o, const float *q, const float *seq,
                               int len, int C, int h, int hs, float scale) {
  float p[KB], m = -INFINITY, l = 0.0f;
  for (int i = 0; i < hs; i++) o[i] = 0.0f;
  for (int k0 = 0; k0 < len; k0 += KB) {
    int nk = len - k0 < KB ? len - k0 : KB;
    float mc = -INFINITY, sum = 0.0f;
    for (int j = 0; j < nk; j++) {
      p[j] = dot8(q, seq + (size_t)(k0 + j) * 3 * C + C + h * hs, hs) * scale;
      mc = p[j] > mc ? p[j] : mc;
    }
    float mn = mc > m ? mc : m;
    float alpha = m == -INFINITY ? 0.0f : expf(m - mn);
    for (int j = 0; j < nk; j++) sum += p[j] = expf(p[j] - mn);
    l = l * alpha + sum;
    m = mn;
    for (int i = 0; i < hs; i++) o[i] *= alpha;
    for (int j = 0; j < nk; j++) {
      const float *v = seq + (size_t)(k0 + j) * 3 * C + 2 * C + h * hs;
      for (int i = 0; i < hs; i++) o[i] += p[j] * v[i];
    }
  }
  for (int i = 0; i < hs; i++) o[i] /= l;
}

void lem_attention_rows_portable(float *out, const float *qkv,
                                 const int32_t *start, const int32_t *lens,
                                 int first_only, int B, int C, int NH) {
  int hs = C / NH;
  float scale = 1.0f / sqrtf((float)hs);
  for (int b = 0; b < B; b++) {
    const float *seq = qkv + (size_t)start[b] * 3 * C;
    int len = lens[b], nq = first_only ? (len > 0) : len;
    if (first_only && !len) memset(out + (size_t)b * C, 0, (size_t)C * sizeof(float));
    for (int t = 0; t < nq; t++) {
      size_t row = first_only ? (size_t)b : (size_t)start[b] + t;
      for (int h = 0; h < NH; h++)
        att_query_portable(out + row * C + h * hs,
                           seq + (size_t)t * 3 * C + h * hs, seq, len, C, h,
                           hs, scale);
    }
  }
}

void lem_attention_rows(float *out, const float *qkv, const int32_t *start,
                        const int32_t *lens, int first_only, int B, int C,
                        int NH) {
#ifdef LEM_HAVE_AVX2_KERNEL
  int hs = C / NH;
  if (have_avx2() && hs % 8 == 0 && hs <= HSMAX) {
    attention_rows_avx2(out, qkv, start, lens, first_only, B, C, NH);
    return;
  }
#endif
  lem_attention_rows_portable(out, qkv, start, lens, first_only, B, C, NH);
}

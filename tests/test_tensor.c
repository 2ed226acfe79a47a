/*
** test_tensor.c: the tensor core (src/tensor/).
**
** Every kernel's backward pass is checked against central finite
** differences of the scalar loss sum(out * R) for a random R (so dout = R),
** with the loss summed in double.  The optimized gemm (both micro-kernels)
** is checked against the reference loops on seeded random inputs of awkward
** sizes, AdamW must lower the loss of a small least-squares problem, and the
** kernels must give the same bits when run twice.
*/
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tensor/tensor.h"

/* ---- a tiny harness for finite differences ---- */

typedef struct fd_case fd_case;
struct fd_case {
  void (*fwd)(fd_case *c);          /* fill out from the inputs */
  void (*bwd)(fd_case *c);          /* add to the gradients from dout */
  float *in[4], *gin[4];            /* inputs and their gradients */
  size_t nin[4];
  int ninputs;
  float *out, *dout;
  size_t nout;
  int i[8];                         /* sizes, kernel-specific */
  float *scratch[4];
  int32_t *ids, *lens;
};

static double fd_loss(fd_case *c) {
  c->fwd(c);
  double s = 0.0;
  for (size_t k = 0; k < c->nout; k++) s += (double)c->out[k] * c->dout[k];
  return s;
}

static float *rnd(lem_rng *r, size_t n, float scale) {
  float *p = calloc(n ? n : 1, sizeof(float));
  for (size_t k = 0; k < n; k++) p[k] = scale * lem_rng_normal(r);
  return p;
}

/* Check every input element's gradient; returns the worst error seen. */
static void fd_check(fd_case *c, float h, float tol) {
  for (int a = 0; a < c->ninputs; a++)
    memset(c->gin[a], 0, c->nin[a] * sizeof(float));
  c->fwd(c);
  c->bwd(c);
  for (int a = 0; a < c->ninputs; a++)
    for (size_t k = 0; k < c->nin[a]; k++) {
      float keep = c->in[a][k];
      c->in[a][k] = keep + h;
      double lp = fd_loss(c);
      c->in[a][k] = keep - h;
      double lm = fd_loss(c);
      c->in[a][k] = keep;
      double num = (lp - lm) / (2.0 * h), ana = c->gin[a][k];
      double err = fabs(num - ana) / (1e-2 + fabs(num) + fabs(ana));
      cr_assert(err < tol, "input %d element %zu: analytic %g numeric %g", a,
                k, ana, num);
    }
}

static void fd_setup(fd_case *c, lem_rng *r, int ninputs, const size_t *nin,
                     size_t nout) {
  c->ninputs = ninputs;
  for (int a = 0; a < ninputs; a++) {
    c->nin[a] = nin[a];
    c->in[a] = rnd(r, nin[a], 1.0f);
    c->gin[a] = calloc(nin[a], sizeof(float));
  }
  c->nout = nout;
  c->out = calloc(nout, sizeof(float));
  c->dout = rnd(r, nout, 1.0f);
}

static void fd_free(fd_case *c) {
  for (int a = 0; a < c->ninputs; a++) {
    free(c->in[a]);
    free(c->gin[a]);
  }
  for (int a = 0; a < 4; a++) free(c->scratch[a]);
  free(c->out);
  free(c->dout);
  free(c->ids);
  free(c->lens);
}

/* ---- gradient checks, one per kernel ---- */

static void lin_f(fd_case *c) {
  lem_linear(c->out, c->in[0], c->in[1], c->in[2], c->i[0], c->i[1], c->i[2]);
}
static void lin_b(fd_case *c) {
  lem_linear_backward(c->gin[0], c->gin[1], c->gin[2], c->dout, c->in[0],
                      c->in[1], c->i[0], c->i[1], c->i[2]);
}
Test(tensor, grad_linear_matmul) {
  lem_rng r;
  lem_rng_seed(&r, 1);
  fd_case c = {.fwd = lin_f, .bwd = lin_b, .i = {5, 7, 3}};
  size_t n[3] = {5 * 7, 3 * 7, 3};
  fd_setup(&c, &r, 3, n, 5 * 3);
  fd_check(&c, 1e-2f, 1e-3f);
  fd_free(&c);
}

static void add_f(fd_case *c) { lem_add(c->out, c->in[0], c->in[1], c->nout); }
static void add_b(fd_case *c) {
  lem_add_backward(c->gin[0], c->gin[1], c->dout, c->nout);
}
Test(tensor, grad_add) {
  lem_rng r;
  lem_rng_seed(&r, 2);
  fd_case c = {.fwd = add_f, .bwd = add_b};
  size_t n[2] = {11, 11};
  fd_setup(&c, &r, 2, n, 11);
  fd_check(&c, 1e-2f, 1e-3f);
  fd_free(&c);
}

static void gelu_f(fd_case *c) { lem_gelu(c->out, c->in[0], c->nout); }
static void gelu_b(fd_case *c) {
  lem_gelu_backward(c->gin[0], c->in[0], c->dout, c->nout);
}
Test(tensor, grad_gelu) {
  lem_rng r;
  lem_rng_seed(&r, 3);
  fd_case c = {.fwd = gelu_f, .bwd = gelu_b};
  size_t n[1] = {40};
  fd_setup(&c, &r, 1, n, 40);
  for (int k = 0; k < 40; k++) c.in[0][k] *= 2.0f;
  /* h = 1e-2: the float forward's rounding, divided by h, stays small */
  fd_check(&c, 1e-2f, 2e-3f);
  fd_free(&c);
}

static void ln_f(fd_case *c) {
  lem_layernorm(c->out, c->scratch[0], c->scratch[1], c->in[0], c->in[1],
                c->in[2], c->i[0], c->i[1]);
}
static void ln_b(fd_case *c) {
  lem_layernorm_backward(c->gin[0], c->gin[1], c->gin[2], c->dout, c->in[0],
                         c->in[1], c->scratch[0], c->scratch[1], c->i[0],
                         c->i[1]);
}
Test(tensor, grad_layernorm) {
  lem_rng r;
  lem_rng_seed(&r, 4);
  fd_case c = {.fwd = ln_f, .bwd = ln_b, .i = {4, 9}};
  size_t n[3] = {36, 9, 9};
  fd_setup(&c, &r, 3, n, 36);
  c.scratch[0] = calloc(4, sizeof(float));
  c.scratch[1] = calloc(4, sizeof(float));
  fd_check(&c, 1e-2f, 5e-3f);
  fd_free(&c);
}

static void sm_f(fd_case *c) {
  lem_softmax(c->out, c->in[0], c->i[0], c->i[1]);
}
static void sm_b(fd_case *c) {
  lem_softmax_backward(c->gin[0], c->out, c->dout, c->i[0], c->i[1]);
}
Test(tensor, grad_softmax) {
  lem_rng r;
  lem_rng_seed(&r, 5);
  fd_case c = {.fwd = sm_f, .bwd = sm_b, .i = {3, 6}};
  size_t n[1] = {18};
  fd_setup(&c, &r, 1, n, 18);
  fd_check(&c, 1e-2f, 2e-3f);
  fd_free(&c);
}

static void att_f(fd_case *c) {
  lem_attention_ref(c->out, c->scratch[0], c->in[0], c->lens, c->i[4], c->i[0],
                c->i[1], c->i[2], c->i[3]);
}
static void att_b(fd_case *c) {
  int B = c->i[0], T = c->i[1], NH = c->i[3];
  memset(c->scratch[1], 0, (size_t)B * NH * T * T * sizeof(float));
  lem_attention_backward(c->gin[0], c->scratch[1], c->dout, c->in[0],
                         c->scratch[0], c->lens, c->i[4], B, T, c->i[2], NH);
}
static void att_case(int causal, int padded) {
  lem_rng r;
  lem_rng_seed(&r, 6 + causal + 2 * padded);
  int B = 2, T = 5, C = 8, NH = 2;
  fd_case c = {.fwd = att_f, .bwd = att_b, .i = {B, T, C, NH, causal}};
  size_t n[1] = {(size_t)B * T * 3 * C};
  fd_setup(&c, &r, 1, n, (size_t)B * T * C);
  c.scratch[0] = calloc((size_t)B * NH * T * T, sizeof(float));
  c.scratch[1] = calloc((size_t)B * NH * T * T, sizeof(float));
  if (padded) {
    c.lens = calloc(B, sizeof(int32_t));
    c.lens[0] = 3;
    c.lens[1] = 5;
  }
  fd_check(&c, 1e-2f, 5e-3f);
  /* a padding query outputs 0 and padding keys get no weight */
  if (padded) {
    att_f(&c);
    for (int k = 0; k < C; k++) cr_assert_eq(c.out[4 * C + k], 0.0f);
    for (int t = 0; t < 3; t++)
      cr_assert_eq(c.scratch[0][t * T + 4], 0.0f);
  }
  if (causal) cr_assert_eq(c.scratch[0][0 * T + 1], 0.0f);
  fd_free(&c);
}
Test(tensor, grad_attention_causal) { att_case(1, 0); }
Test(tensor, grad_attention_padding) { att_case(0, 1); }
Test(tensor, grad_attention_both) { att_case(1, 1); }

static void emb_f(fd_case *c) {
  lem_embed(c->out, c->in[0], c->ids, c->i[0], c->i[1]);
}
static void emb_b(fd_case *c) {
  lem_embed_backward(c->gin[0], c->dout, c->ids, c->i[0], c->i[1]);
}
Test(tensor, grad_embedding) {
  lem_rng r;
  lem_rng_seed(&r, 9);
  fd_case c = {.fwd = emb_f, .bwd = emb_b, .i = {6, 4}};
  size_t n[1] = {5 * 4};
  fd_setup(&c, &r, 1, n, 6 * 4);
  c.ids = calloc(6, sizeof(int32_t));
  int32_t ids[6] = {0, 3, 3, 1, 4, 0};  /* repeats must add up */
  memcpy(c.ids, ids, sizeof ids);
  fd_check(&c, 1e-2f, 1e-3f);
  fd_free(&c);
}

static void xent_f(fd_case *c) {
  c->out[0] = lem_xent(c->in[0], c->scratch[0], c->i[0]);
}
static void xent_b(fd_case *c) {
  lem_xent_backward(c->gin[0], c->in[0], c->scratch[0], c->i[0], c->dout[0]);
}
Test(tensor, grad_cross_entropy) {
  lem_rng r;
  lem_rng_seed(&r, 10);
  fd_case c = {.fwd = xent_f, .bwd = xent_b, .i = {7}};
  size_t n[1] = {7};
  fd_setup(&c, &r, 1, n, 1);
  c.scratch[0] = calloc(7, sizeof(float));
  lem_smooth_target(c.scratch[0], 7, 2, 0.1f);
  float s = 0;
  for (int k = 0; k < 7; k++) s += c.scratch[0][k];
  cr_assert_float_eq(s, 1.0f, 1e-6f);
  fd_check(&c, 1e-2f, 2e-3f);
  fd_free(&c);
}

/* ---- optimized gemm against the reference ---- */

static void gemm_agree(void (*g)(int, int, int, int, int, const float *,
                                 const float *, float, float *)) {
  lem_rng r;
  lem_rng_seed(&r, 42);
  int sizes[][3] = {{1, 1, 1},   {6, 16, 128}, {7, 17, 129}, {64, 128, 128},
                    {13, 200, 5}, {97, 33, 300}, {5, 3, 0}};
  for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
    for (int ta = 0; ta < 2; ta++)
      for (int tb = 0; tb < 2; tb++)
        for (int beta = 0; beta < 2; beta++) {
          int M = sizes[s][0], N = sizes[s][1], K = sizes[s][2];
          float *A = rnd(&r, (size_t)M * K, 1.0f);
          float *B = rnd(&r, (size_t)K * N, 1.0f);
          float *C1 = rnd(&r, (size_t)M * N, 1.0f);
          float *C2 = malloc((size_t)M * N * sizeof(float));
          memcpy(C2, C1, (size_t)M * N * sizeof(float));
          lem_gemm_ref(ta, tb, M, N, K, A, B, (float)beta, C1);
          g(ta, tb, M, N, K, A, B, (float)beta, C2);
          for (int k = 0; k < M * N; k++)
            cr_assert(fabsf(C1[k] - C2[k]) <= 1e-4f * (1.0f + sqrtf((float)K)) *
                                                   (1.0f + fabsf(C1[k])),
                      "M=%d N=%d K=%d ta=%d tb=%d beta=%d at %d: %g vs %g",
                      M, N, K, ta, tb, beta, k, C1[k], C2[k]);
          free(A);
          free(B);
          free(C1);
          free(C2);
        }
}
Test(tensor, gemm_optimized_agrees) { gemm_agree(lem_gemm); }

Test(tensor, attention_optimized_agrees) {
  lem_rng r;
  lem_rng_seed(&r, 43);
  int B = 3, T = 13, C = 72, NH = 3;  /* hs = 24: lanes and a tail */
  int32_t lens[3] = {13, 5, 1};
  size_t nq = (size_t)B * T * 3 * C, na = (size_t)B * NH * T * T;
  float *qkv = rnd(&r, nq, 1.0f);
  float *o1 = calloc((size_t)B * T * C, sizeof(float));
  float *o2 = calloc((size_t)B * T * C, sizeof(float));
  float *a1 = calloc(na, sizeof(float)), *a2 = calloc(na, sizeof(float));
  for (int causal = 0; causal < 2; causal++)
    for (int pad = 0; pad < 2; pad++) {
      lem_attention_ref(o1, a1, qkv, pad ? lens : NULL, causal, B, T, C, NH);
      lem_attention(o2, a2, qkv, pad ? lens : NULL, causal, B, T, C, NH);
      for (size_t k = 0; k < (size_t)B * T * C; k++)
        cr_assert(fabsf(o1[k] - o2[k]) <= 1e-5f * (1.0f + fabsf(o1[k])),
                  "out %zu: %g vs %g", k, o1[k], o2[k]);
      for (size_t k = 0; k < na; k++)
        cr_assert(fabsf(a1[k] - a2[k]) <= 1e-5f, "att %zu: %g vs %g", k,
                  a1[k], a2[k]);
    }
  free(qkv);
  free(o1);
  free(o2);
  free(a1);
  free(a2);
}
Test(tensor, gemm_portable_agrees) { gemm_agree(lem_gemm_portable); }

/* A linear layer with W packed once gives the bits of lem_linear (and,
** with the portable kernel, of lem_gemm_portable plus the bias), at sizes
** with edge tiles in M and N and several depth slices. */
Test(tensor, linear_packed_same_bits) {
  lem_rng r;
  lem_rng_seed(&r, 44);
  int sizes[][3] = {{1, 1, 1},   {6, 16, 128}, {37, 384, 128}, {7, 17, 129},
                    {100, 128, 512}, {13, 200, 5}, {200, 33, 300}};
  for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
    for (int wb = 0; wb < 2; wb++) {
      int M = sizes[s][0], N = sizes[s][1], K = sizes[s][2];
      float *A = rnd(&r, (size_t)M * K, 1.0f), *W = rnd(&r, (size_t)N * K, 1.0f);
      float *bias = wb ? rnd(&r, (size_t)N, 1.0f) : NULL;
      float *Wp = malloc(lem_packed_size(N, K) * sizeof(float));
      float *C1 = rnd(&r, (size_t)M * N, 1.0f), *C2 = rnd(&r, (size_t)M * N, 1.0f);
      float *C3 = rnd(&r, (size_t)M * N, 1.0f);
      lem_pack_weight(Wp, W, N, K);
      lem_linear(C1, A, W, bias, M, K, N);
      lem_linear_packed(C2, A, Wp, bias, M, K, N);
      cr_assert(!memcmp(C1, C2, (size_t)M * N * sizeof(float)),
                "M=%d N=%d K=%d bias=%d: packed differs from lem_linear", M,
                N, K, wb);
      lem_gemm_portable(0, 1, M, N, K, A, W, 0.0f, C1);
      for (int i = 0; i < M && bias; i++)
        for (int j = 0; j < N; j++) C1[(size_t)i * N + j] += bias[j];
      lem_linear_packed_portable(C2, A, Wp, bias, M, K, N);
      cr_assert(!memcmp(C1, C2, (size_t)M * N * sizeof(float)),
                "M=%d N=%d K=%d bias=%d: portable packed differs", M, N, K, wb);
      if (N > 16) {  /* columns 16.. alone, into rows N + 3 apart */
        size_t ld = (size_t)N + 3;
        float *D = calloc((size_t)M * ld, sizeof(float));
        lem_linear_packed(C1, A, Wp, bias, M, K, N);
        lem_linear_packed_cols(D, ld, A, Wp, bias, M, K, 16, N - 16);
        for (int i = 0; i < M; i++) {
          cr_assert(!memcmp(D + i * ld, C1 + (size_t)i * N + 16,
                            (size_t)(N - 16) * sizeof(float)),
                    "M=%d N=%d K=%d: columns 16.. differ in row %d", M, N, K, i);
          cr_assert(D[i * ld + N - 16] == 0.0f, "wrote past the columns");
        }
        free(D);
      }
      lem_gemm_ref(0, 1, M, N, K, A, W, 0.0f, C3);
      for (int k = 0; k < M * N; k++) {
        float ref = C3[k] + (bias ? bias[k % N] : 0.0f);
        cr_assert(fabsf(ref - C2[k]) <= 1e-4f * (1.0f + sqrtf((float)K)) *
                                           (1.0f + fabsf(ref)),
                  "M=%d N=%d K=%d at %d: %g vs %g", M, N, K, k, ref, C2[k]);
      }
      free(A);
      free(W);
      free(bias);
      free(Wp);
      free(C1);
      free(C2);
      free(C3);
    }
}

/* The vectorized GELU against the reference, over the whole range (large
** arguments saturate: gelu(x) = x or 0) and at lengths with a tail. */
Test(tensor, gelu_optimized_agrees) {
  if (strcmp(lem_gemm_path(), "avx2-fma")) /* then it is the reference */
    cr_skip_test("no AVX2/FMA here: nothing to compare");
  lem_rng r;
  lem_rng_seed(&r, 45);
  size_t n = 1003;
  float *x = rnd(&r, n, 3.0f), *y1 = calloc(n, sizeof(float)),
        *y2 = calloc(n, sizeof(float));
  x[0] = 100.0f, x[1] = -100.0f, x[2] = 0.0f, x[3] = 1e-30f, x[4] = -9.0f;
  for (size_t len = 1; len <= n; len += len < 20 ? 1 : 97) {
    lem_gelu_ref(y1, x, len);
    lem_gelu(y2, x, len);
    for (size_t k = 0; k < len; k++)
      cr_assert(fabsf(y1[k] - y2[k]) <= 2e-6f * (1e-3f + fabsf(x[k])),
                "gelu(%g): %g vs %g", x[k], y1[k], y2[k]);
  }
  free(x);
  free(y1);
  free(y2);
}

Test(tensor, layernorm_optimized_agrees) {
  if (strcmp(lem_gemm_path(), "avx2-fma")) /* then it is the reference */
    cr_skip_test("no AVX2/FMA here: nothing to compare");
  lem_rng r;
  lem_rng_seed(&r, 46);
  int N = 9;
  for (int C = 8; C <= 136; C += 64) {  /* 8, 72, 136 */
    float *x = rnd(&r, (size_t)N * C, 2.0f), *w = rnd(&r, (size_t)C, 1.0f),
          *b = rnd(&r, (size_t)C, 1.0f);
    for (int c = 0; c < C; c++) x[c] += 50.0f;  /* a row far from 0 */
    float *o1 = calloc((size_t)N * C, sizeof(float)),
          *o2 = calloc((size_t)N * C, sizeof(float));
    float m1[9], m2[9], s1[9], s2[9];
    lem_layernorm_ref(o1, m1, s1, x, w, b, N, C);
    lem_layernorm(o2, m2, s2, x, w, b, N, C);
    for (int i = 0; i < N; i++) {
      cr_assert(fabsf(m1[i] - m2[i]) <= 1e-5f * (1.0f + fabsf(m1[i])));
      cr_assert(fabsf(s1[i] - s2[i]) <= 1e-5f * s1[i]);
    }
    for (int k = 0; k < N * C; k++)
      cr_assert(fabsf(o1[k] - o2[k]) <= 1e-5f * (1.0f + fabsf(o1[k])),
                "C=%d at %d: %g vs %g", C, k, o1[k], o2[k]);
    free(x);
    free(w);
    free(b);
    free(o1);
    free(o2);
  }
}

/* Attention over packed rows: the optimized and portable kernels against
** their reference, and the reference against lem_attention_ref on the same
** sequences laid out padded, for sequences of 1, 13, 70 (two key blocks),
** 0 and 5 rows, every query or the first only, head sizes 24 and 32. */
Test(tensor, attention_rows_agree) {
  lem_rng r;
  lem_rng_seed(&r, 47);
  int32_t lens[5] = {1, 13, 70, 0, 5}, start[5], B = 5, T = 70, rows = 0;
  for (int b = 0; b < B; b++) start[b] = rows, rows += lens[b];
  for (int C = 72; C <= 128; C += 56) {  /* NH 3: hs 24, 32 */
    int NH = C == 72 ? 3 : 4;
    float *qkv = rnd(&r, (size_t)rows * 3 * C, 1.0f);
    float *pad = calloc((size_t)B * T * 3 * C, sizeof(float));
    for (int b = 0; b < B; b++)
      memcpy(pad + (size_t)b * T * 3 * C, qkv + (size_t)start[b] * 3 * C,
             (size_t)lens[b] * 3 * C * sizeof(float));
    float *po = calloc((size_t)B * T * C, sizeof(float));
    float *pa = calloc((size_t)B * NH * T * T, sizeof(float));
    lem_attention_ref(po, pa, pad, lens, 0, B, T, C, NH);
    for (int first = 0; first < 2; first++) {
      size_t n = (size_t)(first ? B : rows) * C;
      float *o1 = calloc(n, sizeof(float)), *o2 = calloc(n, sizeof(float));
      float *o3 = calloc(n, sizeof(float));
      lem_attention_rows_ref(o1, qkv, start, lens, first, B, C, NH);
      lem_attention_rows(o2, qkv, start, lens, first, B, C, NH);
      lem_attention_rows_portable(o3, qkv, start, lens, first, B, C, NH);
      for (size_t k = 0; k < n; k++) {
        cr_assert(fabsf(o1[k] - o2[k]) <= 1e-5f * (1.0f + fabsf(o1[k])),
                  "C=%d first=%d at %zu: %g vs %g", C, first, k, o1[k], o2[k]);
        cr_assert(fabsf(o1[k] - o3[k]) <= 1e-5f * (1.0f + fabsf(o1[k])),
                  "portable, C=%d first=%d at %zu: %g vs %g", C, first, k,
                  o1[k], o3[k]);
      }
      free(o3);
      for (int b = 0; b < B; b++)
        for (int t = 0; t < (first ? 1 : lens[b]); t++)
          for (int c = 0; c < C; c++) {
            float want = t < lens[b] ? po[((size_t)b * T + t) * C + c] : 0.0f;
            size_t row = first ? (size_t)b : (size_t)start[b] + t;
            cr_assert(fabsf(o1[row * C + c] - want) <= 1e-5f * (1.0f + fabsf(want)),
                      "C=%d seq %d row %d: %g vs padded %g", C, b, t,
                      o1[row * C + c], want);
          }
      free(o1);
      free(o2);
    }
    free(qkv);
    free(pad);
    free(po);
    free(pa);
  }
}

/* ---- AdamW ---- */

/* least squares: loss = |W x - y|^2 / n over a few fixed samples */
static float ls_loss(const float *W, float *gW, const float *X, const float *Y,
                     int n, int d) {
  float loss = 0.0f;
  for (int s = 0; s < n; s++) {
    float p = 0.0f;
    for (int k = 0; k < d; k++) p += W[k] * X[s * d + k];
    float e = p - Y[s];
    loss += e * e / (float)n;
    if (gW)
      for (int k = 0; k < d; k++) gW[k] += 2.0f * e * X[s * d + k] / (float)n;
  }
  return loss;
}
Test(tensor, adamw_decreases_loss) {
  lem_rng r;
  lem_rng_seed(&r, 7);
  enum { n = 16, d = 4 };
  float *X = rnd(&r, n * d, 1.0f), Y[n], W[d] = {0}, g[d], m[d] = {0},
        v[d] = {0};
  float truth[d] = {1.0f, -2.0f, 0.5f, 3.0f};
  for (int s = 0; s < n; s++) {
    Y[s] = 0.0f;
    for (int k = 0; k < d; k++) Y[s] += truth[k] * X[s * d + k];
  }
  lem_adamw o = {.lr = 0.05f, .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-8f,
                 .wd = 0.0f};
  float first = ls_loss(W, NULL, X, Y, n, d), last = first;
  for (int t = 1; t <= 300; t++) {
    memset(g, 0, sizeof g);
    last = ls_loss(W, g, X, Y, n, d);
    lem_adamw_step(&o, W, g, m, v, d, t);
  }
  cr_assert(last < 0.01f * first, "loss %g -> %g", first, last);
  /* weight decay alone shrinks the weights */
  memset(g, 0, sizeof g);
  float before = fabsf(W[3]);
  o.wd = 0.5f;
  lem_adamw_step(&o, W, g, m, v, d, 301);
  cr_assert(fabsf(W[3]) < before);
  free(X);
}

/* ---- determinism and the arena ---- */

Test(tensor, same_bits_twice) {
  lem_rng r;
  lem_rng_seed(&r, 11);
  int M = 37, N = 70, K = 150;
  float *A = rnd(&r, (size_t)M * K, 1.0f), *B = rnd(&r, (size_t)K * N, 1.0f);
  float *C1 = calloc((size_t)M * N, sizeof(float));
  float *C2 = calloc((size_t)M * N, sizeof(float));
  lem_gemm(0, 1, M, N, K, A, B, 0.0f, C1);
  lem_gemm(0, 1, M, N, K, A, B, 0.0f, C2);
  cr_assert_eq(memcmp(C1, C2, (size_t)M * N * sizeof(float)), 0);
  lem_rng r1, r2;
  lem_rng_seed(&r1, 5);
  lem_rng_seed(&r2, 5);
  for (int k = 0; k < 100; k++) cr_assert_eq(lem_rng_u32(&r1), lem_rng_u32(&r2));
  free(A);
  free(B);
  free(C1);
  free(C2);
}

Test(tensor, arena_hands_out_aligned_blocks_until_full) {
  lem_ctx *L = lem_ctx_new(NULL, NULL, 0);
  lem_arena A;
  size_t base = L->inuse;
  cr_assert_eq(lem_arena_init(L, &A, 100), LEM_OK);
  lem_tensor t;
  uint32_t shape[2] = {3, 5};
  cr_assert_eq(lem_tensor_make(&A, &t, 2, shape), 0);
  cr_assert_eq(t.n, 15);
  cr_assert_eq((uintptr_t)t.data % 64, 0);
  float *p = lem_arena_take(&A, 60);
  cr_assert_not_null(p);
  cr_assert_eq((uintptr_t)p % 64, 0);
  cr_assert_null(lem_arena_take(&A, 30));  /* 16 + 64 used, 20 left */
  lem_arena_free(L, &A);
  cr_assert_eq(L->inuse, base);
  lem_ctx_free(L);
  /* a refused allocation is an error, not a crash */
  L = lem_ctx_new(NULL, NULL, 0);
  L->limit = L->inuse + 1024;
  cr_assert_eq(lem_arena_init(L, &A, 1 << 20), LEM_ENOMEM);
  lem_ctx_free(L);
}

/*
** tensor.h: lemma's tensor core: float32 kernels, their backward passes and
** AdamW, in plain C (libc and libm only).
**
** Memory: a model owns one lem_arena, a single block of floats allocated
** through the lem_ctx when the model is made.  Every parameter, gradient,
** optimizer moment and activation is a lem_tensor pointing into it, so
** nothing is allocated while computing (the ggml / llm.c discipline).
**
** Kernels work on raw row-major float arrays with their sizes passed in, and
** write a shape comment beside each argument, e.g. (M,K).  Each kernel has a
** reference version (plain loops, *_ref) that a reader can check by eye.
** lem_gemm has an optimized version beside it (tensor_opt.c: packed panels
** and a register-blocked AVX2/FMA micro-kernel chosen at run time, or a
** portable blocked kernel), and so do the attention forward passes, GELU
** and layer norm (AVX2 when the CPU has it, else the reference); a linear
** layer can also keep its weight packed (lem_pack_weight) across calls.
** Tests check each pair agrees and that every backward pass agrees with
** finite differences.
**
** Backward functions ACCUMULATE (+=) into the gradient arrays they are
** given, so gradients of shared inputs add up; zero them before a step.
**
** Determinism: every kernel is single-threaded with a fixed loop order, so
** the same inputs give the same bits on one machine whatever the thread
** count.  The AVX2 path uses fused multiply-add, so the optimized gemm may
** differ in the last bits from the portable path on a CPU without AVX2.
*/
#ifndef LEM_TENSOR_H
#define LEM_TENSOR_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

/* ---- arena and tensors ---- */

/* One block of floats, handed out front to back.  Aligned to 64 bytes. */
typedef struct lem_arena {
  float *base;   /* the aligned start */
  void *block;   /* what lem_malloc returned */
  size_t bytes;  /* its size, for lem_free */
  size_t cap;    /* floats available */
  size_t used;   /* floats handed out */
} lem_arena;

/* Allocate an arena of cap floats (zeroed).  LEM_ENOMEM on failure. */
lem_err lem_arena_init(lem_ctx *L, lem_arena *A, size_t cap);
void lem_arena_free(lem_ctx *L, lem_arena *A);
/* n floats from the arena (each request rounded up to 16 floats, so every
** tensor is 64-byte aligned), or NULL when it is full. */
float *lem_arena_take(lem_arena *A, size_t n);

#define LEM_TENSOR_MAXDIM 4
typedef struct lem_tensor {
  float *data;
  uint32_t ndim;
  uint32_t shape[LEM_TENSOR_MAXDIM];
  size_t n;      /* product of shape */
} lem_tensor;

/* A tensor of the given shape from the arena; 0 on success, -1 if full. */
int lem_tensor_make(lem_arena *A, lem_tensor *t, uint32_t ndim,
                    const uint32_t *shape);

/* ---- deterministic random numbers (xorshift64*) ---- */
typedef struct lem_rng { uint64_t s; } lem_rng;
void lem_rng_seed(lem_rng *r, uint64_t seed);
uint32_t lem_rng_u32(lem_rng *r);
float lem_rng_uniform(lem_rng *r);            /* [0, 1) */
float lem_rng_normal(lem_rng *r);             /* N(0, 1), Box-Muller */

/* ---- matrix multiply ----
** C (M,N) = op(A) op(B) + beta C, where op(A) is A (M,K) or, when ta, the
** transpose of A stored (K,M); op(B) is B (K,N) or, when tb, B^T stored
** (N,K).  beta is 0 (overwrite) or 1 (accumulate). */
void lem_gemm_ref(int ta, int tb, int M, int N, int K, const float *A,
                  const float *B, float beta, float *C);
void lem_gemm(int ta, int tb, int M, int N, int K, const float *A,
              const float *B, float beta, float *C);
/* The optimized gemm with the portable micro-kernel whatever the CPU. */
void lem_gemm_portable(int ta, int tb, int M, int N, int K, const float *A,
                       const float *B, float beta, float *C);
/* Which micro-kernel lem_gemm uses here: "avx2-fma" or "portable". */
const char *lem_gemm_path(void);

/* Linear layer: out (M,N) = inp (M,K) . W^T + bias, W (N,K), bias (N) or
** NULL.  Backward: dinp += dout W, dW += dout^T inp, dbias += column sums. */
void lem_linear(float *out, const float *inp, const float *W,
                const float *bias, int M, int K, int N);
void lem_linear_backward(float *dinp, float *dW, float *dbias,
                         const float *dout, const float *inp, const float *W,
                         int M, int K, int N);

/* Pre-packed weights: W (N,K) of a linear layer packed once into the
** layout the optimized gemm's micro-kernel reads (lem_packed_size floats),
** so that repeated products with the same W skip the packing; pack again
** whenever W changes.  lem_linear_packed gives the same bits as
** lem_linear (same kernel, same order of operations). */
size_t lem_packed_size(int N, int K);
void lem_pack_weight(float *Wp, const float *W, int N, int K);
void lem_linear_packed(float *out, const float *inp, const float *Wp,
                       const float *bias, int M, int K, int N);
/* Columns [j0, j0+n) of the same product, j0 a multiple of
** LEM_PACK_COLS, into out (M rows, ldo floats apart): part of a layer's
** outputs, or its rows inside a wider array.  The same bits as those
** columns of lem_linear_packed. */
#define LEM_PACK_COLS 16
void lem_linear_packed_cols(float *out, size_t ldo, const float *inp,
                            const float *Wp, const float *bias, int M, int K,
                            int j0, int n);
/* The same with the portable micro-kernel whatever the CPU (the bits of
** lem_linear on a CPU without AVX2). */
void lem_linear_packed_portable(float *out, const float *inp,
                                const float *Wp, const float *bias, int M,
                                int K, int N);

/* ---- elementwise ---- */
/* out (n) = a + b.  Backward: da += dout, db += dout. */
void lem_add(float *out, const float *a, const float *b, size_t n);
void lem_add_backward(float *da, float *db, const float *dout, size_t n);

/* GELU, tanh approximation: out (n) = gelu(x).  Backward: dx += gelu'(x) dout
** lem_gelu is vectorized (AVX2, its own expf: within a few ulp of the
** reference) where the CPU has it, else the reference. */
void lem_gelu_ref(float *out, const float *x, size_t n);
void lem_gelu(float *out, const float *x, size_t n);
void lem_gelu_backward(float *dx, const float *x, const float *dout, size_t n);

/* ---- row-wise ---- */
/* Layer norm over rows of width C: out (N,C) = (x - mean) rstd * w + b;
** mean, rstd (N) are saved for the backward pass.  lem_layernorm sums in
** 8 lanes (AVX2) when C is a multiple of 8, else is the reference. */
void lem_layernorm_ref(float *out, float *mean, float *rstd, const float *x,
                       const float *w, const float *b, int N, int C);
void lem_layernorm(float *out, float *mean, float *rstd, const float *x,
                   const float *w, const float *b, int N, int C);
void lem_layernorm_backward(float *dx, float *dw, float *db,
                            const float *dout, const float *x, const float *w,
                            const float *mean, const float *rstd, int N,
                            int C);

/* Softmax over rows of width C: p (N,C).  Backward: dx += p*(dp - <dp,p>). */
void lem_softmax(float *p, const float *x, int N, int C);
void lem_softmax_backward(float *dx, const float *p, const float *dp, int N,
                          int C);

/* ---- attention ----
** qkv (B,T,3C) holds the queries, keys and values of B sequences of T
** tokens, C = NH * hs.  lens (B) gives each sequence's real length: keys at
** positions >= lens[b] are masked (padding mask; NULL: all T).  causal masks
** keys after the query.  att (B,NH,T,T) saves the probabilities; out (B,T,C).
** A query with no visible key (a padding position) gets output 0. */
void lem_attention_ref(float *out, float *att, const float *qkv,
                       const int32_t *lens, int causal, int B, int T, int C,
                       int NH);
/* The same with blocked, vectorizable dot products and sums (tensor_opt.c);
** agrees with the reference to rounding. */
void lem_attention(float *out, float *att, const float *qkv,
                   const int32_t *lens, int causal, int B, int T, int C,
                   int NH);
/* Attention over sequences packed along the rows, forward only (for
** inference: nothing saved, no padding).  Sequence b is rows start[b] ..
** start[b] + lens[b] - 1 of qkv (rows of 3C) and attends to itself only,
** every query to every key (no causal mask).  first_only: only the first
** row of each sequence is a query and out (B,C) gets its output in row b
** (0 for an empty sequence); else out has a row for each row of qkv.  The
** reference computes the scores three times instead of storing them; the
** optimized one (AVX2, head size a multiple of 8 and at most 128, else the
** portable one) transposes the keys in blocks of 64 and carries the
** softmax from block to block; the portable one does the same in plain C
** without the transposition. */
void lem_attention_rows_ref(float *out, const float *qkv,
                            const int32_t *start, const int32_t *lens,
                            int first_only, int B, int C, int NH);
void lem_attention_rows(float *out, const float *qkv, const int32_t *start,
                        const int32_t *lens, int first_only, int B, int C,
                        int NH);
void lem_attention_rows_portable(float *out, const float *qkv,
                                 const int32_t *start, const int32_t *lens,
                                 int first_only, int B, int C, int NH);
/* Internal: how many keys query t of sequence b sees (keys 0..n-1). */
int lem_att_visible(const int32_t *lens, int causal, int b, int t, int T);
/* datt (B,NH,T,T) is scratch.  dqkv += the gradient. */
void lem_attention_backward(float *dqkv, float *datt, const float *dout,
                            const float *qkv, const float *att,
                            const int32_t *lens, int causal, int B, int T,
                            int C, int NH);

/* ---- embedding ----
** out (N,C) = table[ids[i]] for i < N; ids must be < the table's rows.
** Backward: dtable[ids[i]] += dout[i]. */
void lem_embed(float *out, const float *table, const int32_t *ids, int N,
               int C);
void lem_embed_backward(float *dtable, const float *dout, const int32_t *ids,
                        int N, int C);

/* ---- cross-entropy ----
** Against a target distribution q (n) over n logits: loss = -sum q log p,
** p = softmax(logits).  Backward: dlogits += scale (p - q).  For a one-hot
** target with label smoothing eps, q = (1-eps) onehot + eps/n; see
** lem_smooth_target. */
float lem_xent(const float *logits, const float *q, int n);
void lem_xent_backward(float *dlogits, const float *logits, const float *q,
                       int n, float scale);
void lem_smooth_target(float *q, int n, int target, float eps);

/* ---- AdamW ----
** One step (t >= 1) over n parameters with their gradients and moments m, v
** (zero at start).  Decoupled weight decay wd. */
typedef struct lem_adamw {
  float lr, beta1, beta2, eps, wd;
} lem_adamw;
void lem_adamw_step(const lem_adamw *o, float *param, const float *grad,
                    float *m, float *v, size_t n, int t);

#endif

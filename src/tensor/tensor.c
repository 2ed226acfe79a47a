/*
** tensor.c: the arena, the random numbers and the reference kernels of the
** tensor core (see tensor.h).  Every kernel here is a plain loop nest that
** can be checked by eye against its formula; the optimized matrix multiply
** lives in tensor_opt.c and is tested against lem_gemm_ref.
**
** The formulas for layer norm, GELU and attention and their backward passes
** follow Karpathy's llm.c (train_gpt2.c), with a padding mask added.
*/
#include "tensor.h"

#include <math.h>
#include <string.h>

/* ---- arena ---- */

lem_err lem_arena_init(lem_ctx *L, lem_arena *A, size_t cap) {
  memset(A, 0, sizeof *A);
  size_t bytes = cap * sizeof(float) + 64;
  void *p = lem_calloc(L, bytes);
  if (!p) return LEM_ENOMEM;
  uintptr_t u = ((uintptr_t)p + 63) & ~(uintptr_t)63;
  A->base = (float *)u;
  A->block = p;
  A->bytes = bytes;
  A->cap = cap;
  return LEM_OK;
}

void lem_arena_free(lem_ctx *L, lem_arena *A) {
  if (A->block) lem_free(L, A->block, A->bytes);
  memset(A, 0, sizeof *A);
}

float *lem_arena_take(lem_arena *A, size_t n) {
  size_t r = (n + 15) & ~(size_t)15;
  if (r > A->cap - A->used) return NULL;
  float *p = A->base + A->used;
  A->used += r;
  return p;
}

int lem_tensor_make(lem_arena *A, lem_tensor *t, uint32_t ndim,
                    const uint32_t *shape) {
  if (ndim == 0 || ndim > LEM_TENSOR_MAXDIM) return -1;
  size_t n = 1;
  memset(t, 0, sizeof *t);
  for (uint32_t i = 0; i < ndim; i++) {
    t->shape[i] = shape[i];
    n *= shape[i];
  }
  t->ndim = ndim;
  t->n = n;
  t->data = lem_arena_take(A, n);
  return t->data ? 0 : -1;
}

/* ---- random numbers ---- */

void lem_rng_seed(lem_rng *r, uint64_t seed) {
  r->s = seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
  if (!r->s) r->s = 1;
}

uint32_t lem_rng_u32(lem_rng *r) {
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return (uint32_t)((r->s * 0x2545F4914F6CDD1Dull) >> 32);
}

float lem_rng_uniform(lem_rng *r) {
  return (float)(lem_rng_u32(r) >> 8) / 16777216.0f;
}

float lem_rng_normal(lem_rng *r) {
  float u1 = lem_rng_uniform(r), u2 = lem_rng_uniform(r);
  if (u1 < 1e-7f) u1 = 1e-7f;
  return sqrtf(-2.0f * logf(u1)) * cosf(6.2831853f * u2);
}

/* ---- matrix multiply ---- */

void lem_gemm_ref(int ta, int tb, int M, int N, int K, const float *A,
                  const float *B, float beta, float *C) {
  for (int i = 0; i < M; i++)
    for (int j = 0; j < N; j++) {
      float s = 0.0f;
      for (int k = 0; k < K; k++) {
        float a = ta ? A[(size_t)k * M + i] : A[(size_t)i * K + k];
        float b = tb ? B[(size_t)j * K + k] : B[(size_t)k * N + j];
        s += a * b;
      }
      C[(size_t)i * N + j] = (beta != 0.0f ? C[(size_t)i * N + j] : 0.0f) + s;
    }
}

void lem_linear(float *out, const float *inp, const float *W,
                const float *bias, int M, int K, int N) {
  lem_gemm(0, 1, M, N, K, inp, W, 0.0f, out);
  if (bias)
    for (int i = 0; i < M; i++)
      for (int j = 0; j < N; j++) out[(size_t)i * N + j] += bias[j];
}

void lem_linear_backward(float *dinp, float *dW, float *dbias,
                         const float *dout, const float *inp, const float *W,
                         int M, int K, int N) {
  if (dinp) lem_gemm(0, 0, M, K, N, dout, W, 1.0f, dinp);  /* (M,N)(N,K) */
  if (dW) lem_gemm(1, 0, N, K, M, dout, inp, 1.0f, dW);    /* (N,M)(M,K) */
  if (dbias)
    for (int i = 0; i < M; i++)
      for (int j = 0; j < N; j++) dbias[j] += dout[(size_t)i * N + j];
}

/* ---- elementwise ---- */

void lem_add(float *out, const float *a, const float *b, size_t n) {
  for (size_t i = 0; i < n; i++) out[i] = a[i] + b[i];
}

void lem_add_backward(float *da, float *db, const float *dout, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (da) da[i] += dout[i];
    if (db) db[i] += dout[i];
  }
}

#define GELU_S 0.7978845608f /* sqrt(2/pi) */

/* tanh through one expf: libm's tanhf (via expm1f) was a quarter of the
** policy's encoding time.  Saturates cleanly: exp overflow gives 1. */
static inline float tanh_exp(float u) {
  return 1.0f - 2.0f / (expf(2.0f * u) + 1.0f);
}

void lem_gelu_ref(float *out, const float *x, size_t n) {
  for (size_t i = 0; i < n; i++) {
    float v = x[i];
    out[i] = 0.5f * v * (1.0f + tanh_exp(GELU_S * (v + 0.044715f * v * v * v)));
  }
}

void lem_gelu_backward(float *dx, const float *x, const float *dout,
                       size_t n) {
  for (size_t i = 0; i < n; i++) {
    float v = x[i];
    float u = GELU_S * (v + 0.044715f * v * v * v);
    float th = tanh_exp(u);
    float sech2 = 1.0f - th * th;
    float g = 0.5f * (1.0f + th) +
              0.5f * v * sech2 * GELU_S * (1.0f + 3.0f * 0.044715f * v * v);
    dx[i] += g * dout[i];
  }
}

/* ---- layer norm ---- */

void lem_layernorm_ref(float *out, float *mean, float *rstd, const float *x,
                       const float *w, const float *b, int N, int C) {
  for (int i = 0; i < N; i++) {
    const float *xi = x + (size_t)i * C;
    float m = 0.0f, v = 0.0f;
    for (int c = 0; c < C; c++) m += xi[c];
    m /= (float)C;
    for (int c = 0; c < C; c++) v += (xi[c] - m) * (xi[c] - m);
    v /= (float)C;
    float s = 1.0f / sqrtf(v + 1e-5f);
    float *oi = out + (size_t)i * C;
    for (int c = 0; c < C; c++) oi[c] = (xi[c] - m) * s * w[c] + b[c];
    mean[i] = m;
    rstd[i] = s;
  }
}

void lem_layernorm_backward(float *dx, float *dw, float *db,
                            const float *dout, const float *x, const float *w,
                            const float *mean, const float *rstd, int N,
                            int C) {
  for (int i = 0; i < N; i++) {
    const float *xi = x + (size_t)i * C, *gi = dout + (size_t)i * C;
    float *dxi = dx + (size_t)i * C;
    float m = mean[i], s = rstd[i];
    /* two reductions first, then the gradient: see llm.c */
    float dnorm_mean = 0.0f, dnorm_norm_mean = 0.0f;
    for (int c = 0; c < C; c++) {
      float norm = (xi[c] - m) * s;
      float dnorm = w[c] * gi[c];
      dnorm_mean += dnorm;
      dnorm_norm_mean += dnorm * norm;
    }
    dnorm_mean /= (float)C;
    dnorm_norm_mean /= (float)C;
    for (int c = 0; c < C; c++) {
      float norm = (xi[c] - m) * s;
      float dnorm = w[c] * gi[c];
      db[c] += gi[c];
      dw[c] += norm * gi[c];
      dxi[c] += (dnorm - dnorm_mean - norm * dnorm_norm_mean) * s;
    }
  }
}

/* ---- softmax ---- */

void lem_softmax(float *p, const float *x, int N, int C) {
  for (int i = 0; i < N; i++) {
    const float *xi = x + (size_t)i * C;
    float *pi = p + (size_t)i * C;
    float mx = -INFINITY, sum = 0.0f;
    for (int c = 0; c < C; c++) mx = xi[c] > mx ? xi[c] : mx;
    for (int c = 0; c < C; c++) sum += pi[c] = expf(xi[c] - mx);
    for (int c = 0; c < C; c++) pi[c] /= sum;
  }
}

void lem_softmax_backward(float *dx, const float *p, const float *dp, int N,
                          int C) {
  for (int i = 0; i < N; i++) {
    const float *pi = p + (size_t)i * C, *gi = dp + (size_t)i * C;
    float dot = 0.0f;
    for (int c = 0; c < C; c++) dot += pi[c] * gi[c];
    for (int c = 0; c < C; c++) dx[(size_t)i * C + c] += pi[c] * (gi[c] - dot);
  }
}

/* ---- attention ---- */

/* The keys query t of sequence b may see: [0, result). */
int lem_att_visible(const int32_t *lens, int causal, int b, int t, int T) {
  int len = lens ? lens[b] : T;
  if (t >= len) return 0;             /* a padding query sees nothing */
  return causal ? t + 1 : len;
}

void lem_attention_ref(float *out, float *att, const float *qkv,
                       const int32_t *lens, int causal, int B, int T, int C,
                       int NH) {
  int hs = C / NH;
  float scale = 1.0f / sqrtf((float)hs);
  for (int b = 0; b < B; b++)
    for (int t = 0; t < T; t++) {
      int vis = lem_att_visible(lens, causal, b, t, T);
      for (int h = 0; h < NH; h++) {
        const float *q = qkv + ((size_t)b * T + t) * 3 * C + h * hs;
        float *a = att + (((size_t)b * NH + h) * T + t) * T;
        float *o = out + ((size_t)b * T + t) * C + h * hs;
        float mx = -INFINITY;
        for (int t2 = 0; t2 < vis; t2++) {
          const float *k = qkv + ((size_t)b * T + t2) * 3 * C + C + h * hs;
          float s = 0.0f;
          for (int i = 0; i < hs; i++) s += q[i] * k[i];
          a[t2] = s * scale;
          mx = a[t2] > mx ? a[t2] : mx;
        }
        float sum = 0.0f;
        for (int t2 = 0; t2 < vis; t2++) sum += a[t2] = expf(a[t2] - mx);
        for (int t2 = 0; t2 < T; t2++) a[t2] = t2 < vis ? a[t2] / sum : 0.0f;
        for (int i = 0; i < hs; i++) o[i] = 0.0f;
        for (int t2 = 0; t2 < vis; t2++) {
          const float *v = qkv + ((size_t)b * T + t2) * 3 * C + 2 * C + h * hs;
          for (int i = 0; i < hs; i++) o[i] += a[t2] * v[i];
        }
      }
    }
}

void lem_attention_rows_ref(float *out, const float *qkv,
                            const int32_t *start, const int32_t *lens,
                            int first_only, int B, int C, int NH) {
  int hs = C / NH;
  float scale = 1.0f / sqrtf((float)hs);
  for (int b = 0; b < B; b++) {
    const float *seq = qkv + (size_t)start[b] * 3 * C;
    int len = lens[b], nq = first_only ? 1 : len;
    for (int t = 0; t < nq; t++) {
      float *o = out + (first_only ? (size_t)b : (size_t)start[b] + t) * C;
      for (int c = 0; c < C; c++) o[c] = 0.0f;
      for (int h = 0; h < NH && len > 0; h++) {
        const float *q = seq + (size_t)t * 3 * C + h * hs;
        /* three passes over the keys (maximum, sum, weighted values), the
        ** scores recomputed each time, so nothing is stored */
        float mx = -INFINITY, sum = 0.0f;
        for (int t2 = 0; t2 < len; t2++) {
          float s = 0.0f;
          for (int i = 0; i < hs; i++)
            s += q[i] * seq[(size_t)t2 * 3 * C + C + h * hs + i];
          mx = s * scale > mx ? s * scale : mx;
        }
        for (int pass = 0; pass < 2; pass++)
          for (int t2 = 0; t2 < len; t2++) {
            float s = 0.0f;
            for (int i = 0; i < hs; i++)
              s += q[i] * seq[(size_t)t2 * 3 * C + C + h * hs + i];
            float e = expf(s * scale - mx);
            if (pass == 0) {
              sum += e;
              continue;
            }
            const float *v = seq + (size_t)t2 * 3 * C + 2 * C + h * hs;
            for (int i = 0; i < hs; i++) o[h * hs + i] += e / sum * v[i];
          }
      }
    }
  }
}

void lem_attention_backward(float *dqkv, float *datt, const float *dout,
                            const float *qkv, const float *att,
                            const int32_t *lens, int causal, int B, int T,
                            int C, int NH) {
  int hs = C / NH;
  float scale = 1.0f / sqrtf((float)hs);
  for (int b = 0; b < B; b++)
    for (int t = 0; t < T; t++) {
      int vis = lem_att_visible(lens, causal, b, t, T);
      for (int h = 0; h < NH; h++) {
        size_t qo = ((size_t)b * T + t) * 3 * C + h * hs;
        const float *a = att + (((size_t)b * NH + h) * T + t) * T;
        float *da = datt + (((size_t)b * NH + h) * T + t) * T;
        const float *go = dout + ((size_t)b * T + t) * C + h * hs;
        /* through the weighted sum of values */
        for (int t2 = 0; t2 < vis; t2++) {
          size_t vo = ((size_t)b * T + t2) * 3 * C + 2 * C + h * hs;
          float s = 0.0f;
          for (int i = 0; i < hs; i++) {
            s += qkv[vo + i] * go[i];
            dqkv[vo + i] += a[t2] * go[i];
          }
          da[t2] = s;
        }
        /* through the softmax, then the scaled dot products */
        float dot = 0.0f;
        for (int t2 = 0; t2 < vis; t2++) dot += a[t2] * da[t2];
        for (int t2 = 0; t2 < vis; t2++) {
          float dpre = a[t2] * (da[t2] - dot) * scale;
          size_t ko = ((size_t)b * T + t2) * 3 * C + C + h * hs;
          for (int i = 0; i < hs; i++) {
            dqkv[qo + i] += qkv[ko + i] * dpre;
            dqkv[ko + i] += qkv[qo + i] * dpre;
          }
        }
      }
    }
}

/* ---- embedding ---- */

void lem_embed(float *out, const float *table, const int32_t *ids, int N,
               int C) {
  for (int i = 0; i < N; i++)
    memcpy(out + (size_t)i * C, table + (size_t)ids[i] * C,
           (size_t)C * sizeof(float));
}

void lem_embed_backward(float *dtable, const float *dout, const int32_t *ids,
                        int N, int C) {
  for (int i = 0; i < N; i++) {
    float *d = dtable + (size_t)ids[i] * C;
    const float *g = dout + (size_t)i * C;
    for (int c = 0; c < C; c++) d[c] += g[c];
  }
}

/* ---- cross-entropy ---- */

/* log of the softmax normalizer, computed stably */
static float logsumexp(const float *x, int n) {
  float mx = -INFINITY, s = 0.0f;
  for (int i = 0; i < n; i++) mx = x[i] > mx ? x[i] : mx;
  for (int i = 0; i < n; i++) s += expf(x[i] - mx);
  return mx + logf(s);
}

float lem_xent(const float *logits, const float *q, int n) {
  float lse = logsumexp(logits, n), loss = 0.0f;
  for (int i = 0; i < n; i++)
    if (q[i] != 0.0f) loss -= q[i] * (logits[i] - lse);
  return loss;
}

void lem_xent_backward(float *dlogits, const float *logits, const float *q,
                       int n, float scale) {
  float lse = logsumexp(logits, n), qsum = 0.0f;
  for (int i = 0; i < n; i++) qsum += q[i];
  for (int i = 0; i < n; i++)
    dlogits[i] += scale * (expf(logits[i] - lse) * qsum - q[i]);
}

void lem_smooth_target(float *q, int n, int target, float eps) {
  for (int i = 0; i < n; i++) q[i] = eps / (float)n;
  q[target] += 1.0f - eps;
}

/* ---- AdamW ---- */

void lem_adamw_step(const lem_adamw *o, float *param, const float *grad,
                    float *m, float *v, size_t n, int t) {
  float c1 = 1.0f - powf(o->beta1, (float)t);
  float c2 = 1.0f - powf(o->beta2, (float)t);
  for (size_t i = 0; i < n; i++) {
    float g = grad[i];
    m[i] = o->beta1 * m[i] + (1.0f - o->beta1) * g;
    v[i] = o->beta2 * v[i] + (1.0f - o->beta2) * g * g;
    float mh = m[i] / c1, vh = v[i] / c2;
    param[i] -= o->lr * (mh / (sqrtf(vh) + o->eps) + o->wd * param[i]);
  }
}

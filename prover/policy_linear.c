/*
** policy_linear.c: the linear scorer, the baseline the transformer policy
** is measured against (lemma train --model linear).  It reads the same
** tokens (lem_policy_tokenize) and is trained on the same decision points
** with the same loss (listwise cross-entropy with label smoothing), the same
** optimizer (AdamW) and the same tensor kernels (lem_linear, lem_xent).
**
** A candidate's features are a bag of its tokens: each (type, slot) token
** and each pair of neighbouring tokens is hashed into one of LIN_D
** buckets, counted, and divided by the number of tokens.  Its score is
** w . features.  Terms that depend only on the goal would be the same for
** every candidate of a decision point and cancel in the softmax, so the
** goal is used only to number the candidate's symbols.
*/
#include "policy.h"
#include "policy_impl.h"

#include <string.h>

static void features(const lem_pol_seq *s, float *x) {
  memset(x, 0, LIN_D * sizeof *x);
  uint32_t prev = 0;
  for (uint32_t t = 0; t < s->n; t++) {
    uint32_t tok = (uint32_t)s->type[t] << 8 | s->slot[t];
    x[lem_hash_mix(0x1u, tok) % LIN_D] += 1.0f;
    if (t) x[lem_hash_mix(lem_hash_mix(0x2u, prev), tok) % LIN_D] += 1.0f;
    prev = tok;
  }
  float inv = s->n ? 1.0f / (float)s->n : 0.0f;
  for (uint32_t i = 0; i < LIN_D; i++) x[i] *= inv;
}

void lin_score_seqs(lem_policy *P, const lem_pol_seq *cs, uint32_t n,
                    float *scores) {
  for (uint32_t i = 0; i < n; i += LEM_POLICY_BMAX) {
    int K = n - i < LEM_POLICY_BMAX ? (int)(n - i) : LEM_POLICY_BMAX;
    for (int k = 0; k < K; k++)
      features(&cs[i + k], P->lin_x + (size_t)k * LIN_D);
    lem_linear(scores + i, P->lin_x, P->params, NULL, K, LIN_D, 1);
  }
}

lem_policy *lem_policy_new_linear(lem_ctx *L, int train) {
  lem_policy *P = lem_calloc(L, sizeof *P);
  if (!P) return NULL;
  P->linear = 1;
  P->train = train != 0;
  P->ptotal = LIN_D;
  size_t n = (size_t)LIN_D * ((P->train ? 4 : 1) + LEM_POLICY_BMAX);
  if (lem_arena_init(L, &P->arena, n)) {
    lem_free(L, P, sizeof *P);
    return NULL;
  }
  float *b = P->arena.base; /* zero: every candidate starts even */
  memset(b, 0, n * sizeof *b);
  P->params = b;
  if (P->train) P->grads = b + LIN_D, P->m = b + 2 * LIN_D,
                P->v = b + 3 * LIN_D;
  P->lin_x = b + (size_t)LIN_D * (P->train ? 4 : 1);
  return P;
}

void lin_score_example(lem_policy *P, const lem_pol_example *e,
                       float *scores) {
  lin_score_seqs(P, e->cands, e->ncands, scores);
}

float lin_train_example(lem_policy *P, const lem_pol_example *e, float eps,
                        float scale, int *correct) {
  /* the positive (first) and the first negatives, at most BMAX in all;
     the scores do not depend on the order */
  int K = 1, pos = 0;
  features(&e->cands[e->positive], P->lin_x);
  for (uint32_t i = 0; i < e->ncands && K < LEM_POLICY_BMAX; i++)
    if (i != e->positive)
      features(&e->cands[i], P->lin_x + (size_t)K++ * LIN_D);
  float sc[LEM_POLICY_BMAX], q[LEM_POLICY_BMAX], dsc[LEM_POLICY_BMAX];
  lem_linear(sc, P->lin_x, P->params, NULL, K, LIN_D, 1);
  lem_smooth_target(q, K, pos, eps);
  float loss = lem_xent(sc, q, K);
  int best = 0;
  for (int k = 1; k < K; k++)
    if (sc[k] > sc[best]) best = k;
  *correct = best == pos;
  memset(dsc, 0, sizeof dsc);
  lem_xent_backward(dsc, sc, q, K, scale);
  lem_linear_backward(NULL, P->grads, NULL, dsc, P->lin_x, P->params, K,
                      LIN_D, 1);
  return loss;
}

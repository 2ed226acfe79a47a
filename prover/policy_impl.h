/*
** policy_impl.h: the policy model's internals, shared by policy.c (model,
** training), policy_io.c (the weights file) and nothing else.  Not a public
** header: see policy.h.
*/
#ifndef LEM_POLICY_IMPL_H
#define LEM_POLICY_IMPL_H

#include "policy.h"
#include "tensor/tensor.h"

enum { C = LEM_POLICY_WIDTH, NH = 4, NL = 2, F = 512, CACHE_N = 4096 };

/* Parameters, in the weights file's order.  Per layer, NLP of them. */
enum { P_LN1W, P_LN1B, P_QKVW, P_QKVB, P_PROJW, P_PROJB, P_LN2W, P_LN2B,
       P_FCW, P_FCB, P_FCPW, P_FCPB, NLP };
enum { P_WTE, P_WSE, P_WPE, P_L0,
       P_LNFW = P_L0 + NL * NLP, P_LNFB, P_W1, P_B1, P_W2, P_B2, NPAR };

/* Activations of the encoder.  Per layer, NLA of them. */
enum { A_LN1, A_LN1M, A_LN1R, A_QKV, A_ATTY, A_ATT, A_PROJ, A_RES2, A_LN2,
       A_LN2M, A_LN2R, A_FCH, A_FCHG, A_FCP, A_RES3, NLA };
enum { A_X0, A_LNF, A_LNFM, A_LNFR, A_L0, NACT = A_L0 + NL * NLA };

/* The head's buffers: x (K,3C), hidden (K,C), gelu (K,C), scores (K),
** goal encoding (C), candidate encodings (K,C). */
enum { H_X, H_1, H_1G, H_SC, H_G, H_ENC, NHEAD };

typedef struct cache_ent {
  int used;
  lem_pol_seq seq;
} cache_ent;

/* The linear scorer's hashed features (policy_linear.c). */
enum { LIN_D = 4096 };

struct lem_policy {
  lem_arena arena;
  int train;
  int linear;           /* 1: the linear scorer; only params, grads, m, v,
                           ptotal, step and lin_x below are used */
  float *lin_x;         /* linear: features of BMAX candidates (BMAX, LIN_D) */
  size_t psize[NPAR];   /* floats in each parameter */
  size_t ptotal;        /* floats in the parameter block, with padding */
  float *p[NPAR], *g[NPAR];
  float *params, *grads, *m, *v;  /* contiguous blocks of ptotal */
  int step;             /* AdamW steps taken */
  float *pk[NPAR];       /* the linear layers' weights packed for the gemm
                           (lem_pack_weight; NULL for other parameters),
                           by pol_pack whenever p[] changes */
  float *a[NACT], *da[NACT];
  float *h[NHEAD], *dh[NHEAD];
  int32_t tok[LEM_POLICY_BMAX * LEM_POLICY_TMAX];
  int32_t slot[LEM_POLICY_BMAX * LEM_POLICY_TMAX];
  int32_t pos[LEM_POLICY_BMAX * LEM_POLICY_TMAX];
  int32_t lens[LEM_POLICY_BMAX];
  int32_t start[LEM_POLICY_BMAX];  /* first row of each formula (rows) */
  cache_ent cache[CACHE_N];
  float *cache_enc;     /* (CACHE_N, C) */
  uint64_t hits, misses;
  uint64_t points, cands;  /* lem_policy_score's calls and candidates */
  double seconds;         /* and its CPU time */
};

/* A transformer's memory with every parameter 0 (lem_policy_new draws
** them; loading reads them).  NULL on LEM_ENOMEM. */
lem_policy *pol_alloc(lem_ctx *L, int train);
/* Pack the linear layers' weights for the gemm (pk[] from p[]): after the
** weights change (a new or loaded model, an optimizer step), so that a
** product never packs them itself. */
void pol_pack(lem_policy *P);

/* The shape of parameter i as (rows, cols). */
void pol_param_shape(int i, uint32_t *rows, uint32_t *cols);

/* The linear scorer (policy_linear.c), behind the same API. */
void lin_score_example(lem_policy *P, const lem_pol_example *e, float *scores);
void lin_score_seqs(lem_policy *P, const lem_pol_seq *cs, uint32_t n,
                    float *scores);
float lin_train_example(lem_policy *P, const lem_pol_example *e, float eps,
                        float scale, int *correct);

#endif

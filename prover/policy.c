/*
** policy.c: the learned tactic policy (see policy.h): tokenization of
** formulas, the transformer encoder and pair head on the tensor core, their
** backward pass, training with AdamW, and the candidate-encoding cache.
** The decision reader is policy_db.c and the weights file policy_io.c.
**
** All memory of a model is one arena taken at lem_policy_new: parameters,
** gradients, AdamW moments, activations and their gradients for a batch of
** LEM_POLICY_BMAX formulas of LEM_POLICY_TMAX tokens, the head's buffers
** and the cache.  Scoring and training allocate nothing.
*/
#include "policy.h"
#include "policy_impl.h"

#include <math.h>
#include <string.h>
#include <time.h>

/* ---- tokens ---- */

enum {
  TK_PAD = 0, TK_GOAL, TK_CAND, TK_AND, TK_NOT, TK_ALL, TK_VAR, TK_EQ,
  TK_APP = 8,    /* + min(arity, 3) */
  TK_CONST = 12, /* + role (LEM_ROLE_*), or + 5 when unknown */
  TK_VREC = 18,  /* a variable at a recursion position (lem_theory.recs) */
  TK_REL = 19    /* + class bucket */
};
#define REL_BUCKETS (LEM_POLICY_TYPES - TK_REL)

typedef struct tokst {
  const lem_ctx *L;
  const lem_theory *T;
  lem_pol_symmap *map;
  int as_goal;
  lem_pol_seq *out;
  lem_term vars[LEM_POLICY_SLOTS];
  uint32_t nvars;
} tokst;

static void emit(tokst *s, uint32_t type, uint32_t slot) {
  if (s->out->n >= LEM_POLICY_TMAX) return;
  s->out->type[s->out->n] = (uint8_t)type;
  s->out->slot[s->out->n] = (uint8_t)(slot < LEM_POLICY_SLOTS ? slot
                                                               : LEM_POLICY_SLOTS - 1);
  s->out->n++;
}

/* The slot of a theory symbol: its rank in the goal's order, 1-based. */
static uint32_t sym_slot(tokst *s, lem_sym sym) {
  lem_pol_symmap *m = s->map;
  for (uint32_t i = 0; i < m->n; i++)
    if (m->sym[i] == sym) return i + 1;
  if (!s->as_goal || m->n >= LEM_POLICY_SLOTS - 1) return 0;
  m->sym[m->n++] = sym;
  m->hash = lem_hash_mix(m->hash, sym);
  return m->n;
}

static uint32_t var_slot(tokst *s, lem_term v) {
  for (uint32_t i = 0; i < s->nvars; i++)
    if (s->vars[i] == v) return i + 1;
  if (s->nvars >= LEM_POLICY_SLOTS - 1) return LEM_POLICY_SLOTS - 1;
  s->vars[s->nvars++] = v;
  return s->nvars;
}

/* A relation's class: its arity and argument roles, never its name. */
static uint32_t rel_class(const tokst *s, lem_sym r, uint32_t arity) {
  uint32_t h = lem_hash_mix(0x51ed27u, arity);
  const lem_reldecl *d = s->T ? lem_theory_rel(s->T, r) : NULL;
  if (d)
    for (uint32_t i = 0; i < d->arity; i++) h = lem_hash_mix(h, d->roles[i] + 1);
  else
    h = lem_hash_mix(h, s->T && lem_theory_def(s->T, r) ? 0xdef : 0xffff);
  return TK_REL + h % REL_BUCKETS;
}

/* Term t; role: its argument role in the atom around it (-1: none), rec:
** it is at a recursion position there. */
static void tok_term(tokst *s, lem_term t, int role, int rec) {
  if (s->out->n >= LEM_POLICY_TMAX) return;
  const lem_ctx *L = s->L;
  uint32_t n = lem_term_nargs(L, t);
  const lem_term *a = lem_term_args(L, t);
  switch (lem_term_kind(L, t)) {
  case LEM_VAR: emit(s, rec ? TK_VREC : TK_VAR, var_slot(s, t)); return;
  case LEM_CONST:
    emit(s, TK_CONST + (role >= 0 && role <= LEM_ROLE_SET ? (uint32_t)role : 5),
         sym_slot(s, lem_term_sym(L, t)));
    return;
  case LEM_APP:
    emit(s, TK_APP + (n < 3 ? n : 3), sym_slot(s, lem_term_sym(L, t)));
    for (uint32_t i = 0; i < n; i++) tok_term(s, a[i], -1, 0);
    return;
  case LEM_REL: {
    lem_sym r = lem_term_sym(L, t);
    const char *name = lem_sym_name(L, r);
    const lem_reldecl *d = s->T ? lem_theory_rel(s->T, r) : NULL;
    if (name && !strcmp(name, "="))
      emit(s, TK_EQ, 0);
    else
      emit(s, rel_class(s, r, n), sym_slot(s, r));
    for (uint32_t i = 0; i < n; i++) /* only a variable is marked */
      tok_term(s, a[i], d && i < d->arity ? (int)d->roles[i] : -1,
               s->T && lem_term_kind(L, a[i]) == LEM_VAR &&
                   lem_theory_recursive_arg(s->T, L, t, i));
    return;
  }
  case LEM_AND: emit(s, TK_AND, 0); break;
  case LEM_NOT: emit(s, TK_NOT, 0); break;
  case LEM_ALL: emit(s, TK_ALL, 0); break;
  }
  for (uint32_t i = 0; i < n; i++) tok_term(s, a[i], -1, 0);
}

void lem_policy_tokenize(const lem_ctx *L, const lem_theory *T, lem_term f,
                         int as_goal, lem_pol_symmap *map, lem_pol_seq *out) {
  tokst s = {.L = L, .T = T, .map = map, .as_goal = as_goal, .out = out};
  memset(out, 0, sizeof *out);
  if (as_goal) memset(map, 0, sizeof *map);
  emit(&s, as_goal ? TK_GOAL : TK_CAND, 0);
  tok_term(&s, f, -1, 0);
}

/* ---- examples ---- */

lem_err lem_pol_data_add(lem_ctx *L, lem_pol_data *D, const lem_theory *T,
                         const lem_pol_decision *d) {
  if (d->ncands < 2) return LEM_OK;
  if (d->positive >= d->ncands)
    return lem_error(L, LEM_EINVAL, "decision point: positive %u of %u",
                     d->positive, d->ncands);
  if (LEM_GROW(L, D->ex, D->cap, D->n + 1)) return LEM_ENOMEM;
  lem_pol_example *e = &D->ex[D->n];
  e->cands = lem_malloc(L, d->ncands * sizeof *e->cands);
  if (!e->cands) return LEM_ENOMEM;
  lem_pol_symmap map;
  lem_policy_tokenize(L, T, d->goal, 1, &map, &e->goal);
  for (uint32_t i = 0; i < d->ncands; i++)
    lem_policy_tokenize(L, T, d->cands[i], 0, &map, &e->cands[i]);
  e->ncands = d->ncands;
  e->positive = d->positive;
  D->n++;
  return LEM_OK;
}

void lem_pol_data_free(lem_ctx *L, lem_pol_data *D) {
  for (uint32_t i = 0; i < D->n; i++)
    lem_free(L, D->ex[i].cands, D->ex[i].ncands * sizeof *D->ex[i].cands);
  lem_free(L, D->ex, D->cap * sizeof *D->ex);
  memset(D, 0, sizeof *D);
}

/* ---- the model's memory ---- */

/* A layout pass: count (base NULL) or hand out pointers. */
typedef struct lay {
  float *base;
  size_t used;
} lay;
static float *take(lay *y, size_t n) {
  float *p = y->base ? y->base + y->used : NULL;
  y->used += (n + 15) & ~(size_t)15;
  return p;
}

/* Parameter shapes, in file order. */
void pol_param_shape(int i, uint32_t *rows, uint32_t *cols) {
  static const uint32_t layer[NLP][2] = {
      {1, C}, {1, C}, {3 * C, C}, {1, 3 * C}, {C, C}, {1, C},
      {1, C}, {1, C}, {F, C},     {1, F},     {C, F}, {1, C}};
  if (i == P_WTE) *rows = LEM_POLICY_TYPES, *cols = C;
  else if (i == P_WSE) *rows = LEM_POLICY_SLOTS, *cols = C;
  else if (i == P_WPE) *rows = LEM_POLICY_TMAX, *cols = C;
  else if (i < P_LNFW) {
    int k = (i - P_L0) % NLP;
    *rows = layer[k][0], *cols = layer[k][1];
  } else if (i == P_LNFW || i == P_LNFB || i == P_B1) *rows = 1, *cols = C;
  else if (i == P_W1) *rows = C, *cols = 3 * C;
  else if (i == P_W2) *rows = 1, *cols = C;
  else *rows = 1, *cols = 1; /* P_B2 */
}

/* Is parameter i the weight (N,K) of a linear layer, used packed? */
static int is_linear(int i) {
  int k = i >= P_L0 && i < P_LNFW ? (i - P_L0) % NLP : -1;
  return k == P_QKVW || k == P_PROJW || k == P_FCW || k == P_FCPW ||
         i == P_W1 || i == P_W2;
}

void pol_pack(lem_policy *P) {
  for (int i = 0; i < NPAR; i++)
    if (P->pk[i]) {
      uint32_t r, c;
      pol_param_shape(i, &r, &c);
      lem_pack_weight(P->pk[i], P->p[i], (int)r, (int)c);
    }
}

/* Activation widths per row of a batch (ATT: NH*TMAX per row). */
static size_t act_width(int a) {
  if (a < A_L0) return a == A_LNFM || a == A_LNFR ? 1 : C;
  switch ((a - A_L0) % NLA) {
  case A_LN1M: case A_LN1R: case A_LN2M: case A_LN2R: return 1;
  case A_QKV: return 3 * C;
  case A_ATT: return (size_t)NH * LEM_POLICY_TMAX;
  case A_FCH: case A_FCHG: return F;
  default: return C;
  }
}

static void layout(lem_policy *P, lay *y) {
  size_t total = 0;
  for (int i = 0; i < NPAR; i++) {
    uint32_t r, c;
    pol_param_shape(i, &r, &c);
    P->psize[i] = (size_t)r * c;
    total += (P->psize[i] + 15) & ~(size_t)15;
  }
  P->ptotal = total;
  float *blocks[4] = {NULL, NULL, NULL, NULL};
  for (int b = 0; b < (P->train ? 4 : 1); b++) blocks[b] = take(y, total);
  size_t off = 0;
  for (int i = 0; i < NPAR; i++) {
    P->p[i] = blocks[0] ? blocks[0] + off : NULL;
    P->g[i] = blocks[1] ? blocks[1] + off : NULL;
    off += (P->psize[i] + 15) & ~(size_t)15;
  }
  P->params = blocks[0], P->grads = blocks[1], P->m = blocks[2], P->v = blocks[3];
  for (int i = 0; i < NPAR; i++)
    if (is_linear(i)) {
      uint32_t r, c;
      pol_param_shape(i, &r, &c);
      P->pk[i] = take(y, lem_packed_size((int)r, (int)c));
    }
  size_t rows = (size_t)LEM_POLICY_BMAX * LEM_POLICY_TMAX;
  for (int a = 0; a < NACT; a++) {
    P->a[a] = take(y, rows * act_width(a));
    P->da[a] = P->train ? take(y, rows * act_width(a)) : NULL;
  }
  for (int h = 0; h < NHEAD; h++) {
    size_t w = h == H_X ? 3 * C : h == H_SC ? 1 : C;
    P->h[h] = take(y, LEM_POLICY_BMAX * w);
    P->dh[h] = take(y, LEM_POLICY_BMAX * w);
  }
  P->cache_enc = take(y, (size_t)CACHE_N * C);
}

lem_policy *pol_alloc(lem_ctx *L, int train) {
  lem_policy *P = lem_calloc(L, sizeof *P);
  if (!P) return NULL;
  P->train = train != 0;
  lay y = {0};
  layout(P, &y);
  if (lem_arena_init(L, &P->arena, y.used)) {
    lem_free(L, P, sizeof *P);
    return NULL;
  }
  y = (lay){.base = P->arena.base};
  layout(P, &y);
  return P;
}

lem_policy *lem_policy_new(lem_ctx *L, uint64_t seed, int train) {
  lem_policy *P = pol_alloc(L, train);
  if (!P) return NULL;
  lem_rng r;
  lem_rng_seed(&r, seed);
  for (int i = 0; i < NPAR; i++) {
    int k = i >= P_L0 && i < P_LNFW ? (i - P_L0) % NLP : -1;
    float std = 0.02f, fill = 0.0f;
    if (k == P_LN1W || k == P_LN2W || i == P_LNFW) std = 0.0f, fill = 1.0f;
    else if (k == P_LN1B || k == P_LN2B || k == P_QKVB || k == P_PROJB ||
             k == P_FCB || k == P_FCPB || i == P_LNFB || i == P_B1 || i == P_B2)
      std = 0.0f;
    else if (k == P_PROJW || k == P_FCPW) std = 0.02f / sqrtf(2.0f * NL);
    else if (i == P_W1) std = 1.0f / sqrtf(3.0f * C);
    else if (i == P_W2) std = 1.0f / sqrtf((float)C);
    for (size_t j = 0; j < P->psize[i]; j++)
      P->p[i][j] = std > 0.0f ? std * lem_rng_normal(&r) : fill;
  }
  pol_pack(P);
  return P;
}

void lem_policy_free(lem_ctx *L, lem_policy *P) {
  if (!P) return;
  lem_arena_free(L, &P->arena);
  lem_free(L, P, sizeof *P);
}

const char *lem_policy_kind(const lem_policy *P) {
  return P->linear ? "linear" : "transformer";
}

size_t lem_policy_nparams(const lem_policy *P) {
  if (P->linear) return LIN_D;
  size_t n = 0;
  for (int i = 0; i < NPAR; i++) n += P->psize[i];
  return n;
}

/* ---- the encoder ---- */

#define LP(P, l, k) ((P)->p[P_L0 + (l) * NLP + (k)])
#define LG(P, l, k) ((P)->g[P_L0 + (l) * NLP + (k)])
#define LA(P, l, k) ((P)->a[A_L0 + (l) * NLA + (k)])
#define LD(P, l, k) ((P)->da[A_L0 + (l) * NLA + (k)])
#define LK(P, l, k) ((P)->pk[P_L0 + (l) * NLP + (k)])

/* The token, slot and position embeddings of R rows (tok, slot, pos
** filled) into a[A_X0]. */
static void embed(lem_policy *P, int R) {
  float *x = P->a[A_X0];
  lem_embed(x, P->p[P_WTE], P->tok, R, C);
  for (int i = 0; i < R; i++) {
    const float *s = P->p[P_WSE] + (size_t)P->slot[i] * C;
    const float *q = P->p[P_WPE] + (size_t)P->pos[i] * C;
    for (int c = 0; c < C; c++) x[(size_t)i * C + c] += s[c] + q[c];
  }
}

/* The rest of layer l after attention, on n rows: projection, residual
** (res + projection), layer norm, MLP, residual. */
static void layer_tail(lem_policy *P, int l, const float *res, int n) {
  lem_linear_packed(LA(P, l, A_PROJ), LA(P, l, A_ATTY), LK(P, l, P_PROJW),
                    LP(P, l, P_PROJB), n, C, C);
  lem_add(LA(P, l, A_RES2), res, LA(P, l, A_PROJ), (size_t)n * C);
  lem_layernorm(LA(P, l, A_LN2), LA(P, l, A_LN2M), LA(P, l, A_LN2R),
                LA(P, l, A_RES2), LP(P, l, P_LN2W), LP(P, l, P_LN2B), n, C);
  lem_linear_packed(LA(P, l, A_FCH), LA(P, l, A_LN2), LK(P, l, P_FCW),
                    LP(P, l, P_FCB), n, C, F);
  lem_gelu(LA(P, l, A_FCHG), LA(P, l, A_FCH), (size_t)n * F);
  lem_linear_packed(LA(P, l, A_FCP), LA(P, l, A_FCHG), LK(P, l, P_FCPW),
                    LP(P, l, P_FCPB), n, F, C);
  lem_add(LA(P, l, A_RES3), LA(P, l, A_RES2), LA(P, l, A_FCP), (size_t)n * C);
}

/* Encode nb <= BMAX formulas for training: a padded batch, every position
** through every layer, the activations kept for encode_backward.  The
** encoding of formula b is row b*T of a[A_LNF].  Returns T, the padded
** length. */
static int encode(lem_policy *P, const lem_pol_seq *const *seqs, int nb) {
  int T = 1;
  for (int b = 0; b < nb; b++)
    if ((int)seqs[b]->n > T) T = (int)seqs[b]->n;
  int BT = nb * T;
  for (int b = 0; b < nb; b++) {
    P->lens[b] = (int32_t)seqs[b]->n;
    for (int t = 0; t < T; t++) {
      int in = t < (int)seqs[b]->n;
      P->tok[b * T + t] = in ? seqs[b]->type[t] : TK_PAD;
      P->slot[b * T + t] = in ? seqs[b]->slot[t] : 0;
      P->pos[b * T + t] = t;
    }
  }
  embed(P, BT);
  for (int l = 0; l < NL; l++) {
    const float *res = l == 0 ? P->a[A_X0] : LA(P, l - 1, A_RES3);
    lem_layernorm(LA(P, l, A_LN1), LA(P, l, A_LN1M), LA(P, l, A_LN1R), res,
                  LP(P, l, P_LN1W), LP(P, l, P_LN1B), BT, C);
    lem_linear_packed(LA(P, l, A_QKV), LA(P, l, A_LN1), LK(P, l, P_QKVW),
                      LP(P, l, P_QKVB), BT, C, 3 * C);
    lem_attention(LA(P, l, A_ATTY), LA(P, l, A_ATT), LA(P, l, A_QKV), P->lens,
                  0, nb, T, C, NH);
    layer_tail(P, l, res, BT);
  }
  lem_layernorm(P->a[A_LNF], P->a[A_LNFM], P->a[A_LNFR],
                LA(P, NL - 1, A_RES3), P->p[P_LNFW], P->p[P_LNFB], BT, C);
  return T;
}

/* Layer l's queries, keys and values of R rows (nb formulas) for
** encode_rows: in the last layer (last), the queries of the markers only,
** since no other query is read. */
static void qkv_rows(lem_policy *P, int l, int R, int nb, int last) {
  float *qkv = LA(P, l, A_QKV), *ln = LA(P, l, A_LN1);
  if (!last) {
    lem_linear_packed(qkv, ln, LK(P, l, P_QKVW), LP(P, l, P_QKVB), R, C,
                      3 * C);
    return;
  }
  lem_linear_packed_cols(qkv + C, 3 * C, ln, LK(P, l, P_QKVW),
                         LP(P, l, P_QKVB), R, C, C, 2 * C);
  /* the markers' rows of ln, gathered in place (b <= start[b]); their
  ** queries into a[PROJ] (free until the projection), then into place */
  float *q = LA(P, l, A_PROJ);
  for (int b = 0; b < nb; b++)
    memmove(ln + (size_t)b * C, ln + (size_t)P->start[b] * C,
            C * sizeof(float));
  lem_linear_packed_cols(q, C, ln, LK(P, l, P_QKVW), LP(P, l, P_QKVB), nb, C,
                         0, C);
  for (int b = 0; b < nb; b++)
    memcpy(qkv + (size_t)P->start[b] * 3 * C, q + (size_t)b * C,
           C * sizeof(float));
}

/* Encode nb <= BMAX formulas for scoring, into enc (nb, C): the formulas
** packed along the rows one after the other (no padding; attention stays
** within each), one gemm per layer for all of them.  The encoding is the
** final layer norm at a formula's marker (its first row), and attention
** is the only place rows mix, so the last layer computes queries,
** attention, projection, MLP and layer norms for the nb marker rows only
** (keys and values for all rows): the same numbers as the padded encoder,
** with about 40% of the work left out. */
static void encode_rows(lem_policy *P, const lem_pol_seq *const *seqs,
                        int nb, float *enc) {
  int R = 0;
  for (int b = 0; b < nb; b++) {
    int n = (int)seqs[b]->n;
    P->start[b] = R;
    P->lens[b] = n;
    for (int t = 0; t < n; t++) {
      P->tok[R + t] = seqs[b]->type[t];
      P->slot[R + t] = seqs[b]->slot[t];
      P->pos[R + t] = t;
    }
    R += n;
  }
  embed(P, R);
  for (int l = 0; l < NL; l++) {
    int last = l == NL - 1, rows = last ? nb : R;
    float *res = l == 0 ? P->a[A_X0] : LA(P, l - 1, A_RES3);
    lem_layernorm(LA(P, l, A_LN1), LA(P, l, A_LN1M), LA(P, l, A_LN1R), res,
                  LP(P, l, P_LN1W), LP(P, l, P_LN1B), R, C);
    qkv_rows(P, l, R, nb, last);
    lem_attention_rows(LA(P, l, A_ATTY), LA(P, l, A_QKV), P->start, P->lens,
                       last, nb, C, NH);
    if (last) {  /* the markers' residual rows, gathered (in place: b <= start[b]) */
      for (int b = 0; b < nb; b++)
        memmove(res + (size_t)b * C, res + (size_t)P->start[b] * C,
                C * sizeof(float));
    }
    layer_tail(P, l, res, rows);
  }
  lem_layernorm(enc, P->a[A_LNFM], P->a[A_LNFR], LA(P, NL - 1, A_RES3),
                P->p[P_LNFW], P->p[P_LNFB], nb, C);
}

/* Backward through encode(): da[A_LNF] holds the gradient (only the marker
** rows are non-zero).  Adds to the parameter gradients. */
static void encode_backward(lem_policy *P, int nb, int T) {
  int BT = nb * T;
  lem_layernorm_backward(LD(P, NL - 1, A_RES3), P->g[P_LNFW], P->g[P_LNFB],
                         P->da[A_LNF], LA(P, NL - 1, A_RES3), P->p[P_LNFW],
                         P->a[A_LNFM], P->a[A_LNFR], BT, C);
  for (int l = NL - 1; l >= 0; l--) {
    const float *res = l == 0 ? P->a[A_X0] : LA(P, l - 1, A_RES3);
    float *dres = l == 0 ? P->da[A_X0] : LD(P, l - 1, A_RES3);
    lem_add_backward(LD(P, l, A_RES2), LD(P, l, A_FCP), LD(P, l, A_RES3),
                     (size_t)BT * C);
    lem_linear_backward(LD(P, l, A_FCHG), LG(P, l, P_FCPW), LG(P, l, P_FCPB),
                        LD(P, l, A_FCP), LA(P, l, A_FCHG), LP(P, l, P_FCPW),
                        BT, F, C);
    lem_gelu_backward(LD(P, l, A_FCH), LA(P, l, A_FCH), LD(P, l, A_FCHG),
                      (size_t)BT * F);
    lem_linear_backward(LD(P, l, A_LN2), LG(P, l, P_FCW), LG(P, l, P_FCB),
                        LD(P, l, A_FCH), LA(P, l, A_LN2), LP(P, l, P_FCW), BT,
                        C, F);
    lem_layernorm_backward(LD(P, l, A_RES2), LG(P, l, P_LN2W),
                           LG(P, l, P_LN2B), LD(P, l, A_LN2), LA(P, l, A_RES2),
                           LP(P, l, P_LN2W), LA(P, l, A_LN2M),
                           LA(P, l, A_LN2R), BT, C);
    lem_add_backward(dres, LD(P, l, A_PROJ), LD(P, l, A_RES2), (size_t)BT * C);
    lem_linear_backward(LD(P, l, A_ATTY), LG(P, l, P_PROJW), LG(P, l, P_PROJB),
                        LD(P, l, A_PROJ), LA(P, l, A_ATTY), LP(P, l, P_PROJW),
                        BT, C, C);
    lem_attention_backward(LD(P, l, A_QKV), LD(P, l, A_ATT), LD(P, l, A_ATTY),
                           LA(P, l, A_QKV), LA(P, l, A_ATT), P->lens, 0, nb,
                           T, C, NH);
    lem_linear_backward(LD(P, l, A_LN1), LG(P, l, P_QKVW), LG(P, l, P_QKVB),
                        LD(P, l, A_QKV), LA(P, l, A_LN1), LP(P, l, P_QKVW), BT,
                        C, 3 * C);
    lem_layernorm_backward(dres, LG(P, l, P_LN1W), LG(P, l, P_LN1B),
                           LD(P, l, A_LN1), res, LP(P, l, P_LN1W),
                           LA(P, l, A_LN1M), LA(P, l, A_LN1R), BT, C);
  }
  lem_embed_backward(P->g[P_WTE], P->da[A_X0], P->tok, BT, C);
  lem_embed_backward(P->g[P_WSE], P->da[A_X0], P->slot, BT, C);
  lem_embed_backward(P->g[P_WPE], P->da[A_X0], P->pos, BT, C);
}

/* Zero the activation gradients a batch of nb x T uses. */
static void zero_dacts(lem_policy *P, int nb, int T) {
  for (int a = 0; a < NACT; a++) {
    size_t w = act_width(a);
    if (a >= A_L0 && (a - A_L0) % NLA == A_ATT) w = (size_t)NH * T;
    memset(P->da[a], 0, (size_t)nb * T * w * sizeof(float));
  }
}

/* ---- the pair head ---- */

/* Scores (K) of candidates enc (K,C) against the goal g (C), into h[H_SC]. */
static void head(lem_policy *P, const float *g, const float *enc, int K) {
  float *x = P->h[H_X];
  for (int k = 0; k < K; k++) {
    float *xk = x + (size_t)k * 3 * C;
    const float *ck = enc + (size_t)k * C;
    for (int c = 0; c < C; c++) {
      xk[c] = g[c];
      xk[C + c] = ck[c];
      xk[2 * C + c] = g[c] * ck[c];
    }
  }
  lem_linear_packed(P->h[H_1], x, P->pk[P_W1], P->p[P_B1], K, 3 * C, C);
  lem_gelu(P->h[H_1G], P->h[H_1], (size_t)K * C);
  lem_linear_packed(P->h[H_SC], P->h[H_1G], P->pk[P_W2], P->p[P_B2], K, C, 1);
}

/* Backward from dh[H_SC]: dg (C) and denc (K,C) are added to. */
static void head_backward(lem_policy *P, const float *g, const float *enc,
                          int K, float *dg, float *denc) {
  memset(P->dh[H_X], 0, (size_t)K * 3 * C * sizeof(float));
  memset(P->dh[H_1], 0, (size_t)K * C * sizeof(float));
  memset(P->dh[H_1G], 0, (size_t)K * C * sizeof(float));
  lem_linear_backward(P->dh[H_1G], P->g[P_W2], P->g[P_B2], P->dh[H_SC],
                      P->h[H_1G], P->p[P_W2], K, C, 1);
  lem_gelu_backward(P->dh[H_1], P->h[H_1], P->dh[H_1G], (size_t)K * C);
  lem_linear_backward(P->dh[H_X], P->g[P_W1], P->g[P_B1], P->dh[H_1],
                      P->h[H_X], P->p[P_W1], K, 3 * C, C);
  for (int k = 0; k < K; k++) {
    const float *dx = P->dh[H_X] + (size_t)k * 3 * C, *ck = enc + (size_t)k * C;
    float *dck = denc + (size_t)k * C;
    for (int c = 0; c < C; c++) {
      dg[c] += dx[c] + dx[2 * C + c] * ck[c];
      dck[c] += dx[C + c] + dx[2 * C + c] * g[c];
    }
  }
}

/* ---- scoring ---- */

static void softmax_inplace(float *s, uint32_t n) {
  float mx = -INFINITY, sum = 0.0f;
  for (uint32_t i = 0; i < n; i++) mx = s[i] > mx ? s[i] : mx;
  for (uint32_t i = 0; i < n; i++) sum += s[i] = expf(s[i] - mx);
  for (uint32_t i = 0; i < n; i++) s[i] /= sum;
}

/* Score K <= BMAX-1 candidate sequences against goal sequence gs; scores
** into out (K).  Encodes them all in one batch: h[H_ENC] gets the goal's
** encoding in row 0, the candidates' after it. */
static void score_batch(lem_policy *P, const lem_pol_seq *gs,
                        const lem_pol_seq *const *cs, int K, float *out) {
  const lem_pol_seq *seqs[LEM_POLICY_BMAX];
  seqs[0] = gs;
  for (int k = 0; k < K; k++) seqs[1 + k] = cs[k];
  float *enc = P->h[H_ENC];
  encode_rows(P, seqs, 1 + K, enc);
  head(P, enc, enc + C, K);
  memcpy(out, P->h[H_SC], (size_t)K * sizeof(float));
}

void lem_policy_score_example(lem_policy *P, const lem_pol_example *e,
                              float *probs) {
  if (P->linear) {
    lin_score_example(P, e, probs);
    softmax_inplace(probs, e->ncands);
    return;
  }
  const lem_pol_seq *cs[LEM_POLICY_BMAX];
  for (uint32_t i = 0; i < e->ncands; i += LEM_POLICY_BMAX - 1) {
    int K = 0;
    for (uint32_t j = i; j < e->ncands && K < LEM_POLICY_BMAX - 1; j++)
      cs[K++] = &e->cands[j];
    score_batch(P, &e->goal, cs, K, probs + i);
  }
  softmax_inplace(probs, e->ncands);
}

/* The cache is keyed by the token sequence itself: equal tokens give an
** equal encoding, whatever formula, goal or context they came from. */
static int cache_find(lem_policy *P, const lem_pol_seq *s, uint32_t *idx) {
  uint32_t h = lem_hash_bytes(s->type, s->n, s->n);
  h = lem_hash_bytes(s->slot, s->n, h);
  *idx = h & (CACHE_N - 1);
  cache_ent *c = &P->cache[*idx];
  int hit = c->used && c->seq.n == s->n && !memcmp(c->seq.type, s->type, s->n) &&
            !memcmp(c->seq.slot, s->slot, s->n);
  if (hit) P->hits++;
  else P->misses++;
  return hit;
}

static void cache_put(lem_policy *P, uint32_t idx, const lem_pol_seq *s,
                      const float *enc) {
  P->cache[idx].used = 1;
  P->cache[idx].seq = *s;
  memcpy(P->cache_enc + (size_t)idx * C, enc, C * sizeof(float));
}

/* The calling thread's CPU time in seconds (the machine may be shared). */
static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void score(lem_ctx *L, lem_policy *P, const lem_theory *T,
                  lem_term goal, const lem_term *cands, uint32_t ncands,
                  float *probs);

lem_err lem_policy_score(lem_ctx *L, lem_policy *P, const lem_theory *T,
                         lem_term goal, const lem_term *cands,
                         uint32_t ncands, float *probs) {
  if (ncands == 0) return lem_error(L, LEM_EINVAL, "policy: no candidates");
  double t0 = cpu_now();
  score(L, P, T, goal, cands, ncands, probs);
  P->seconds += cpu_now() - t0;
  P->points++;
  P->cands += ncands;
  return LEM_OK;
}

void lem_policy_stats_get(const lem_policy *P, lem_policy_stats *s) {
  *s = (lem_policy_stats){.points = P->points, .cands = P->cands,
                          .hits = P->hits, .misses = P->misses,
                          .seconds = P->seconds};
}

static void score(lem_ctx *L, lem_policy *P, const lem_theory *T,
                  lem_term goal, const lem_term *cands, uint32_t ncands,
                  float *probs) {
  lem_pol_symmap map;
  lem_pol_seq gs;
  lem_policy_tokenize(L, T, goal, 1, &map, &gs);
  if (P->linear) {
    lem_pol_seq seq[LEM_POLICY_BMAX];
    for (uint32_t i = 0; i < ncands; i += LEM_POLICY_BMAX) {
      uint32_t K = ncands - i < LEM_POLICY_BMAX ? ncands - i : LEM_POLICY_BMAX;
      for (uint32_t k = 0; k < K; k++)
        lem_policy_tokenize(L, T, cands[i + k], 0, &map, &seq[k]);
      lin_score_seqs(P, seq, K, probs + i);
    }
    softmax_inplace(probs, ncands);
    return;
  }
  /* The goal and the candidates missing from the cache go through the
  ** encoder together: one batch (rows of all of them) per chunk of
  ** BMAX-1 candidates, the goal with the first chunk. */
  float g[C];
  uint32_t gi;
  int gmiss = !cache_find(P, &gs, &gi);
  if (!gmiss) memcpy(g, P->cache_enc + (size_t)gi * C, sizeof g);
  for (uint32_t i = 0; i < ncands; i += LEM_POLICY_BMAX - 1) {
    uint32_t K = ncands - i < LEM_POLICY_BMAX - 1 ? ncands - i
                                                  : LEM_POLICY_BMAX - 1;
    const lem_pol_seq *batch[LEM_POLICY_BMAX];
    lem_pol_seq seq[LEM_POLICY_BMAX - 1];
    uint32_t idx[LEM_POLICY_BMAX - 1], who[LEM_POLICY_BMAX - 1];
    int dup[LEM_POLICY_BMAX - 1], nm = 0, ng = gmiss && i == 0;
    float *enc = P->h[H_ENC], *out = P->dh[H_X]; /* dh[H_X]: (BMAX, 3C) scratch */
    if (ng) batch[0] = &gs;
    for (uint32_t k = 0; k < K; k++) {
      dup[k] = -1;
      lem_policy_tokenize(L, T, cands[i + k], 0, &map, &seq[k]);
      if (cache_find(P, &seq[k], &idx[k])) {
        memcpy(enc + (size_t)k * C, P->cache_enc + (size_t)idx[k] * C,
               C * sizeof(float));
        continue;
      }
      int j = 0;  /* a repeat of a miss in this chunk is encoded once */
      while (j < nm && idx[who[j]] != idx[k]) j++;
      if (j < nm && !memcmp(&seq[who[j]], &seq[k], sizeof seq[k])) {
        dup[k] = j;
        P->misses--, P->hits++;
        continue;
      }
      batch[ng + nm] = &seq[k];
      who[nm++] = k;
    }
    if (ng + nm) encode_rows(P, batch, ng + nm, out);
    if (ng) {
      memcpy(g, out, sizeof g);
      cache_put(P, gi, &gs, g);
    }
    for (int j = 0; j < nm; j++) {
      const float *e = out + (size_t)(ng + j) * C;
      memcpy(enc + (size_t)who[j] * C, e, C * sizeof(float));
      cache_put(P, idx[who[j]], &seq[who[j]], e);
    }
    for (uint32_t k = 0; k < K; k++)
      if (dup[k] >= 0)
        memcpy(enc + (size_t)k * C, enc + (size_t)who[dup[k]] * C,
               C * sizeof(float));
    head(P, g, enc, (int)K);
    memcpy(probs + i, P->h[H_SC], K * sizeof(float));
  }
  softmax_inplace(probs, ncands);
}

lem_err lem_policy_encode(lem_ctx *L, lem_policy *P, const lem_pol_seq *seqs,
                          uint32_t n, uint32_t batch, int padded, float *out) {
  if (P->linear)
    return lem_error(L, LEM_EINVAL, "policy: the linear scorer has no encoder");
  if (batch == 0 || batch > LEM_POLICY_BMAX) batch = LEM_POLICY_BMAX;
  for (uint32_t i = 0; i < n; i += batch) {
    uint32_t nb = n - i < batch ? n - i : batch;
    const lem_pol_seq *b[LEM_POLICY_BMAX];
    for (uint32_t k = 0; k < nb; k++) b[k] = &seqs[i + k];
    if (!padded) {
      encode_rows(P, b, (int)nb, out + (size_t)i * C);
      continue;
    }
    int T = encode(P, b, (int)nb);
    for (uint32_t k = 0; k < nb; k++)
      memcpy(out + (size_t)(i + k) * C, P->a[A_LNF] + (size_t)k * T * C,
             C * sizeof(float));
  }
  return LEM_OK;
}

/* ---- training ---- */

void lem_train_opts_default(lem_train_opts *o) {
  *o = (lem_train_opts){.seed = 1, .epochs = 10, .batch = 8, .lr = 1e-3f,
                        .wd = 0.01f, .smoothing = 0.1f};
}

static int argmax(const float *s, uint32_t n) {
  int best = 0;
  for (uint32_t i = 1; i < n; i++)
    if (s[i] > s[best]) best = (int)i;
  return best;
}

/* Forward and backward of one example (at most BMAX-1 candidates, or
** negs + 1 when negs > 0: the positive and a seeded choice of the others),
** adding scale * the gradient
** of its loss.  Returns the loss; *correct gets whether top-1 is right. */
static float train_example(lem_policy *P, const lem_pol_example *e,
                           float eps, float scale, uint32_t negs, lem_rng *r,
                           int *correct) {
  uint32_t pick[LEM_POLICY_BMAX - 1], K = 0, pos = 0;
  const lem_pol_seq *seqs[LEM_POLICY_BMAX];
  uint32_t need = LEM_POLICY_BMAX - 2;
  if (negs && negs < need) need = negs;
  if (e->ncands <= need + 1) {
    for (uint32_t i = 0; i < e->ncands; i++) pick[K++] = i;
    pos = e->positive;
  } else {
    /* reservoir sample of the negatives, then the positive in front */
    uint32_t seen = 0;
    pick[K++] = e->positive;
    for (uint32_t i = 0; i < e->ncands; i++) {
      if (i == e->positive) continue;
      if (seen < need) pick[1 + seen] = i;
      else {
        uint32_t j = lem_rng_u32(r) % (seen + 1);
        if (j < need) pick[1 + j] = i;
      }
      seen++;
    }
    K = 1 + need;
  }
  seqs[0] = &e->goal;
  for (uint32_t k = 0; k < K; k++) seqs[1 + k] = &e->cands[pick[k]];
  int nb = (int)K + 1, T = encode(P, seqs, nb);
  float *g = P->h[H_G], *enc = P->h[H_ENC];
  memcpy(g, P->a[A_LNF], C * sizeof(float));
  for (uint32_t k = 0; k < K; k++)
    memcpy(enc + (size_t)k * C, P->a[A_LNF] + (size_t)(1 + k) * T * C,
           C * sizeof(float));
  head(P, g, enc, (int)K);
  float q[LEM_POLICY_BMAX];
  lem_smooth_target(q, (int)K, (int)pos, eps);
  float loss = lem_xent(P->h[H_SC], q, (int)K);
  *correct = argmax(P->h[H_SC], K) == (int)pos;
  memset(P->dh[H_SC], 0, K * sizeof(float));
  lem_xent_backward(P->dh[H_SC], P->h[H_SC], q, (int)K, scale);
  float *dg = P->dh[H_G], *denc = P->dh[H_ENC];
  memset(dg, 0, C * sizeof(float));
  memset(denc, 0, (size_t)K * C * sizeof(float));
  head_backward(P, g, enc, (int)K, dg, denc);
  zero_dacts(P, nb, T);
  memcpy(P->da[A_LNF], dg, C * sizeof(float));
  for (uint32_t k = 0; k < K; k++)
    memcpy(P->da[A_LNF] + (size_t)(1 + k) * T * C, denc + (size_t)k * C,
           C * sizeof(float));
  encode_backward(P, nb, T);
  return loss;
}

void lem_policy_eval(lem_policy *P, const lem_pol_data *D, float *loss,
                     float *acc) {
  double l = 0.0;
  uint32_t right = 0;
  float probs[4096];
  uint32_t used = 0;
  for (uint32_t i = 0; i < D->n; i++) {
    const lem_pol_example *e = &D->ex[i];
    if (e->ncands > 4096) continue;
    lem_policy_score_example(P, e, probs);
    l -= log(probs[e->positive] > 1e-30f ? probs[e->positive] : 1e-30);
    right += argmax(probs, e->ncands) == (int)e->positive;
    used++;
  }
  *loss = used ? (float)(l / used) : 0.0f;
  *acc = used ? (float)right / (float)used : 0.0f;
}

lem_err lem_policy_train(lem_ctx *L, lem_policy *P, const lem_pol_data *D,
                         const lem_train_opts *o,
                         void (*report)(void *ud, uint32_t epoch, float loss,
                                        float acc),
                         void *ud) {
  if (!P->train) return lem_error(L, LEM_EINVAL, "policy: not made for training");
  if (D->n == 0) return lem_error(L, LEM_EINVAL, "policy: no training examples");
  uint32_t *order = lem_malloc(L, D->n * sizeof *order);
  if (!order) return LEM_ENOMEM;
  lem_rng r;
  lem_rng_seed(&r, o->seed);
  lem_adamw opt = {.lr = o->lr, .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-8f,
                   .wd = o->wd};
  uint32_t batch = o->batch ? o->batch : 1;
  for (uint32_t i = 0; i < D->n; i++) order[i] = i;
  for (uint32_t ep = 1; ep <= o->epochs; ep++) {
    for (uint32_t i = D->n; i > 1; i--) {  /* Fisher-Yates, seeded */
      uint32_t j = lem_rng_u32(&r) % i, t = order[i - 1];
      order[i - 1] = order[j];
      order[j] = t;
    }
    double sum = 0.0;
    uint32_t right = 0;
    for (uint32_t s = 0; s < D->n; s += batch) {
      uint32_t nb = D->n - s < batch ? D->n - s : batch;
      memset(P->grads, 0, P->ptotal * sizeof(float));
      for (uint32_t k = 0; k < nb; k++) {
        int ok;
        const lem_pol_example *e = &D->ex[order[s + k]];
        sum += P->linear ? lin_train_example(P, e, o->smoothing,
                                             1.0f / (float)nb, &ok)
                         : train_example(P, e, o->smoothing,
                                         1.0f / (float)nb, o->negatives, &r,
                                         &ok);
        right += (uint32_t)ok;
      }
      lem_adamw_step(&opt, P->params, P->grads, P->m, P->v, P->ptotal,
                     ++P->step);
      pol_pack(P);
    }
    if (report) report(ud, ep, (float)(sum / D->n), (float)right / (float)D->n);
  }
  lem_free(L, order, D->n * sizeof *order);
  return LEM_OK;
}

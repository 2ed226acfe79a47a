/*
** side.c: side goals settled by Z3.  See side.h.
*/
#include "side.h"

#include <stdio.h>
#include <string.h>

lem_err pv_side_init(pv_side *D, lem_ctx *L, const lem_theory *T) {
  memset(D, 0, sizeof *D);
  D->L = L;
  lem_err e = smt_model_from_theory(L, T, &D->M);
  if (e) return e;
  if (!(D->S = smt_solver_new(L))) return L->err;
  /* side goals are small ground facts: a short, deterministic limit */
  if (smt_solver_set_rlimit(D->S, SMT_DEFAULT_RLIMIT / 4) ||
      smt_solver_set_timeout(D->S, 5000))
    return L->err;
  return LEM_OK;
}

void pv_side_free(pv_side *D) {
  if (!D->L) return;
  for (uint32_t i = 0; i < D->nrec; i++)
    lem_free(D->L, D->rec[i].query, D->rec[i].qlen + 1);
  lem_free(D->L, D->rec, (size_t)D->caprec * sizeof *D->rec);
  smt_solver_free(D->S);
  memset(D, 0, sizeof *D);
}

static int is_literal(lem_ctx *L, lem_term f) {
  if (lem_term_kind(L, f) == LEM_NOT) f = lem_term_arg(L, f, 0);
  return lem_term_kind(L, f) == LEM_REL;
}

/* Count f's conjuncts into *n; 0 when one is not a literal. */
static int literals(lem_ctx *L, lem_term f, uint32_t *n) {
  if (lem_term_kind(L, f) == LEM_AND)
    return literals(L, lem_term_arg(L, f, 0), n) &&
           literals(L, lem_term_arg(L, f, 1), n);
  ++*n;
  return is_literal(L, f);
}

/* (>[x..](lits)(...(>[y..](lits)(literal)))) or a literal, within the
** limits below (more is no side goal, not an error). */
static int side_shape(lem_ctx *L, lem_term f) {
  uint32_t nlits = 0, levels = 0;
  while (lem_term_kind(L, f) == LEM_ALL) {
    if (++levels > 16 || lem_all_nvars(L, f) > 64 ||
        !literals(L, lem_all_prem(L, f), &nlits) || nlits > 256)
      return 0;
    f = lem_all_concl(L, f);
  }
  return is_literal(L, f);
}

typedef struct hyps {
  pv_fid id[256];
  lem_term f[256];
  uint32_t n;
} hyps;

static int split(pv_prover *P, uint32_t c, lem_term h, hyps *H) {
  lem_ctx *L = P->L;
  if (lem_term_kind(L, h) == LEM_AND)
    return split(P, c, lem_term_arg(L, h, 0), H) ||
           split(P, c, lem_term_arg(L, h, 1), H);
  if (H->n == 256) return -1;
  pv_block *B = &P->E.blocks[c];
  pv_fid *nh = lem_realloc(L, B->hyps, B->nhyps * sizeof *nh,
                           (B->nhyps + 1) * sizeof *nh);
  if (!nh) return -1;
  B->hyps = nh;
  pv_fid id = pv_add_new(&P->E, c, h, PV_HYP, NULL, 0);
  if (!id) return -1;
  P->E.blocks[c].hyps[P->E.blocks[c].nhyps++] = id;
  H->id[H->n] = id;
  H->f[H->n++] = h;
  return 0;
}

/* Open f's quantifier levels as intro blocks under b, collecting the
** hypotheses; *inner is the final literal over the constants, *blk its
** block.  The levels' blocks are returned in lv (for the intro facts). */
typedef struct level {
  uint32_t parent, block;
  lem_term f;
  lem_binding sub[64];
  uint32_t nv;
} level;

static int open_levels(pv_prover *P, uint32_t b, lem_term f, hyps *H,
                       level *lv, uint32_t *nlv, lem_term *inner) {
  lem_ctx *L = P->L;
  pv_eng *E = &P->E;
  lem_subst s;
  lem_subst_init(&s);
  int rc = 0;
  *nlv = 0;
  while (!rc && lem_term_kind(L, f) == LEM_ALL) {
    if (*nlv == 16) {
      rc = -1;
      break;
    }
    level *v = &lv[(*nlv)++];
    v->parent = b;
    v->f = lem_subst_apply(L, &s, f); /* over the outer levels' constants */
    v->nv = lem_all_nvars(L, f);
    if (!v->f) {
      rc = -1;
      break;
    }
    uint32_t c = pv_block_new(E, b);
    if (!c) rc = -1;
    else E->blocks[c].kind = PV_BK_INTRO;
    v->block = c;
    for (uint32_t i = 0; !rc && i < v->nv; i++) {
      lem_term x = lem_term_arg(L, f, i);
      lem_term k = pv_block_const(E, c, lem_term_sym(L, x));
      if (!k || lem_subst_bind(L, &s, x, k)) rc = -1;
      else v->sub[i] = (lem_binding){x, k};
    }
    lem_term prem = rc ? 0 : lem_subst_apply(L, &s, lem_all_prem(L, f));
    if (!rc && (!prem || split(P, c, prem, H))) rc = -1;
    f = lem_all_concl(L, f);
    b = c;
  }
  if (!rc && !(*inner = lem_subst_apply(L, &s, f))) rc = -1;
  lem_subst_free(L, &s);
  return rc;
}

static void refuse(pv_side *D, const char *what, const char *detail) {
  snprintf(D->why, sizeof D->why, "%s%s%s", what, detail ? ": " : "",
           detail ? detail : "");
}

pv_fid pv_side_prove(pv_prover *P, lem_term goal, int *err) {
  lem_ctx *L = P->L;
  pv_eng *E = &P->E;
  pv_side *D = P->side;
  if (!D || !D->S || !side_shape(L, goal)) return 0;
  /* ground and true in the model?  Judged on the goal itself, so that
     nothing is made in the engine for a goal that is no side goal. */
  lem_term prem[16], last = goal;
  uint32_t np = 0;
  for (; lem_term_kind(L, last) == LEM_ALL; last = lem_all_concl(L, last))
    prem[np++] = lem_all_prem(L, last);
  int holds = -1;
  lem_err e = smt_eval_qf(L, &D->M, np, prem, last, &holds);
  if (e == LEM_ENOMEM) goto fail;
  if (e || holds != 1) {
    refuse(D, e ? "not a ground side goal" : "false in the model",
           e ? lem_errmsg(L) : NULL);
    lem_clear_error(L); /* the reason is kept in D->why */
    return 0;
  }
  hyps H;
  H.n = 0;
  level lv[16];
  uint32_t nlv = 0;
  lem_term inner = LEM_NOTERM;
  if (open_levels(P, P->root, goal, &H, lv, &nlv, &inner)) goto fail;
  uint32_t blk = nlv ? lv[nlv - 1].block : P->root;
  D->asked++;
  smt_result r = SMT_RESULT_INIT;
  smt_verdict v = smt_prove_qf(D->S, &D->M, H.n, H.f, inner, &r);
  if (v != SMT_PROVED || !r.query) {
    if (v == SMT_UNDECIDED) D->undecided++;
    else D->failed++;
    refuse(D, smt_status_name(r.status), r.text);
    smt_result_free(L, &r);
    return 0;
  }
  D->proved++;
  if (LEM_GROW(L, D->rec, D->caprec, D->nrec + 1)) {
    smt_result_free(L, &r);
    goto fail;
  }
  D->rec[D->nrec] = (pv_side_rec){r.query, r.querylen};
  r.query = NULL; /* now the record's */
  smt_result_free(L, &r);
  uint32_t rec = D->nrec++;
  pv_fid id = pv_add_new(E, blk, inner, PV_SMT, H.id, H.n);
  if (!id) goto fail;
  E->facts[id].aux = rec;
  /* close the levels, innermost first */
  for (uint32_t i = nlv; i-- > 0;) {
    id = pv_add_raw(E, lv[i].parent, lv[i].f, PV_INTRO, &id, 1, lv[i].sub,
                    lv[i].nv, lv[i].block, 0);
    if (!id) goto fail;
  }
  return id;
fail:
  if (!E->out_of_budget) *err = 1;
  return 0;
}

const char *pv_side_query(const pv_prover *P, pv_fid id) {
  const pv_side *D = P->side;
  if (!D || !id || id > P->E.nfacts || P->E.facts[id].how != PV_SMT ||
      P->E.facts[id].aux >= D->nrec)
    return NULL;
  return D->rec[P->E.facts[id].aux].query;
}

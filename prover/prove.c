/*
** prove.c: goal-directed proving, induction, theorem reuse, proof
** extraction and readable printing.  See prove.h.
*/
#include "prove.h"
#include "policy.h"
#include "side.h"

#include <math.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

const char *pv_how_name(pv_how how) {
  switch (how) {
    case PV_AXIOM: return "axiom";
    case PV_THEOREM: return "theorem";
    case PV_HYP: return "hyp";
    case PV_EXPAND: return "expand";
    case PV_AND_L: return "and_l";
    case PV_AND_R: return "and_r";
    case PV_MP: return "mp";
    case PV_EXISTS: return "exists";
    case PV_EQ_SUBST: return "eq_subst";
    case PV_EQ_SYM: return "eq_sym";
    case PV_CONTRA: return "contra";
    case PV_INTRO: return "intro";
    case PV_INDUCT: return "induct";
    case PV_REIT: return "reit";
    case PV_SMT: return "smt";
    case PV_FOLD: return "fold";
    case PV_NEG_INTRO: return "neg_intro";
  }
  return "?";
}

/* ---- set-up ---- */

/* The operation argument of atom a (role op), or LEM_NOTERM. */
static lem_term atom_op(pv_prover *P, lem_term a) {
  return lem_atom_op(P->L, P->T, a);
}

/* Where the axiom recurses: the recursion positions of the root block's
** rules (lem_rule_recursions; T's own list, read from the axiom's formula,
** may hold more). */
static int find_recursions(pv_prover *P) {
  pv_eng *E = &P->E;
  for (uint32_t r = 1; r <= E->nrules; r++)
    if (E->facts[E->rules[r].fact].block == P->root &&
        lem_rule_recursions(P->L, P->T, P->ind.succ, P->ind.x, P->ind.y,
                            E->facts[E->rules[r].fact].f, &P->recs, &P->nrecs,
                            &P->caprecs))
      return -1;
  return 0;
}

/* How often goal variable v sits at a recursion position in the goal. */
static uint32_t rec_score(pv_prover *P, lem_term goal, lem_term v) {
  lem_ctx *L = P->L;
  lem_atoms prem = {0}, concl = {0};
  lem_rule_atoms(L, goal, &prem, &concl);
  uint32_t score = 0;
  for (uint32_t side = 0; side < 2; side++) {
    const lem_atoms *as = side ? &concl : &prem;
    for (uint32_t k = 0; k < as->n; k++) {
      lem_term a = as->a[k];
      for (uint32_t r = 0; r < P->nrecs; r++) {
        const pv_recpos *R = &P->recs[r];
        if (R->rel == lem_term_sym(L, a) && R->op == atom_op(P, a) &&
            lem_term_arg(L, a, R->pos) == v)
          score++;
      }
    }
  }
  return score;
}

lem_err pv_prover_init(pv_prover *P, lem_ctx *L, const lem_theory *T,
                       const pv_induction *ind, const pv_opts *opts) {
  memset(P, 0, sizeof *P);
  P->L = L;
  P->T = T;
  if (opts) P->opts = *opts;
  if (pv_eng_init(&P->E, L, T)) return L->err;
  if (opts) P->E.lim = opts->lim;
  if (ind) {
    P->ind = *ind;
    P->has_ind = 1;
  } else if (T->has_induction) {
    P->ind = (pv_induction){T->ind_member, T->ind_succ, T->ind_zero,
                            T->ind_x, T->ind_y};
    P->has_ind = 1;
  }
  if (!(P->root = pv_block_new(&P->E, 0))) return L->err;
  if (T->axiom) {
    P->axiom = pv_add(&P->E, P->root, T->axiom, PV_AXIOM, NULL, 0, NULL, 0, 0,
                      0);
    if (!P->axiom) return L->err ? L->err : lem_error(L, LEM_ELIMIT, "budget");
  }
  if (pv_saturate(&P->E, P->root, LEM_NOTERM) < 0) return L->err;
  return P->has_ind && find_recursions(P) ? L->err : LEM_OK;
}

void pv_prover_free(pv_prover *P) {
  lem_ctx *L = P->L;
  if (!L) return;
  for (uint32_t i = 0; i < P->nthms; i++) {
    lem_free(L, P->thms[i].choices,
             P->thms[i].nchoices * sizeof *P->thms[i].choices);
    lem_free(L, P->thms[i].prem, P->thms[i].nprem * sizeof *P->thms[i].prem);
  }
  lem_free(L, P->thms, P->capthms * sizeof *P->thms);
  lem_map_free(L, &P->thm_of_fact);
  lem_free(L, P->recs, P->caprecs * sizeof *P->recs);
  pv_eng_free(&P->E);
  memset(P, 0, sizeof *P);
}

/* ---- undoing normal forms for a target ---- */

/* The fact =[r, m] for m in r's class in block b (r = root of m). */
static pv_fid eq_root_to(pv_eng *E, uint32_t b, lem_term m) {
  lem_ctx *L = E->L;
  uint32_t why, p;
  if (!lem_map_get(&E->blocks[b].ufwhy, m, &why)) return 0;
  pv_fid e = why; /* =[m, p1] */
  lem_map_get(&E->blocks[b].uf, m, &p);
  for (lem_term cur = p; lem_map_get(&E->blocks[b].uf, cur, &p);) {
    uint32_t w;
    lem_map_get(&E->blocks[b].ufwhy, cur, &w); /* =[cur, next] */
    lem_term k[2] = {m, p};
    lem_term g = lem_mk_rel(L, E->eq, 2, k);
    pv_fid pr[2] = {w, e};
    if (!g) return 0;
    /* raw: =[m, p] is not in normal form, so pv_add would fold it away */
    e = pv_add_raw(E, b, g, PV_EQ_SUBST, pr, 2, NULL, 0, 0, 0);
    if (!e) return 0;
    cur = p;
  }
  lem_term r = lem_term_arg(L, E->facts[e].f, 1);
  lem_term k[2] = {r, m};
  lem_term g = lem_mk_rel(L, E->eq, 2, k);
  return g ? pv_add_raw(E, b, g, PV_EQ_SYM, &e, 1, NULL, 0, 0, 0) : 0;
}

/* The atom (or negated atom) at of f's argument i replaced by c. */
static lem_term with_arg(lem_ctx *L, lem_term f, uint32_t i, lem_term c) {
  if (lem_term_kind(L, f) == LEM_NOT) {
    lem_term a = with_arg(L, lem_term_arg(L, f, 0), i, c);
    return a ? lem_mk_not(L, a) : LEM_NOTERM;
  }
  uint32_t n = lem_term_nargs(L, f);
  lem_term k[64];
  if (n > 64) return LEM_NOTERM;
  memcpy(k, lem_term_args(L, f), n * sizeof *k);
  k[i] = c;
  return lem_mk(L, LEM_REL, lem_term_sym(L, f), 0, n, k);
}

/* Given id proving normal(f) in b, a fact proving f itself. */
static pv_fid denormalize(pv_eng *E, uint32_t b, pv_fid id, lem_term f) {
  lem_ctx *L = E->L;
  lem_term cur = E->facts[id].f;
  if (cur == f) return id;
  lem_term atom = lem_term_kind(L, f) == LEM_NOT ? lem_term_arg(L, f, 0) : f;
  lem_term natom =
      lem_term_kind(L, cur) == LEM_NOT ? lem_term_arg(L, cur, 0) : cur;
  if (lem_term_kind(L, atom) != LEM_REL || lem_term_kind(L, natom) != LEM_REL)
    return 0;
  for (uint32_t i = 0, n = lem_term_nargs(L, atom); i < n; i++) {
    lem_term m = lem_term_arg(L, atom, i), r = lem_term_arg(L, natom, i);
    if (m == r) continue;
    pv_fid e = eq_root_to(E, b, m); /* =[r, m] */
    if (!e) return 0;
    lem_term g = with_arg(L, cur, i, m);
    pv_fid pr[2] = {e, id};
    if (!g || !(id = pv_add_raw(E, b, g, PV_EQ_SUBST, pr, 2, NULL, 0, 0, 0)))
      return 0;
    cur = g;
    natom = lem_term_kind(L, cur) == LEM_NOT ? lem_term_arg(L, cur, 0) : cur;
  }
  return cur == f ? id : 0;
}

/* ---- proving in a block ---- */

static lem_err split_hyps(pv_prover *P, uint32_t c, lem_term h) {
  lem_ctx *L = P->L;
  if (lem_term_kind(L, h) == LEM_AND) {
    lem_err e = split_hyps(P, c, lem_term_arg(L, h, 0));
    return e ? e : split_hyps(P, c, lem_term_arg(L, h, 1));
  }
  pv_block *B = &P->E.blocks[c];
  pv_fid *nh = lem_realloc(L, B->hyps, B->nhyps * sizeof *nh,
                           (B->nhyps + 1) * sizeof *nh);
  if (!nh) return LEM_ENOMEM;
  B->hyps = nh;
  pv_fid id = pv_add_raw(&P->E, c, h, PV_HYP, NULL, 0, NULL, 0, 0, 0);
  if (!id) return L->err ? L->err : LEM_ELIMIT;
  P->E.blocks[c].hyps[P->E.blocks[c].nhyps++] = id;
  /* a hypothesis that is not in normal form is used through its rewrite */
  return pv_add(&P->E, c, h, PV_HYP, NULL, 0, NULL, 0, 0, 0) ? LEM_OK
                                                            : LEM_ELIMIT;
}

/* Open block c under b for (>[x...](prem)(concl)) with fresh constants;
** hyps added; *inner set to concl over the constants; *sub the pairs. */
static uint32_t open_block(pv_prover *P, uint32_t b, lem_term f,
                           lem_term *inner, lem_binding *sub) {
  lem_ctx *L = P->L;
  pv_eng *E = &P->E;
  uint32_t c = pv_block_new(E, b);
  if (!c) return 0;
  E->blocks[c].kind = PV_BK_INTRO;
  uint32_t nv = lem_all_nvars(L, f);
  lem_subst_undo(&E->s2, 0);
  for (uint32_t i = 0; i < nv; i++) {
    lem_term v = lem_term_arg(L, f, i);
    lem_term k = pv_block_const(E, c, lem_term_sym(L, v));
    if (!k || lem_subst_bind(L, &E->s2, v, k)) return 0;
    sub[i].var = v;
    sub[i].val = k;
  }
  lem_term prem = lem_subst_apply(L, &E->s2, lem_all_prem(L, f));
  lem_term concl = lem_subst_apply(L, &E->s2, lem_all_concl(L, f));
  lem_subst_undo(&E->s2, 0);
  if (!prem || !concl || split_hyps(P, c, prem)) return 0;
  *inner = concl;
  return c;
}

/* The hypotheses of c's enclosing blocks that were never saturated,
** restated in c (reit), outermost first.  An enclosing block is not
** saturated on its own before c is opened: without a target it would
** chase every consequence of its hypotheses, while in c the search is
** steered by c's target.  Restating makes c's rounds process them. */
static int reit_hyps(pv_prover *P, uint32_t c) {
  pv_eng *E = &P->E;
  uint32_t chain[64], n = 0;
  for (uint32_t b = E->blocks[c].parent;
       b && E->blocks[b].kind != PV_BK_ROOT && E->blocks[b].round == 0 &&
       n < 64;
       b = E->blocks[b].parent)
    chain[n++] = b;
  while (n--)
    for (uint32_t h = 0; h < E->blocks[chain[n]].nhyps; h++) {
      pv_fid id = E->blocks[chain[n]].hyps[h];
      if (!pv_add_new(E, c, E->facts[id].f, PV_REIT, &id, 1)) return -1;
    }
  return 0;
}

/* Prove f in block b: a fact id whose formula is exactly f, visible in b
** (it may belong to an enclosing block), or 0. */
static pv_fid prove_visible(pv_prover *P, uint32_t b, lem_term f, int *err);
static pv_fid prove_neg(pv_prover *P, uint32_t b, lem_term f, int *err);
static pv_fid prove_fold(pv_prover *P, uint32_t b, lem_term f,
                         const lem_def *d, int *err);

/* Prove f in block b: a fact of b itself whose formula is exactly f, or 0.
** A fact found in an enclosing block is restated in b (reit), so that b's
** last step states f, as intro and induct demand of their child blocks. */
static pv_fid prove_in(pv_prover *P, uint32_t b, lem_term f, int *err) {
  pv_eng *E = &P->E;
  pv_fid id = prove_visible(P, b, f, err);
  if (!id || E->facts[id].block == b) return id;
  if (!(id = pv_add_new(E, b, f, PV_REIT, &id, 1)) && !E->out_of_budget)
    *err = 1;
  return id;
}

/* Prove f in block b by saturating b: f, or a contradiction. */
static pv_fid prove_flat(pv_prover *P, uint32_t b, lem_term f, int *err) {
  pv_eng *E = &P->E;
  int r = pv_saturate(E, b, f);
  if (r < 0) {
    if (!E->out_of_budget) *err = 1;
    return 0;
  }
  if (r == 0) return 0;
  pv_block *B = &E->blocks[b];
  pv_fid id = pv_find(E, b, f);
  if (id) return denormalize(E, b, id, f);
  if (B->contra) {
    pv_fid pr[2] = {B->contra_pos, B->contra};
    return pv_add_raw(E, b, f, PV_CONTRA, pr, 2, NULL, 0, 0, 0);
  }
  return 0;
}

/* Prove f = !(A) in block b when saturating b did not: assume A in a child
** block and look for a contradiction there (neg_intro).  This is how an
** existential !(>[y](P)!(Q)) is proved: its witness is whatever
** instance of the assumed rule P => !(Q) meets a fact Q. */
static pv_fid prove_neg(pv_prover *P, uint32_t b, lem_term f, int *err) {
  lem_ctx *L = P->L;
  pv_eng *E = &P->E;
  uint32_t c = pv_block_new(E, b);
  if (!c) goto fail;
  E->blocks[c].kind = PV_BK_INTRO;
  if (split_hyps(P, c, lem_term_arg(L, f, 0)) || reit_hyps(P, c)) goto fail;
  pv_fid got = prove_flat(P, c, f, err);
  if (got && E->facts[got].block != c &&
      !(got = pv_add_new(E, c, f, PV_REIT, &got, 1)))
    goto fail;
  if (pv_block_done(E, c)) goto fail;
  if (!got) return 0;
  pv_fid id = pv_add_raw(E, b, f, PV_NEG_INTRO, &got, 1, NULL, 0, c, 0);
  if (!id) goto fail;
  return id;
fail:
  if (!E->out_of_budget) *err = 1;
  return 0;
}

/* Prove f = D[args] from D's body instance (fold; its substitution is
** worked out again at export, pv_fact_subst). */
static pv_fid prove_fold(pv_prover *P, uint32_t b, lem_term f,
                         const lem_def *d, int *err) {
  lem_ctx *L = P->L;
  pv_eng *E = &P->E;
  if (lem_term_nargs(L, f) != d->nparams) return 0;
  lem_term g = lem_def_instance(L, d, f);
  if (!g) goto fail;
  pv_fid body = prove_visible(P, b, g, err);
  if (!body) return 0;
  pv_fid id = pv_add_raw(E, b, f, PV_FOLD, &body, 1, NULL, 0, d->name, 0);
  if (!id) goto fail;
  return id;
fail:
  if (!E->out_of_budget) *err = 1;
  return 0;
}

static pv_fid prove_visible(pv_prover *P, uint32_t b, lem_term f, int *err) {
  lem_ctx *L = P->L;
  pv_eng *E = &P->E;
  if (lem_term_kind(L, f) == LEM_ALL) {
    uint32_t nv = lem_all_nvars(L, f);
    lem_binding sub[64];
    lem_term inner;
    if (nv > 64) return 0;
    uint32_t c = open_block(P, b, f, &inner, sub);
    if (!c || reit_hyps(P, c)) goto fail;
    pv_fid got = prove_in(P, c, inner, err);
    if (pv_block_done(E, c)) goto fail;
    if (!got) return 0;
    pv_fid id = pv_add_raw(E, b, f, PV_INTRO, &got, 1, sub, nv, c, 0);
    if (!id) goto fail;
    return id;
  }
  /* a negation or a defined relation is decomposed at once: what
     saturating b would find, the child block finds too (it sees b's
     facts, and D[args] expands there to the body assumed false) */
  if (lem_term_kind(L, f) == LEM_NOT) return prove_neg(P, b, f, err);
  const lem_def *d = lem_term_kind(L, f) == LEM_REL
                         ? lem_theory_def(P->T, lem_term_sym(L, f)) : NULL;
  return d ? prove_fold(P, b, f, d, err) : prove_flat(P, b, f, err);
fail:
  if (!E->out_of_budget) *err = 1;
  return 0;
}

/* ---- induction ---- */

/* (>[v](member(v))(>[rest](prem)(concl))) for the goal's variable vi. */
static lem_term generalize(pv_prover *P, lem_term goal, uint32_t vi) {
  lem_ctx *L = P->L;
  pv_eng *E = &P->E;
  uint32_t nv = lem_all_nvars(L, goal);
  lem_term v = lem_term_arg(L, goal, vi);
  lem_term rest[64];
  uint32_t nr = 0;
  for (uint32_t i = 0; i < nv; i++)
    if (i != vi) rest[nr++] = lem_term_arg(L, goal, i);
  lem_term body = lem_mk_all(L, nr, rest, lem_all_prem(L, goal),
                             lem_all_concl(L, goal));
  lem_subst_undo(&E->s2, 0);
  if (!body || lem_subst_bind(L, &E->s2, P->ind.x, v)) return LEM_NOTERM;
  lem_term mem = lem_subst_apply(L, &E->s2, P->ind.member);
  lem_subst_undo(&E->s2, 0);
  return mem ? lem_mk_all(L, 1, &v, mem, body) : LEM_NOTERM;
}

/* P(t) for the generalised lemma: its body with v := t. */
static lem_term instance(pv_prover *P, lem_term lemma, lem_term t) {
  pv_eng *E = &P->E;
  lem_subst_undo(&E->s2, 0);
  if (lem_subst_bind(P->L, &E->s2, lem_term_arg(P->L, lemma, 0), t))
    return LEM_NOTERM;
  lem_term r = lem_subst_apply(P->L, &E->s2, lem_all_concl(P->L, lemma));
  lem_subst_undo(&E->s2, 0);
  return r;
}

/* Prove lemma = (>[v](member(v))(P(v))) by induction; a root fact or 0. */
static pv_fid induct(pv_prover *P, lem_term lemma, int *err) {
  lem_ctx *L = P->L;
  pv_eng *E = &P->E;
  uint32_t root = P->root;
  /* base: P(zero) in a block of its own */
  uint32_t bb = pv_block_new(E, root);
  lem_term p0 = instance(P, lemma, P->ind.zero);
  if (!bb || !p0) goto fail;
  E->blocks[bb].kind = PV_BK_BASE;
  pv_fid base = prove_in(P, bb, p0, err);
  if (pv_block_done(E, bb)) goto fail;
  if (!base) return 0;
  /* step: constants n, m; member(n), succ(n, m), P(n) |- P(m) */
  uint32_t sb = pv_block_new(E, root);
  if (!sb) goto fail;
  E->blocks[sb].kind = PV_BK_STEP;
  lem_term n = pv_block_const(E, sb, lem_term_sym(L, P->ind.x));
  lem_term m = pv_block_const(E, sb, lem_term_sym(L, P->ind.y));
  if (!n || !m) goto fail;
  lem_subst_undo(&E->s2, 0);
  if (lem_subst_bind(L, &E->s2, P->ind.x, n) ||
      lem_subst_bind(L, &E->s2, P->ind.y, m))
    goto fail;
  lem_term mem = lem_subst_apply(L, &E->s2, P->ind.member);
  lem_term suc = lem_subst_apply(L, &E->s2, P->ind.succ);
  lem_subst_undo(&E->s2, 0);
  lem_term pn = instance(P, lemma, n), pm = instance(P, lemma, m);
  if (!mem || !suc || !pn || !pm) goto fail;
  lem_term hyps = lem_mk_and(L, mem, lem_mk_and(L, suc, pn));
  if (!hyps || split_hyps(P, sb, hyps)) goto fail;
  pv_fid step = prove_in(P, sb, pm, err);
  if (pv_block_done(E, sb)) goto fail;
  if (!step) return 0;
  pv_fid pr[2] = {base, step};
  pv_fid id = pv_add_raw(E, root, lemma, PV_INDUCT, pr, 2, NULL, 0, bb, sb);
  if (!id) goto fail;
  return id;
fail:
  if (!E->out_of_budget) *err = 1;
  return 0;
}

/* Which outer variables of goal may be inducted on: all of them, in order
** (the member hypothesis must then be derivable, which the search checks). */
static int add_choice(pv_prover *P, pv_thm *t, uint32_t var, int proved,
                      uint32_t pass) {
  pv_choice *c = lem_realloc(P->L, t->choices, t->nchoices * sizeof *c,
                             (t->nchoices + 1) * sizeof *c);
  if (!c) return -1;
  t->choices = c;
  t->choices[t->nchoices++] = (pv_choice){var, proved, pass};
  return 0;
}

/* Make a theorem's root fact visible as a rule to later goals. */
static int publish(pv_prover *P, uint32_t k) {
  if (lem_map_put(P->L, &P->thm_of_fact, P->thms[k].fact, k + 1)) return -1;
  return pv_saturate(&P->E, P->root, LEM_NOTERM) < 0 ? -1 : 0;
}

/* Does goal, as a rule, fire wherever the induction lemma made from it
** would?  When every variable it binds occurs in its premise: the lemma's
** inner rule has the same premise and conclusion, plus the member one. */
static int subsumes(const lem_ctx *L, lem_term goal) {
  lem_term p = lem_all_prem(L, goal);
  for (uint32_t i = 0, n = lem_all_nvars(L, goal); i < n; i++)
    if (!lem_term_occurs(L, p, lem_term_arg(L, goal, i))) return 0;
  return 1;
}

/* 0..n-1 into ord, highest score first; ties keep the lower index. */
static void rank(const double *score, uint32_t n, uint32_t *ord) {
  for (uint32_t i = 0; i < n; i++) {
    uint32_t j = i;
    for (; j > 0 && score[ord[j - 1]] < score[i]; j--) ord[j] = ord[j - 1];
    ord[j] = i;
  }
}

/* The goal's tactics tac[0..n) (PV_DIRECT or a variable) ordered by the
** policy's score for what each would prove: the goal itself, or the lemma
** induction on the variable proves (ties: the earlier tactic first).
** Returns 1, or -1 on error. */
static int policy_order(pv_prover *P, lem_term goal, const uint32_t *tac,
                        uint32_t n, uint32_t *out) {
  lem_term cands[65];
  float prob[65];
  for (uint32_t i = 0; i < n; i++)
    if (!(cands[i] = tac[i] == PV_DIRECT ? goal : generalize(P, goal, tac[i])))
      return -1;
  if (lem_policy_score(P->L, P->opts.policy, P->T, goal, cands, n, prob))
    return -1;
  double score[65];
  uint32_t ord[65];
  for (uint32_t i = 0; i < n; i++) score[i] = prob[i];
  rank(score, n, ord);
  for (uint32_t i = 0; i < n; i++) out[i] = tac[ord[i]];
  return 1;
}

static uint64_t splitmix(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

/* tac[0..n) in an order drawn from seed and goal k's statement. */
static void shuffle(uint64_t seed, uint32_t k, lem_term goal, uint32_t *tac,
                    uint32_t n) {
  uint64_t x = seed ^ ((uint64_t)k << 32 | goal);
  for (uint32_t i = n; i > 1; i--) {
    uint32_t j = (uint32_t)(splitmix(&x) % i), t = tac[i - 1];
    tac[i - 1] = tac[j];
    tac[j] = t;
  }
}

/* a[0..n) and b[0..n), two orders of the same tactics, merged: a's best
** untried, then b's, and so on (b's k-th comes at the latest 2k-th). */
static void interleave(const uint32_t *a, const uint32_t *b, uint32_t n,
                       uint32_t *out) {
  uint32_t m = 0, ia = 0, ib = 0;
  for (int turn = 0; m < n; turn ^= 1) {
    const uint32_t *src = turn ? b : a;
    uint32_t *i = turn ? &ib : &ia;
    for (; *i < n; ++*i) {
      uint32_t j = 0;
      while (j < m && out[j] != src[*i]) j++;
      if (j == m) break;
    }
    if (*i < n) out[m++] = src[(*i)++];
  }
}

/* Has the goal used up its time or its expansions (pv_opts.goal_facts)? */
static int goal_spent(const pv_prover *P, uint32_t before) {
  const pv_eng *E = &P->E;
  if (E->lim.deadline > 0 && now() > E->lim.deadline) return 1;
  return P->opts.goal_facts && E->nfacts - before >= P->opts.goal_facts;
}

/* ---- premise selection ---- */

/* The distinct symbols of f's relations, applications and constants. */
typedef struct symset {
  lem_sym s[64];
  uint32_t n;
} symset;

static void syms_of(const lem_ctx *L, lem_term f, symset *out) {
  lem_kind k = lem_term_kind(L, f);
  if (k == LEM_REL || k == LEM_CONST || k == LEM_APP) {
    lem_sym y = lem_term_sym(L, f);
    uint32_t i = 0;
    while (i < out->n && out->s[i] != y) i++;
    if (i == out->n && out->n < 64) out->s[out->n++] = y;
  }
  if (k == LEM_VAR || k == LEM_CONST) return;
  for (uint32_t i = 0, n = lem_term_nargs(L, f); i < n; i++)
    syms_of(L, lem_term_arg(L, f, i), out);
}

static int has_sym(const symset *S, lem_sym y) {
  for (uint32_t i = 0; i < S->n; i++)
    if (S->s[i] == y) return 1;
  return 0;
}

int pv_premise_scores(const lem_ctx *L, lem_term goal, const lem_term *cands,
                      uint32_t n, double *score) {
  if (n > 4096) return -1;
  symset g = {0}, all = {0};
  uint32_t df[64] = {0};
  syms_of(L, goal, &g);
  /* document frequency of each symbol over the candidates */
  for (uint32_t c = 0; c < n; c++) {
    symset cs = {0};
    syms_of(L, cands[c], &cs);
    for (uint32_t i = 0; i < cs.n; i++) {
      uint32_t j = 0;
      while (j < all.n && all.s[j] != cs.s[i]) j++;
      if (j == all.n && all.n < 64) all.s[all.n++] = cs.s[i];
      if (j < all.n) df[j]++;
    }
  }
  for (uint32_t c = 0; c < n; c++) {
    symset cs = {0};
    syms_of(L, cands[c], &cs);
    double sc = 0;
    for (uint32_t i = 0; i < cs.n; i++) {
      uint32_t j = 0;
      while (j < all.n && all.s[j] != cs.s[i]) j++;
      double w = log(1.0 + (double)n / (j < all.n && df[j] ? df[j] : 1));
      sc += has_sym(&g, cs.s[i]) ? w : -0.5 * w;
    }
    score[c] = sc;
  }
  return 0;
}

/* Is fact id a part of the axiom (through conjunction parts and
** expansions)? */
static int axiom_part(const pv_prover *P, pv_fid id) {
  const pv_eng *E = &P->E;
  for (uint32_t guard = 0; guard < 1024 && id; guard++) {
    if (id == P->axiom) return 1;
    const pv_fact *F = &E->facts[id];
    if ((F->how != PV_AND_L && F->how != PV_AND_R && F->how != PV_EXPAND) ||
        !F->nprem)
      return 0;
    id = E->pool[F->prem];
  }
  return 0;
}

/* The candidates of premise selection, in the order the root block
** compiled them: the rules that are the axiom's parts or earlier theorems
** (not retired, and not muted by the caller, as lemma explore mutes the
** theorems about definitions a goal does not use; not induction lemmas or
** instances).  *out allocated
** through L (n entries).  Returns n, or UINT32_MAX on error. */
static uint32_t premise_candidates(pv_prover *P, pv_fid **out) {
  pv_eng *E = &P->E;
  const pv_vec *rs = &E->blocks[P->root].rules;
  pv_fid *c = rs->n ? lem_malloc(P->L, rs->n * sizeof *c) : NULL;
  uint32_t n = 0, x;
  *out = NULL;
  if (rs->n && !c) return UINT32_MAX;
  for (uint32_t i = 0; i < rs->n; i++) {
    const pv_rule *R = &E->rules[rs->v[i]];
    if (R->retired & 3) continue; /* retired, or muted by the caller */
    if (lem_map_get(&P->thm_of_fact, R->fact, &x) || axiom_part(P, R->fact))
      c[n++] = R->fact;
  }
  if (!n) {
    lem_free(P->L, c, rs->n * sizeof *c);
    return 0;
  }
  pv_fid *r = lem_realloc(P->L, c, rs->n * sizeof *c, n * sizeof *c);
  if (!r) lem_free(P->L, c, rs->n * sizeof *c);
  *out = r;
  return r ? n : UINT32_MAX;
}

/* Rank the candidates of premise selection for goal (theorem k), best
** first, into t->prem, and decide how many the first pass of a budget keeps
** (t->prem_k, from pv_opts.premises; 0: no selection, when it would keep
** them all).  Builds *off, the facts the first pass mutes.  0, or
** -1 on error. */
static int select_premises(pv_prover *P, uint32_t k, lem_term goal,
                           lem_map *off) {
  lem_ctx *L = P->L;
  pv_fid *fs;
  uint32_t n = premise_candidates(P, &fs);
  if (n == UINT32_MAX) return -1;
  if (n == 0) return 0;
  lem_term *cands = lem_malloc(L, n * sizeof *cands);
  double *score = lem_malloc(L, n * sizeof *score);
  /* recording alone (record_premises) asks no model: the fixed score */
  int learned = P->opts.policy && P->opts.premises;
  float *prob = learned ? lem_malloc(L, n * sizeof *prob) : NULL;
  uint32_t *ord = lem_malloc(L, n * sizeof *ord);
  int rc = -1;
  if (!cands || !score || !ord || (learned && !prob)) goto out;
  for (uint32_t i = 0; i < n; i++) cands[i] = P->E.facts[fs[i]].f;
  if (learned) {
    if (lem_policy_score(L, P->opts.policy, P->T, goal, cands, n, prob))
      goto out;
    for (uint32_t i = 0; i < n; i++) score[i] = prob[i];
  } else if (pv_premise_scores(L, goal, cands, n, score)) {
    goto out;
  }
  rank(score, n, ord); /* best first: ties keep the earlier rule */
  pv_thm *t = &P->thms[k];
  for (uint32_t i = 0; i < n; i++) cands[i] = fs[ord[i]]; /* as scratch */
  for (uint32_t i = 0; i < n; i++) fs[i] = cands[i];
  t->prem = fs;
  t->nprem = n;
  fs = NULL;
  double want = P->opts.premises >= 1 ? floor(P->opts.premises)
                                       : ceil(P->opts.premises * n);
  t->prem_k = want < n ? (uint32_t)want : 0;
  rc = 0;
  for (uint32_t i = t->prem_k; t->prem_k && i < n && !rc; i++)
    if (lem_map_put(L, off, t->prem[i], 1)) rc = -1;
out:
  if (fs) lem_free(L, fs, n * sizeof *fs);
  lem_free(L, cands, n * sizeof *cands);
  lem_free(L, score, n * sizeof *score);
  lem_free(L, ord, n * sizeof *ord);
  if (prob) lem_free(L, prob, n * sizeof *prob);
  return rc;
}

/* One attempt at goal (theorem k) at the current budget: each tactic in
** the order tac[0..ntac) (PV_DIRECT: the goal in the root block as it
** stands; else induction on that variable) until one proves it (*id set)
** or the goal's budget is spent.  0, or -1 on error. */
static int attempt(pv_prover *P, uint32_t k, lem_term goal,
                   const uint32_t *tac, uint32_t ntac, uint32_t pass,
                   uint32_t before, const lem_map *off, pv_fid *id) {
  lem_ctx *L = P->L;
  pv_eng *E = &P->E;
  int err = 0;
  *id = 0;
  for (uint32_t oi = 0; !*id && oi < ntac; oi++) {
    uint32_t vi = tac[oi];
    if (oi && goal_spent(P, before)) break;
    if (vi == PV_DIRECT) {
      *id = prove_in(P, P->root, goal, &err);
      if (err || add_choice(P, &P->thms[k], vi, *id != 0, pass)) return -1;
      continue;
    }
    lem_term lemma = generalize(P, goal, vi);
    if (!lemma) return -1;
    pv_fid lid = induct(P, lemma, &err);
    if (err) return -1;
    /* the root block is saturated with every rule, muted or not: a rule
       unmuted later would not revisit the root's facts made meanwhile */
    if (lid && off) pv_mute(E, &(lem_map){0});
    int sat = lid ? pv_saturate(E, P->root, LEM_NOTERM) : -1;
    if (lid && off) pv_mute(E, off);
    if (sat >= 0) *id = prove_in(P, P->root, goal, &err);
    if (err) return -1;
    /* the goal, a rule now, subsumes the lemma it came from: both would
       fire on the same facts, and the lemma's inner rules once more per
       member of the induction set */
    if (*id && subsumes(L, goal) && pv_retire(E, lid)) return -1;
    if (add_choice(P, &P->thms[k], vi, *id != 0, pass)) return -1;
  }
  return 0;
}

int pv_prove(pv_prover *P, lem_term goal) {
  lem_ctx *L = P->L;
  pv_eng *E = &P->E;
  if (LEM_GROW(L, P->thms, P->capthms, P->nthms + 1)) return -1;
  uint32_t k = P->nthms++;
  pv_thm *t = &P->thms[k];
  memset(t, 0, sizeof *t);
  t->stmt = goal;
  uint32_t before = E->nfacts;
  double t0 = now();
  E->lim.deadline = P->opts.goal_seconds > 0 ? t0 + P->opts.goal_seconds : 0;
  int err = 0;
  pv_fid id = 0;
  int induct_ok = P->has_ind && !P->opts.no_induction &&
                  lem_term_kind(L, goal) == LEM_ALL;
  /* Iterative deepening on the per-block fact budget: every choice (direct,
     then induction on each variable) at a small budget before any at a
     larger one, so that one hopeless choice cannot use up the goal's time. */
  /* the tactics: directly first, then induction on each variable, those
     at the axiom's recursion positions first (most occurrences first; ties
     keep the goal's order); a policy reorders them (pv_opts.policy) */
  uint32_t order[64], tac[65], ntac = 1;
  tac[0] = PV_DIRECT;
  if (induct_ok) {
    double score[64] = {0};
    uint32_t nord = lem_all_nvars(L, goal) < 64 ? lem_all_nvars(L, goal) : 64;
    for (uint32_t i = 0; i < nord; i++)
      score[i] = rec_score(P, goal, lem_term_arg(L, goal, i));
    rank(score, nord, order);
    for (uint32_t i = 0; i < nord; i++) tac[ntac++] = order[i];
  }
  t->ntactics = ntac;
  if (P->opts.shuffle_tactics)
    shuffle(P->opts.shuffle_tactics, k, goal, tac, ntac);
  if (P->opts.policy && ntac > 1) {
    uint32_t learned[65];
    if (policy_order(P, goal, tac, ntac, learned) < 0) return -1;
    uint32_t fixed[65];
    memcpy(fixed, tac, ntac * sizeof *tac);
    interleave(learned, fixed, ntac, tac);
  }
  uint32_t cap = P->opts.lim.max_facts ? P->opts.lim.max_facts : 200000;
  /* ---- side goals (side.c): a ground goal may be settled by Z3 ---- */
  if (P->side && (id = pv_side_prove(P, goal, &err)) == 0 && err) return -1;
  lem_map off = {0};
  /* only for a goal proved in blocks of its own (a (>...)): a ground goal
     is saturated in the root block, which must see every rule */
  if (!id && (P->opts.premises || P->opts.record_premises) &&
      lem_term_kind(L, goal) == LEM_ALL &&
      select_premises(P, k, goal, &off)) {
    lem_map_free(L, &off);
    return -1;
  }
  uint32_t pass = 0, first = P->opts.first_facts ? P->opts.first_facts : 2000;
  for (uint32_t budget = cap < first ? cap : first; !id; budget *= 4, pass++) {
    if (budget > cap) budget = cap;
    E->lim.max_facts = budget;
    /* with premise selection, the selected rules alone first, then all
       (the fallback) at the same budget */
    for (int sel = off.n > 0; !id && sel >= 0; sel--) {
      if (sel < (off.n > 0) && goal_spent(P, before)) break;
      if (off.n) pv_mute(E, sel ? &off : &(lem_map){0});
      if (attempt(P, k, goal, tac, ntac, pass, before, sel ? &off : NULL,
                  &id)) {
        if (off.n) pv_mute(E, &(lem_map){0});
        lem_map_free(L, &off);
        return -1;
      }
      if (id && sel) P->thms[k].prem_sel_proved = 1;
    }
    if (off.n) pv_mute(E, &(lem_map){0});
    if (budget >= cap || goal_spent(P, before)) break;
  }
  lem_map_free(L, &off);
  E->lim.max_facts = cap;
  t = &P->thms[k];
  t->facts_made = E->nfacts - before;
  if (!id) {
    t->why = P->opts.goal_facts && t->facts_made >= P->opts.goal_facts
                 ? "expansion budget exhausted"
             : E->out_of_budget ? "budget exhausted"
             : induct_ok       ? "no induction variable worked"
                               : "not derivable within the rounds";
    return 0;
  }
  t->fact = id;
  t->proved = 1;
  return publish(P, k) < 0 ? -1 : 1;
}

int pv_assume(pv_prover *P, lem_term stmt) {
  if (LEM_GROW(P->L, P->thms, P->capthms, P->nthms + 1)) return -1;
  uint32_t k = P->nthms;
  pv_fid id = pv_add_raw(&P->E, P->root, stmt, PV_THEOREM, NULL, 0, NULL, 0,
                         k, 0);
  if (!id) {
    if (!P->L->err) lem_error(P->L, LEM_ELIMIT, "fact budget exhausted");
    return -1;
  }
  pv_thm *t = &P->thms[P->nthms++];
  memset(t, 0, sizeof *t);
  t->stmt = stmt;
  t->fact = id;
  t->proved = 1;
  return publish(P, k);
}

lem_term pv_generalized(pv_prover *P, lem_term goal, uint32_t vi) {
  if (!P->has_ind || lem_term_kind(P->L, goal) != LEM_ALL ||
      vi >= lem_all_nvars(P->L, goal))
    return LEM_NOTERM;
  return generalize(P, goal, vi);
}

/* ---- extraction ---- */

typedef struct walk {
  pv_fid *out;
  uint32_t n, cap;
  lem_map done;
} walk;

static int visit(pv_prover *P, walk *w, pv_fid id, uint32_t self) {
  uint32_t x;
  if (lem_map_get(&w->done, id, &x)) return 0;
  if (lem_map_put(P->L, &w->done, id, 1)) return -1;
  const pv_fact *F = &P->E.facts[id];
  uint32_t k;
  int earlier = lem_map_get(&P->thm_of_fact, id, &k) && k - 1 < self;
  if (!earlier)
    for (uint32_t i = 0; i < F->nprem; i++) {
      if (visit(P, w, P->E.pool[F->prem + i], self)) return -1;
      F = &P->E.facts[id];
    }
  if (LEM_GROW(P->L, w->out, w->cap, w->n + 1)) return -1;
  w->out[w->n++] = id;
  return 0;
}

uint32_t pv_proof_facts(pv_prover *P, uint32_t k, pv_fid **out) {
  walk w = {0};
  *out = NULL;
  if (k >= P->nthms || !P->thms[k].proved) return 0;
  int rc = visit(P, &w, P->thms[k].fact, k);
  lem_map_free(P->L, &w.done);
  if (rc) {
    lem_free(P->L, w.out, w.cap * sizeof *w.out);
    return UINT32_MAX;
  }
  /* shrink to n so the caller can free with n */
  pv_fid *r = w.n ? lem_realloc(P->L, w.out, w.cap * sizeof *w.out,
                                w.n * sizeof *w.out)
                  : NULL;
  if (w.n && !r) {
    lem_free(P->L, w.out, w.cap * sizeof *w.out);
    return UINT32_MAX;
  }
  if (!w.n) lem_free(P->L, w.out, w.cap * sizeof *w.out);
  *out = r;
  return w.n;
}

/* ---- readable notation ---- */

static lem_err name_of(lem_ctx *L, lem_term t, lem_buf *b) {
  return lem_term_print(L, t, b);
}

/* Marking: when m is not NULL and old is a term, the parts of f that differ
** from old (position by position) are recorded as byte ranges of b. */
static lem_err mark(lem_ctx *L, pv_marks *m, size_t start, size_t end) {
  if (end <= start) return LEM_OK;
  if (m->n && m->v[m->n - 1].end == start) { /* join neighbours */
    m->v[m->n - 1].end = end;
    return LEM_OK;
  }
  if (LEM_GROW(L, m->v, m->cap, m->n + 1)) return LEM_ENOMEM;
  m->v[m->n++] = (pv_span){start, end};
  return LEM_OK;
}

/* Can f and old be compared child by child? */
static int same_shape(lem_ctx *L, lem_term f, lem_term old) {
  lem_kind k = lem_term_kind(L, f);
  if (k != lem_term_kind(L, old) ||
      lem_term_nargs(L, f) != lem_term_nargs(L, old))
    return 0;
  if (k == LEM_REL) return lem_term_sym(L, f) == lem_term_sym(L, old);
  if (k == LEM_ALL) return lem_all_nvars(L, f) == lem_all_nvars(L, old);
  return k == LEM_AND || k == LEM_NOT;
}

/* An argument, marked when it differs from old's argument. */
static lem_err arg_of(lem_ctx *L, lem_term f, lem_term old, uint32_t i,
                      lem_buf *b, pv_marks *m) {
  size_t start = b->len;
  lem_term a = lem_term_arg(L, f, i);
  lem_err e = name_of(L, a, b);
  if (!e && m && old && lem_term_arg(L, old, i) != a)
    e = mark(L, m, start, b->len);
  return e;
}

/* Argument i of atom f as lem_notation_write asks for it. */
typedef struct rel_args {
  lem_ctx *L;
  lem_term f, old;
  pv_marks *m;
} rel_args;

static lem_err rel_arg(void *ud, uint32_t i, lem_buf *b) {
  rel_args *r = ud;
  return arg_of(r->L, r->f, r->old, i, b, r->m);
}

static lem_err readable_rel(lem_ctx *L, const lem_theory *T, lem_term f,
                            lem_buf *b, lem_term old, pv_marks *m) {
  lem_sym r = lem_term_sym(L, f);
  uint32_t n = lem_term_nargs(L, f);
  const lem_notation *nt = lem_theory_notation(T, r);
  lem_err e = LEM_OK;
  if (!strcmp(lem_sym_name(L, r), "=") && n == 2) {
    if ((e = arg_of(L, f, old, 0, b, m)) ||
        (e = lem_buf_puts(L, b, " = ")))
      return e;
    return arg_of(L, f, old, 1, b, m);
  }
  if (!nt || nt->arity != n) {
    size_t start = b->len;
    e = lem_term_print(L, f, b);
    return !e && m && old ? mark(L, m, start, b->len) : e;
  }
  rel_args ra = {L, f, old, m};
  return lem_notation_write(L, nt, b, rel_arg, &ra);
}

static lem_err vars_list(lem_ctx *L, lem_term all, lem_buf *b) {
  lem_err e = LEM_OK;
  for (uint32_t i = 0, n = lem_all_nvars(L, all); i < n && !e; i++) {
    if (i) e = lem_buf_puts(L, b, ",");
    if (!e) e = lem_term_print(L, lem_term_arg(L, all, i), b);
  }
  return e;
}

/* old's child matching f's child c, or LEM_NOTERM (nothing to compare). */
#define OLD(get) (old ? get : LEM_NOTERM)

static lem_err readable(lem_ctx *L, const lem_theory *T, lem_term f,
                        lem_buf *b, int paren, lem_term old, pv_marks *m);

/* f differs from old in shape: print it whole and mark all of it. */
static lem_err readable_changed(lem_ctx *L, const lem_theory *T, lem_term f,
                                lem_buf *b, int paren, pv_marks *m) {
  size_t start = b->len;
  lem_err e = readable(L, T, f, b, paren, LEM_NOTERM, NULL);
  return e ? e : mark(L, m, start, b->len);
}

static lem_err readable(lem_ctx *L, const lem_theory *T, lem_term f,
                        lem_buf *b, int paren, lem_term old, pv_marks *m) {
  lem_err e = LEM_OK;
  if (!m || old == f) old = LEM_NOTERM;
  if (old && !same_shape(L, f, old))
    return readable_changed(L, T, f, b, paren, m);
  switch (lem_term_kind(L, f)) {
    case LEM_REL:
      return readable_rel(L, T, f, b, old, m);
    case LEM_AND:
      if (paren && (e = lem_buf_puts(L, b, "("))) return e;
      if ((e = readable(L, T, lem_term_arg(L, f, 0), b, 1,
                        OLD(lem_term_arg(L, old, 0)), m)) ||
          (e = lem_buf_puts(L, b, " ∧ ")) ||
          (e = readable(L, T, lem_term_arg(L, f, 1), b, 1,
                        OLD(lem_term_arg(L, old, 1)), m)))
        return e;
      return paren ? lem_buf_puts(L, b, ")") : LEM_OK;
    case LEM_NOT: {
      lem_term a = lem_term_arg(L, f, 0);
      lem_term oa = OLD(lem_term_arg(L, old, 0));
      if (lem_term_kind(L, a) == LEM_ALL &&
          lem_term_kind(L, lem_all_concl(L, a)) == LEM_NOT) {
        if (oa && !same_shape(L, a, oa))
          return readable_changed(L, T, f, b, paren, m);
        lem_term oc = OLD(lem_all_concl(L, oa));
        if (oc && !same_shape(L, lem_all_concl(L, a), oc))
          return readable_changed(L, T, f, b, paren, m);
        if ((paren && (e = lem_buf_puts(L, b, "("))) ||
            (e = lem_buf_puts(L, b, "∃")) || (e = vars_list(L, a, b)) ||
            (e = lem_buf_puts(L, b, ". ")) ||
            (e = readable(L, T, lem_all_prem(L, a), b, 1,
                          OLD(lem_all_prem(L, oa)), m)) ||
            (e = lem_buf_puts(L, b, " ∧ ")) ||
            (e = readable(L, T, lem_term_arg(L, lem_all_concl(L, a), 0), b,
                          1, OLD(lem_term_arg(L, oc, 0)), m)))
          return e;
        return paren ? lem_buf_puts(L, b, ")") : LEM_OK;
      }
      if ((e = lem_buf_puts(L, b, "¬"))) return e;
      return readable(L, T, a, b, 1, oa, m);
    }
    case LEM_ALL:
      if (paren && (e = lem_buf_puts(L, b, "("))) return e;
      if (lem_all_nvars(L, f) &&
          ((e = lem_buf_puts(L, b, "∀")) || (e = vars_list(L, f, b)) ||
           (e = lem_buf_puts(L, b, ". "))))
        return e;
      if ((e = readable(L, T, lem_all_prem(L, f), b, 1,
                        OLD(lem_all_prem(L, old)), m)) ||
          (e = lem_buf_puts(L, b, " ⇒ ")) ||
          (e = readable(L, T, lem_all_concl(L, f), b, 1,
                        OLD(lem_all_concl(L, old)), m)))
        return e;
      return paren ? lem_buf_puts(L, b, ")") : LEM_OK;
    default:
      if (old) return readable_changed(L, T, f, b, paren, m);
      return lem_term_print(L, f, b);
  }
}
#undef OLD

lem_err pv_readable(lem_ctx *L, const lem_theory *T, lem_term f, lem_buf *b) {
  return readable(L, T, f, b, 0, LEM_NOTERM, NULL);
}

lem_err pv_readable_marked(lem_ctx *L, const lem_theory *T, lem_term f,
                           lem_term old, lem_buf *b, pv_marks *m) {
  return readable(L, T, f, b, 0, old, m);
}

void pv_marks_free(lem_ctx *L, pv_marks *m) {
  lem_free(L, m->v, m->cap * sizeof *m->v);
  *m = (pv_marks){0};
}

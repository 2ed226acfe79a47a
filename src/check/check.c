/*
** check.c: the independent proof checker (see check.h, prover/DESIGN.md).
**
** Three passes over a proof graph:
**   1. ownership: which block introduces each block constant and witness,
**      the first step mentioning each constant, whether a constant escapes
**      its block's subtree (occurs in a step, hypothesis or statement
**      outside it), and which steps a proved theorem's final step uses;
**   2. every step in id order: the shape rules (used, premises earlier and
**      in scope), then the rule, re-derived with the term helpers below;
**   3. every theorem: root block, final step, statement, theorems used; a
**      given theorem carries no proof.
** The term helpers (substitution, closedness, flattening) are written here
** on purpose rather than taken from unify.c, so this file can be read and
** trusted on its own.
*/
#include "check.h"

#include <stdio.h>
#include <string.h>

#define OWN_THEORY UINT32_MAX       /* owner[]: a theory constant */
#define OWN_CLASH (UINT32_MAX - 1)  /* owner[]: introduced twice */

typedef struct chk {
  lem_ctx *L;
  const lem_proof *P;
  const lem_theory *T;
  const lem_induction *ind;
  lem_check_result *r;
  uint32_t nterm;      /* bank size when checking started */
  uint32_t *owner;     /* const id -> introducing block, OWN_* or 0 */
  uint32_t *first;     /* const id -> first step whose conclusion has it */
  uint8_t *escaped;    /* const id -> occurs outside its owner's subtree */
  uint32_t *claims;    /* block id -> number of steps claiming it as child */
  uint32_t *last;      /* block id -> its last step */
  uint8_t *used;       /* step id -> a proved theorem's final step needs it */
  uint8_t *bad_thm;    /* theorem id -> a step or check of it failed */
  uint32_t *rstart;    /* theorem id -> its first entry in refs */
  uint32_t *refs;      /* the theorems each theorem's `theorem` steps use */
  uint32_t nrefs;
  uint32_t *flat;      /* scratch for flatten() */
  uint32_t nflat, cflat;
  int oom;
  /* the current failure */
  const char *why;
  lem_term exp, got;
} chk;

/* ---- term helpers ---- */

static int valid(chk *c, lem_term t) {
  return t && t <= lem_bank_count(c->L);
}
static lem_kind K(chk *c, lem_term t) { return lem_term_kind(c->L, t); }
static lem_term A(chk *c, lem_term t, uint32_t i) {
  return lem_term_arg(c->L, t, i);
}
static uint32_t N(chk *c, lem_term t) { return lem_term_nargs(c->L, t); }

/* t with vars[i] := vals[i], stopping under binders that rebind a var.
** Values are closed, so nothing is captured.  0 on out of memory.  The
** frame is kept small: theories may nest formulas 10000 levels deep. */
static lem_term subst(chk *c, lem_term t, uint32_t n, const lem_term *vars,
                      const lem_term *vals) {
  lem_kind k = K(c, t);
  if (k == LEM_VAR) {
    for (uint32_t i = 0; i < n; i++)
      if (vars[i] == t) return vals[i];
    return t;
  }
  if (k == LEM_CONST || !n || lem_term_ground(c->L, t)) return t;
  uint32_t na = N(c, t), nv = k == LEM_ALL ? na - 2 : 0, m = 0;
  size_t sz = ((size_t)na + 2 * (size_t)n) * sizeof(lem_term);
  lem_term *kid = lem_malloc(c->L, sz), *xs = kid + na, *ys = xs + n, out = 0;
  if (!kid) return c->oom = 1, 0;
  for (uint32_t i = 0; i < n; i++) { /* drop the vars this node rebinds */
    int shadow = 0;
    for (uint32_t j = 0; j < nv; j++) shadow |= A(c, t, j) == vars[i];
    if (!shadow) xs[m] = vars[i], ys[m++] = vals[i];
  }
  uint32_t i = 0;
  for (; i < na; i++)
    if (!(kid[i] = i < nv ? A(c, t, i) : subst(c, A(c, t, i), m, xs, ys)))
      break;
  lem_sym y = k == LEM_REL || k == LEM_APP ? lem_term_sym(c->L, t) : 0;
  if (i == na && !(out = lem_mk(c->L, k, y, 0, na, kid))) c->oom = 1;
  lem_free(c->L, kid, sz);
  return out;
}

typedef struct scope {
  lem_term t;               /* a LEM_ALL whose vars are bound here */
  const struct scope *up;
} scope;

/* 1 if t has no variable free under the scopes sc. */
static int closed(chk *c, lem_term t, const scope *sc) {
  lem_kind k = K(c, t);
  if (k == LEM_VAR) {
    for (; sc; sc = sc->up)
      for (uint32_t j = 0; j + 2 < N(c, sc->t); j++)
        if (A(c, sc->t, j) == t) return 1;
    return 0;
  }
  if (lem_term_ground(c->L, t)) return 1;
  scope in = {t, sc};
  uint32_t na = N(c, t), nv = k == LEM_ALL ? na - 2 : 0;
  for (uint32_t i = nv; i < na; i++)
    if (!closed(c, A(c, t, i), k == LEM_ALL ? &in : sc)) return 0;
  return 1;
}

/* Append the conjuncts of t (its & tree, left to right) to c->flat. */
static void flatten(chk *c, lem_term t) {
  if (K(c, t) == LEM_AND) {
    flatten(c, A(c, t, 0));
    flatten(c, A(c, t, 1));
  } else if (LEM_GROW(c->L, c->flat, c->cflat, c->nflat + 1)) {
    c->oom = 1;
  } else {
    c->flat[c->nflat++] = t;
  }
}

/* Is b equal to a with some occurrences of x replaced by y? */
static int replaced(chk *c, lem_term a, lem_term b, lem_term x, lem_term y) {
  if (a == b || (a == x && b == y)) return 1;
  lem_kind k = K(c, a);
  if (k != K(c, b) || N(c, a) != N(c, b) || k == LEM_VAR || k == LEM_CONST ||
      ((k == LEM_REL || k == LEM_APP) &&
       lem_term_sym(c->L, a) != lem_term_sym(c->L, b)))
    return 0;
  for (uint32_t i = 0; i < N(c, a); i++)
    if (!replaced(c, A(c, a, i), A(c, b, i), x, y)) return 0;
  return 1;
}

/* Call note() for every constant in t. */
static void each_const(chk *c, lem_term t, uint32_t where_block, uint32_t step,
                       void (*note)(chk *, lem_term, uint32_t, uint32_t)) {
  if (K(c, t) == LEM_CONST) {
    note(c, t, where_block, step);
    return;
  }
  for (uint32_t i = 0; i < N(c, t); i++)
    each_const(c, A(c, t, i), where_block, step, note);
}

static int distinct(const lem_term *v, uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t j = i + 1; j < n; j++)
      if (v[i] == v[j]) return 0;
  return 1;
}

/* ---- pass 1: ownership ---- */

static void claim(chk *c, lem_term k, uint32_t block) {
  if (k > c->nterm || K(c, k) != LEM_CONST) return; /* judged by the rule */
  c->owner[k] = c->owner[k] ? OWN_CLASH : block;
}

/* An occurrence of constant k in block b (0: a theorem statement). */
static void occurs(chk *c, lem_term k, uint32_t b, uint32_t step) {
  if (k > c->nterm) return;
  uint32_t o = c->owner[k];
  if (o && o < OWN_CLASH && !lem_proof_block_within(c->P, b, o))
    c->escaped[k] = 1;
  if (step && !c->first[k]) c->first[k] = step;
}

static void ownership(chk *c) {
  const lem_proof *P = c->P;
  for (uint32_t i = 0; c->T && i < c->T->nconsts; i++)
    if (c->T->consts[i] <= c->nterm) c->owner[c->T->consts[i]] = OWN_THEORY;
  for (uint32_t b = 0; b < P->nblocks; b++)
    for (uint32_t i = 0; i < P->blocks[b].nconsts; i++)
      claim(c, P->blocks[b].consts[i], b + 1);
  for (uint32_t s = 0; s < P->nsteps; s++) {
    const lem_step *st = &P->steps[s];
    for (uint32_t i = 0; st->rule == LEM_R_EXISTS && i < st->nwit; i++)
      claim(c, st->wit[i], st->block);
    if (st->block <= P->nblocks) c->last[st->block] = st->id;
    for (uint32_t i = 0; i < st->nkids; i++)
      if (st->kids[i] && st->kids[i] <= P->nblocks) c->claims[st->kids[i]]++;
  }
  for (uint32_t t = 0; t < P->nthms; t++)
    if (valid(c, P->thms[t].stmt)) each_const(c, P->thms[t].stmt, 0, 0, occurs);
  for (uint32_t b = 0; b < P->nblocks; b++)
    for (uint32_t i = 0; i < P->blocks[b].nhyps; i++)
      if (valid(c, P->blocks[b].hyps[i]))
        each_const(c, P->blocks[b].hyps[i], b + 1, 0, occurs);
  for (uint32_t s = 0; s < P->nsteps; s++)
    if (valid(c, P->steps[s].concl))
      each_const(c, P->steps[s].concl, P->steps[s].block, s + 1, occurs);
  for (uint32_t t = 0; t < P->nthms; t++)
    if (P->thms[t].final && P->thms[t].final <= P->nsteps)
      c->used[P->thms[t].final] = 1;
  for (uint32_t s = P->nsteps; s > 0; s--) /* premises come earlier */
    for (uint32_t i = 0; c->used[s] && i < P->steps[s - 1].nprem; i++)
      if (P->steps[s - 1].prem[i] < s) c->used[P->steps[s - 1].prem[i]] = 1;
}

/* ---- pass 2: steps ---- */

static int fail(chk *c, const char *why, lem_term exp, lem_term got) {
  c->why = why;
  c->exp = exp;
  c->got = got;
  return 0;
}
#define FAIL(why) return fail(c, (why), 0, 0)
#define EXPECT(e, g, why) \
  do { lem_term e_ = (e), g_ = (g); \
       if (e_ != g_) return fail(c, (why), e_, g_); } while (0)

static lem_term pc(chk *c, const lem_step *s, uint32_t i) {
  return c->P->steps[s->prem[i] - 1].concl;
}

/* Constants of block b: fresh (introduced once, not theory constants) and
** not escaping b's subtree. */
static int fresh_consts(chk *c, const lem_block *b) {
  for (uint32_t i = 0; i < b->nconsts; i++) {
    lem_term k = b->consts[i];
    if (!k || k > c->nterm || K(c, k) != LEM_CONST)
      FAIL("a block constant is not a constant");
    if (c->owner[k] != b->id)
      FAIL("a block constant is a theory constant or introduced twice");
    if (c->escaped[k]) FAIL("a block constant occurs outside its block");
  }
  return 1;
}

/* The child block i of s, of kind want, claimed by s alone, whose last step
** is s's premise i. */
static const lem_block *child(chk *c, const lem_step *s, uint32_t i,
                              lem_block_kind want) {
  const lem_block *b = lem_proof_block(c->P, s->kids[i]);
  if (!b || b->parent != s->block || b->kind != want || c->claims[b->id] != 1)
    return fail(c, "child block missing, misplaced, of the wrong kind or "
                   "shared", 0, 0), NULL;
  if (s->prem[i] != c->last[b->id])
    return fail(c, "premise is not the last step of the child block", 0, 0),
           NULL;
  return b;
}

static int check_def(chk *c, const lem_step *s, lem_term app, lem_term inst) {
  const lem_def *d = c->T ? lem_theory_def(c->T, s->def) : NULL;
  if (!d) FAIL("no such definition in the theory");
  if (K(c, app) != LEM_REL || lem_term_sym(c->L, app) != s->def ||
      N(c, app) != d->nparams)
    FAIL("not an application of the definition");
  if (s->nsubst != d->nparams) FAIL("substitution does not bind the params");
  for (uint32_t i = 0; i < d->nparams; i++)
    if (s->svar[i] != d->params[i] || s->sval[i] != A(c, app, i))
      return fail(c, "substitution is not params := arguments",
                  A(c, app, i), s->sval[i]);
  EXPECT(subst(c, d->body, d->nparams, d->params, lem_term_args(c->L, app)),
         inst, "not the definition's body instance");
  return 1;
}

static int check_mp(chk *c, const lem_step *s) {
  lem_term r = pc(c, s, 0);
  if (K(c, r) != LEM_ALL) FAIL("first premise is not a rule (>[..](P)(Q))");
  uint32_t nv = lem_all_nvars(c->L, r);
  const lem_term *xs = lem_term_args(c->L, r);
  if (!distinct(xs, nv)) FAIL("a variable is bound twice in the rule");
  if (s->nsubst != nv || !distinct(s->svar, nv))
    FAIL("substitution does not map exactly the rule's variables");
  for (uint32_t i = 0; i < nv; i++) {
    int in = 0;
    for (uint32_t j = 0; j < nv; j++) in |= s->svar[i] == xs[j];
    if (!in) FAIL("substitution binds a variable the rule does not bind");
    if (!valid(c, s->sval[i]) || !lem_term_ground(c->L, s->sval[i]) ||
        lem_term_is_formula(c->L, s->sval[i]))
      FAIL("substitution value is not a closed term");
  }
  c->nflat = 0;
  lem_term p = subst(c, lem_all_prem(c->L, r), nv, s->svar, s->sval);
  if (p) flatten(c, p);
  if (c->oom) return 0;
  if (c->nflat != s->nprem - 1)
    return fail(c, "premise count differs from the rule's conjuncts", p, 0);
  for (uint32_t i = 0; i < c->nflat; i++)
    EXPECT(c->flat[i], pc(c, s, i + 1), "premise is not the rule's conjunct");
  EXPECT(subst(c, lem_all_concl(c->L, r), nv, s->svar, s->sval), s->concl,
         "conclusion is not the rule's instance");
  return 1;
}

static int check_exists(chk *c, const lem_step *s) {
  lem_term e = pc(c, s, 0), all = K(c, e) == LEM_NOT ? A(c, e, 0) : 0;
  if (!all || K(c, all) != LEM_ALL ||
      K(c, lem_all_concl(c->L, all)) != LEM_NOT)
    FAIL("premise is not an existential !(>[..](A)!(B))");
  uint32_t nv = lem_all_nvars(c->L, all);
  if (!distinct(lem_term_args(c->L, all), nv)) FAIL("variable bound twice");
  if (s->nwit != nv || !distinct(s->wit, nv))
    FAIL("witnesses do not match the bound variables");
  for (uint32_t i = 0; i < nv; i++) {
    lem_term w = s->wit[i];
    if (!w || w > c->nterm || K(c, w) != LEM_CONST || c->owner[w] != s->block)
      FAIL("witness is not a new constant");
    if (c->first[w] != s->id) FAIL("witness occurs in an earlier step");
    if (c->escaped[w]) FAIL("witness occurs outside its block");
  }
  lem_term body = lem_mk_and(c->L, lem_all_prem(c->L, all),
                             A(c, lem_all_concl(c->L, all), 0));
  EXPECT(body ? subst(c, body, nv, lem_term_args(c->L, all), s->wit) : 0,
         s->concl, "conclusion is not the witnessed body");
  return 1;
}

static int check_intro(chk *c, const lem_step *s) {
  const lem_block *b = child(c, s, 0, LEM_BK_INTRO);
  if (!b || !fresh_consts(c, b)) return 0;
  lem_term q = s->concl;
  if (K(c, q) != LEM_ALL || lem_all_nvars(c->L, q) != b->nconsts)
    FAIL("conclusion does not bind one variable per block constant");
  const lem_term *xs = lem_term_args(c->L, q);
  if (!distinct(xs, b->nconsts)) FAIL("a variable is bound twice");
  if (!b->nhyps) FAIL("intro block has no hypotheses");
  c->nflat = 0;
  lem_term p = subst(c, lem_all_prem(c->L, q), b->nconsts, xs, b->consts);
  if (p) flatten(c, p);
  if (c->oom) return 0;
  if (c->nflat != b->nhyps) FAIL("hypotheses differ from the premise");
  for (uint32_t i = 0; i < b->nhyps; i++)
    EXPECT(c->flat[i], b->hyps[i], "hypothesis differs from the premise");
  EXPECT(subst(c, lem_all_concl(c->L, q), b->nconsts, xs, b->consts),
         pc(c, s, 0), "child block does not prove the conclusion");
  return 1;
}

/* !(A) from a child block with no constants whose hypotheses are A's
** conjuncts and whose last step is !(A): assuming A gives not A. */
static int check_neg_intro(chk *c, const lem_step *s) {
  const lem_block *b = child(c, s, 0, LEM_BK_INTRO);
  if (!b) return 0;
  lem_term q = s->concl;
  if (K(c, q) != LEM_NOT) FAIL("conclusion is not a negation !(A)");
  if (b->nconsts) FAIL("neg_intro block has constants");
  if (!b->nhyps) FAIL("neg_intro block has no hypotheses");
  c->nflat = 0;
  flatten(c, A(c, q, 0));
  if (c->oom) return 0;
  if (c->nflat != b->nhyps) FAIL("hypotheses differ from the negated formula");
  for (uint32_t i = 0; i < b->nhyps; i++)
    EXPECT(c->flat[i], b->hyps[i], "hypothesis differs from the negated formula");
  EXPECT(q, pc(c, s, 0), "child block does not state the conclusion");
  return 1;
}

static int check_induct(chk *c, const lem_step *s) {
  const lem_induction *I = c->ind;
  if (!I) FAIL("the theory has no induction statement");
  const lem_block *base = child(c, s, 0, LEM_BK_BASE);
  const lem_block *stp = base ? child(c, s, 1, LEM_BK_STEP) : NULL;
  if (!stp || !fresh_consts(c, stp)) return 0;
  if (base->nconsts || base->nhyps) FAIL("base block has constants or hyps");
  if (stp->nconsts != 2 || stp->nhyps != 3)
    FAIL("step block needs constants n, m and three hypotheses");
  lem_term q = s->concl;
  if (K(c, q) != LEM_ALL || lem_all_nvars(c->L, q) != 1)
    FAIL("conclusion is not (>[n](member)(P))");
  lem_term n = A(c, q, 0), body = lem_all_concl(c->L, q);
  lem_term cn = stp->consts[0], cm = stp->consts[1], xy[2] = {I->x, I->y};
  EXPECT(subst(c, I->member, 1, &I->x, &n), lem_all_prem(c->L, q),
         "conclusion's premise is not the induction set's membership");
  EXPECT(subst(c, body, 1, &n, &I->zero), pc(c, s, 0),
         "base block does not prove P(zero)");
  EXPECT(subst(c, I->member, 1, &I->x, &cn), stp->hyps[0],
         "step hypothesis 1 is not membership of n");
  EXPECT(subst(c, I->succ, 2, xy, stp->consts), stp->hyps[1],
         "step hypothesis 2 is not succ[n,m]");
  EXPECT(subst(c, body, 1, &n, &cn), stp->hyps[2],
         "step hypothesis 3 is not P(n)");
  EXPECT(subst(c, body, 1, &n, &cm), pc(c, s, 1),
         "step block does not prove P(m)");
  return 1;
}

static int is_eq(chk *c, lem_term t) {
  return K(c, t) == LEM_REL && N(c, t) == 2 &&
         !strcmp(lem_sym_name(c->L, lem_term_sym(c->L, t)), "=");
}

static int is_literal(chk *c, lem_term t) {
  if (K(c, t) == LEM_NOT) t = A(c, t, 0);
  return K(c, t) == LEM_REL && lem_term_ground(c->L, t);
}

static const int8_t nprem_of[LEM_R_COUNT] = { /* -1: any (checked by rule) */
    [LEM_R_AXIOM] = 0, [LEM_R_THEOREM] = 0, [LEM_R_HYP] = 0,
    [LEM_R_EXPAND] = 1, [LEM_R_FOLD] = 1, [LEM_R_AND_L] = 1,
    [LEM_R_AND_R] = 1, [LEM_R_AND_I] = 2, [LEM_R_MP] = -1,
    [LEM_R_EXISTS] = 1, [LEM_R_EQ_REFL] = 0, [LEM_R_EQ_SUBST] = 2,
    [LEM_R_CONTRA] = 2, [LEM_R_INTRO] = 1, [LEM_R_INDUCT] = 2,
    [LEM_R_SMT] = -1, [LEM_R_REIT] = 1, [LEM_R_NEG_INTRO] = 1};

static int check_rule(chk *c, const lem_step *s, uint32_t thm) {
  lem_term q = s->concl;
  switch (s->rule) {
    case LEM_R_AXIOM:
      EXPECT(c->T ? c->T->axiom : 0, q, "not the theory's axiom");
      return 1;
    case LEM_R_THEOREM: {
      const lem_pthm *t = lem_proof_thm(c->P, s->thmref);
      if (!t) FAIL("refers to no theorem");
      if (t->status != LEM_TS_GIVEN &&
          (t->status != LEM_TS_PROVED || t->id >= thm))
        FAIL("uses a theorem not proved earlier and not given");
      EXPECT(t->stmt, q, "not the used theorem's statement");
      return 1;
    }
    case LEM_R_HYP: {
      const lem_block *b = lem_proof_block(c->P, s->block);
      for (uint32_t i = 0; i < b->nhyps; i++)
        if (b->hyps[i] == q) return 1;
      FAIL("not a hypothesis of the step's block");
    }
    case LEM_R_EXPAND: return check_def(c, s, pc(c, s, 0), q);
    case LEM_R_FOLD: return check_def(c, s, q, pc(c, s, 0));
    case LEM_R_AND_L:
    case LEM_R_AND_R:
      if (K(c, pc(c, s, 0)) != LEM_AND) FAIL("premise is not a conjunction");
      EXPECT(A(c, pc(c, s, 0), s->rule == LEM_R_AND_R), q,
             "not the premise's conjunct");
      return 1;
    case LEM_R_AND_I:
      EXPECT(lem_mk_and(c->L, pc(c, s, 0), pc(c, s, 1)), q,
             "not the conjunction of the premises");
      return 1;
    case LEM_R_MP: return s->nprem ? check_mp(c, s) : fail(c, "no rule", 0, 0);
    case LEM_R_EXISTS: return check_exists(c, s);
    case LEM_R_EQ_REFL:
      if (!is_eq(c, q) || A(c, q, 0) != A(c, q, 1)) FAIL("not =[a,a]");
      return 1;
    case LEM_R_EQ_SUBST: {
      lem_term e = pc(c, s, 0);
      if (!is_eq(c, e) || !lem_term_ground(c->L, e))
        FAIL("first premise is not a ground equality");
      if (!replaced(c, pc(c, s, 1), q, A(c, e, 0), A(c, e, 1)))
        return fail(c, "not the premise with a replaced by b", pc(c, s, 1), q);
      return 1;
    }
    case LEM_R_CONTRA:
      EXPECT(lem_mk_not(c->L, pc(c, s, 0)), pc(c, s, 1),
             "second premise is not the negation of the first");
      return 1;
    case LEM_R_INTRO: return check_intro(c, s);
    case LEM_R_NEG_INTRO: return check_neg_intro(c, s);
    case LEM_R_INDUCT: return check_induct(c, s);
    case LEM_R_REIT: /* from a strictly enclosing block (every premise is
                        checked to be in this block or an enclosing one) */
      if (c->P->steps[s->prem[0] - 1].block == s->block)
        FAIL("restates a step of its own block");
      EXPECT(pc(c, s, 0), q, "not the premise restated");
      return 1;
    case LEM_R_SMT:
      if (!is_literal(c, q)) FAIL("conclusion is not a ground literal");
      for (uint32_t i = 0; i < s->nprem; i++)
        if (!is_literal(c, pc(c, s, i))) FAIL("premise is not a ground literal");
      if (!s->query || !s->query[0] || !s->answer || strcmp(s->answer, "unsat"))
        FAIL("no query, or the answer is not unsat");
      return 1;
    default: FAIL("unknown rule");
  }
}

/* Shape checks common to all rules, then the rule. */
static int check_step(chk *c, const lem_step *s, uint32_t thm) {
  if (c->P->thms[thm - 1].status == LEM_TS_PROVED && !c->used[s->id])
    FAIL("step is not used by its theorem's proof (extraction emits only "
         "used steps)");
  if (!valid(c, s->concl) || !lem_term_is_formula(c->L, s->concl) ||
      !closed(c, s->concl, NULL))
    FAIL("conclusion is not a closed formula");
  int want = (unsigned)s->rule < LEM_R_COUNT ? nprem_of[s->rule] : 0;
  if (want >= 0 && s->nprem != (uint32_t)want) FAIL("wrong number of premises");
  uint32_t nk = s->rule == LEM_R_INTRO || s->rule == LEM_R_NEG_INTRO ? 1
                : s->rule == LEM_R_INDUCT ? 2 : 0;
  if (s->nkids != nk) FAIL("wrong number of child blocks");
  for (uint32_t i = 0; i < s->nprem; i++) {
    const lem_step *p = lem_proof_step(c->P, s->prem[i]);
    if (!p || p->id >= s->id) FAIL("premise is not an earlier step");
    if (i >= nk && !lem_proof_block_within(c->P, s->block, p->block))
      FAIL("premise is not in the step's block or an ancestor");
  }
  return check_rule(c, s, thm);
}

/* ---- reporting ---- */

static void show(chk *c, lem_term t, char *out, size_t n) {
  out[0] = 0;
  char *s = valid(c, t) ? lem_term_str(c->L, t) : NULL;
  if (!s) return;
  size_t len = strlen(s);
  snprintf(out, n, "%s", s);
  if (len >= n) memcpy(out + n - 4, "...", 4);
  lem_free(c->L, s, len + 1);
}

static void record(chk *c, const lem_step *s, uint32_t thm, const char *why) {
  lem_check_result *r = c->r;
  r->failed++;
  if (thm) c->bad_thm[thm] = 1;
  if (r->first_step || r->first_why[0]) return;
  r->first_step = s ? (s->dbid ? s->dbid : s->id) : 0;
  r->first_rule = s ? s->rule : LEM_R_NONE;
  const lem_pthm *t = lem_proof_thm(c->P, thm);
  r->first_thm = t ? (t->dbid ? t->dbid : t->id) : 0;
  snprintf(r->first_why, sizeof r->first_why, "%s", why);
  show(c, c->exp, r->expected, sizeof r->expected);
  show(c, c->got, r->found, sizeof r->found);
}

/* ---- pass 3: theorems ---- */

static int check_thm(chk *c, const lem_pthm *t) {
  const lem_proof *P = c->P;
  if (!valid(c, t->stmt) || !closed(c, t->stmt, NULL)) FAIL("statement is not closed");
  if (t->status == LEM_TS_GIVEN && (t->root || t->final))
    FAIL("a given theorem carries a proof (given means unproved)");
  if (t->status != LEM_TS_PROVED) return 1;
  const lem_block *root = lem_proof_block(P, t->root);
  const lem_step *f = lem_proof_step(P, t->final);
  if (!root || root->thm != t->id || root->parent || root->kind != LEM_BK_ROOT
      || root->nconsts || root->nhyps || c->claims[root->id])
    FAIL("theorem has no proper root block");
  if (!f || f->block != root->id) FAIL("final step is not in the root block");
  EXPECT(t->stmt, f->concl, "final step does not conclude the statement");
  for (uint32_t i = c->rstart[t->id]; i < c->rstart[t->id + 1]; i++)
    if (c->refs[i] < t->id && c->bad_thm[c->refs[i]])
      FAIL("uses a theorem whose proof does not check");
  return !c->bad_thm[t->id]; /* why stays NULL: its steps were counted */
}

/* Index, for each theorem, the theorems its `theorem` steps use (one pass
** over the steps, so that checking every theorem stays linear). */
static int index_refs(chk *c) {
  const lem_proof *P = c->P;
  uint32_t nt = P->nthms;
  for (uint32_t i = 0; i < P->nsteps; i++) {
    const lem_block *b = lem_proof_block(P, P->steps[i].block);
    if (P->steps[i].rule == LEM_R_THEOREM && b && b->thm && b->thm <= nt) {
      c->rstart[b->thm + 1]++;
      c->nrefs++;
    }
  }
  for (uint32_t t = 1; t <= nt + 1; t++) c->rstart[t] += c->rstart[t - 1];
  if (!(c->refs = lem_malloc(c->L, ((size_t)c->nrefs + 1) * sizeof *c->refs)))
    return 0;
  uint32_t *at = c->rstart; /* filled in place, then shifted back */
  for (uint32_t i = 0; i < P->nsteps; i++) {
    const lem_block *b = lem_proof_block(P, P->steps[i].block);
    if (P->steps[i].rule == LEM_R_THEOREM && b && b->thm && b->thm <= nt)
      c->refs[at[b->thm]++] = P->steps[i].thmref;
  }
  for (uint32_t t = nt + 1; t > 0; t--) at[t] = at[t - 1];
  at[0] = 0;
  return 1;
}

lem_err lem_check_proof(lem_ctx *L, const lem_proof *P, const lem_theory *T,
                        const lem_induction *ind, uint32_t only_thm,
                        lem_check_result *r) {
  memset(r, 0, sizeof *r);
  if (only_thm > P->nthms)
    return lem_error(L, LEM_EINVAL, "check: no theorem %u", only_thm);
  chk c = {.L = L, .P = P, .T = T, .ind = ind, .r = r};
  c.nterm = lem_bank_count(L);
  size_t nt = (size_t)c.nterm + 1;
  c.owner = lem_calloc(L, nt * sizeof *c.owner);
  c.first = lem_calloc(L, nt * sizeof *c.first);
  c.escaped = lem_calloc(L, nt);
  c.claims = lem_calloc(L, ((size_t)P->nblocks + 1) * sizeof *c.claims);
  c.last = lem_calloc(L, ((size_t)P->nblocks + 1) * sizeof *c.last);
  c.used = lem_calloc(L, (size_t)P->nsteps + 1);
  c.bad_thm = lem_calloc(L, (size_t)P->nthms + 1);
  lem_err e = LEM_OK;
  if (!c.owner || !c.first || !c.escaped || !c.claims || !c.last ||
      !c.used || !c.bad_thm) {
    e = LEM_ENOMEM;
    goto done;
  }
  ownership(&c);
  for (uint32_t i = 0; i < P->nsteps && !c.oom; i++) {
    const lem_step *s = &P->steps[i];
    const lem_block *b = lem_proof_block(P, s->block);
    uint32_t thm = b ? b->thm : 0;
    if (only_thm && thm != only_thm) continue;
    if ((unsigned)s->rule < LEM_R_COUNT) r->checked[s->rule]++;
    c.exp = c.got = 0;
    int ok = b ? check_step(&c, s, thm) : fail(&c, "step in no block", 0, 0);
    if (c.oom) break;
    if (!ok) {
      if ((unsigned)s->rule < LEM_R_COUNT) r->failed_rule[s->rule]++;
      record(&c, s, thm, c.why);
    } else if (s->rule == LEM_R_SMT) {
      r->smt_unchecked++;
    } else {
      r->passed++;
    }
  }
  c.rstart = c.oom ? NULL
                   : lem_calloc(L, ((size_t)P->nthms + 2) * sizeof *c.rstart);
  if (!c.oom && (!c.rstart || !index_refs(&c))) c.oom = 1;
  for (uint32_t i = 0; i < P->nthms && !c.oom; i++) {
    const lem_pthm *t = &P->thms[i];
    if (only_thm && t->id != only_thm) continue;
    c.exp = c.got = 0;
    c.why = NULL;
    if (check_thm(&c, t)) {
      if (t->status == LEM_TS_PROVED) r->thm_passed++;
      continue;
    }
    r->thm_failed++;
    if (c.bad_thm[t->id] && !c.why) continue; /* its step failure counted */
    char msg[256];
    snprintf(msg, sizeof msg, "theorem %s: %s", t->name, c.why);
    record(&c, lem_proof_step(P, t->final), t->id, msg);
  }
  if (c.oom) e = L->err ? L->err : LEM_ENOMEM;
done:
  lem_free(L, c.owner, nt * sizeof *c.owner);
  lem_free(L, c.first, nt * sizeof *c.first);
  lem_free(L, c.escaped, nt);
  lem_free(L, c.claims, ((size_t)P->nblocks + 1) * sizeof *c.claims);
  lem_free(L, c.last, ((size_t)P->nblocks + 1) * sizeof *c.last);
  lem_free(L, c.used, (size_t)P->nsteps + 1);
  lem_free(L, c.bad_thm, (size_t)P->nthms + 1);
  lem_free(L, c.rstart, ((size_t)P->nthms + 2) * sizeof *c.rstart);
  lem_free(L, c.refs, ((size_t)c.nrefs + 1) * sizeof *c.refs);
  lem_free(L, c.flat, (size_t)c.cflat * sizeof *c.flat);
  if (e) return e;
  if (r->failed)
    return lem_error(L, LEM_ECHECK, "step %u (%s) fails: %s", r->first_step,
                     lem_rule_name(r->first_rule), r->first_why);
  return LEM_OK;
}

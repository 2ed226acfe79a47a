/*
** export.c: prover facts to calculus steps.  See export.h.
**
** Facts map one to one onto steps, except eq_sym, which the calculus does not
** have: =[b,a] from =[a,b] is eq_refl =[a,a] then eq_subst on its left side.
*/
#include "export.h"
#include "side.h"

#include <stdio.h>
#include <string.h>

lem_err pv_export_init(pv_export *X, pv_prover *P, lem_proof *out) {
  memset(X, 0, sizeof *X);
  X->P = P;
  X->out = out;
  return LEM_OK;
}

void pv_export_free(pv_export *X) {
  lem_ctx *L = X->P->L;
  lem_free(L, X->thm_id, X->nthm * sizeof *X->thm_id);
  lem_map_free(L, &X->claimed);
  memset(X, 0, sizeof *X);
}

typedef struct job {
  pv_export *X;
  uint32_t thm;        /* out's theorem id */
  lem_map block;       /* prover block -> out block */
  lem_map step;        /* prover fact -> out step */
  lem_map rename;      /* constant -> its new name in this theorem */
} job;

/* t with this theorem's renamed constants. */
static lem_term rn_child(void *ud, lem_term t) {
  job *J = ud;
  lem_ctx *L = J->X->P->L;
  uint32_t v;
  if (lem_term_kind(L, t) == LEM_CONST)
    return lem_map_get(&J->rename, t, &v) ? v : t;
  return lem_term_map(L, t, rn_child, J);
}

static lem_term rn(job *J, lem_term t) {
  return J->rename.n ? rn_child(J, t) : t;
}

/* Claim constant c for this theorem, renaming it if an earlier theorem
** already introduced it. */
static lem_err claim(job *J, lem_term c) {
  lem_ctx *L = J->X->P->L;
  uint32_t v;
  if (!lem_map_get(&J->X->claimed, c, &v))
    return lem_map_put(L, &J->X->claimed, c, 1);
  char buf[128];
  const char *base = lem_sym_name(L, lem_term_sym(L, c));
  for (uint32_t k = 2;; k++) {
    snprintf(buf, sizeof buf, "%.100s_t%u", base, k);
    if (lem_sym_find(L, buf, strlen(buf))) continue;
    lem_sym y = lem_sym_cstr(L, buf);
    lem_term nc = y ? lem_mk_const(L, y) : LEM_NOTERM;
    if (!nc) return L->err;
    if (lem_map_put(L, &J->rename, c, nc) ||
        lem_map_put(L, &J->X->claimed, nc, 1))
      return LEM_ENOMEM;
    return LEM_OK;
  }
}

static const lem_block_kind bkind[] = {LEM_BK_ROOT, LEM_BK_INTRO, LEM_BK_BASE,
                                       LEM_BK_STEP};

/* The out block for prover block b, made (with its ancestors) on first use.
*/
static uint32_t block_of(job *J, uint32_t b) {
  pv_prover *P = J->X->P;
  lem_ctx *L = P->L;
  uint32_t id;
  if (lem_map_get(&J->block, b, &id)) return id;
  const pv_block *B = &P->E.blocks[b];
  uint32_t parent = 0;
  if (b != P->root && !(parent = block_of(J, B->parent))) return 0;
  lem_term cs[64], hs[64];
  if (B->nconsts > 64 || B->nhyps > 64) {
    lem_error(L, LEM_ELIMIT, "export: block too large");
    return 0;
  }
  for (uint32_t i = 0; i < B->nconsts; i++) {
    if (claim(J, B->consts[i])) return 0;
    if (!(cs[i] = rn(J, B->consts[i]))) return 0;
  }
  for (uint32_t i = 0; i < B->nhyps; i++)
    if (!(hs[i] = rn(J, P->E.facts[B->hyps[i]].f))) return 0;
  id = lem_proof_add_block(J->X->out, J->thm, parent,
                           b == P->root ? LEM_BK_ROOT : bkind[B->kind],
                           B->nconsts, cs, B->nhyps, hs);
  if (!id || lem_map_put(L, &J->block, b, id)) return 0;
  return id;
}

static const lem_rule rule_of[] = {
    [PV_AXIOM] = LEM_R_AXIOM,     [PV_THEOREM] = LEM_R_THEOREM,
    [PV_HYP] = LEM_R_HYP,         [PV_EXPAND] = LEM_R_EXPAND,
    [PV_AND_L] = LEM_R_AND_L,     [PV_AND_R] = LEM_R_AND_R,
    [PV_MP] = LEM_R_MP,           [PV_EXISTS] = LEM_R_EXISTS,
    [PV_EQ_SUBST] = LEM_R_EQ_SUBST, [PV_CONTRA] = LEM_R_CONTRA,
    [PV_INTRO] = LEM_R_INTRO,     [PV_INDUCT] = LEM_R_INDUCT,
    [PV_REIT] = LEM_R_REIT,       [PV_SMT] = LEM_R_SMT,
    [PV_FOLD] = LEM_R_FOLD,       [PV_NEG_INTRO] = LEM_R_NEG_INTRO,
};

/* Emit fact id (its premises are emitted already). */
static uint32_t emit(job *J, pv_fid id, uint32_t self) {
  pv_prover *P = J->X->P;
  lem_ctx *L = P->L;
  const pv_fact *F = &P->E.facts[id];
  uint32_t blk = block_of(J, F->block);
  if (!blk) return 0;
  lem_step_spec sp;
  memset(&sp, 0, sizeof sp);
  sp.block = blk;
  uint32_t tk;
  if (lem_map_get(&P->thm_of_fact, id, &tk) && tk - 1 < self) {
    if (tk - 1 >= J->X->nthm || !J->X->thm_id[tk - 1]) {
      lem_error(L, LEM_EINVAL, "export: theorem %u used before it is stored",
                tk);
      return 0;
    }
    sp.rule = LEM_R_THEOREM;
    sp.thmref = J->X->thm_id[tk - 1];
    sp.concl = F->f;
    return lem_proof_add_step(J->X->out, &sp);
  }
  uint32_t prem[256];
  if (F->nprem > 256) {
    lem_error(L, LEM_ELIMIT, "export: too many premises");
    return 0;
  }
  for (uint32_t i = 0; i < F->nprem; i++)
    if (!lem_map_get(&J->step, P->E.pool[F->prem + i], &prem[i])) {
      lem_error(L, LEM_EINVAL, "export: premise %u of fact %u not emitted",
                P->E.pool[F->prem + i], id);
      return 0;
    }
  lem_binding sub[64];
  uint32_t nsub = pv_fact_subst(&P->E, id, sub, 64);
  if (nsub == UINT32_MAX) return 0;
  F = &P->E.facts[id];
  if (F->how == PV_EXISTS)
    for (uint32_t i = 0; i < nsub; i++)
      if (claim(J, sub[i].val)) return 0;
  lem_term concl = rn(J, F->f);
  if (!concl) return 0;
  if (F->how == PV_EQ_SYM) { /* =[a,b] |- =[b,a] */
    lem_term a = lem_term_arg(L, concl, 1);
    lem_term k[2] = {a, a};
    sp.rule = LEM_R_EQ_REFL;
    if (!(sp.concl = lem_mk_rel(L, lem_term_sym(L, concl), 2, k))) return 0;
    uint32_t refl = lem_proof_add_step(J->X->out, &sp);
    if (!refl) return 0;
    uint32_t pr[2] = {prem[0], refl};
    memset(&sp, 0, sizeof sp);
    sp.block = blk;
    sp.rule = LEM_R_EQ_SUBST;
    sp.concl = concl;
    sp.nprem = 2;
    sp.prem = pr;
    return lem_proof_add_step(J->X->out, &sp);
  }
  if (F->how >= sizeof rule_of / sizeof *rule_of || !rule_of[F->how]) {
    lem_error(L, LEM_EINVAL, "export: fact %u has no rule", id);
    return 0;
  }
  sp.rule = rule_of[F->how];
  sp.concl = concl;
  sp.nprem = F->nprem;
  sp.prem = prem;
  lem_term sv[64], sx[64];
  for (uint32_t i = 0; i < nsub; i++) {
    sv[i] = sub[i].var;
    if (!(sx[i] = rn(J, sub[i].val))) return 0;
  }
  switch (F->how) {
    case PV_MP:
      sp.nsubst = nsub;
      sp.svar = sv;
      sp.sval = sx;
      break;
    case PV_EXPAND:
    case PV_FOLD:
      sp.nsubst = nsub;
      sp.svar = sv;
      sp.sval = sx;
      sp.def = pv_fact_aux(&P->E, id, 0);
      break;
    case PV_EXISTS:
      sp.nwit = nsub;
      sp.wit = sx;
      break;
    case PV_INTRO:
    case PV_NEG_INTRO:
      sp.nkids = 1;
      if (!(sp.kids[0] = block_of(J, pv_fact_aux(&P->E, id, 0)))) return 0;
      break;
    case PV_SMT: /* the exact query and Z3's answer (side.h) */
      if (!(sp.query = pv_side_query(P, id))) {
        lem_error(L, LEM_EINVAL, "export: smt fact %u has no query", id);
        return 0;
      }
      sp.answer = "unsat";
      break;
    case PV_INDUCT:
      sp.nkids = 2;
      if (!(sp.kids[0] = block_of(J, pv_fact_aux(&P->E, id, 0))) ||
          !(sp.kids[1] = block_of(J, pv_fact_aux(&P->E, id, 1))))
        return 0;
      break;
    default:
      break;
  }
  return lem_proof_add_step(J->X->out, &sp);
}

static lem_err grow_ids(pv_export *X, uint32_t k) {
  if (k < X->nthm) return LEM_OK;
  uint32_t *t = lem_realloc(X->P->L, X->thm_id, X->nthm * sizeof *t,
                            (k + 1) * sizeof *t);
  if (!t) return LEM_ENOMEM;
  memset(t + X->nthm, 0, (k + 1 - X->nthm) * sizeof *t);
  X->thm_id = t;
  X->nthm = k + 1;
  return LEM_OK;
}

lem_err pv_export_retarget(pv_export *X, pv_prover *P) {
  if (P->L != X->P->L)
    return lem_error(P->L, LEM_EINVAL, "export: a prover of another context");
  lem_free(P->L, X->thm_id, X->nthm * sizeof *X->thm_id);
  X->thm_id = NULL;
  X->nthm = 0;
  X->P = P;
  return LEM_OK;
}

lem_err pv_export_reclaim(pv_export *X) {
  lem_ctx *L = X->out->L; /* X->P may be between provers */
  const lem_proof *G = X->out;
  lem_map_free(L, &X->claimed);
  for (uint32_t b = 0; b < G->nblocks; b++) {
    const lem_block *B = &G->blocks[b];
    for (uint32_t i = 0; i < B->nconsts; i++)
      if (lem_map_put(L, &X->claimed, B->consts[i], 1)) return LEM_ENOMEM;
  }
  for (uint32_t s = 0; s < G->nsteps; s++) {
    const lem_step *S = &G->steps[s];
    for (uint32_t i = 0; i < S->nwit; i++)
      if (lem_map_put(L, &X->claimed, S->wit[i], 1)) return LEM_ENOMEM;
  }
  return LEM_OK;
}

lem_err pv_export_bind(pv_export *X, uint32_t k, uint32_t id) {
  pv_prover *P = X->P;
  if (k >= P->nthms || !P->thms[k].proved || !id || id > X->out->nthms ||
      lem_proof_thm(X->out, id)->stmt != P->thms[k].stmt)
    return lem_error(P->L, LEM_EINVAL,
                     "export: theorem %u cannot stand for prover theorem %u",
                     id, k);
  if (grow_ids(X, k)) return LEM_ENOMEM;
  X->thm_id[k] = id;
  return LEM_OK;
}

/* Add prover theorem k to out (no proof yet): a goal, proved or failed,
** or (given) a theorem taken without proof. */
static uint32_t add_thm(pv_export *X, uint32_t k, const char *name,
                        int given) {
  pv_prover *P = X->P;
  lem_ctx *L = P->L;
  if (k >= P->nthms) {
    lem_error(L, LEM_EINVAL, "export: no theorem %u", k);
    return 0;
  }
  if (grow_ids(X, k)) return 0;
  const pv_thm *t = &P->thms[k];
  if (given)
    return lem_proof_add_theorem(X->out, name, t->stmt, LEM_TK_GIVEN,
                                 LEM_TS_GIVEN);
  return lem_proof_add_theorem(X->out, name, t->stmt, LEM_TK_GOAL,
                               t->proved ? LEM_TS_PROVED : LEM_TS_FAILED);
}

uint32_t pv_export_assumed(pv_export *X, uint32_t k, const char *name) {
  uint32_t id = add_thm(X, k, name, 0);
  return id ? X->thm_id[k] = id : 0;
}

uint32_t pv_export_given(pv_export *X, uint32_t k, const char *name) {
  uint32_t id = add_thm(X, k, name, 1);
  return id ? X->thm_id[k] = id : 0;
}

lem_err pv_export_reserve(pv_export *X, lem_term c) {
  return lem_map_put(X->P->L, &X->claimed, c, 1);
}

uint32_t pv_export_theorem(pv_export *X, uint32_t k, const char *name) {
  pv_prover *P = X->P;
  lem_ctx *L = P->L;
  uint32_t id = add_thm(X, k, name, 0);
  if (!id) return 0;
  const pv_thm *t = &P->thms[k];
  if (!t->proved) return X->thm_id[k] = id;
  job J;
  memset(&J, 0, sizeof J);
  J.X = X;
  J.thm = id;
  pv_fid *fs = NULL;
  uint32_t n = pv_proof_facts(P, k, &fs);
  uint32_t last = 0, ok = n != UINT32_MAX;
  for (uint32_t i = 0; ok && i < n; i++) {
    last = emit(&J, fs[i], k);
    ok = last && !lem_map_put(L, &J.step, fs[i], last);
  }
  if (ok && (lem_proof_set_final(X->out, id, last) ||
             lem_proof_set_root(X->out, id, block_of(&J, P->root))))
    ok = 0;
  if (n != UINT32_MAX) lem_free(L, fs, n * sizeof *fs);
  lem_map_free(L, &J.block);
  lem_map_free(L, &J.step);
  lem_map_free(L, &J.rename);
  if (!ok) return 0;
  return X->thm_id[k] = id;
}

/* ---- decision points ---- */

/* Does the proof (facts fs[0..n)) use an induction that proved exactly
** lemma?  (Matching the lemma, not just its variable: a proof may also use
** an earlier goal's induction lemma, which is visible to later goals.) */
static int uses_induct(const pv_prover *P, const pv_fid *fs, uint32_t n,
                       lem_term lemma) {
  for (uint32_t i = 0; i < n; i++)
    if (P->E.facts[fs[i]].how == PV_INDUCT && P->E.facts[fs[i]].f == lemma)
      return 1;
  return 0;
}

/* Fill decision d (kind and goal set) for the choices c[0..n) of one pass:
** a candidate "direct" (expr: the goal), then one per outer variable;
** fs[0..nf) are the facts of the proof (none when not proved). */
static lem_err fill_pass(pv_export *X, const pv_thm *t, const pv_choice *c,
                         uint32_t n, const pv_fid *fs, uint32_t nf,
                         lem_decision *d) {
  pv_prover *P = X->P;
  lem_ctx *L = P->L;
  uint32_t nv = lem_all_nvars(L, t->stmt);
  if (!(d->cand = lem_calloc(L, (size_t)(nv + 1) * sizeof *d->cand)))
    return LEM_ENOMEM;
  d->ncand = nv + 1;
  for (uint32_t i = 0; i <= nv; i++) {
    lem_candidate *x = &d->cand[i];
    uint32_t var = i ? i - 1 : PV_DIRECT;
    const char *nm = "direct";
    if (var != PV_DIRECT)
      nm = lem_sym_name(L, lem_term_sym(L, lem_term_arg(L, t->stmt, var)));
    if (!(x->label = lem_strndup(L, nm, strlen(nm)))) return LEM_ENOMEM;
    for (uint32_t j = 0; j < n; j++)
      if (c[j].var == var) {
        x->tried = 1;
        x->chosen |= c[j].proved;
      }
    if (var == PV_DIRECT) {
      x->expr = t->stmt;
      x->on_proof = x->chosen;
      continue;
    }
    if (!(x->expr = pv_generalized(P, t->stmt, var)) && L->err) return L->err;
    x->on_proof = x->chosen && x->expr && uses_induct(P, fs, nf, x->expr);
  }
  return LEM_OK;
}

/* The end of the pass over the goal's tactics that starts at choice i: the
** first later choice of a tactic the pass has tried already. */
static uint32_t pass_end(const pv_thm *t, uint32_t i) {
  uint32_t j = i + 1;
  for (; j < t->nchoices; j++) {
    uint32_t r = i;
    while (r < j && t->choices[r].var != t->choices[j].var) r++;
    if (r < j) break;
  }
  return j;
}

/* Fill decision d for theorem t's premise selection (pv_thm.prem): one
** candidate per rule, best first; fs[0..nf) are the facts of the proof. */
static lem_err fill_premises(pv_export *X, const pv_thm *t, const pv_fid *fs,
                             uint32_t nf, lem_decision *d) {
  pv_prover *P = X->P;
  lem_ctx *L = P->L;
  lem_map used = {0};
  lem_err e = LEM_OK;
  for (uint32_t i = 0; i < nf && !e; i++)
    if (lem_map_put(L, &used, fs[i], 1)) e = LEM_ENOMEM;
  if (!e && !(d->cand = lem_calloc(L, (size_t)t->nprem * sizeof *d->cand)))
    e = LEM_ENOMEM;
  if (!e) d->ncand = t->nprem;
  for (uint32_t i = 0; i < t->nprem && !e; i++) {
    lem_candidate *x = &d->cand[i];
    uint32_t tk;
    char nm[32] = "axiom";
    if (lem_map_get(&P->thm_of_fact, t->prem[i], &tk))
      snprintf(nm, sizeof nm, "T%u", tk);
    if (!(x->label = lem_strndup(L, nm, strlen(nm)))) e = LEM_ENOMEM;
    x->expr = P->E.facts[t->prem[i]].f;
    x->tried = !t->prem_k || i < t->prem_k || !t->prem_sel_proved;
    x->chosen = x->on_proof = lem_map_get(&used, t->prem[i], &tk);
  }
  lem_map_free(L, &used);
  return e;
}

uint32_t pv_export_decisions(pv_export *X, uint32_t k, lem_decision **out) {
  pv_prover *P = X->P;
  lem_ctx *L = P->L;
  *out = NULL;
  if (k >= P->nthms || k >= X->nthm || !X->thm_id[k]) {
    lem_error(L, LEM_EINVAL, "export: theorem %u is not exported", k);
    return UINT32_MAX;
  }
  const pv_thm *t = &P->thms[k];
  /* a pass tries each tactic at most once: it ends before a repeat */
  uint32_t npass = 0;
  for (uint32_t i = 0, j = 0; t->ntactics > 1 && i < t->nchoices;
       i = j, npass++)
    j = pass_end(t, i);
  uint32_t nd = npass + (t->nprem >= 2);
  if (!nd) return 0;
  pv_fid *fs = NULL;
  uint32_t nf = t->proved ? pv_proof_facts(P, k, &fs) : 0;
  if (nf == UINT32_MAX) return UINT32_MAX;
  lem_decision *d = lem_calloc(L, (size_t)nd * sizeof *d);
  lem_err e = d ? LEM_OK : LEM_ENOMEM;
  const lem_pthm *ot = lem_proof_thm(X->out, X->thm_id[k]);
  for (uint32_t i = 0, p = 0; !e && p < npass; p++) {
    uint32_t j = pass_end(t, i);
    d[p].block = ot->root;
    d[p].goal = t->stmt;
    if (!(d[p].kind = lem_strndup(L, "tactic", 6))) e = LEM_ENOMEM;
    if (!e) e = fill_pass(X, t, t->choices + i, j - i, fs, nf, &d[p]);
    i = j;
  }
  if (!e && nd > npass) { /* premise selection: the rules the proof used */
    d[npass].block = ot->root;
    d[npass].goal = t->stmt;
    if (!(d[npass].kind = lem_strndup(L, "theorem-rule", 12))) e = LEM_ENOMEM;
    if (!e) e = fill_premises(X, t, fs, nf, &d[npass]);
  }
  if (nf) lem_free(L, fs, nf * sizeof *fs);
  if (e) {
    lem_store_decisions_free(L, d, d ? nd : 0);
    return UINT32_MAX;
  }
  *out = d;
  return nd;
}

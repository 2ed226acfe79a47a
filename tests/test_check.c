/*
** test_check.c: the independent checker.
**
** Part 1: the hand-built proofs of proofgen.c check, and every rule family
** is exercised.  Part 2: each rule rejects wrong hand cases (a wrong
** conclusion, shape, substitution, a variable bound twice, a witness or
** block constant that is not fresh, a premise from a sibling block...), made
** by editing one field of a good proof in memory.  Part 3, the mutation
** suite: the proofs are written to a database, and each of many tamperings
** is applied to a copy with SQL; every one must be caught by the store's
** loader or by the checker.  The kill rate is printed and must be 100%.
*/
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proofgen.h"

static pg_world W;
static void setup(void) { cr_assert_eq(pg_build(&W), 0, "%s", W.L ? lem_errmsg(W.L) : ""); }
static void teardown(void) { pg_free(&W); }
TestSuite(check, .init = setup, .fini = teardown);

static int check_ok(void) {
  lem_check_result r;
  lem_err e = lem_check_proof(W.L, W.P, W.T, &W.ind, 0, &r);
  return e == LEM_OK && r.failed == 0;
}

/* The n-th (0-based) step of theorem `name` with rule r. */
static lem_step *find(const char *name, lem_rule r, int n) {
  for (uint32_t i = 0; i < W.P->nsteps; i++) {
    lem_step *s = &W.P->steps[i];
    const lem_pthm *t = lem_proof_thm(W.P, W.P->blocks[s->block - 1].thm);
    if (!strcmp(t->name, name) && s->rule == r && n-- == 0) return s;
  }
  cr_assert_fail("no step %s/%s", name, lem_rule_name(r));
  return NULL;
}
static lem_term E(const char *s) { return pg_expr(&W, s); }
static lem_term K(const char *s) {
  return lem_mk_const(W.L, lem_sym_cstr(W.L, s));
}

#define REJECTS(why) cr_assert(!check_ok(), "accepted: %s", why)

Test(check, good_proofs_pass_and_cover_every_rule) {
  lem_check_result r;
  cr_assert_eq(lem_check_proof(W.L, W.P, W.T, &W.ind, 0, &r), LEM_OK, "%s",
               lem_errmsg(W.L));
  cr_assert_eq(r.failed, 0);
  for (int k = 1; k < LEM_R_COUNT; k++)
    cr_assert_gt(r.checked[k], 0, "rule %s not exercised",
                 lem_rule_name((lem_rule)k));
  cr_assert_eq(r.smt_unchecked, 1);
  cr_assert_eq(r.thm_passed, W.P->nthms);
  const char *why;
  cr_assert(lem_proof_consistent(W.P, &why));
  /* one theorem at a time */
  for (uint32_t t = 1; t <= W.P->nthms; t++)
    cr_assert_eq(lem_check_proof(W.L, W.P, W.T, &W.ind, t, &r), LEM_OK);
  cr_assert_eq(lem_check_proof(W.L, W.P, W.T, &W.ind, 99, &r), LEM_EINVAL);
}

Test(check, axiom_and_theorem) {
  find("q_a", LEM_R_AXIOM, 0)->concl = E("(p[a])");
  REJECTS("axiom with a wrong formula");
}
Test(check, theorem_must_be_earlier) {
  find("pq_a", LEM_R_THEOREM, 0)->thmref = 7; /* q_a_smt: same statement */
  REJECTS("theorem used before it is proved");
}
Test(check, theorem_failed_is_not_usable) {
  lem_proof_set_status(W.P, 1, LEM_TS_FAILED);
  REJECTS("use of a failed theorem");
}
Test(check, theorem_given_is_usable) {
  uint32_t g = lem_proof_add_theorem(W.P, "given", E("(t[b])"), LEM_TK_GIVEN,
                                     LEM_TS_GIVEN);
  lem_step *s = find("pq_a", LEM_R_THEOREM, 0);
  s->thmref = g;
  s->concl = E("(t[b])");
  cr_assert(!check_ok(), "and_i now gets the wrong premise");
  s->concl = E("(q[a])");
  REJECTS("statement mismatch");
}
Test(check, theorem_bad_step_propagates) {
  find("q_a", LEM_R_MP, 0)->sval[0] = K("b");
  lem_check_result r;
  lem_check_proof(W.L, W.P, W.T, &W.ind, 0, &r);
  cr_assert_geq(r.thm_failed, 3, "q_a and its users pq_a, q_b must fail");
}
Test(check, hyp) {
  find("p_implies_t", LEM_R_HYP, 0)->concl = E("(q[_c1])");
  REJECTS("hyp not in the block");
}
Test(check, hyp_in_root) {
  find("q_a", LEM_R_AND_L, 1)->rule = LEM_R_HYP;
  find("q_a", LEM_R_HYP, 0)->nprem = 0;
  REJECTS("hyp in a root block");
}
Test(check, expand_wrong_body) {
  find("pq_a", LEM_R_EXPAND, 0)->concl = E("(&(q[a])(p[a]))");
  REJECTS("expand to a wrong body");
}
Test(check, expand_wrong_subst) {
  find("pq_a", LEM_R_EXPAND, 0)->sval[0] = K("b");
  REJECTS("expand with a wrong substitution");
}
Test(check, expand_wrong_def) {
  find("pq_a", LEM_R_EXPAND, 0)->def = lem_sym_cstr(W.L, "p");
  REJECTS("expand of a relation that is not a definition");
}
Test(check, fold_wrong_args) {
  find("pq_a", LEM_R_FOLD, 0)->concl = E("(pq[b])");
  REJECTS("fold to other arguments");
}
Test(check, and_l_r_swapped) {
  find("q_a", LEM_R_AND_L, 1)->rule = LEM_R_AND_R;
  REJECTS("and_r where and_l is right");
}
Test(check, and_l_of_non_and) {
  lem_step *s = find("pq_a", LEM_R_AND_L, 1);
  s->prem[0] = find("pq_a", LEM_R_THEOREM, 0)->id;
  REJECTS("and_l of an atom");
}
Test(check, and_i_swapped) {
  lem_step *s = find("pq_a", LEM_R_AND_I, 0);
  uint32_t a = s->prem[0];
  s->prem[0] = s->prem[1];
  s->prem[1] = a;
  REJECTS("and_i with swapped premises");
}
Test(check, mp_wrong_value) {
  find("q_a", LEM_R_MP, 0)->sval[0] = K("b");
  REJECTS("mp with x := b");
}
Test(check, mp_unbound_var) {
  find("q_a", LEM_R_MP, 0)->svar[0] = lem_mk_var(W.L, lem_sym_cstr(W.L, "z"), 0);
  REJECTS("mp binding a variable the rule does not bind");
}
Test(check, mp_var_twice_in_subst) {
  lem_step *s = find("p_implies_t", LEM_R_MP, 1);
  s->svar[1] = s->svar[0];
  REJECTS("mp substitution binding x twice");
}
Test(check, mp_open_value) {
  find("q_a", LEM_R_MP, 0)->sval[0] = lem_mk_var(W.L, lem_sym_cstr(W.L, "x"), 0);
  REJECTS("mp with a variable as value");
}
Test(check, mp_formula_value) {
  find("q_a", LEM_R_MP, 0)->sval[0] = E("(p[a])");
  REJECTS("mp with a formula as value");
}
Test(check, mp_missing_premise) {
  find("p_implies_t", LEM_R_MP, 1)->nprem = 2;
  REJECTS("mp missing a conjunct premise");
}
Test(check, mp_swapped_premises) {
  lem_step *s = find("p_implies_t", LEM_R_MP, 1);
  uint32_t a = s->prem[1];
  s->prem[1] = s->prem[2];
  s->prem[2] = a;
  REJECTS("mp with premises out of order");
}
Test(check, mp_rule_binds_twice) {
  lem_term x = lem_mk_var(W.L, lem_sym_cstr(W.L, "x"), 0), xx[2] = {x, x};
  lem_term rule = lem_mk_all(W.L, 2, xx, E("(>[y](p[y])(p[y]))"), E("(q[a])"));
  rule = lem_mk_all(W.L, 2, xx, lem_mk_rel(W.L, lem_sym_cstr(W.L, "p"), 1, &x),
                    lem_mk_rel(W.L, lem_sym_cstr(W.L, "q"), 1, &x));
  uint32_t g = lem_proof_add_theorem(W.P, "g", rule, LEM_TK_GIVEN, LEM_TS_GIVEN);
  uint32_t t = lem_proof_add_theorem(W.P, "h", E("(q[a])"), LEM_TK_GOAL,
                                     LEM_TS_PROVED);
  uint32_t b = lem_proof_add_block(W.P, t, 0, LEM_BK_ROOT, 0, NULL, 0, NULL);
  lem_step_spec sp = {.block = b, .rule = LEM_R_THEOREM, .concl = rule,
                      .thmref = g};
  uint32_t s1 = lem_proof_add_step(W.P, &sp);
  uint32_t pa = find("q_a", LEM_R_AND_L, 1)->id;
  lem_term a = K("a"), vs[2] = {x, x}, as[2] = {a, a};
  sp = (lem_step_spec){.block = b, .rule = LEM_R_MP, .concl = E("(q[a])"),
                       .nprem = 2, .prem = (uint32_t[]){s1, pa}, .nsubst = 2,
                       .svar = vs, .sval = as};
  (void)sp;
  sp.prem = (uint32_t[]){s1, s1};
  uint32_t s2 = lem_proof_add_step(W.P, &sp);
  lem_proof_set_final(W.P, t, s2);
  REJECTS("a rule binding x twice");
}
Test(check, exists_witness_not_fresh) {
  find("p_implies_t", LEM_R_EXISTS, 0)->wit[0] = K("a");
  REJECTS("a theory constant as witness");
}
Test(check, exists_witness_block_const) {
  lem_step *s = find("p_implies_t", LEM_R_EXISTS, 0);
  s->wit[0] = K("_c1");
  s->concl = E("(&(r[_c1,_c1])(p[_c1]))");
  REJECTS("a block constant as witness");
}
Test(check, exists_witness_used_before) {
  find("p_implies_t", LEM_R_HYP, 0)->concl = E("(p[_w1])");
  REJECTS("witness occurring in an earlier step");
}
Test(check, exists_wrong_body) {
  find("p_implies_t", LEM_R_EXISTS, 0)->concl = E("(&(p[_w1])(r[_c1,_w1]))");
  REJECTS("exists with a wrong body");
}
Test(check, eq_refl) {
  find("q_b", LEM_R_EQ_REFL, 0)->concl = E("(=[a,b])");
  REJECTS("eq_refl of two names");
}
Test(check, eq_subst_wrong) {
  find("q_b", LEM_R_EQ_SUBST, 0)->concl = E("(p[b])");
  REJECTS("eq_subst changing the relation");
}
Test(check, eq_subst_backwards) {
  lem_step *s = find("q_b", LEM_R_EQ_SUBST, 0);
  s->concl = E("(q[a])");
  s->prem[1] = find("q_a", LEM_R_MP, 0)->id; /* sibling theorem: out of scope */
  REJECTS("premise from another theorem");
}
Test(check, contra_not_negation) {
  lem_step *s = find("ex_falso", LEM_R_CONTRA, 0);
  s->prem[1] = s->prem[0];
  REJECTS("contra of A and A");
}
Test(check, intro_const_escapes) {
  lem_step *s = find("q_a", LEM_R_AND_L, 1);
  s->concl = E("(p[_c1])");
  REJECTS("block constant outside its block");
}
Test(check, intro_wrong_hyps) {
  W.P->blocks[find("p_implies_t", LEM_R_HYP, 0)->block - 1].hyps[0] = E("(q[_c1])");
  REJECTS("intro block hypotheses differ from the premise");
}
Test(check, intro_binds_twice) {
  lem_term x = lem_mk_var(W.L, lem_sym_cstr(W.L, "x"), 0), xx[2] = {x, x};
  find("p_implies_t", LEM_R_INTRO, 0)->concl =
      lem_mk_all(W.L, 2, xx, lem_mk_rel(W.L, lem_sym_cstr(W.L, "p"), 1, &x),
                 lem_mk_rel(W.L, lem_sym_cstr(W.L, "t"), 1, &x));
  REJECTS("intro conclusion binding x twice");
}
Test(check, intro_child_wrong_kind) {
  W.P->blocks[find("p_implies_t", LEM_R_INTRO, 0)->kids[0] - 1].kind = LEM_BK_BASE;
  REJECTS("intro over a base block");
}
Test(check, intro_witness_escapes) {
  find("p_implies_t", LEM_R_INTRO, 0)->concl = E("(>[x](p[x])(t[_w1]))");
  REJECTS("witness in the intro conclusion");
}
Test(check, neg_intro_not_a_negation) {
  lem_step *s = find("no_p_and_not_p", LEM_R_NEG_INTRO, 0);
  s->concl = E("(&(p[a])!(p[a]))");
  REJECTS("neg_intro concluding A itself");
}
Test(check, neg_intro_wrong_hyps) {
  lem_step *s = find("no_p_and_not_p", LEM_R_NEG_INTRO, 0);
  W.P->blocks[s->kids[0] - 1].hyps[1] = E("!(q[a])");
  REJECTS("neg_intro block assuming other than A");
}
Test(check, neg_intro_dropped_hyp) {
  lem_step *s = find("no_p_and_not_p", LEM_R_NEG_INTRO, 0);
  W.P->blocks[s->kids[0] - 1].nhyps = 1;
  REJECTS("neg_intro block assuming part of A");
}
Test(check, neg_intro_child_states_other) {
  find("no_p_and_not_p", LEM_R_CONTRA, 0)->concl = E("!(p[a])");
  REJECTS("neg_intro whose block reaches another formula");
}
Test(check, neg_intro_block_with_constants) {
  lem_step *s = find("no_p_and_not_p", LEM_R_NEG_INTRO, 0);
  static lem_term k[1];
  k[0] = K("_c9");
  lem_block *b = &W.P->blocks[s->kids[0] - 1];
  b->nconsts = 1;
  b->consts = k;
  REJECTS("neg_intro block with a constant");
  b->nconsts = 0;
  b->consts = NULL;
}
Test(check, neg_intro_child_wrong_kind) {
  lem_step *s = find("no_p_and_not_p", LEM_R_NEG_INTRO, 0);
  W.P->blocks[s->kids[0] - 1].kind = LEM_BK_STEP;
  REJECTS("neg_intro over a step block");
}

Test(check, induct_no_base) {
  lem_step *s = find("all_ev", LEM_R_INDUCT, 0);
  s->nkids = 1;
  s->kids[0] = s->kids[1];
  s->nprem = 1;
  s->prem[0] = s->prem[1];
  REJECTS("induct without a base block");
}
Test(check, induct_wrong_step_hyp) {
  lem_step *s = find("all_ev", LEM_R_INDUCT, 0);
  W.P->blocks[s->kids[1] - 1].hyps[1] = E("(in2[_m1,_n1,s])");
  REJECTS("induct with succ[m,n]");
}
Test(check, induct_wrong_zero) {
  W.ind.zero = K("a");
  REJECTS("induct whose base is not P(zero)");
}
Test(check, induct_without_principle) {
  lem_check_result r;
  cr_assert_eq(lem_check_proof(W.L, W.P, W.T, NULL, 0, &r), LEM_ECHECK);
  cr_assert_eq(r.failed_rule[LEM_R_INDUCT], 1);
}
Test(check, premise_from_sibling_block) {
  /* move n2 (root) into the base block: the step block then uses a premise
  ** from its sibling */
  lem_step *ind = find("all_ev", LEM_R_INDUCT, 0);
  lem_step *n2 = find("all_ev", LEM_R_AND_R, 1);
  n2->block = ind->kids[0];
  lem_check_result r;
  cr_assert_eq(lem_check_proof(W.L, W.P, W.T, &W.ind, 0, &r), LEM_ECHECK);
  cr_assert(strstr(r.first_why, "block"), "%s", r.first_why);
}
Test(check, premise_forward) {
  lem_step *s = find("q_a", LEM_R_MP, 0);
  s->prem[1] = s->id + 1;
  REJECTS("a premise that comes later");
}
Test(check, smt_needs_unsat) {
  lem_step *s = find("q_a_smt", LEM_R_SMT, 0);
  s->answer[0] = 'x';
  REJECTS("smt step whose answer is not unsat");
}
Test(check, final_must_conclude_statement) {
  W.P->thms[5].stmt = E("(>[n](in[n,N])(p[n]))"); /* all_ev */
  lem_check_result r;
  cr_assert_eq(lem_check_proof(W.L, W.P, W.T, &W.ind, 0, &r), LEM_ECHECK);
  cr_assert_eq(r.thm_failed, 1);
  cr_assert_eq(r.failed, 1);
  cr_assert(strstr(r.first_why, "all_ev"), "%s", r.first_why);
  cr_assert_str_eq(r.expected, "(>[n](in[n,N])(p[n]))");
  cr_assert_str_eq(r.found, "(>[n](in[n,N])(ev[n]))");
}
Test(check, unused_step_rejected) {
  lem_proof_set_final(W.P, 1, find("q_a", LEM_R_AND_L, 1)->id);
  REJECTS("a proof with steps its final step does not use");
}
Test(check, failure_report_names_step) {
  lem_step *s = find("q_a", LEM_R_MP, 0);
  s->concl = E("(q[b])");
  lem_check_result r;
  cr_assert_eq(lem_check_proof(W.L, W.P, W.T, &W.ind, 0, &r), LEM_ECHECK);
  cr_assert_eq(r.first_step, s->id);
  cr_assert_eq(r.first_rule, LEM_R_MP);
  cr_assert_str_eq(r.expected, "(q[a])");
  cr_assert_str_eq(r.found, "(q[b])");
  cr_assert(strstr(lem_errmsg(W.L), "mp"));
}

/* The builder is failure-clean: under every allocation limit, a failed add
** leaves the proof as it was, and freeing it returns every byte. */
Test(check, proof_builder_out_of_memory) {
  for (size_t limit = 2000; limit < 200000; limit += 997) {
    lem_ctx *L = lem_ctx_new(NULL, NULL, limit);
    if (!L) continue;
    lem_term a = lem_mk_const(L, lem_sym_cstr(L, "a"));
    if (!a) {
      lem_ctx_free(L);
      continue;
    }
    size_t base = L->inuse;
    lem_proof *P = lem_proof_new(L);
    for (int i = 0; P && i < 50; i++) {
      uint32_t t = lem_proof_add_theorem(P, "some theorem", a, LEM_TK_GOAL,
                                         LEM_TS_PROVED);
      uint32_t b = t ? lem_proof_add_block(P, t, 0, LEM_BK_ROOT, 1, &a, 1, &a)
                     : 0;
      uint32_t n = P->nsteps;
      lem_step_spec sp = {.block = b, .rule = LEM_R_SMT, .concl = a,
                          .nprem = 1, .prem = &t, .nsubst = 1, .svar = &a,
                          .sval = &a, .nwit = 1, .wit = &a, .query = "q",
                          .answer = "unsat"};
      if (b && !lem_proof_add_step(P, &sp)) cr_assert_eq(P->nsteps, n);
    }
    lem_proof_free(P);
    cr_assert_eq(L->inuse, base, "limit %zu: %zu bytes not returned", limit,
                 L->inuse - base);
    lem_ctx_free(L);
  }
}

/* ---- the mutation suite ---- */

static char tmpl[64], mut[64];

static void unlink_db(const char *p) {
  char b[96];
  unlink(p);
  snprintf(b, sizeof b, "%s-wal", p);
  unlink(b);
  snprintf(b, sizeof b, "%s-shm", p);
  unlink(b);
}

static void copy_file(const char *from, const char *to) {
  unlink_db(to); /* no stale WAL from the last mutant */
  FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
  cr_assert(a && b);
  char buf[8192];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, a)) > 0) fwrite(buf, 1, n, b);
  fclose(a);
  fclose(b);
}

/* Apply sql (with up to 3 integer parameters) to a fresh copy; returns the
** number of rows changed. */
static int tamper(const char *sql, sqlite3_int64 p1, sqlite3_int64 p2,
                  sqlite3_int64 p3) {
  copy_file(tmpl, mut);
  sqlite3 *db;
  cr_assert_eq(sqlite3_open(mut, &db), SQLITE_OK);
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s",
               sql, sqlite3_errmsg(db));
  int np = sqlite3_bind_parameter_count(st);
  if (np >= 1) sqlite3_bind_int64(st, 1, p1);
  if (np >= 2) sqlite3_bind_int64(st, 2, p2);
  if (np >= 3) sqlite3_bind_int64(st, 3, p3);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  int changed = rc == SQLITE_DONE ? sqlite3_changes(db) : 0;
  sqlite3_close(db);
  return changed;
}

/* 1 if the tampered copy is refused by the store or by the checker.  The
** theory is reloaded from the copy, as `lemma replay` does. */
static int caught(char *why, size_t n) {
  lem_ctx *L = lem_ctx_new(NULL, NULL, 0);
  lem_theory *T = NULL, *T0 = NULL;
  lem_induction ind;
  lem_store *S = NULL;
  lem_proof *P = NULL;
  char *name = NULL, *text = NULL;
  size_t len = 0;
  int killed = 1;
  cr_assert_eq(pg_theory(L, &T0, &ind), 0); /* for the induction struct */
  if (!lem_store_open(L, mut, LEM_STORE_READ, &S) &&
      !lem_store_read_theory(S, &name, &text, &len) &&
      !lem_theory_load_text(L, text, len, "stored", &T) &&
      !lem_store_load(S, &P)) {
    lem_check_result r;
    killed = lem_check_proof(L, P, T, &ind, 0, &r) != LEM_OK;
  }
  if (name) lem_free(L, name, strlen(name) + 1);
  if (text) lem_free(L, text, len + 1);
  lem_theory_free(L, T0);
  snprintf(why, n, "%s", lem_errmsg(L));
  lem_proof_free(P);
  lem_store_close(S);
  lem_theory_free(L, T);
  lem_ctx_free(L);
  return killed;
}

static int applied, killed;

static void mutate(const char *label, const char *sql, sqlite3_int64 p1,
                   sqlite3_int64 p2, sqlite3_int64 p3) {
  if (tamper(sql, p1, p2, p3) <= 0) return; /* did not apply: not a mutant */
  char why[600];
  applied++;
  if (caught(why, sizeof why)) {
    killed++;
  } else {
    fprintf(stderr, "mutant survived: %s (%lld, %lld, %lld)\n", label,
            (long long)p1, (long long)p2, (long long)p3);
  }
}

static sqlite3_int64 count(const char *sql, sqlite3_int64 p) {
  sqlite3 *db;
  sqlite3_stmt *st;
  sqlite3_open(tmpl, &db);
  sqlite3_prepare_v2(db, sql, -1, &st, NULL);
  if (sqlite3_bind_parameter_count(st)) sqlite3_bind_int64(st, 1, p);
  sqlite3_int64 v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0)
                                                   : -1;
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

Test(check, mutation_suite) {
  snprintf(tmpl, sizeof tmpl, "/tmp/lemma-mut-%d.db", (int)getpid());
  snprintf(mut, sizeof mut, "/tmp/lemma-mut-%d-x.db", (int)getpid());
  cr_assert_eq(pg_write_db(&W, tmpl), 0, "%s", lem_errmsg(W.L));
  char why[600];
  copy_file(tmpl, mut);
  cr_assert(!caught(why, sizeof why), "the untampered copy fails: %s", why);
  sqlite3_int64 nsteps = count("SELECT max(id) FROM steps", 0);
  sqlite3_int64 nexpr = count("SELECT max(id) FROM expressions", 0);
  sqlite3_int64 nthm = count("SELECT max(id) FROM theorems", 0);
  for (sqlite3_int64 s = 1; s <= nsteps; s++) {
    /* change the conclusion to every other expression of a few kinds */
    for (sqlite3_int64 d = 1; d <= 3; d++)
      mutate("change a conclusion",
             "UPDATE steps SET conclusion = (conclusion + ?2 - 1) % ?3 + 1 "
             "WHERE id = ?1", s, d, nexpr);
    /* smt steps are not re-run by the checker (no solver), so removing
    ** one of their premises is invisible to it until the Z3 re-run lands */
    mutate("drop the last premise",
           "DELETE FROM step_premises WHERE step = ?1 AND position = "
           "(SELECT max(position) FROM step_premises WHERE step = ?1) AND "
           "(SELECT rule FROM steps WHERE id = ?1) <> 'smt'", s, 0, 0);
    mutate("drop the first premise",
           "DELETE FROM step_premises WHERE step = ?1 AND position = 0 AND "
           "(SELECT rule FROM steps WHERE id = ?1) <> 'smt'", s, 0, 0);
    mutate("swap two premises",
           "UPDATE step_premises SET premise = CASE position WHEN 0 THEN "
           "(SELECT premise FROM step_premises WHERE step = ?1 AND position = 1)"
           " ELSE (SELECT premise FROM step_premises WHERE step = ?1 AND "
           "position = 0) END WHERE step = ?1 AND position IN (0, 1) AND "
           "(SELECT count(DISTINCT premise) FROM step_premises WHERE step = ?1 "
           "AND position IN (0, 1)) = 2", s, 0, 0);
    mutate("premise points to itself (cycle)",
           "UPDATE step_premises SET premise = step WHERE step = ?1 AND "
           "position = 0", s, 0, 0);
    mutate("premise points forward",
           "UPDATE step_premises SET premise = step + 1 WHERE step = ?1 AND "
           "position = 0 AND step < ?2", s, nsteps, 0);
    for (sqlite3_int64 d = 1; d <= 2; d++)
      mutate("change a substitution value",
             "UPDATE step_subst SET value = (value + ?2 - 1) % ?3 + 1 "
             "WHERE step = ?1 AND position = 0", s, d, nexpr);
    mutate("change a substitution variable",
           "UPDATE step_subst SET var = var || 'z' WHERE step = ?1", s, 0, 0);
    mutate("change a rule", "UPDATE steps SET rule = CASE rule WHEN 'and_l' "
           "THEN 'and_r' WHEN 'and_r' THEN 'and_l' WHEN 'fold' THEN 'expand' "
           "WHEN 'expand' THEN 'fold' WHEN 'contra' THEN 'and_i' "
           "ELSE 'contra' END WHERE id = ?1", s, 0, 0);
    mutate("move a hypothesis step to the parent block",
           "UPDATE steps SET block = (SELECT parent FROM blocks WHERE id = "
           "steps.block) WHERE id = ?1 AND rule = 'hyp'", s, 0, 0);
    mutate("move a step into a child block",
           "UPDATE steps SET block = (SELECT min(id) FROM blocks WHERE "
           "parent = steps.block) WHERE id = ?1 AND EXISTS (SELECT 1 FROM "
           "blocks WHERE parent = steps.block)", s, 0, 0);
    mutate("delete a step", "DELETE FROM steps WHERE id = ?1", s, 0, 0);
  }
  for (sqlite3_int64 t = 1; t <= nthm; t++) {
    mutate("change a statement",
           "UPDATE theorems SET statement = (statement % ?2) + 1 WHERE id = ?1",
           t, nexpr, 0);
    mutate("final step moved back",
           "UPDATE theorems SET final_step = final_step - 1 WHERE id = ?1", t,
           0, 0);
    mutate("a used theorem marked failed",
           "UPDATE theorems SET status = 'failed' WHERE id = ?1 AND id IN "
           "(SELECT used_theorem FROM theorem_uses)", t, 0, 0);
    mutate("a proved theorem marked given (unproved)",
           "UPDATE theorems SET status = 'given' WHERE id = ?1", t, 0, 0);
  }
  /* use a theorem before it is proved: q_a_smt (7) has q_a's statement */
  mutate("use a theorem before it is proved",
         "UPDATE steps SET ref_theorem = ?1 WHERE rule = 'theorem'", nthm, 0, 0);
  mutate("renumber a used theorem after its user",
         "UPDATE theorems SET id = 1000 WHERE id = 1", 0, 0, 0);
  mutate("remove the base block",
         "DELETE FROM blocks WHERE kind = 'base'", 0, 0, 0);
  mutate("remove the base block's link",
         "DELETE FROM step_children WHERE block IN (SELECT id FROM blocks "
         "WHERE kind = 'base')", 0, 0, 0);
  mutate("swap base and step blocks",
         "UPDATE step_children SET position = 1 - position", 0, 0, 0);
  mutate("intro block loses a hypothesis",
         "DELETE FROM block_hyps WHERE position = (SELECT max(position) FROM "
         "block_hyps h WHERE h.block = block_hyps.block)", 0, 0, 0);
  mutate("block constant renamed to a theory constant",
         "UPDATE block_consts SET expr = (SELECT id FROM expressions WHERE "
         "text = 'a')", 0, 0, 0);
  mutate("witness renamed", "UPDATE step_witnesses SET witness = (SELECT id "
         "FROM expressions WHERE text = 'a')", 0, 0, 0);
  mutate("smt answer", "UPDATE smt SET answer = 'sat'", 0, 0, 0);
  mutate("expression text", "UPDATE expressions SET text = '(q[b])' WHERE "
         "text = '(q[a])'", 0, 0, 0);
  mutate("garbled expression", "UPDATE expressions SET text = '(&(q[a])' "
         "WHERE id = 3", 0, 0, 0);
  mutate("definition renamed", "UPDATE steps SET definition = 'p' WHERE "
         "definition IS NOT NULL", 0, 0, 0);
  /* each table with its key: rowid, or the primary key of a WITHOUT
     ROWID table (ascending, then descending for the last row) */
  static const char *const tables[][3] = {
      {"run", "rowid", "rowid DESC"},
      {"theory", "rowid", "rowid DESC"},
      {"expressions", "rowid", "rowid DESC"},
      {"theorems", "rowid", "rowid DESC"},
      {"blocks", "rowid", "rowid DESC"},
      {"block_consts", "block, position", "block DESC, position DESC"},
      {"block_hyps", "block, position", "block DESC, position DESC"},
      {"steps", "rowid", "rowid DESC"},
      {"step_premises", "step, position", "step DESC, position DESC"},
      {"step_subst", "step, position", "step DESC, position DESC"},
      {"step_witnesses", "step, position", "step DESC, position DESC"},
      {"step_children", "step, position", "step DESC, position DESC"},
      {"smt", "rowid", "rowid DESC"}};
  for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
    char sql[400];
    const char *t = tables[i][0], *key = tables[i][1], *desc = tables[i][2];
    /* a row of each table: first, last, and one in the middle */
    for (int k = 0; k < 3; k++) {
      snprintf(sql, sizeof sql, "DELETE FROM %s WHERE (%s) = (SELECT %s "
               "FROM %s ORDER BY %s LIMIT 1 OFFSET (SELECT count(*) FROM "
               "%s) * ?1 / 2)", t, key, key, t, key, t);
      if (k == 2) /* OFFSET count*2/2 is past the end: take the last */
        snprintf(sql, sizeof sql, "DELETE FROM %s WHERE (%s) = (SELECT %s "
                 "FROM %s ORDER BY %s LIMIT 1) AND ?1 = 2", t, key, key, t,
                 desc);
      mutate(t, sql, k, 0, 0);
    }
  }
  double rate = applied ? 100.0 * killed / applied : 0;
  fprintf(stderr, "mutation suite: %d of %d mutants killed (%.1f%%)\n",
          killed, applied, rate);
  unlink_db(tmpl);
  unlink_db(mut);
  cr_assert_gt(applied, 200);
  cr_assert_eq(killed, applied, "kill rate %.1f%%", rate);
}

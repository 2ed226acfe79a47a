/*
** test_smtmodel.c: MPL under a theory's model (smt/mpl2smt.c).
**
** What they pin down: the theories' `model` statements drive the
** translation (peano and peano-left, whose symbols differ, give the same
** answers); ground facts over 0..20 written relationally are proved by Z3
** and by the direct evaluator alike, and their negations refuted; false
** Peano-style conjectures get counterexamples that really falsify them
** (checked here with C arithmetic), true laws get none; finite domains find
** a countermodel only when one satisfies the whole axiom (Peano has no
** finite model, so none is reported there); a tiny resource limit gives
** unknown with a reason; a malformed or untranslatable query fails alone.
*/
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpl.h"
#include "smt.h"

static lem_ctx *L;
static smt_solver *S;
static lem_theory *P;
static smt_model M;

static void setup(void) {
  L = lem_ctx_new(NULL, NULL, 0);
  cr_assert(L);
  S = smt_solver_new(L);
  cr_assert(S, "smt_solver_new: %s", lem_errmsg(L));
  cr_assert_eq(lem_theory_load(L, TOP_SRCDIR "/corpus/peano", &P), LEM_OK,
               "%s", lem_errmsg(L));
  cr_assert_eq(smt_model_from_theory(L, P, &M), LEM_OK, "%s", lem_errmsg(L));
}

static void teardown(void) {
  smt_solver_free(S);
  lem_theory_free(L, P);
  lem_ctx_free(L);
  smt_finalize();
}

TestSuite(smtmodel, .init = setup, .fini = teardown);

static lem_term rd(const lem_theory *T, const char *s) {
  lem_term f = lem_read_formula(L, T, s, strlen(s), "test", 1, 1);
  cr_assert(f, "%s: %s", s, lem_errmsg(L));
  return f;
}

static lem_term cst(const char *s) { return lem_mk_const(L, lem_sym_cstr(L, s)); }

static lem_term rel(const char *r, uint32_t n, const lem_term *a) {
  return lem_mk_rel(L, lem_sym_cstr(L, r), n, a);
}

/* Hypotheses naming the numbers 0..20 by block-style constants c0..c20:
** =[c0,i0], in2[c0,c1,s], in2[c1,c2,s], ... */
static lem_term cnum[21];
static uint32_t number_hyps(lem_term *h) {
  char b[8];
  for (int i = 0; i <= 20; i++) {
    snprintf(b, sizeof b, "c%d", i);
    cnum[i] = cst(b);
  }
  lem_term k[3] = {cnum[0], cst("i0")};
  uint32_t n = 0;
  h[n++] = rel("=", 2, k);
  for (int i = 0; i < 20; i++) {
    lem_term a[3] = {cnum[i], cnum[i + 1], cst("s")};
    h[n++] = rel("in2", 3, a);
  }
  return n;
}

/* a op b = c as in3[ca, cb, cc, op], negated when neg. */
static lem_term fact(int a, int b, int c, const char *op, int neg) {
  lem_term k[4] = {cnum[a], cnum[b], cnum[c], cst(op)};
  lem_term f = rel("in3", 4, k);
  return neg ? lem_mk_not(L, f) : f;
}

Test(smtmodel, ground_facts_0_to_20) {
  lem_term h[32];
  uint32_t nh = number_hyps(h);
  smt_result r = SMT_RESULT_INIT;
  uint32_t proved = 0;
  for (int a = 0; a <= 20; a++)
    for (int b = 0; a + b <= 20; b += 3) {
      lem_term goals[4] = {fact(a, b, a + b, "+", 0),
                           fact(a, b, (a + b + 1) % 21, "+", 1), 0, 0};
      uint32_t ng = 2;
      if (a * b <= 20) goals[ng++] = fact(a, b, a * b, "*", 0);
      if (a * b + 1 <= 20) goals[ng++] = fact(a, b, a * b + 1, "*", 1);
      for (uint32_t g = 0; g < ng; g++) {
        cr_assert_eq(smt_prove_qf(S, &M, nh, h, goals[g], &r), SMT_PROVED,
                     "%d,%d #%u: %s %s", a, b, g, smt_status_name(r.status),
                     r.text);
        /* the query replays to the same answer, and evaluates to true */
        cr_assert(r.query && strstr(r.query, "(check-sat)"));
        smt_result r2 = SMT_RESULT_INIT;
        cr_assert_eq(smt_check_smtlib(S, r.query, &r2), SMT_UNSAT);
        smt_result_free(L, &r2);
        int holds = -1;
        cr_assert_eq(smt_eval_qf(L, &M, nh, h, goals[g], &holds), LEM_OK,
                     "%s", lem_errmsg(L));
        cr_assert_eq(holds, 1);
        proved++;
      }
    }
  cr_assert_gt(proved, 200);
  /* NOT 3*2=7, and a false fact is refuted by both */
  cr_assert_eq(smt_prove_qf(S, &M, nh, h, fact(3, 2, 7, "*", 1), &r),
               SMT_PROVED);
  cr_assert_eq(smt_prove_qf(S, &M, nh, h, fact(3, 2, 7, "*", 0), &r),
               SMT_REFUTED);
  int holds = -1;
  cr_assert_eq(smt_eval_qf(L, &M, nh, h, fact(3, 2, 7, "*", 0), &holds),
               LEM_OK);
  cr_assert_eq(holds, 0);
  /* without the hypotheses the constants are free: not ground */
  cr_assert_eq(smt_eval_qf(L, &M, 0, NULL, fact(3, 2, 6, "*", 0), &holds),
               LEM_EINVAL);
  smt_result_free(L, &r);
}

/* The integer value of name in "a = 2, b = 0". */
static int64_t val_of(const char *text, const char *name) {
  char key[32];
  snprintf(key, sizeof key, "%s = ", name);
  for (const char *p = text; (p = strstr(p, key)); p++)
    if (p == text || p[-1] == ' ') return strtoll(p + strlen(key), NULL, 10);
  cr_assert_fail("no %s in '%s'", name, text);
  return -1;
}

typedef struct conj {
  const char *mpl;
  /* does the assignment falsify it?  (checked with C arithmetic) */
  int (*bad)(int64_t a, int64_t b);
} conj;

static int f_add_a(int64_t a, int64_t b) { return a + b != a; }
static int f_mul_add(int64_t a, int64_t b) { return a * b != a + b; }
static int f_succ(int64_t a, int64_t b) { (void)b; return a + 1 != a; }
static int f_add_b(int64_t a, int64_t b) { return a + b != b; }
static int f_sq(int64_t a, int64_t b) { (void)b; return a * a != a; }
static int f_sub(int64_t a, int64_t b) { return a + b != 2 * b; }

Test(smtmodel, false_conjectures_have_counterexamples) {
  static const conj cs[] = {
      {"(>[a,b,c](in3[a,b,c,+])(=[c,a]))", f_add_a},
      {"(>[a,b,c,d](&(in3[a,b,c,*])(in3[a,b,d,+]))(=[c,d]))", f_mul_add},
      {"(>[a,b](in2[a,b,s])(=[b,a]))", f_succ},
      {"(>[a,b,c](in3[a,b,c,+])(=[c,b]))", f_add_b},
      {"(>[a,b](in3[a,a,b,*])(=[b,a]))", f_sq},
      {"(>[a,b,c](in3[a,b,c,+])(>[d](in3[b,b,d,+])(=[c,d])))", f_sub},
  };
  smt_result r = SMT_RESULT_INIT;
  for (size_t i = 0; i < sizeof cs / sizeof *cs; i++) {
    cr_assert_eq(smt_refute(S, &M, rd(P, cs[i].mpl), &r), SMT_SAT, "%s: %s %s",
                 cs[i].mpl, smt_status_name(r.status), r.text);
    int64_t a = val_of(r.text, "a");
    int64_t b = strstr(r.text, "b = ") ? val_of(r.text, "b") : 0;
    cr_assert(a >= 0 && b >= 0, "%s", r.text);
    cr_assert(cs[i].bad(a, b), "%s: '%s' does not falsify it", cs[i].mpl,
              r.text);
    cr_assert(strncmp(r.text, "a = ", 4) == 0, "readable: %s", r.text);
    cr_assert(r.query && strstr(r.query, "(assert (not "));
  }
  smt_result_free(L, &r);
}

Test(smtmodel, true_laws_have_none) {
  static const char *laws[] = {
      "(>[a,b,c](in3[a,b,c,+])(in3[b,a,c,+]))",
      "(>[a,b,c](in3[a,b,c,*])(in3[b,a,c,*]))",
      "(>[a,b,c,d,e](&(in3[a,b,d,+])(in3[d,c,e,+]))(>[f](in3[b,c,f,+])"
      "(in3[a,f,e,+])))",
      "(>[a,b,c,d,e](&(in3[a,b,d,*])(in3[d,c,e,*]))(>[f](in3[b,c,f,*])"
      "(in3[a,f,e,*])))",
      "(>[a,b,c,d,e](&(in3[b,c,d,+])(in3[a,d,e,*]))(>[f,g](&(in3[a,b,f,*])"
      "(in3[a,c,g,*]))(in3[f,g,e,+])))",
      "(>[a](in[a,N])(in3[i0,a,a,+]))",
      "(>[a,b](in2[a,b,s])!(=[a,b]))",
  };
  smt_result r = SMT_RESULT_INIT;
  for (size_t i = 0; i < sizeof laws / sizeof *laws; i++)
    cr_assert_eq(smt_refute(S, &M, rd(P, laws[i]), &r), SMT_UNSAT, "%s: %s %s",
                 laws[i], smt_status_name(r.status), r.text);
  /* a law with an existential conclusion: quantifiers go to Z3 as such */
  lem_term ex = rd(P, "(>[a](in[a,N])!(>[b](in[b,N])!(in2[a,b,s])))");
  smt_status st = smt_refute(S, &M, ex, &r);
  cr_assert(st == SMT_UNSAT || st == SMT_UNKNOWN, "%s", smt_status_name(st));
  smt_result_free(L, &r);
}

Test(smtmodel, other_spelling_same_answers) {
  lem_theory *Q = NULL;
  cr_assert_eq(lem_theory_load(L, TOP_SRCDIR "/corpus/peano-left", &Q), LEM_OK,
               "%s", lem_errmsg(L));
  smt_model MQ;
  cr_assert_eq(smt_model_from_theory(L, Q, &MQ), LEM_OK);
  smt_result r = SMT_RESULT_INIT;
  cr_assert_eq(smt_refute(S, &MQ, rd(Q, "(>[a,b,c](app2[a,b,c,add])"
                                         "(app2[b,a,c,add]))"), &r),
               SMT_UNSAT);
  cr_assert_eq(smt_refute(S, &MQ, rd(Q, "(>[a,b](app1[a,b,succ])(=[b,one]))"),
                          &r),
               SMT_SAT);
  cr_assert_neq(val_of(r.text, "a"), 0, "%s", r.text);
  /* the query text is the same as peano's for the same shape */
  smt_result r2 = SMT_RESULT_INIT;
  cr_assert_eq(smt_refute(S, &M, rd(P, "(>[a,b](in2[a,b,s])(=[b,i1]))"), &r2),
               SMT_SAT);
  cr_assert_str_eq(r.query, r2.query);
  smt_result_free(L, &r);
  smt_result_free(L, &r2);
  lem_theory_free(L, Q);
}

static const char *FUN =
    "relation in[x,X] : (elem, set);\n"
    "relation in2[x,y,f] : (in, out, op);\n"
    "anchor F[X,f,z] := (&(in[z,X])(>[x](in[x,X])(&"
    "!(>[y](in[y,X])!(in2[x,y,f]))"
    "(>[y,w](&(in2[x,y,f])(in2[x,w,f]))(=[y,w])))));\n";

Test(smtmodel, finite_domains) {
  lem_theory *F = NULL;
  cr_assert_eq(lem_theory_load_text(L, FUN, strlen(FUN), "fun.mpl", &F),
               LEM_OK, "%s", lem_errmsg(L));
  smt_model M3, U;
  cr_assert_eq(smt_model_from_theory(L, F, &M3), LEM_EINVAL); /* no model */
  cr_assert_eq(smt_model_finite(L, F, 0, &M3), LEM_EINVAL);
  cr_assert_eq(smt_model_finite(L, F, 3, &M3), LEM_OK);
  smt_result r = SMT_RESULT_INIT;
  /* f(f(x)) = x is false in some function of a 3-element set */
  lem_term invol = rd(F, "(>[x,y,w](&(in[x,X])(&(in2[x,y,f])(in2[y,w,f])))"
                         "(=[w,x]))");
  cr_assert_eq(smt_refute(S, &M3, invol, &r), SMT_SAT, "%s %s",
               smt_status_name(r.status), r.text);
  cr_assert(strstr(r.text, "x = ") && strstr(r.text, "\nwhere "), "%s",
            r.text);
  cr_assert(strstr(r.text, "\nin2 = "), "%s", r.text);
  /* size 1: the only function is the identity: no counterexample */
  smt_model M1;
  cr_assert_eq(smt_model_finite(L, F, 1, &M1), LEM_OK);
  cr_assert_eq(smt_refute(S, &M1, invol, &r), SMT_UNSAT);
  /* a consequence of the axiom: none at any size, and a proof over U */
  lem_term total = rd(F, "(>[x](in[x,X])!(>[y](in[y,X])!(in2[x,y,f])))");
  cr_assert_eq(smt_refute(S, &M3, total, &r), SMT_UNSAT);
  cr_assert_eq(smt_model_uninterpreted(L, F, &U), LEM_OK);
  cr_assert_eq(smt_refute(S, &U, total, &r), SMT_UNSAT, "%s %s",
               smt_status_name(r.status), r.text);
  cr_assert(strstr(r.query, "(declare-sort U 0)"));
  lem_theory_free(L, F);
  /* Peano's axiom has no finite model (s injective, i0 not a successor):
     a false conjecture still gets no finite "counterexample" */
  smt_model P2;
  cr_assert_eq(smt_model_finite(L, P, 2, &P2), LEM_OK);
  cr_assert_eq(smt_refute(S, &P2, rd(P, "(>[a,b,c](in3[a,b,c,+])(=[c,a]))"),
                          &r),
               SMT_UNSAT, "%s %s", smt_status_name(r.status), r.text);
  smt_result_free(L, &r);
}

Test(smtmodel, unknown_and_failures_are_local) {
  smt_result r = SMT_RESULT_INIT;
  /* a nonlinear law under a resource limit of 1: unknown with a reason */
  cr_assert_eq(smt_solver_set_rlimit(S, 1), LEM_OK);
  lem_term assoc = rd(P, "(>[a,b,c,d,e](&(in3[a,b,d,*])(in3[d,c,e,*]))"
                         "(>[f](in3[b,c,f,*])(in3[a,f,e,*])))");
  cr_assert_eq(smt_refute(S, &M, assoc, &r), SMT_UNKNOWN, "%s",
               smt_status_name(r.status));
  cr_assert(r.text && r.text[0], "a reason");
  cr_assert_eq(smt_solver_set_rlimit(S, SMT_DEFAULT_RLIMIT), LEM_OK);
  /* a malformed query fails alone */
  cr_assert_eq(smt_check_smtlib(S, "(assert (= k0", &r), SMT_ERROR);
  cr_assert(r.text && r.text[0]);
  /* an untranslatable formula fails alone: s used as a number */
  cr_assert_eq(smt_refute(S, &M, rd(P, "(>[a](in3[a,s,a,+])(=[a,a]))"), &r),
               SMT_ERROR);
  cr_assert(strstr(r.text, "'s'"), "%s", r.text);
  cr_assert_null(r.query);
  /* a variable in an op position */
  cr_assert_eq(smt_refute(S, &M, rd(P, "(>[a,f](in2[a,a,f])(=[a,i0]))"), &r),
               SMT_ERROR);
  cr_assert(strstr(r.text, "op position"), "%s", r.text);
  /* quantifiers refused in a side goal */
  lem_term q = rd(P, "(>[a](in[a,N])(in3[i0,a,a,+]))");
  cr_assert_eq(smt_prove_qf(S, &M, 0, NULL, q, &r), SMT_FAILED);
  /* and the run goes on */
  cr_assert_eq(smt_refute(S, &M, rd(P, "(>[a,b](in2[a,b,s])(=[b,a]))"), &r),
               SMT_SAT);
  smt_result_free(L, &r);
}

/* ---- operations modelled by their recursion (model D rec) ------------ */

#define REC_HEAD                                                    \
  "relation in[x,X] : (elem, set);\n"                               \
  "relation in2[x,y,f] : (in, out, op);\n"                          \
  "relation in3[x,y,z,f] : (in, in, out, op);\n"                    \
  "model N nat; model z 0; model s succ; model + add; model * mul;\n"

/* A theory from REC_HEAD, an anchor body over N, z, s, +, *, D, F and more
** model lines; its rec model in *MR. */
static lem_theory *rec_theory(const char *body, const char *models,
                              smt_model *MR) {
  char text[4096];
  snprintf(text, sizeof text, "%sanchor A[N,z,s,+,*,D,F] := %s;\n%s",
           REC_HEAD, body, models);
  lem_theory *T = NULL;
  cr_assert_eq(lem_theory_load_text(L, text, strlen(text), "rec.mpl", &T),
               LEM_OK, "%s", lem_errmsg(L));
  cr_assert_eq(smt_model_from_theory(L, T, MR), LEM_OK, "%s", lem_errmsg(L));
  MR->rec = 1;
  return T;
}

/* D(0) = 0, D(s(n)) = s(s(D(n))); F(a, 0) = a, F(a, s(b)) = s(F(a, b)), F
** being + again, by its recursion, and a law of F that is no definition. */
#define REC_DF                                                          \
  "(&(in2[z,z,D])(&(>[n,m,a,b,c](&(in2[n,m,s])(&(in2[n,a,D])"           \
  "(&(in2[a,b,s])(in2[b,c,s]))))(in2[m,c,D]))"                          \
  "(&(>[a](in[a,N])(in3[a,z,a,F]))(&(>[a,b,c,d](&(in3[a,b,c,F])"        \
  "(in2[b,d,s]))(>[e](in2[c,e,s])(in3[a,d,e,F])))"                      \
  "(>[a,b,c](in3[a,b,c,F])(in3[b,a,c,F]))))))"

Test(smtmodel, rec_operations_are_read_by_their_recursion) {
  smt_model MR;
  lem_theory *T = rec_theory(REC_DF, "model D rec; model F rec;\n", &MR);
  smt_recdefs R;
  cr_assert_eq(smt_recdefs_read(L, T, &R), LEM_OK, "%s", lem_errmsg(L));
  cr_assert_eq(R.n, 2);
  cr_assert_eq(smt_recdefs_arity(&R, cst("D")), 1);
  cr_assert_eq(smt_recdefs_arity(&R, cst("F")), 2);
  cr_assert_eq(smt_recdefs_arity(&R, cst("s")), -1);
  /* the law F(a, b) = c => F(b, a) = c decreases nothing: left out */
  cr_assert(strstr(R.text.p, "(define-funs-rec ((|f.D| ((x0 Int)) Int) "
                             "(|f.F| ((x0 Int) (x1 Int)) Int)) "),
            "%s", R.text.p);
  cr_assert(strstr(R.text.p, "(|f.F| x1 x0)") == NULL, "%s", R.text.p);
  smt_recdefs_free(L, &R);
  smt_result r = SMT_RESULT_INIT;
  cr_assert_eq(smt_solver_set_rlimit(S, 1000000), LEM_OK);
  /* false: D(a) = s(a) (a = 0), F(a, b) = a (b = 1), D(a) = a * a (a = 1) */
  const char *no[] = {
      "(>[a,b](in2[a,b,D])(in2[a,b,s]))",
      "(>[a,b,c](in3[a,b,c,F])(=[c,a]))",
      "(>[a,b,c](&(in2[a,b,D])(in3[a,a,c,*]))(=[b,c]))",
  };
  for (size_t i = 0; i < sizeof no / sizeof *no; i++)
    cr_assert_eq(smt_refute(S, &MR, rd(T, no[i]), &r), SMT_SAT, "%s: %s %s",
                 no[i], smt_status_name(r.status), r.text);
  /* true by unfolding: D(s(a)) = s(s(D(a))); F(a, s(b)) = s(F(a, b));
     D(1) = 2 */
  const char *yes[] = {
      "(>[a,b,c,d](&(in2[a,b,s])(&(in2[a,c,D])(in2[b,d,D])))"
      "(>[e](in2[c,e,s])(in2[e,d,s])))",
      "(>[a,b,c,d,e](&(in2[b,c,s])(&(in3[a,b,d,F])(in3[a,c,e,F])))"
      "(in2[d,e,s]))",
      "(>[a,b,c](&(in2[z,a,s])(&(in2[a,b,s])(in2[a,c,D])))(=[b,c]))",
  };
  for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
    cr_assert_eq(smt_refute(S, &MR, rd(T, yes[i]), &r), SMT_UNSAT,
                 "%s: %s %s", yes[i], smt_status_name(r.status), r.text);
  cr_assert(strstr(r.query, "define-funs-rec"), "%s", r.query);
  /* side goals (rec = 0) do not read it */
  MR.rec = 0;
  cr_assert_eq(smt_refute(S, &MR, rd(T, no[0]), &r), SMT_ERROR);
  cr_assert(strstr(r.text, "only counterexample search"), "%s", r.text);
  cr_assert_eq(smt_solver_set_rlimit(S, SMT_DEFAULT_RLIMIT), LEM_OK);
  smt_result_free(L, &r);
  lem_theory_free(L, T);
}

Test(smtmodel, rec_operations_that_cannot_be_read) {
  static const struct {
    const char *body, *models, *msg;
  } bad[] = {
      /* no defining axiom */
      {"(in2[z,z,s])", "model D rec;\n", "gives no value of it"},
      /* F(s(a), b) = F(a, s(b)) and F(a, s(b)) = F(s(a), b): no one
         argument decreases in both */
      {"(&(>[a,b,c,d,e](&(in2[a,c,s])(&(in2[b,d,s])(in3[a,d,e,F])))"
       "(in3[c,b,e,F]))(>[a,b,c,d,e](&(in2[a,c,s])(&(in2[b,d,s])"
       "(in3[c,b,e,F])))(in3[a,d,e,F])))",
       "model F rec;\n", "decrease no one argument"},
      /* D through F and F through D */
      {"(&(>[a,b](in3[a,a,b,F])(in2[a,b,D]))(>[a,b,c](&(in2[b,c,s])"
       "(in2[a,b,D]))(in3[a,c,b,F])))",
       "model D rec; model F rec;\n", "defined through an operation"},
      /* a premise with no arithmetic reading: D(s(n)) from F, unmodelled */
      {"(>[n,m,a](&(in2[n,m,s])(in3[n,n,a,F]))(in2[m,a,D]))",
       "model D rec;\n", "does not give as an operation"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    smt_model MR;
    lem_theory *T = rec_theory(bad[i].body, bad[i].models, &MR);
    smt_recdefs R;
    cr_assert_eq(smt_recdefs_read(L, T, &R), LEM_EINVAL, "case %zu", i);
    cr_assert(strstr(lem_errmsg(L), bad[i].msg), "case %zu: %s", i,
              lem_errmsg(L));
    cr_assert_eq(R.text.len, 0);
    smt_recdefs_free(L, &R);
    lem_clear_error(L);
    lem_theory_free(L, T);
  }
}

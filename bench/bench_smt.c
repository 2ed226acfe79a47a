/*
** bench_smt.c: how fast the Z3 client answers the queries the prover asks.
**
** Three measurements in one run, on one reused handle:
**   - ground facts: a + b = c for a, b in 0..50 (smt_prove_ground), against
**     the peer baseline, the direct evaluator (smt_nat_holds) on the same
**     statements;
**   - counterexample search (smt_find_counterexample) on twenty
**     Peano-shaped conjectures, true and false;
** and at the MPL level (smt/mpl2smt.c), with corpus/peano's model:
**   - ground side goals written relationally, a + b = c and a * b = c for
**     a, b in 0..20 (smt_prove_qf: translation, query text and Z3),
**     against the direct evaluator (smt_eval_qf) on the same goals;
**   - counterexample search (smt_refute) on Peano-shaped MPL conjectures
**     in the arithmetic model, and in finite domains of size 2 (where
**     Peano's axiom has no model, so each answer is "none").
** Usage: bench_smt [rounds]   (rounds of the conjecture list, default 5)
** The theory is $top_srcdir/corpus/peano (top_srcdir defaults to ".").
** Prints one line per measurement; exits 1 if any answer is wrong.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mpl.h"
#include "smt.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static lem_term num(lem_ctx *L, unsigned v) {
  char b[16];
  snprintf(b, sizeof b, "%u", v);
  return lem_mk_const(L, lem_sym_cstr(L, b));
}

#define N 51  /* 0..50 */

typedef struct conj {
  const char *body;   /* over x, y, z */
  int holds;          /* 1 if true over the naturals */
} conj;

static const conj conjs[] = {
    {"(= (+ x y) (+ y x))", 1},
    {"(= (* x y) (* y x))", 1},
    {"(= (+ (+ x y) z) (+ x (+ y z)))", 1},
    {"(= (* (* x y) z) (* x (* y z)))", 1},
    {"(= (* x (+ y z)) (+ (* x y) (* x z)))", 1},
    {"(= (* (+ x y) z) (+ (* x z) (* y z)))", 1},
    {"(= (+ x 0) x)", 1},
    {"(= (* x 1) x)", 1},
    {"(= (* x 0) 0)", 1},
    {"(= (+ x (+ y 1)) (+ (+ x y) 1))", 1},
    {"(= (+ x y) x)", 0},
    {"(= (* x y) (+ x y))", 0},
    {"(= (* x x) x)", 0},
    {"(= (* x (+ y z)) (+ (* x y) z))", 0},
    {"(= (+ x y) (* x y))", 0},
    {"(= (+ x 1) x)", 0},
    {"(= (* x y) x)", 0},
    {"(= (+ x x) x)", 0},
    {"(=> (= (* x y) 0) (= x 0))", 0},
    {"(= (* (+ x 1) (+ x 1)) (+ (* x x) 1))", 0},
};
#define NCONJ (sizeof conjs / sizeof *conjs)

/* ---- the MPL level ---- */

static lem_term mconst(lem_ctx *L, const char *s) {
  return lem_mk_const(L, lem_sym_cstr(L, s));
}

static const struct { const char *mpl; int holds; } mconjs[] = {
    {"(>[a,b,c](in3[a,b,c,+])(in3[b,a,c,+]))", 1},
    {"(>[a,b,c](in3[a,b,c,*])(in3[b,a,c,*]))", 1},
    {"(>[a,b,c,d,e](&(in3[a,b,d,+])(in3[d,c,e,+]))(>[f](in3[b,c,f,+])"
     "(in3[a,f,e,+])))", 1},
    {"(>[a,b,c,d,e](&(in3[b,c,d,+])(in3[a,d,e,*]))(>[f,g](&(in3[a,b,f,*])"
     "(in3[a,c,g,*]))(in3[f,g,e,+])))", 1},
    {"(>[a](in[a,N])(in3[i0,a,a,+]))", 1},
    {"(>[a](in[a,N])(in3[a,i1,a,*]))", 1},
    {"(>[a,b,c](in3[a,b,c,+])(=[c,a]))", 0},
    {"(>[a,b,c,d](&(in3[a,b,c,*])(in3[a,b,d,+]))(=[c,d]))", 0},
    {"(>[a,b](in2[a,b,s])(=[b,a]))", 0},
    {"(>[a,b,c](in3[a,b,c,+])(=[c,b]))", 0},
    {"(>[a,b](in3[a,a,b,*])(=[b,a]))", 0},
    {"(>[a,b,c](in3[a,b,c,*])(=[c,a]))", 0},
};
#define NMCONJ (sizeof mconjs / sizeof *mconjs)

static int bench_mpl(lem_ctx *L, smt_solver *S, int rounds) {
  const char *top = getenv("top_srcdir");
  char path[4096];
  snprintf(path, sizeof path, "%s/corpus/peano", top ? top : ".");
  lem_theory *T = NULL;
  smt_model M, F;
  if (lem_theory_load(L, path, &T) || smt_model_from_theory(L, T, &M) ||
      smt_model_finite(L, T, 2, &F)) {
    fprintf(stderr, "bench_smt: %s\n", lem_errmsg(L));
    lem_theory_free(L, T);
    return 1;
  }
  int wrong = 0;
  /* c0 = i0, s(c0) = c1, ..., s(c19) = c20 */
  lem_term c[21], h[21];
  char nb[8];
  for (int i = 0; i <= 20; i++) {
    snprintf(nb, sizeof nb, "c%d", i);
    c[i] = mconst(L, nb);
  }
  lem_term k0[2] = {c[0], mconst(L, "i0")};
  h[0] = lem_mk_rel(L, lem_sym_cstr(L, "="), 2, k0);
  for (int i = 0; i < 20; i++) {
    lem_term a[3] = {c[i], c[i + 1], mconst(L, "s")};
    h[i + 1] = lem_mk_rel(L, lem_sym_cstr(L, "in2"), 3, a);
  }
  static lem_term goals[2 * 21 * 21];
  unsigned ng = 0;
  for (int a = 0; a <= 20; a++)
    for (int b = 0; b <= 20; b++) {
      if (a + b <= 20) {
        lem_term k[4] = {c[a], c[b], c[a + b], mconst(L, "+")};
        goals[ng++] = lem_mk_rel(L, lem_sym_cstr(L, "in3"), 4, k);
      }
      if (a * b <= 20) {
        lem_term k[4] = {c[a], c[b], c[a * b], mconst(L, "*")};
        goals[ng++] = lem_mk_rel(L, lem_sym_cstr(L, "in3"), 4, k);
      }
    }
  smt_result r = SMT_RESULT_INIT;
  double t0 = now();
  for (unsigned i = 0; i < ng; i++)
    if (smt_prove_qf(S, &M, 21, h, goals[i], &r) != SMT_PROVED) wrong++;
  double tz = now() - t0;
  unsigned reps = 0;
  double td;
  t0 = now();
  do {
    for (unsigned i = 0; i < ng; i++) {
      int holds = 0;
      if (smt_eval_qf(L, &M, 21, h, goals[i], &holds) || !holds) wrong++;
    }
    reps++;
    td = now() - t0;
  } while (td < 0.2);
  printf("mpl ground side goals: %u queries in %.3f s (%.0f/s); direct eval: "
         "%u in %.3f s (%.0f/s) (ratio %.0f)\n", ng, tz, ng / tz, reps * ng,
         td, reps * ng / td, (reps * ng / td) / (ng / tz));
  /* counterexample search, arithmetic model, then finite domains */
  for (int pass = 0; pass < 2; pass++) {
    unsigned nsat = 0, nunsat = 0, nunk = 0, nq = 0;
    int nr = pass ? 1 : rounds;
    t0 = now();
    for (int round = 0; round < nr; round++)
      for (size_t i = 0; i < NMCONJ; i++) {
        lem_term f = lem_read_formula(L, T, mconjs[i].mpl,
                                      strlen(mconjs[i].mpl), "bench", 1, 1);
        smt_status st = f ? smt_refute(S, pass ? &F : &M, f, &r) : SMT_ERROR;
        nq++;
        if (st == SMT_SAT) nsat++;
        else if (st == SMT_UNSAT) nunsat++;
        else nunk++;
        int bad = st == SMT_ERROR || (st == SMT_SAT && mconjs[i].holds) ||
                  (!pass && st == SMT_UNSAT && !mconjs[i].holds) ||
                  (pass && st == SMT_SAT); /* Peano has no finite model */
        if (bad) {
          fprintf(stderr, "bench_smt: wrong answer %s on %s\n",
                  smt_status_name(st), mconjs[i].mpl);
          wrong++;
        }
      }
    double tc = now() - t0;
    printf("mpl counterexample search (%s): %u queries in %.3f s (%.0f/s); "
           "%u counterexamples, %u none, %u unknown\n",
           pass ? "finite domain, size 2, with the axiom" : "arithmetic model",
           nq, tc, nq / tc, nsat, nunsat, nunk);
  }
  smt_result_free(L, &r);
  lem_theory_free(L, T);
  return wrong;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 5;
  if (rounds < 1) rounds = 1;
  lem_ctx *L = lem_ctx_new(NULL, NULL, 0);
  smt_solver *S = L ? smt_solver_new(L) : NULL;
  if (!S) {
    fprintf(stderr, "bench_smt: %s\n", L ? lem_errmsg(L) : "out of memory");
    return 1;
  }
  smt_nat_sym tab[] = {{lem_sym_cstr(L, "+"), SMT_OP_ADD, 0}};
  smt_nat_table T = {tab, 1};
  lem_sym eqs = lem_sym_cstr(L, "=");
  static lem_term facts[N * N];
  for (unsigned a = 0; a < N; a++)
    for (unsigned b = 0; b < N; b++) {
      lem_term k[2] = {num(L, a), num(L, b)};
      lem_term sum = lem_mk_app(L, tab[0].sym, 2, k);
      lem_term e[2] = {sum, num(L, a + b)};
      facts[a * N + b] = lem_mk_rel(L, eqs, 2, e);
    }
  int wrong = 0;
  smt_result r = SMT_RESULT_INIT;

  /* ground facts through Z3 */
  double t0 = now();
  for (unsigned i = 0; i < N * N; i++)
    if (smt_prove_ground(S, &T, facts[i], &r) != SMT_PROVED) wrong++;
  double tz = now() - t0;
  double qz = N * N / tz;

  /* the same statements through the direct evaluator, repeated until the
  ** time is measurable */
  unsigned reps = 0;
  t0 = now();
  double td;
  do {
    for (unsigned i = 0; i < N * N; i++) {
      int truth = 0;
      if (smt_nat_holds(L, &T, facts[i], &truth) || !truth) wrong++;
    }
    reps++;
    td = now() - t0;
  } while (td < 0.2);
  double qd = (double)reps * N * N / td;
  printf("smt ground: %u queries in %.3f s (%.0f/s); direct eval: %u in "
         "%.3f s (%.0f/s) (ratio %.0f)\n",
         N * N, tz, qz, reps * N * N, td, qd, qd / qz);

  /* counterexample search */
  unsigned nsat = 0, nunsat = 0, nunk = 0, nq = 0;
  char script[512];
  t0 = now();
  for (int round = 0; round < rounds; round++)
    for (size_t i = 0; i < NCONJ; i++) {
      snprintf(script, sizeof script,
               "(declare-const x Int)(declare-const y Int)"
               "(declare-const z Int)(assert %s)", conjs[i].body);
      smt_status st = smt_find_counterexample(S, script, &r);
      nq++;
      if (st == SMT_SAT) nsat++;
      else if (st == SMT_UNSAT) nunsat++;
      else nunk++;
      if ((st == SMT_SAT && conjs[i].holds) ||
          (st == SMT_UNSAT && !conjs[i].holds) || st == SMT_ERROR) {
        fprintf(stderr, "bench_smt: wrong answer %s on %s\n",
                smt_status_name(st), conjs[i].body);
        wrong++;
      }
    }
  double tc = now() - t0;
  printf("smt counterexample search: %u queries in %.3f s (%.0f/s); "
         "%u counterexamples, %u none, %u unknown\n",
         nq, tc, nq / tc, nsat, nunsat, nunk);

  smt_result_free(L, &r);
  wrong += bench_mpl(L, S, rounds);
  smt_solver_free(S);
  lem_ctx_free(L);
  if (wrong) fprintf(stderr, "bench_smt: %d wrong answers\n", wrong);
  return wrong ? 1 : 0;
}

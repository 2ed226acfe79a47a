/*
** bench_smt.c: how fast the Z3 client answers the queries the prover asks.
**
** Three measurements in one run, on one reused handle:
**   - ground facts: a + b = c for a, b in 0..50 (smt_prove_ground), against
**     the peer baseline, the direct evaluator (smt_nat_holds) on the same
**     statements;
**   - counterexample search (smt_find_counterexample) on twenty
**     Peano-shaped conjectures, true and false.
** Usage: bench_smt [rounds]   (rounds of the conjecture list, default 5)
** Prints one line per measurement; exits 1 if any answer is wrong.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
  smt_solver_free(S);
  lem_ctx_free(L);
  if (wrong) fprintf(stderr, "bench_smt: %d wrong answers\n", wrong);
  return wrong ? 1 : 0;
}

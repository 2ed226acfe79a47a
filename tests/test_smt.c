/*
** test_smt.c: Criterion tests of the careful Z3 client (smt/z3.h).
**
** What they pin down: ground arithmetic over 0..20 is proved and refuted by
** Z3 and by the direct evaluator alike, and the stored SMT-LIB2 text replays
** to the same answer; false conjectures get counterexamples that really
** falsify them, true laws get none; a hard query under a 1 ms timeout is
** unknown with a reason, never sat or unsat; malformed and ill-sorted
** queries fail alone and leave the handle usable; handles come and go
** without leaking (the counting allocator returns to its baseline, and ASan
** or valgrind watch Z3's side), also when the allocator runs out.
*/
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "smt.h"

static lem_ctx *L;
static smt_solver *S;
static smt_nat_sym tab[4];
static smt_nat_table T;

static lem_sym sym(const char *s) { return lem_sym_cstr(L, s); }

static void setup(void) {
  L = lem_ctx_new(NULL, NULL, 0);
  cr_assert(L);
  S = smt_solver_new(L);
  cr_assert(S, "smt_solver_new: %s", lem_errmsg(L));
  tab[0] = (smt_nat_sym){sym("s"), SMT_OP_SUCC, 0};
  tab[1] = (smt_nat_sym){sym("+"), SMT_OP_ADD, 0};
  tab[2] = (smt_nat_sym){sym("*"), SMT_OP_MUL, 0};
  tab[3] = (smt_nat_sym){sym("<="), SMT_OP_LE, 0};
  T.v = tab;
  T.n = 4;
}

/* Criterion runs each test in its own worker process, and this is the
** last thing the worker does: let Z3 free its process-wide tables so that
** leak checkers see only real leaks. */
static void teardown(void) {
  smt_solver_free(S);
  lem_ctx_free(L);
  smt_finalize();
}

TestSuite(smt, .init = setup, .fini = teardown);

/* ---- term builders ---- */

static lem_term num(uint64_t v) {
  char b[32];
  snprintf(b, sizeof b, "%llu", (unsigned long long)v);
  return lem_mk_const(L, sym(b));
}

static lem_term app(const char *f, uint32_t n, const lem_term *a) {
  return lem_mk_app(L, sym(f), n, a);
}

static lem_term bin(const char *f, lem_term a, lem_term b) {
  lem_term k[2] = {a, b};
  return app(f, 2, k);
}

static lem_term rel(const char *r, lem_term a, lem_term b) {
  lem_term k[2] = {a, b};
  return lem_mk_rel(L, sym(r), 2, k);
}

static lem_term eq(lem_term a, lem_term b) { return rel("=", a, b); }

/* Prove t with Z3 and evaluate it directly; check they agree with want
** (1 true, 0 false), and that the stored query replays to the same answer. */
static void check_ground(lem_term t, int want, int replay) {
  smt_result r = SMT_RESULT_INIT;
  smt_verdict v = smt_prove_ground(S, &T, t, &r);
  char *s = lem_term_str(L, t);
  cr_assert_eq(v, want ? SMT_PROVED : SMT_REFUTED, "%s: verdict %d (%s)", s,
               (int)v, r.text ? r.text : "");
  cr_assert_eq(r.status, want ? SMT_UNSAT : SMT_SAT);
  cr_assert(r.query && strstr(r.query, "(assert (not "), "%s", s);
  int truth = -1;
  cr_assert_eq(smt_nat_holds(L, &T, t, &truth), LEM_OK, "%s: %s", s,
               lem_errmsg(L));
  cr_assert_eq(truth, want, "%s: evaluator says %d", s, truth);
  if (replay) {
    smt_result r2 = SMT_RESULT_INIT;
    smt_status st = smt_check_smtlib(S, r.query, &r2);
    cr_assert_eq(st, r.status, "replay of %s gave %s", r.query,
                 smt_status_name(st));
    smt_result_free(L, &r2);
  }
  lem_free(L, s, strlen(s) + 1);
  smt_result_free(L, &r);
}

/* ---- ground facts ---- */

Test(smt, ground_add_mul_0_to_20) {
  for (uint64_t a = 0; a <= 20; a++)
    for (uint64_t b = 0; b <= 20; b++) {
      int replay = (a * 21 + b) % 17 == 0;
      lem_term sum = bin("+", num(a), num(b));
      lem_term prod = bin("*", num(a), num(b));
      uint64_t v = 99;
      cr_assert_eq(smt_nat_eval(L, &T, sum, &v), LEM_OK);
      cr_assert_eq(v, a + b);
      cr_assert_eq(smt_nat_eval(L, &T, prod, &v), LEM_OK);
      cr_assert_eq(v, a * b);
      check_ground(eq(sum, num(a + b)), 1, replay);
      check_ground(eq(sum, num(a + b + 1)), 0, replay);
      check_ground(eq(prod, num(a * b)), 1, replay);
      check_ground(eq(prod, num(a * b + 1)), 0, replay);
    }
}

Test(smt, ground_connectives) {
  lem_term six = bin("*", num(3), num(2));
  check_ground(lem_mk_not(L, eq(six, num(7))), 1, 1);   /* !(3*2 = 7) */
  check_ground(lem_mk_not(L, eq(six, num(6))), 0, 1);   /* !(3*2 = 6) */
  lem_term z = num(0), s1 = app("s", 1, &z);
  lem_term s2 = app("s", 1, &s1);
  check_ground(eq(s2, num(2)), 1, 1);                   /* s(s(0)) = 2 */
  check_ground(eq(bin("+", s2, s2), bin("*", s2, s2)), 1, 1);
  check_ground(lem_mk_and(L, eq(s2, num(2)), eq(six, num(6))), 1, 1);
  check_ground(lem_mk_and(L, eq(s2, num(2)), eq(six, num(5))), 0, 1);
  check_ground(rel("<=", six, num(6)), 1, 1);
  check_ground(rel("<=", six, num(5)), 0, 1);
  /* a quantifier over no variables is an implication */
  lem_term imp = lem_mk_all(L, 0, NULL, eq(six, num(7)), eq(num(0), num(1)));
  check_ground(imp, 1, 1);
  imp = lem_mk_all(L, 0, NULL, eq(six, num(6)), eq(num(0), num(1)));
  check_ground(imp, 0, 1);
  /* n-ary + and * */
  lem_term k[3] = {num(2), num(3), num(4)};
  check_ground(eq(app("+", 3, k), num(9)), 1, 1);
  check_ground(eq(app("*", 3, k), num(24)), 1, 1);
}

Test(smt, ground_text_is_exact) {
  lem_buf b = {0};
  lem_term z = num(0);
  lem_term t = eq(bin("+", num(3), app("s", 1, &z)), bin("*", num(2), num(2)));
  cr_assert_eq(smt_nat_text(L, &T, t, &b), LEM_OK);
  cr_assert_str_eq(b.p, "(= (+ 3 (+ 0 1)) (* 2 2))");
  lem_buf_free(L, &b);
  smt_result r = SMT_RESULT_INIT;
  cr_assert_eq(smt_prove_ground(S, &T, lem_mk_not(L, t), &r), SMT_REFUTED);
  cr_assert_str_eq(r.query,
                   "(assert (not (not (= (+ 3 (+ 0 1)) (* 2 2)))))\n"
                   "(check-sat)\n");
  smt_result_free(L, &r);
}

Test(smt, evaluator_overflow_is_a_limit_not_an_answer) {
  lem_term big = num(UINT64_C(9223372036854775808));   /* 2^63 */
  lem_term t = eq(bin("*", big, num(2)), bin("+", big, big));
  int truth = -1;
  cr_assert_eq(smt_nat_holds(L, &T, t, &truth), LEM_ELIMIT);
  cr_assert_eq(truth, -1);
  /* Z3's integers are unbounded: it still proves it. */
  smt_result r = SMT_RESULT_INIT;
  cr_assert_eq(smt_prove_ground(S, &T, t, &r), SMT_PROVED);
  smt_result_free(L, &r);
  uint64_t v;
  lem_term m = num(UINT64_MAX);
  cr_assert_eq(smt_nat_eval(L, &T, app("s", 1, &m), &v), LEM_ELIMIT);
  cr_assert_eq(smt_nat_eval(L, &T, m, &v), LEM_OK);
  cr_assert_eq(v, UINT64_MAX);
}

Test(smt, ground_rejects_what_it_cannot_read) {
  smt_result r = SMT_RESULT_INIT;
  lem_term x = lem_mk_var(L, sym("x"), 0);
  lem_term bad[] = {
      eq(bin("+", x, num(1)), num(2)),             /* a variable */
      eq(bin("-", num(3), num(1)), num(2)),        /* unmapped symbol */
      rel("<", num(1), num(2)),                    /* unmapped relation */
      eq(app("+", 1, (lem_term[]){num(1)}), num(1)), /* arity */
      lem_mk_all(L, 1, &x, eq(x, x), eq(x, x)),    /* binds a variable */
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    smt_verdict v = smt_prove_ground(S, &T, bad[i], &r);
    cr_assert_eq(v, SMT_FAILED, "case %zu", i);
    cr_assert_eq(r.status, SMT_ERROR);
    cr_assert_eq(L->err, LEM_EINVAL, "case %zu: %s", i, lem_errmsg(L));
    cr_assert(r.text && *r.text);
    cr_assert_null(r.query);
    int truth;
    cr_assert_eq(smt_nat_holds(L, &T, bad[i], &truth), LEM_EINVAL);
  }
  smt_result_free(L, &r);
  check_ground(eq(num(1), num(1)), 1, 0);  /* the handle is fine */
}

/* ---- counterexamples ---- */

typedef struct conj {
  const char *smt;
  int (*holds)(int64_t x, int64_t y, int64_t z);
} conj;

static int c_add_id(int64_t x, int64_t y, int64_t z) {
  (void)z;
  return x + y == x;
}
static int c_mul_add(int64_t x, int64_t y, int64_t z) {
  (void)z;
  return x * y == x + y;
}
static int c_sq(int64_t x, int64_t y, int64_t z) {
  (void)y, (void)z;
  return x * x == x;
}
static int c_wrong_distr(int64_t x, int64_t y, int64_t z) {
  return x * (y + z) == x * y + z;
}

#define DECL3 "(declare-const x Int)(declare-const y Int)(declare-const z Int)"

Test(smt, false_conjectures_get_real_counterexamples) {
  conj cs[] = {
      {"(declare-const x Int)(declare-const y Int)(assert (= (+ x y) x))",
       c_add_id},
      {"(declare-const x Int)(declare-const y Int)"
       "(assert (= (* x y) (+ x y)))", c_mul_add},
      {"(declare-const x Int)(assert (= (* x x) x))", c_sq},
      {DECL3 "(assert (= (* x (+ y z)) (+ (* x y) z)))", c_wrong_distr},
  };
  smt_result r = SMT_RESULT_INIT, r2 = SMT_RESULT_INIT;
  for (size_t i = 0; i < sizeof cs / sizeof *cs; i++) {
    smt_status st = smt_find_counterexample(S, cs[i].smt, &r);
    cr_assert_eq(st, SMT_SAT, "%s: %s (%s)", cs[i].smt, smt_status_name(st),
                 r.text ? r.text : "");
    int64_t v[3] = {0, 0, 0};
    const char *names[3] = {"x", "y", "z"};
    for (int j = 0; j < 3; j++) {
      if (!strstr(cs[i].smt, names[j])) continue;
      cr_assert(smt_result_int(&r, names[j], &v[j]), "%s missing in <%s>",
                names[j], r.text);
      cr_assert_geq(v[j], 0, "%s = %lld is not a natural", names[j],
                    (long long)v[j]);
    }
    cr_assert_not(cs[i].holds(v[0], v[1], v[2]),
                  "%s: <%s> does not falsify it", cs[i].smt, r.text);
    /* the stored query replays to sat */
    cr_assert(r.query && strstr(r.query, "(>= x 0)"), "%s", r.query);
    cr_assert_eq(smt_check_smtlib(S, r.query, &r2), SMT_SAT);
  }
  smt_result_free(L, &r);
  smt_result_free(L, &r2);
}

Test(smt, true_laws_get_none) {
  const char *laws[] = {
      "(declare-const x Int)(declare-const y Int)(assert (= (+ x y) (+ y x)))",
      DECL3 "(assert (= (* x (+ y z)) (+ (* x y) (* x z))))",
      DECL3 "(assert (= (+ (+ x y) z) (+ x (+ y z))))",
      "(declare-const x Int)(assert (>= (* x x) x))",  /* only over naturals */
      "(declare-const x Int)(assert (= (+ x 0) x))",
  };
  smt_result r = SMT_RESULT_INIT;
  for (size_t i = 0; i < sizeof laws / sizeof *laws; i++) {
    smt_status st = smt_find_counterexample(S, laws[i], &r);
    cr_assert_eq(st, SMT_UNSAT, "%s: %s <%s>", laws[i], smt_status_name(st),
                 r.text ? r.text : "");
    cr_assert_str_eq(r.text, "");
  }
  smt_result_free(L, &r);
}

/* ---- unknown, timeouts ---- */

/* The pigeonhole principle for n+1 pigeons in n holes, as an SMT-LIB2
** script: unsat, and exponentially hard for resolution, so for n = 10 Z3
** does not finish in milliseconds (it takes seconds and more). */
static char *pigeonhole(unsigned n) {
  lem_buf b = {0};
  for (unsigned p = 0; p <= n; p++)
    for (unsigned h = 0; h < n; h++)
      cr_assert_eq(lem_buf_printf(L, &b, "(declare-const p%u_%u Bool)", p, h),
                   LEM_OK);
  for (unsigned p = 0; p <= n; p++) {
    lem_buf_puts(L, &b, "(assert (or");
    for (unsigned h = 0; h < n; h++) lem_buf_printf(L, &b, " p%u_%u", p, h);
    lem_buf_puts(L, &b, "))");
  }
  for (unsigned h = 0; h < n; h++)
    for (unsigned p = 0; p <= n; p++)
      for (unsigned q = p + 1; q <= n; q++)
        lem_buf_printf(L, &b, "(assert (not (and p%u_%u p%u_%u)))", p, h, q, h);
  char *s = lem_strndup(L, b.p, b.len);
  lem_buf_free(L, &b);
  cr_assert(s);
  return s;
}

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Out of budget is unknown, with Z3's reason, never sat or unsat.  The
** budget is the deterministic resource limit: a wall-clock timeout alone is
** only checked at some points inside Z3 and overran by minutes on a loaded
** machine, so the limit that must hold is the one that does not depend on
** load.  The timeout still rides along and may be what fires first. */
Test(smt, timeout_is_unknown_with_a_reason) {
  char *php = pigeonhole(10);
  smt_result r = SMT_RESULT_INIT;
  unsigned limits[] = {1000, 1000, 20000};
  cr_assert_eq(smt_solver_set_timeout(S, 50), LEM_OK);
  for (size_t i = 0; i < sizeof limits / sizeof *limits; i++) {
    cr_assert_eq(smt_solver_set_rlimit(S, limits[i]), LEM_OK);
    cr_assert_eq(smt_solver_rlimit(S), limits[i]);
    double t0 = seconds();
    smt_status st = smt_check_smtlib(S, php, &r);
    double dt = seconds() - t0;
    cr_assert_eq(st, SMT_UNKNOWN, "pigeonhole(10) with rlimit %u gave %s",
                 limits[i], smt_status_name(st));
    /* Z3 4.8 words it "canceled", "timeout" or, for the resource limit,
       plain "unknown": the reason must be there, whatever its words */
    cr_assert(r.text && r.text[0], "no reason given");
    cr_assert_lt(dt, 60.0, "rlimit %u took %.1f s", limits[i], dt);
  }
  lem_free(L, php, strlen(php) + 1);
  cr_assert_eq(smt_solver_set_rlimit(S, SMT_DEFAULT_RLIMIT), LEM_OK);
  /* small instances still answer, under the same handle */
  php = pigeonhole(4);
  cr_assert_eq(smt_solver_set_timeout(S, 10000), LEM_OK);
  cr_assert_eq(smt_check_smtlib(S, php, &r), SMT_UNSAT);
  lem_free(L, php, strlen(php) + 1);
  /* 0 is taken as 1 ms: no check without a limit */
  cr_assert_eq(smt_solver_set_timeout(S, 0), LEM_OK);
  cr_assert_eq(smt_solver_timeout(S), 1u);
  cr_assert_eq(smt_solver_set_timeout(S, 10000), LEM_OK);
  smt_result_free(L, &r);
}

Test(smt, incomplete_is_unknown_with_a_reason) {
  /* x^3 + y^3 = z^3 over positive integers: no solution exists, and Z3's
  ** nonlinear integer arithmetic cannot show it.  It must say unknown
  ** (with its reason), never sat or unsat. */
  const char *fermat =
      DECL3 "(assert (> x 0))(assert (> y 0))(assert (> z 0))"
            "(assert (= (+ (* x x x) (* y y y)) (* z z z)))";
  smt_result r = SMT_RESULT_INIT;
  cr_assert_eq(smt_solver_set_timeout(S, 200), LEM_OK);
  smt_status st = smt_check_smtlib(S, fermat, &r);
  cr_assert_eq(st, SMT_UNKNOWN, "fermat gave %s", smt_status_name(st));
  cr_assert(r.text && *r.text, "unknown without a reason");
  /* the same through counterexample search (x^3+y^3 != z^3 as the law) */
  st = smt_find_counterexample(
      S, DECL3 "(assert (or (= x 0) (= y 0) (= z 0) "
               "(not (= (+ (* x x x) (* y y y)) (* z z z)))))", &r);
  cr_assert_eq(st, SMT_UNKNOWN, "gave %s", smt_status_name(st));
  cr_assert(r.text && *r.text);
  /* an easy query afterwards */
  cr_assert_eq(smt_check_smtlib(S, "(declare-const x Int)(assert (> x 4))",
                                &r), SMT_SAT);
  int64_t v;
  cr_assert(smt_result_int(&r, "x", &v) && v > 4, "<%s>", r.text);
  smt_result_free(L, &r);
}

/* ---- errors ---- */

static void check_good_query(void) {
  smt_result r = SMT_RESULT_INIT;
  smt_status st = smt_check_smtlib(
      S, "(declare-const b Int)(declare-const a Int)"
         "(assert (= (+ a b) 5))(assert (= a 2))", &r);
  cr_assert_eq(st, SMT_SAT, "%s <%s>", smt_status_name(st),
               r.text ? r.text : "");
  cr_assert_str_eq(r.text, "a = 2\nb = 3\n");
  cr_assert_eq(smt_check_smtlib(S, "(assert (= 1 2))", &r), SMT_UNSAT);
  smt_result_free(L, &r);
}

Test(smt, malformed_and_ill_sorted_fail_alone) {
  const char *bad[] = {
      "(assert (+ 1",
      "(declare-const x Int)(assert (= x true))",
      "(assert (= y 1))",                       /* undeclared */
      "(declare-const x Int)(assert (+ x 1))",  /* not Boolean */
  };
  smt_result r = SMT_RESULT_INIT;
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    lem_clear_error(L);
    smt_status st = smt_check_smtlib(S, bad[i], &r);
    cr_assert_eq(st, SMT_ERROR, "%s gave %s", bad[i], smt_status_name(st));
    cr_assert(r.text && strstr(r.text, "error"), "<%s>", r.text);
    cr_assert_eq(L->err, LEM_ESMT);
    cr_assert(strstr(lem_errmsg(L), "z3: "), "%s", lem_errmsg(L));
    const char *msg;
    cr_assert_neq(smt_solver_last_error(S, &msg), 0);
    cr_assert_str_eq(msg, r.text);
    /* and the same through counterexample search */
    cr_assert_eq(smt_find_counterexample(S, bad[i], &r), SMT_ERROR);
    check_good_query();
  }
  smt_result_free(L, &r);
}

Test(smt, models_are_sorted_and_readable) {
  smt_result r = SMT_RESULT_INIT;
  smt_status st = smt_check_smtlib(
      S, "(declare-const zz Int)(declare-const aa Int)(declare-const mm Int)"
         "(declare-fun f (Int) Int)"
         "(assert (= zz 1))(assert (= aa (- 2)))(assert (= mm 30))"
         "(assert (= (f 1) 7))(check-sat)(get-model)", &r);
  cr_assert_eq(st, SMT_SAT);
  cr_assert_str_eq(r.text, "aa = -2\nf = [else -> 7]\nmm = 30\nzz = 1\n");
  int64_t v;
  cr_assert(smt_result_int(&r, "aa", &v) && v == -2);
  cr_assert_not(smt_result_int(&r, "f", &v));
  cr_assert_not(smt_result_int(&r, "a", &v));
  cr_assert_str_eq(smt_status_name(SMT_UNKNOWN), "unknown");
  smt_result_free(L, &r);
  smt_result_free(L, &r);  /* idempotent */
}

/* ---- handles, leaks, threads, allocation failure ---- */

Test(smt, many_handles_balance) {
  size_t base = L->inuse;
  smt_result r = SMT_RESULT_INIT;
  for (int i = 0; i < 60; i++) {
    smt_solver *h = smt_solver_new(L);
    cr_assert(h);
    if (i % 3 == 0)
      cr_assert_eq(smt_check_smtlib(h, "(declare-const x Int)(assert (> x 1))",
                                    &r), SMT_SAT);
    if (i % 3 == 1)
      cr_assert_eq(smt_check_smtlib(h, "(assert (+ 1", &r), SMT_ERROR);
    if (i % 3 == 2)
      cr_assert_eq(smt_find_counterexample(
                       h, "(declare-const x Int)(assert (= (* x x) x))", &r),
                   SMT_SAT);
    smt_result_free(L, &r);
    smt_solver_free(h);
  }
  cr_assert_eq(L->inuse, base, "leaked %zu bytes", L->inuse - base);
}

Test(smt, two_handles_keep_their_errors_apart) {
  smt_solver *h = smt_solver_new(L);
  cr_assert(h);
  smt_result r = SMT_RESULT_INIT;
  cr_assert_eq(smt_check_smtlib(h, "(assert (+ 1", &r), SMT_ERROR);
  const char *msg;
  cr_assert_eq(smt_solver_last_error(S, &msg), 0);
  cr_assert_str_eq(msg, "");
  cr_assert_neq(smt_solver_last_error(h, &msg), 0);
  check_good_query();
  smt_result_free(L, &r);
  smt_solver_free(h);
}

static void *thread_main(void *arg) {
  (void)arg;
  lem_ctx *Lt = lem_ctx_new(NULL, NULL, 0);
  smt_solver *h = Lt ? smt_solver_new(Lt) : NULL;
  long ok = h != NULL;
  smt_result r = SMT_RESULT_INIT;
  for (int i = 0; ok && i < 20; i++) {
    char q[160];
    snprintf(q, sizeof q, "(declare-const x Int)(assert (= (* x %d) %d))",
             i + 1, 3 * (i + 1));
    ok = smt_check_smtlib(h, q, &r) == SMT_SAT &&
         strcmp(r.text, "x = 3\n") == 0 &&
         smt_check_smtlib(h, "(assert (+", &r) == SMT_ERROR;
  }
  if (Lt) smt_result_free(Lt, &r);
  smt_solver_free(h);
  lem_ctx_free(Lt);
  return (void *)ok;
}

Test(smt, one_handle_per_thread) {
  pthread_t th[3];
  for (int i = 0; i < 3; i++)
    cr_assert_eq(pthread_create(&th[i], NULL, thread_main, NULL), 0);
  for (int i = 0; i < 3; i++) {
    void *ok = NULL;
    cr_assert_eq(pthread_join(th[i], &ok), 0);
    cr_assert(ok, "thread %d failed", i);
  }
}

/* Every allocation limit from tiny to ample: each call either works or
** fails cleanly with an error, and every byte comes back. */
Test(smt, allocation_failure_paths) {
  int worked = 0, new_failed = 0, check_failed = 0;
  size_t fresh = L->inuse;  /* what a fresh context holds, before S */
  {
    lem_ctx *L0 = lem_ctx_new(NULL, NULL, 0);
    cr_assert(L0);
    fresh = L0->inuse;
    lem_ctx_free(L0);
  }
  for (size_t limit = fresh; limit < fresh + 16384 && !worked; limit += 64) {
    lem_ctx *Ll = lem_ctx_new(NULL, NULL, limit);
    if (!Ll) continue;
    size_t base = Ll->inuse;
    smt_solver *h = smt_solver_new(Ll);
    if (!h) {
      new_failed++;
      cr_assert_eq(Ll->err, LEM_ENOMEM, "%s", lem_errmsg(Ll));
    } else {
      smt_result r = SMT_RESULT_INIT;
      smt_status a = smt_check_smtlib(
          h, "(declare-const a Int)(declare-const b Int)"
             "(assert (= (+ a b) 5))(assert (= a 2))", &r);
      cr_assert(a == SMT_SAT || (a == SMT_ERROR && Ll->err == LEM_ENOMEM),
                "limit %zu: %s", limit, smt_status_name(a));
      smt_status b = smt_find_counterexample(
          h, "(declare-const x Int)(assert (= (* x x) x))", &r);
      cr_assert(b == SMT_SAT || (b == SMT_ERROR && Ll->err == LEM_ENOMEM));
      worked = a == SMT_SAT && b == SMT_SAT;
      check_failed += !worked;
      smt_result_free(Ll, &r);
      smt_solver_free(h);
    }
    cr_assert_eq(Ll->inuse, base, "limit %zu: leaked %zu", limit,
                 Ll->inuse - base);
    lem_ctx_free(Ll);
  }
  cr_assert(worked, "never got enough memory to work");
  cr_assert(new_failed > 0 && check_failed > 0, "failure paths not reached "
            "(%d, %d)", new_failed, check_failed);
}

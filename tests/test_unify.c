/*
** test_unify.c: unit and property tests for src/unify.c.
**
** Hand cases cover the occurs check (direct and indirect), clashes of
** symbol, arity and kind, one-way matching, mark/undo, renaming apart, deep
** and DAG-shaped terms, the indexed form of large substitutions and
** out-of-memory paths.  The property tests compare lem_unify with a naive
** Robinson unifier written here (recursive, eager application) on 12,000
** seeded random pairs: they must agree on unifiability, and when they unify
** both unifiers must make the pair equal and be instances of each other
** (checked by one-way matching on the tuple pair(a, b)).  Random matching
** tests check that p always matches apply(sigma, p) and reproduces it.
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "sym.h"
#include "term.h"
#include "unify.h"

/* ---- helpers ---- */

static lem_ctx *L;

static void setup(void) {
  L = lem_ctx_new(NULL, NULL, 0);
  cr_assert(L);
}
static void teardown(void) { lem_ctx_free(L); }

TestSuite(unify, .init = setup, .fini = teardown);

static lem_term V(const char *n) { return lem_mk_var(L, lem_sym_cstr(L, n), 0); }
static lem_term C(const char *n) { return lem_mk_const(L, lem_sym_cstr(L, n)); }
static lem_term F1(const char *f, lem_term a) {
  return lem_mk_app(L, lem_sym_cstr(L, f), 1, &a);
}
static lem_term F2(const char *f, lem_term a, lem_term b) {
  lem_term k[2] = {a, b};
  return lem_mk_app(L, lem_sym_cstr(L, f), 2, k);
}
static lem_term pair(lem_term a, lem_term b) { return F2("pair", a, b); }

typedef struct rng { uint64_t s; } rng;
static uint32_t rnd(rng *r, uint32_t n) {
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return (uint32_t)((r->s * 2685821657736338717ull) >> 33) % n;
}

/* Random terms over a small signature: constants a, b; f/1, g/2, h/2 and
** the variables named in vars. */
static lem_term rand_term(rng *r, int depth, const char **vars, int nv) {
  uint32_t c = rnd(r, depth > 0 ? 8 : 4);
  if (c < 2) return V(vars[rnd(r, (uint32_t)nv)]);
  if (c == 2) return C("a");
  if (c == 3) return rnd(r, 2) ? C("b") : V(vars[rnd(r, (uint32_t)nv)]);
  if (c == 4 || c == 5) return F1("f", rand_term(r, depth - 1, vars, nv));
  lem_term x = rand_term(r, depth - 1, vars, nv);
  lem_term y = rand_term(r, depth - 1, vars, nv);
  return F2(c == 6 ? "g" : "h", x, y);
}

/* ---- the reference: naive Robinson with an idempotent substitution ---- */

typedef struct ref {
  lem_term var[64], val[64];
  int n;
} ref;

static lem_term ref_apply(const ref *R, lem_term t) {
  lem_kind k = lem_term_kind(L, t);
  if (k == LEM_VAR) {
    for (int i = 0; i < R->n; i++)
      if (R->var[i] == t) return R->val[i];
    return t;
  }
  uint32_t n = lem_term_nargs(L, t);
  if (n == 0) return t;
  lem_term kids[16];
  cr_assert(n <= 16);
  for (uint32_t i = 0; i < n; i++) kids[i] = ref_apply(R, lem_term_arg(L, t, i));
  return lem_mk(L, k, lem_term_sym(L, t), lem_term_num(L, t), n, kids);
}

static int ref_occurs(lem_term v, lem_term t) {
  if (t == v) return 1;
  for (uint32_t i = 0; i < lem_term_nargs(L, t); i++)
    if (ref_occurs(v, lem_term_arg(L, t, i))) return 1;
  return 0;
}

static int ref_unify(ref *R, lem_term a, lem_term b) {
  a = ref_apply(R, a);
  b = ref_apply(R, b);
  if (a == b) return 1;
  if (lem_term_kind(L, a) != LEM_VAR && lem_term_kind(L, b) == LEM_VAR) {
    lem_term t = a;
    a = b;
    b = t;
  }
  if (lem_term_kind(L, a) == LEM_VAR) {
    if (ref_occurs(a, b)) return 0;
    ref one = {.n = 1};
    one.var[0] = a;
    one.val[0] = b;
    for (int i = 0; i < R->n; i++) R->val[i] = ref_apply(&one, R->val[i]);
    cr_assert(R->n < 64);
    R->var[R->n] = a;
    R->val[R->n++] = b;
    return 1;
  }
  if (lem_term_kind(L, a) != lem_term_kind(L, b) ||
      lem_term_sym(L, a) != lem_term_sym(L, b) ||
      lem_term_nargs(L, a) != lem_term_nargs(L, b))
    return 0;
  for (uint32_t i = 0; i < lem_term_nargs(L, a); i++)
    if (!ref_unify(R, lem_term_arg(L, a, i), lem_term_arg(L, b, i))) return 0;
  return 1;
}

/* Simultaneous one-step application of s's bindings (for matching). */
static lem_term simul_apply(const lem_subst *s, lem_term t) {
  if (lem_term_kind(L, t) == LEM_VAR) {
    lem_term v = lem_subst_get(L, s, t);
    return v ? v : t;
  }
  uint32_t n = lem_term_nargs(L, t);
  if (n == 0) return t;
  lem_term kids[16];
  for (uint32_t i = 0; i < n; i++) kids[i] = simul_apply(s, lem_term_arg(L, t, i));
  return lem_mk(L, lem_term_kind(L, t), lem_term_sym(L, t), lem_term_num(L, t),
                n, kids);
}

/* ---- hand cases ---- */

Test(unify, occurs_check_direct) {
  lem_subst s;
  lem_subst_init(&s);
  lem_term x = V("x");
  cr_assert_eq(lem_unify(L, &s, x, F1("f", x)), 0);
  cr_assert_eq(s.n, 0);
  cr_assert_eq(lem_unify(L, &s, F1("f", x), x), 0);
  cr_assert_eq(lem_unify(L, &s, x, x), 1);
  cr_assert_eq(s.n, 0);
  lem_subst_free(L, &s);
}

Test(unify, occurs_check_indirect) {
  lem_subst s;
  lem_subst_init(&s);
  lem_term x = V("x"), y = V("y");
  cr_assert_eq(lem_unify(L, &s, pair(x, y), pair(F1("f", y), F1("g", x))), 0);
  cr_assert_eq(s.n, 0, "s restored on failure");
  cr_assert_eq(lem_unify(L, &s, x, F1("f", y)), 1);
  uint32_t n = s.n;
  cr_assert_eq(lem_unify(L, &s, y, F1("g", x)), 0);
  cr_assert_eq(s.n, n);
  cr_assert_eq(lem_subst_apply(L, &s, x), F1("f", y));
  lem_subst_free(L, &s);
}

Test(unify, clashes) {
  lem_subst s;
  lem_subst_init(&s);
  lem_term a = C("a"), x = V("x");
  cr_assert_eq(lem_unify(L, &s, F1("f", a), F1("g", a)), 0);      /* symbol */
  cr_assert_eq(lem_unify(L, &s, F1("f", x), F2("f", a, a)), 0);   /* arity */
  lem_term r = lem_mk_rel(L, lem_sym_cstr(L, "f"), 1, &x);
  cr_assert_eq(lem_unify(L, &s, r, F1("f", a)), 0);               /* kind */
  cr_assert_eq(lem_unify(L, &s, C("f"), F1("f", x)), 0);
  cr_assert_eq(lem_unify(L, &s, a, C("b")), 0);
  cr_assert_eq(lem_unify(L, &s, lem_mk_var(L, lem_sym_cstr(L, "x"), 3), a), 1);
  cr_assert_eq(s.n, 1);
  lem_subst_free(L, &s);
}

Test(unify, unify_basic_mgu) {
  lem_subst s;
  lem_subst_init(&s);
  lem_term x = V("x"), y = V("y"), z = V("z"), a = C("a");
  lem_term l = F2("g", x, F1("f", y)), r = F2("g", F1("f", z), x);
  cr_assert_eq(lem_unify(L, &s, l, r), 1);
  cr_assert_eq(lem_subst_apply(L, &s, l), lem_subst_apply(L, &s, r));
  cr_assert_eq(lem_subst_apply(L, &s, y), lem_subst_apply(L, &s, z));
  cr_assert_eq(lem_unify(L, &s, z, a), 1);
  cr_assert_eq(lem_subst_apply(L, &s, l), F2("g", F1("f", a), F1("f", a)));
  lem_subst_free(L, &s);
}

Test(unify, match_one_way) {
  lem_subst s;
  lem_subst_init(&s);
  lem_term x = V("x"), y = V("y"), a = C("a");
  cr_assert_eq(lem_match(L, &s, F2("g", x, a), F2("g", y, a)), 1);
  cr_assert_eq(s.n, 1);
  cr_assert_eq(lem_subst_get(L, &s, x), y);
  cr_assert_eq(lem_subst_get(L, &s, y), LEM_NOTERM, "target var not bound");
  lem_subst_undo(&s, 0);
  cr_assert_eq(lem_match(L, &s, F1("f", a), F1("f", x)), 0, "target vars are constants");
  cr_assert_eq(lem_match(L, &s, F2("g", x, x), F2("g", a, C("b"))), 0);
  cr_assert_eq(s.n, 0);
  cr_assert_eq(lem_match(L, &s, F2("g", x, x), F2("g", a, a)), 1);
  cr_assert_eq(lem_match(L, &s, F1("f", x), F1("f", a)), 1, "consistent with s");
  cr_assert_eq(lem_match(L, &s, F1("f", x), F1("f", C("b"))), 0);
  cr_assert_eq(s.n, 1);
  /* a pattern variable meeting itself maps to itself */
  lem_subst_undo(&s, 0);
  cr_assert_eq(lem_match(L, &s, F2("g", x, x), F2("g", x, a)), 0);
  cr_assert_eq(lem_match(L, &s, F2("g", x, y), F2("g", x, x)), 1);
  cr_assert_eq(lem_subst_apply(L, &s, F2("g", x, y)), F2("g", x, x));
  lem_subst_free(L, &s);
}

Test(unify, mark_undo) {
  lem_subst s;
  lem_subst_init(&s);
  lem_term x = V("x"), y = V("y"), a = C("a");
  cr_assert_eq(lem_unify(L, &s, x, a), 1);
  uint32_t m = lem_subst_mark(&s);
  cr_assert_eq(lem_unify(L, &s, y, F1("f", x)), 1);
  cr_assert_eq(lem_subst_apply(L, &s, y), F1("f", a));
  lem_subst_undo(&s, m);
  cr_assert_eq(lem_subst_get(L, &s, y), LEM_NOTERM);
  cr_assert_eq(lem_subst_get(L, &s, x), a);
  lem_subst_undo(&s, 99); /* a mark above n is a no-op */
  cr_assert_eq(s.n, m);
  lem_subst_free(L, &s);
}

static int alpha_eq(lem_term a, lem_term b) {
  lem_subst s1, s2;
  lem_subst_init(&s1);
  lem_subst_init(&s2);
  int ok = lem_match(L, &s1, a, b) == 1 && lem_match(L, &s2, b, a) == 1;
  for (uint32_t i = 0; ok && i < s1.n; i++)
    ok = lem_term_kind(L, s1.b[i].val) == LEM_VAR;
  for (uint32_t i = 0; ok && i < s2.n; i++)
    ok = lem_term_kind(L, s2.b[i].val) == LEM_VAR;
  lem_subst_free(L, &s1);
  lem_subst_free(L, &s2);
  return ok;
}

Test(unify, rename_apart) {
  lem_subst s;
  lem_subst_init(&s);
  lem_term x = V("x"), y = V("y");
  lem_term bv[1] = {x};
  lem_term rel = lem_mk_rel(L, lem_sym_cstr(L, "in2"), 2, (lem_term[]){x, y});
  lem_term rel2 = lem_mk_rel(L, lem_sym_cstr(L, "in2"), 2, (lem_term[]){y, x});
  lem_term t = lem_mk_all(L, 1, bv, rel, rel2);
  lem_term u = lem_rename_apart(L, t, &s);
  cr_assert(u && u != t);
  lem_term *va = NULL, *vb = NULL;
  uint32_t ca = 0, cb = 0;
  uint32_t na = lem_term_vars(L, t, &va, &ca), nb = lem_term_vars(L, u, &vb, &cb);
  cr_assert_eq(na, 2);
  cr_assert_eq(nb, 2);
  for (uint32_t i = 0; i < na; i++)
    for (uint32_t j = 0; j < nb; j++) cr_assert_neq(va[i], vb[j]);
  for (uint32_t j = 0; j < nb; j++) {
    cr_assert_gt(lem_term_num(L, vb[j]), 0);
    cr_assert_eq(lem_term_sym(L, vb[j]), lem_term_sym(L, va[j]));
  }
  cr_assert(alpha_eq(t, u));
  cr_assert_eq(lem_term_kind(L, lem_term_arg(L, u, 0)), LEM_VAR);
  /* renaming a second term with the same s is consistent */
  lem_term v = lem_rename_apart(L, F1("f", x), &s);
  cr_assert_eq(lem_term_arg(L, v, 0), vb[0]);
  lem_free(L, va, ca * sizeof *va);
  lem_free(L, vb, cb * sizeof *vb);
  lem_subst_free(L, &s);
}

Test(unify, term_vars_order) {
  lem_term x = V("x"), y = V("y"), z = V("z");
  lem_term t = F2("g", F2("h", y, x), F2("g", z, y));
  lem_term *v = NULL;
  uint32_t cap = 0;
  cr_assert_eq(lem_term_vars(L, t, &v, &cap), 3);
  cr_assert_eq(v[0], y);
  cr_assert_eq(v[1], x);
  cr_assert_eq(v[2], z);
  cr_assert_eq(lem_term_vars(L, C("a"), &v, &cap), 0);
  lem_free(L, v, cap * sizeof *v);
}

Test(unify, deep_terms) {
  enum { DEPTH = 200000 };
  lem_term x = V("x"), a = C("a");
  lem_term tx = x, ta = a;
  for (int i = 0; i < DEPTH; i++) {
    tx = F1("f", tx);
    ta = F1("f", ta);
  }
  lem_subst s;
  lem_subst_init(&s);
  cr_assert_eq(lem_unify(L, &s, tx, ta), 1);
  cr_assert_eq(lem_subst_get(L, &s, x), a);
  cr_assert_eq(lem_subst_apply(L, &s, tx), ta);
  lem_subst_undo(&s, 0);
  cr_assert_eq(lem_unify(L, &s, x, tx), 0, "deep occurs check");
  cr_assert_eq(lem_match(L, &s, tx, ta), 1);
  lem_subst_undo(&s, 0);
  lem_term y = V("y");
  cr_assert_eq(lem_unify(L, &s, y, tx), 1);
  cr_assert_eq(lem_unify(L, &s, x, a), 1);
  cr_assert_eq(lem_subst_apply(L, &s, y), ta);
  lem_term *v = NULL;
  uint32_t cap = 0;
  cr_assert_eq(lem_term_vars(L, tx, &v, &cap), 1);
  lem_free(L, v, cap * sizeof *v);
  lem_subst_undo(&s, 0);
  cr_assert(lem_rename_apart(L, tx, &s));
  lem_subst_free(L, &s);
}

Test(unify, dag_terms_stay_polynomial) {
  /* g(t, t) nested 80 deep: 2^80 nodes as a tree */
  lem_term x = V("x"), y = V("y"), tx = x, ty = F1("f", y);
  for (int i = 0; i < 80; i++) {
    tx = F2("g", tx, tx);
    ty = F2("g", ty, ty);
  }
  lem_subst s;
  lem_subst_init(&s);
  cr_assert_eq(lem_unify(L, &s, tx, ty), 1);
  cr_assert_eq(lem_subst_apply(L, &s, tx), lem_subst_apply(L, &s, ty));
  lem_subst_undo(&s, 0);
  cr_assert_eq(lem_unify(L, &s, y, tx), 1);
  cr_assert_eq(lem_unify(L, &s, x, F1("f", y)), 0, "occurs through a DAG");
  cr_assert_eq(lem_match(L, &s, tx, lem_subst_apply(L, &s, tx)), 1);
  lem_subst_free(L, &s);
}

Test(unify, large_substitution_index) {
  enum { N = 20000 };
  lem_subst s;
  lem_subst_init(&s);
  lem_sym nm = lem_sym_cstr(L, "v");
  for (uint32_t i = 0; i < N; i++)
    cr_assert_eq(lem_subst_bind(L, &s, lem_mk_var(L, nm, i + 1), C("a")), LEM_OK);
  for (int round = 0; round < 20; round++) {
    lem_subst_undo(&s, N / 2);
    for (uint32_t i = N / 2; i < N; i++)
      cr_assert_eq(lem_subst_bind(L, &s, lem_mk_var(L, nm, i + 1 + (uint32_t)round % 2), C("b")), LEM_OK);
  }
  for (uint32_t i = 0; i < N / 2; i++)
    cr_assert_eq(lem_subst_get(L, &s, lem_mk_var(L, nm, i + 1)), C("a"));
  /* last round (odd) bound N/2+2 .. N+1 to b */
  cr_assert_eq(lem_subst_get(L, &s, lem_mk_var(L, nm, N / 2 + 1)), LEM_NOTERM);
  for (uint32_t i = N / 2 + 1; i <= N; i++)
    cr_assert_eq(lem_subst_get(L, &s, lem_mk_var(L, nm, i + 1)), C("b"));
  cr_assert_eq(lem_subst_get(L, &s, V("nope")), LEM_NOTERM);
  lem_subst_free(L, &s);
}

/* An allocator that refuses after a number of allocations. */
typedef struct budget { long left; } budget;
static void *tight(void *ud, void *p, size_t o, size_t n) {
  (void)o;
  budget *b = ud;
  if (n == 0) {
    free(p);
    return NULL;
  }
  if (n > o && b->left-- <= 0) return NULL;
  return realloc(p, n);
}

Test(unify, out_of_memory_paths) {
  int ok_seen = 0;
  for (long k = 0; k < 400 && !ok_seen; k++) {
    budget b = {1000000};
    lem_ctx *M = lem_ctx_new(tight, &b, 0);
    cr_assert(M);
    lem_term x = lem_mk_var(M, lem_sym_cstr(M, "x"), 0), tx = x, ta = lem_mk_const(M, 1);
    lem_sym f = lem_sym_cstr(M, "f");
    for (int i = 0; i < 3000; i++) {
      tx = lem_mk_app(M, f, 1, &tx);
      ta = lem_mk_app(M, f, 1, &ta);
    }
    cr_assert(tx && ta);
    lem_subst s;
    lem_subst_init(&s);
    b.left = k;
    int r = lem_unify(M, &s, tx, ta);
    cr_assert(r == 1 || r == -1);
    if (r == -1) cr_assert_eq(s.n, 0);
    if (r == 1) ok_seen = 1;
    lem_term t = lem_subst_apply(M, &s, tx);
    cr_assert(t == LEM_NOTERM || t == (r == 1 ? ta : tx));
    lem_subst_free(M, &s);
    lem_ctx_free(M);
  }
  cr_assert(ok_seen);
}

/* ---- property tests ---- */

Test(unify, property_vs_reference, .timeout = 60) {
  static const char *vars[] = {"X", "Y", "Z", "W"};
  rng r = {0x9e3779b97f4a7c15ull};
  int unified = 0, total = 12000;
  for (int it = 0; it < total; it++) {
    lem_term a = rand_term(&r, 4, vars, 4), b = rand_term(&r, 4, vars, 4);
    lem_subst s;
    lem_subst_init(&s);
    ref R = {.n = 0};
    int got = lem_unify(L, &s, a, b);
    int want = ref_unify(&R, a, b);
    cr_assert_eq(got, want, "iteration %d: lem_unify %d, reference %d", it, got, want);
    if (got == 1) {
      unified++;
      lem_term p = pair(a, b);
      lem_term sa = lem_subst_apply(L, &s, a), sb = lem_subst_apply(L, &s, b);
      cr_assert_eq(sa, sb);
      cr_assert_eq(ref_apply(&R, a), ref_apply(&R, b));
      lem_term sp = lem_subst_apply(L, &s, p), rp = ref_apply(&R, p);
      lem_subst m;
      lem_subst_init(&m);
      cr_assert_eq(lem_match(L, &m, sp, rp), 1, "iteration %d: ref not an instance", it);
      lem_subst_undo(&m, 0);
      cr_assert_eq(lem_match(L, &m, rp, sp), 1, "iteration %d: s not most general", it);
      lem_subst_free(L, &m);
    } else {
      cr_assert_eq(s.n, 0);
    }
    lem_subst_free(L, &s);
  }
  /* the generator is tuned so that a good share unifies */
  cr_assert_geq(unified, total * 30 / 100, "only %d of %d unified", unified, total);
  cr_assert_leq(unified, total * 60 / 100, "%d of %d unified", unified, total);
  cr_assert(lem_bank_check(L));
}

Test(unify, property_match) {
  static const char *pv[] = {"X", "Y", "Z", "W"};
  static const char *rv[] = {"U", "V"};
  rng r = {12345};
  for (int it = 0; it < 10000; it++) {
    lem_term p = rand_term(&r, 4, pv, 4);
    ref sigma = {.n = 0};
    for (int i = 0; i < 4; i++) {
      sigma.var[sigma.n] = V(pv[i]);
      sigma.val[sigma.n++] = rand_term(&r, 2, rv, 2);
    }
    lem_term target = ref_apply(&sigma, p);
    lem_subst s;
    lem_subst_init(&s);
    cr_assert_eq(lem_match(L, &s, p, target), 1, "iteration %d", it);
    cr_assert_eq(lem_subst_apply(L, &s, p), target);
    /* with shared variables the one-step reading reproduces the target */
    lem_subst_undo(&s, 0);
    lem_term t2 = ref_apply(&(ref){.n = 1, .var = {V("X")}, .val = {rand_term(&r, 2, pv, 4)}}, p);
    cr_assert_eq(lem_match(L, &s, p, t2), 1);
    cr_assert_eq(simul_apply(&s, p), t2);
    /* a random target matches iff the reference says it is an instance */
    lem_subst_undo(&s, 0);
    lem_term q = rand_term(&r, 4, rv, 2);
    int m = lem_match(L, &s, p, q);
    if (m) cr_assert_eq(lem_subst_apply(L, &s, p), q);
    else cr_assert_eq(s.n, 0);
    lem_subst_free(L, &s);
  }
}

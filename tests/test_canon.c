/*
** test_canon.c: tests for src/canon.c (canonical forms and shape hashes).
**
** The property tests draw random formulas (relations of arity 1-4 over a few
** variables and constants, !, & with up to 8 operands, > with bound lists,
** depth up to 4) from a seeded generator and check that renaming variables,
** reordering and re-associating & operands and permuting bound lists never
** change the canonical id; that lem_canon is idempotent; that the canonical
** form is equivalent to its input; and, on 6,000 pairs of related formulas,
** that canonical ids are equal exactly when an independent brute-force
** decision procedure written here says the formulas are equivalent.  That
** procedure searches for a variable bijection and operand/bound-list
** permutations that make two formulas identical.  Hand cases: two-operand
** commutativity, a Peano goal with renamed variables, kept variables and
** shape hashes.
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "ctx.h"
#include "sym.h"
#include "term.h"
#include "unify.h"

static lem_ctx *L;

static void setup(void) {
  L = lem_ctx_new(NULL, NULL, 0);
  cr_assert(L);
}
static void teardown(void) { lem_ctx_free(L); }

TestSuite(canon, .init = setup, .fini = teardown, .timeout = 60);

typedef struct rng { uint64_t s; } rng;
static uint32_t rnd(rng *r, uint32_t n) {
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return (uint32_t)((r->s * 2685821657736338717ull) >> 33) % n;
}

static lem_term V(const char *n) { return lem_mk_var(L, lem_sym_cstr(L, n), 0); }
static lem_term C(const char *n) { return lem_mk_const(L, lem_sym_cstr(L, n)); }
static lem_term R(const char *r, uint32_t n, const lem_term *a) {
  return lem_mk_rel(L, lem_sym_cstr(L, r), n, a);
}

/* ---- the generator ---- */

#define NV 5
static const char *vname[NV] = {"x", "y", "z", "u", "v"};
static const char *rname[4][2] = {{"p", "P"}, {"q", "Q"}, {"in3", "r"}, {"s", "S"}};

static lem_term gen(rng *g, int depth) {
  uint32_t c = rnd(g, depth > 0 ? 10 : 1);
  if (c <= 3) { /* atom */
    uint32_t ar = 1 + rnd(g, 4);
    lem_term a[4];
    for (uint32_t i = 0; i < ar; i++)
      a[i] = rnd(g, 5) ? V(vname[rnd(g, NV)]) : C(rnd(g, 2) ? "c" : "d");
    return R(rname[ar - 1][rnd(g, 2)], ar, a);
  }
  if (c == 4) return lem_mk_not(L, gen(g, depth - 1));
  if (c <= 7) { /* & of 2..8 operands, randomly associated */
    uint32_t n = 2 + rnd(g, depth >= 3 ? 7 : 3);
    lem_term ops[8];
    for (uint32_t i = 0; i < n; i++) ops[i] = gen(g, depth - 2 > 0 ? depth - 2 : 0);
    while (n > 1) {
      uint32_t i = rnd(g, n - 1);
      ops[i] = lem_mk_and(L, ops[i], ops[i + 1]);
      memmove(ops + i + 1, ops + i + 2, (n - i - 2) * sizeof *ops);
      n--;
    }
    return ops[0];
  }
  uint32_t k = rnd(g, 4);
  lem_term vs[3];
  for (uint32_t i = 0; i < k && i < 3; i++) vs[i] = V(vname[rnd(g, NV)]);
  if (k > 3) k = 3;
  lem_term p = gen(g, depth - 1), q = gen(g, depth - 1);
  return lem_mk_all(L, k, vs, p, q);
}

/* ---- equivalence-preserving transformations ---- */

typedef struct renaming {
  lem_term from[NV], to[NV];
} renaming;

static lem_term rename_var(const renaming *m, lem_term v) {
  for (int i = 0; i < NV; i++)
    if (m->from[i] == v) return m->to[i];
  return v;
}

static void collect_ops(lem_term t, lem_term *ops, uint32_t *n) {
  if (lem_term_kind(L, t) == LEM_AND) {
    collect_ops(lem_term_arg(L, t, 0), ops, n);
    collect_ops(lem_term_arg(L, t, 1), ops, n);
  } else {
    cr_assert(*n < 256);
    ops[(*n)++] = t;
  }
}

static void shuffle(rng *g, lem_term *a, uint32_t n) {
  for (uint32_t i = n; i > 1; i--) {
    uint32_t j = rnd(g, i);
    lem_term t = a[i - 1];
    a[i - 1] = a[j];
    a[j] = t;
  }
}

/* Rename by m, shuffle and re-associate every &, permute bound lists. */
static lem_term transform(rng *g, const renaming *m, lem_term t) {
  lem_term k[8];
  uint32_t n = lem_term_nargs(L, t);
  switch (lem_term_kind(L, t)) {
    case LEM_VAR: return rename_var(m, t);
    case LEM_CONST: return t;
    case LEM_REL:
      for (uint32_t i = 0; i < n; i++) k[i] = transform(g, m, lem_term_arg(L, t, i));
      return lem_mk_rel(L, lem_term_sym(L, t), n, k);
    case LEM_NOT: return lem_mk_not(L, transform(g, m, lem_term_arg(L, t, 0)));
    case LEM_AND: {
      lem_term ops[256];
      uint32_t no = 0;
      collect_ops(t, ops, &no);
      for (uint32_t i = 0; i < no; i++) ops[i] = transform(g, m, ops[i]);
      shuffle(g, ops, no);
      while (no > 1) {
        uint32_t i = rnd(g, no - 1);
        ops[i] = lem_mk_and(L, ops[i], ops[i + 1]);
        memmove(ops + i + 1, ops + i + 2, (no - i - 2) * sizeof *ops);
        no--;
      }
      return ops[0];
    }
    case LEM_ALL: {
      uint32_t nv = n - 2;
      for (uint32_t i = 0; i < nv; i++) k[i] = rename_var(m, lem_term_arg(L, t, i));
      shuffle(g, k, nv);
      lem_term p = transform(g, m, lem_all_prem(L, t));
      lem_term q = transform(g, m, lem_all_concl(L, t));
      return lem_mk_all(L, nv, k, p, q);
    }
    default: cr_assert_fail("unexpected kind");
  }
  return LEM_NOTERM;
}

static void random_renaming(rng *g, renaming *m) {
  static const char *fresh[NV] = {"a1", "b2", "c3", "d4", "e5"};
  lem_term to[NV];
  for (int i = 0; i < NV; i++) to[i] = rnd(g, 2) ? V(fresh[i]) : V(vname[i]);
  /* a bijection: permute the targets, keep them distinct */
  for (int i = 0; i < NV; i++) {
    m->from[i] = V(vname[i]);
    for (int j = 0; j < i; j++)
      if (to[j] == to[i]) to[i] = V(fresh[i]);
  }
  shuffle(g, to, NV);
  for (int i = 0; i < NV; i++) m->to[i] = to[i];
}

/* A small random change that may or may not keep the class. */
static lem_term mutate(rng *g, lem_term t, int *done) {
  uint32_t n = lem_term_nargs(L, t);
  lem_kind kd = lem_term_kind(L, t);
  if (kd == LEM_VAR) {
    *done = 1;
    return V(vname[rnd(g, NV)]);
  }
  if (kd == LEM_CONST) {
    *done = 1;
    return rnd(g, 2) ? C("c") : V(vname[rnd(g, NV)]);
  }
  lem_term k[16];
  cr_assert(n <= 16);
  memcpy(k, lem_term_args(L, t), n * sizeof *k);
  uint32_t i = rnd(g, n);
  if (kd == LEM_ALL && i < n - 2) {
    k[i] = V(vname[rnd(g, NV)]);
    *done = 1;
  } else if (kd == LEM_ALL && rnd(g, 4) == 0) {
    lem_term x = k[n - 1];
    k[n - 1] = k[n - 2];
    k[n - 2] = x;
    *done = 1;
  } else {
    k[i] = mutate(g, k[i], done);
  }
  return lem_mk(L, kd, lem_term_sym(L, t), lem_term_num(L, t), n, k);
}

/* ---- brute-force equivalence ---- */

/* A goal asks for a bijection between the multisets A and B (n each) with
** each matched pair equivalent; a single ordered pair is a goal with n 1. */
typedef struct goal {
  const lem_term *A, *B;
  uint32_t n;
} goal;

typedef struct bf {
  lem_term arena[1 << 16];
  uint32_t top;
  lem_term fa[64], fb[64];  /* variable bijection */
  uint32_t nm;
  const lem_term *keep;
  uint32_t nkeep;
  long steps;
} bf;

static int is_kept(const bf *b, lem_term v) {
  for (uint32_t i = 0; i < b->nkeep; i++)
    if (b->keep[i] == v) return 1;
  return 0;
}

static const lem_term *alloc_list(bf *b, uint32_t n) {
  cr_assert(b->top + n <= sizeof b->arena / sizeof *b->arena);
  const lem_term *p = b->arena + b->top;
  b->top += n;
  return p;
}

static const lem_term *flat(bf *b, lem_term t, uint32_t *n) {
  lem_term ops[256];
  *n = 0;
  collect_ops(t, ops, n);
  lem_term *p = (lem_term *)alloc_list(b, *n);
  memcpy(p, ops, *n * sizeof *p);
  return p;
}

static int solve(bf *b, goal *G, uint32_t ng);

/* Reduce one ordered pair onto the goal stack; 0 if it clashes. */
static int reduce(bf *b, lem_term x, lem_term y, goal *G, uint32_t *ng) {
  lem_kind k = lem_term_kind(L, x);
  if (k != lem_term_kind(L, y) || lem_term_nargs(L, x) != lem_term_nargs(L, y))
    return 0;
  uint32_t n = lem_term_nargs(L, x);
  switch (k) {
    case LEM_VAR: {
      if (is_kept(b, x) || is_kept(b, y)) return x == y;
      for (uint32_t i = 0; i < b->nm; i++)
        if (b->fa[i] == x || b->fb[i] == y) return b->fa[i] == x && b->fb[i] == y;
      b->fa[b->nm] = x;
      b->fb[b->nm++] = y;
      return 1;
    }
    case LEM_CONST: return x == y;
    case LEM_REL:
    case LEM_APP:
    case LEM_NOT:
      if (lem_term_sym(L, x) != lem_term_sym(L, y)) return 0;
      for (uint32_t i = n; i-- > 0;)
        G[(*ng)++] = (goal){lem_term_args(L, x) + i, lem_term_args(L, y) + i, 1};
      return 1;
    case LEM_AND: {
      uint32_t na, nb;
      const lem_term *A = flat(b, x, &na), *B = flat(b, y, &nb);
      if (na != nb) return 0;
      G[(*ng)++] = (goal){A, B, na};
      return 1;
    }
    case LEM_ALL:
      G[(*ng)++] = (goal){lem_term_args(L, x), lem_term_args(L, y), n - 2};
      G[(*ng)++] = (goal){lem_term_args(L, x) + n - 1, lem_term_args(L, y) + n - 1, 1};
      G[(*ng)++] = (goal){lem_term_args(L, x) + n - 2, lem_term_args(L, y) + n - 2, 1};
      return 1;
    default: return 0;
  }
}

static int solve(bf *b, goal *G, uint32_t ng) {
  if (++b->steps > 20000000) return -1;
  while (ng && G[ng - 1].n == 0) ng--;
  if (!ng) return 1;
  goal g = G[--ng];
  uint32_t top = b->top, nm = b->nm;
  for (uint32_t j = 0; j < g.n; j++) {
    int dup = 0; /* the same term twice in B: try it once */
    for (uint32_t q = 0; q < j && !dup; q++) dup = g.B[q] == g.B[j];
    if (dup) continue;
    goal H[256];
    uint32_t nh = ng;
    cr_assert(ng + 64 < 256);
    memcpy(H, G, ng * sizeof *G);
    if (g.n > 1) {
      lem_term *rest = (lem_term *)alloc_list(b, g.n - 1);
      for (uint32_t q = 0, r = 0; q < g.n; q++)
        if (q != j) rest[r++] = g.B[q];
      H[nh++] = (goal){g.A + 1, rest, g.n - 1};
    }
    int r = reduce(b, g.A[0], g.B[j], H, &nh) ? solve(b, H, nh) : 0;
    if (r) return r;
    b->top = top;
    b->nm = nm;
  }
  return 0;
}

/* 1 equivalent, 0 not, -1 too hard to decide. */
static int brute_equiv(lem_term x, lem_term y, uint32_t nkeep, const lem_term *keep) {
  if (lem_term_size(L, x) != lem_term_size(L, y)) return 0;
  bf *b = calloc(1, sizeof *b);
  cr_assert(b);
  b->keep = keep;
  b->nkeep = nkeep;
  goal G[256];
  uint32_t ng = 0;
  int r = reduce(b, x, y, G, &ng) ? solve(b, G, ng) : 0;
  free(b);
  return r;
}

/* ---- property tests ---- */

Test(canon, invariance_under_renaming_and_ac) {
  rng g = {0x1234567};
  for (int it = 0; it < 3000; it++) {
    lem_term t = gen(&g, 4);
    lem_term c = lem_canon(L, t);
    cr_assert(c, "iteration %d: %s", it, lem_errmsg(L));
    for (int k = 0; k < 3; k++) {
      renaming m;
      random_renaming(&g, &m);
      lem_term u = transform(&g, &m, t);
      lem_term cu = lem_canon(L, u);
      if (cu != c) {
        char *a = lem_term_str(L, t), *b = lem_term_str(L, u);
        cr_assert_fail("iteration %d: %s and %s differ in canonical form", it, a, b);
      }
    }
    cr_assert_eq(lem_canon(L, c), c, "iteration %d: not idempotent", it);
    cr_assert_eq(brute_equiv(t, c, 0, NULL), 1, "iteration %d: canon not equivalent", it);
  }
  cr_assert(lem_bank_check(L));
}

Test(canon, ids_equal_iff_equivalent) {
  rng g = {987654321};
  int eq = 0, neq = 0, unknown = 0;
  for (int it = 0; it < 6000; it++) {
    lem_term a = gen(&g, 3 + (int)rnd(&g, 2)), b;
    renaming m;
    random_renaming(&g, &m);
    int done = 0;
    switch (rnd(&g, 3)) {
      case 0: b = transform(&g, &m, mutate(&g, a, &done)); break;
      case 1: b = mutate(&g, transform(&g, &m, a), &done); break;
      default: b = gen(&g, 3 + (int)rnd(&g, 2)); break;
    }
    int want = brute_equiv(a, b, 0, NULL);
    if (want < 0) {
      unknown++;
      continue;
    }
    int got = lem_canon(L, a) == lem_canon(L, b);
    if (got != want) {
      char *x = lem_term_str(L, a), *y = lem_term_str(L, b);
      cr_assert_fail("iteration %d: canon says %d, brute force %d:\n%s\n%s", it, got, want, x, y);
    }
    if (want) eq++;
    else neq++;
  }
  cr_assert_geq(eq, 500, "only %d equivalent pairs", eq);
  cr_assert_geq(neq, 2000, "only %d inequivalent pairs", neq);
  cr_assert_geq(eq + neq, 5000);
  cr_assert_leq(unknown, 60, "%d pairs too hard for the brute force", unknown);
}

/* Wide symmetric conjunctions: 8 operands, few variables, all ties. */
Test(canon, wide_symmetric_conjunctions) {
  rng g = {42};
  for (int it = 0; it < 300; it++) {
    lem_term ops[8];
    for (int i = 0; i < 8; i++) {
      lem_term a[2] = {V(vname[rnd(&g, 3)]), V(vname[rnd(&g, NV)])};
      ops[i] = R("q", 2, a);
    }
    lem_term t = lem_mk_andn(L, 8, ops);
    renaming m;
    random_renaming(&g, &m);
    lem_term u = transform(&g, &m, t);
    cr_assert_eq(lem_canon(L, t), lem_canon(L, u), "iteration %d", it);
  }
}

/* ---- hand cases ---- */

Test(canon, two_operands) {
  lem_term A = R("p", 1, (lem_term[]){C("c")}), B = R("q", 1, (lem_term[]){C("d")});
  cr_assert_eq(lem_canon(L, lem_mk_and(L, A, B)), lem_canon(L, lem_mk_and(L, B, A)));
  cr_assert_neq(lem_canon(L, lem_mk_and(L, A, A)), lem_canon(L, lem_mk_and(L, A, B)));
  cr_assert_neq(lem_canon(L, A), lem_canon(L, B));
}

static lem_term peano_comm(const char *a, const char *b, const char *c,
                           const char *d, int swap) {
  lem_term N = C("N"), plus = C("+");
  lem_term x = V(a), y = V(b), z = V(c), w = V(d);
  lem_term inx = R("in", 2, (lem_term[]){x, N}), iny = R("in", 2, (lem_term[]){y, N});
  lem_term s1 = R("in3", 4, (lem_term[]){x, y, z, plus});
  lem_term s2 = R("in3", 4, (lem_term[]){y, x, w, plus});
  lem_term eq = R("=", 2, (lem_term[]){z, w});
  lem_term prem = swap ? lem_mk_and(L, lem_mk_and(L, s2, iny), lem_mk_and(L, s1, inx))
                       : lem_mk_andn(L, 4, (lem_term[]){inx, iny, s1, s2});
  lem_term vs[4] = {x, y, z, w};
  if (swap) {
    vs[0] = w, vs[1] = y, vs[2] = x, vs[3] = z;
  }
  return lem_mk_all(L, 4, vs, prem, eq);
}

Test(canon, peano_commutativity_goal) {
  lem_term g1 = peano_comm("x", "y", "z", "w", 0);
  lem_term g2 = peano_comm("n", "m", "k", "j", 1);
  lem_term c = lem_canon(L, g1);
  cr_assert(c);
  cr_assert_eq(c, lem_canon(L, g2));
  char *s = lem_term_str(L, c);
  cr_assert(strstr(s, "(>[_0,_1,_2,_3]") == s, "%s", s);
  lem_free(L, s, strlen(s) + 1);
  /* swapping the roles in the conclusion is a different statement only up
  ** to symmetry of =, which canon does not know */
  lem_term g3 = peano_comm("x", "y", "w", "z", 0);
  cr_assert_eq(lem_canon(L, g3), c, "z, w swapped by a bijection");
}

Test(canon, keep_variables) {
  lem_term x = V("x"), y = V("y"), f = V("f");
  lem_term t = R("in2", 3, (lem_term[]){x, y, f});
  lem_term keep[1] = {f};
  lem_term c = lem_canon_keep(L, t, 1, keep);
  cr_assert_eq(lem_term_arg(L, c, 2), f, "kept variable untouched");
  cr_assert_neq(lem_term_arg(L, c, 0), x);
  lem_term t2 = R("in2", 3, (lem_term[]){V("a"), V("b"), f});
  cr_assert_eq(lem_canon_keep(L, t2, 1, keep), c);
  lem_term g = V("g");
  lem_term t3 = R("in2", 3, (lem_term[]){x, y, g});
  cr_assert_neq(lem_canon_keep(L, t3, 1, keep), c, "another name for the kept one");
  cr_assert_eq(lem_canon(L, t3), lem_canon(L, t), "but plain canon merges them");
  /* a kept variable named like a canonical one does not collide */
  lem_term u0 = V("_0");
  lem_term t4 = R("q", 2, (lem_term[]){x, u0});
  lem_term c4 = lem_canon_keep(L, t4, 1, &u0);
  cr_assert_neq(lem_term_arg(L, c4, 0), u0);
  cr_assert_eq(lem_term_arg(L, c4, 1), u0);
}

Test(canon, bound_list_order_and_nesting) {
  lem_term x = V("x"), y = V("y"), z = V("z");
  lem_term body = R("q", 2, (lem_term[]){y, x});
  lem_term t1 = lem_mk_all(L, 2, (lem_term[]){x, y}, body, R("p", 1, &z));
  lem_term t2 = lem_mk_all(L, 2, (lem_term[]){y, x}, body, R("p", 1, &z));
  lem_term c = lem_canon(L, t1);
  cr_assert_eq(c, lem_canon(L, t2));
  char *s = lem_term_str(L, c);
  cr_assert_str_eq(s, "(>[_0,_1](q[_0,_1])(p[_2]))");
  lem_free(L, s, strlen(s) + 1);
  lem_term inner = lem_mk_all(L, 1, &z, R("p", 1, &z), R("q", 2, (lem_term[]){z, x}));
  lem_term t3 = lem_mk_not(L, lem_mk_all(L, 1, &x, R("p", 1, &x), inner));
  s = lem_term_str(L, lem_canon(L, t3));
  cr_assert_str_eq(s, "!(>[_0](p[_0])(>[_1](p[_1])(q[_1,_0])))");
  lem_free(L, s, strlen(s) + 1);
}

Test(canon, shape_hash) {
  rng g = {777};
  int same = 0;
  for (int it = 0; it < 2000; it++) {
    lem_term t = gen(&g, 4), u = gen(&g, 4);
    renaming m = {{0}, {0}};
    for (int i = 0; i < NV; i++) m.from[i] = V(vname[i]), m.to[i] = V(vname[(i + 1) % NV]);
    /* renaming without touching & order: a plain substitution */
    lem_subst s;
    lem_subst_init(&s);
    for (int i = 0; i < NV; i++) lem_subst_bind(L, &s, m.from[i], lem_mk_var(L, lem_sym_cstr(L, vname[i]), 7));
    lem_term r = lem_subst_apply(L, &s, t);
    lem_subst_free(L, &s);
    cr_assert_eq(lem_shape_hash(L, r), lem_shape_hash(L, t));
    if (lem_shape_hash(L, t) == lem_shape_hash(L, u)) {
      /* a collision is allowed only between equal shapes */
      same++;
    }
  }
  cr_assert_lt(same, 200, "%d collisions", same);
  lem_term a = R("q", 2, (lem_term[]){V("x"), C("c")});
  lem_term b = R("q", 2, (lem_term[]){C("c"), V("x")});
  cr_assert_neq(lem_shape_hash(L, a), lem_shape_hash(L, b));
  cr_assert_eq(lem_shape_hash(L, a), lem_shape_hash(L, R("q", 2, (lem_term[]){V("y"), C("c")})));
  /* deep terms do not overflow anything */
  lem_term d = V("x"), e = V("y");
  for (int i = 0; i < 100000; i++) {
    d = lem_mk_not(L, d);
    e = lem_mk_not(L, e);
  }
  cr_assert_eq(lem_shape_hash(L, d), lem_shape_hash(L, e));
}

Test(canon, deep_and_wide_inputs) {
  lem_term d = R("p", 1, (lem_term[]){V("x")});
  for (int i = 0; i < 20000; i++) d = lem_mk_not(L, d);
  lem_term c = lem_canon(L, d);
  cr_assert(c);
  lem_term ops[200];
  for (int i = 0; i < 200; i++) {
    char nm[16];
    snprintf(nm, sizeof nm, "v%d", i);
    ops[i] = R("q", 2, (lem_term[]){V(nm), V(nm)});
  }
  lem_term w = lem_mk_andn(L, 200, ops);
  cr_assert(lem_canon(L, w), "200 interchangeable operands: %s", lem_errmsg(L));
}

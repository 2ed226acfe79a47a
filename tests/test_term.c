/*
** test_term.c: the context, its allocator, symbols and the term bank.
**
** Checks hash-consing (same node, same id; different node, different id),
** the bank's invariants, the printer, and that every out-of-memory path
** under a limited allocator fails cleanly and leaks nothing.
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "sym.h"
#include "term.h"
#include "testalloc.h"

static lem_ctx *L;
static void setup(void) { L = lem_ctx_new(NULL, NULL, 0); }
static void teardown(void) { lem_ctx_free(L); }

TestSuite(term, .init = setup, .fini = teardown);

static lem_term C(const char *n) { return lem_mk_const(L, lem_sym_cstr(L, n)); }
static lem_term V(const char *n) { return lem_mk_var(L, lem_sym_cstr(L, n), 0); }
static lem_term R(const char *r, uint32_t n, const lem_term *a) {
  return lem_mk_rel(L, lem_sym_cstr(L, r), n, a);
}

Test(term, symbols_intern_once) {
  lem_sym a = lem_sym_cstr(L, "in3"), b = lem_sym_cstr(L, "in3");
  lem_sym c = lem_sym_cstr(L, "in2");
  cr_assert_eq(a, b);
  cr_assert_neq(a, c);
  cr_assert_neq(a, LEM_NOSYM);
  cr_assert_str_eq(lem_sym_name(L, a), "in3");
  cr_assert_eq(lem_sym_len(L, a), 3);
  cr_assert_eq(lem_sym_find(L, "in2", 3), c);
  cr_assert_eq(lem_sym_find(L, "never", 5), LEM_NOSYM);
  /* embedded bytes and a prefix are different symbols */
  cr_assert_neq(lem_sym_intern(L, "in", 2), a);
}

Test(term, many_symbols_survive_rehash) {
  char buf[32];
  lem_sym ys[20000];
  for (int i = 0; i < 20000; i++) {
    snprintf(buf, sizeof buf, "s%d", i);
    ys[i] = lem_sym_cstr(L, buf);
    cr_assert_neq(ys[i], LEM_NOSYM);
  }
  for (int i = 0; i < 20000; i++) {
    snprintf(buf, sizeof buf, "s%d", i);
    cr_assert_eq(lem_sym_cstr(L, buf), ys[i]);
    cr_assert_str_eq(lem_sym_name(L, ys[i]), buf);
  }
}

Test(term, hash_consing_gives_one_id) {
  lem_term a1[] = {V("a"), V("b"), V("c"), C("+")};
  lem_term a2[] = {V("a"), V("b"), V("c"), C("+")};
  lem_term a3[] = {V("b"), V("a"), V("c"), C("+")};
  lem_term r1 = R("in3", 4, a1), r2 = R("in3", 4, a2), r3 = R("in3", 4, a3);
  cr_assert_eq(r1, r2);
  cr_assert_neq(r1, r3);
  /* kind, name and number all distinguish nodes */
  cr_assert_neq(V("x"), C("x"));
  cr_assert_neq(lem_mk_var(L, lem_sym_cstr(L, "x"), 1), V("x"));
  cr_assert_neq(lem_mk_app(L, lem_sym_cstr(L, "f"), 1, a1),
                lem_mk_rel(L, lem_sym_cstr(L, "f"), 1, a1));
  lem_term n1 = lem_mk_not(L, r1), n2 = lem_mk_not(L, r2);
  cr_assert_eq(n1, n2);
  cr_assert_neq(lem_mk_and(L, r1, r3), lem_mk_and(L, r3, r1));
  cr_assert(lem_bank_check(L));
}

Test(term, children_are_older_and_accessors_work) {
  lem_term x = V("x"), y = V("y");
  lem_term args[] = {x, y, C("s")};
  lem_term r = R("in2", 3, args);
  lem_term vars[] = {x, y};
  lem_term all = lem_mk_all(L, 2, vars, r, lem_mk_not(L, r));
  cr_assert_eq(lem_term_kind(L, all), LEM_ALL);
  cr_assert_eq(lem_all_nvars(L, all), 2);
  cr_assert_eq(lem_all_prem(L, all), r);
  cr_assert_eq(lem_term_kind(L, lem_all_concl(L, all)), LEM_NOT);
  cr_assert_eq(lem_term_arg(L, r, 2), args[2]);
  cr_assert_eq(lem_term_arg(L, r, 3), LEM_NOTERM);
  cr_assert(!lem_term_ground(L, r));
  lem_term g[] = {C("i0"), C("i1"), C("s")};
  cr_assert(lem_term_ground(L, R("in2", 3, g)));
  cr_assert_eq(lem_term_size(L, r), 4);
  for (lem_term t = 1; t <= lem_bank_count(L); t++)
    for (uint32_t i = 0; i < lem_term_nargs(L, t); i++)
      cr_assert_lt(lem_term_arg(L, t, i), t);
}

/* A leaf keeps its num (its size is 1); a node with children has num 0
** and its size (the two share a field, lem_node). */
Test(term, num_only_on_leaves_and_size_of_trees) {
  lem_term v = lem_mk_var(L, lem_sym_cstr(L, "x"), 77);
  cr_assert_eq(lem_term_num(L, v), 77);
  cr_assert_eq(lem_term_size(L, v), 1);
  lem_term args[] = {v, v, C("s")};
  lem_term r = R("in2", 3, args);
  cr_assert_eq(lem_term_num(L, r), 0);
  cr_assert_eq(lem_term_size(L, r), 4);
  cr_assert_eq(lem_term_size(L, lem_mk_and(L, r, lem_mk_not(L, r))), 10);
  cr_assert_eq(lem_mk(L, LEM_REL, lem_sym_cstr(L, "in2"), 1, 3, args),
               LEM_NOTERM);
  cr_assert_eq(L->err, LEM_EINVAL);
  cr_assert(lem_bank_check(L));
}

Test(term, mk_all_rejects_non_variables) {
  lem_term c = C("N");
  lem_term r = R("in", 1, &c);
  cr_assert_eq(lem_mk_all(L, 1, &c, r, r), LEM_NOTERM);
  cr_assert_eq(L->err, LEM_EINVAL);
  lem_term bogus = 999999;
  cr_assert_eq(lem_mk_not(L, bogus), LEM_NOTERM);
}

Test(term, printer_writes_mpl) {
  lem_term x = V("x"), y = V("y");
  lem_term a[] = {x, y, C("s")};
  lem_term r = R("in2", 3, a);
  lem_term vars[] = {x, y};
  lem_term all = lem_mk_all(L, 2, vars, lem_mk_and(L, r, r), lem_mk_not(L, r));
  char *s = lem_term_str(L, all);
  cr_assert_str_eq(s, "(>[x,y](&(in2[x,y,s])(in2[x,y,s]))!(in2[x,y,s]))");
  lem_free(L, s, strlen(s) + 1);
  lem_term empty = lem_mk_all(L, 0, NULL, r, r);
  s = lem_term_str(L, empty);
  cr_assert_str_eq(s, "(>[](in2[x,y,s])(in2[x,y,s]))");
  lem_free(L, s, strlen(s) + 1);
  lem_term f = lem_fresh_var(L, lem_sym_cstr(L, "x"));
  cr_assert_neq(f, x);
  s = lem_term_str(L, f);
  cr_assert_eq(strncmp(s, "x'", 2), 0);
  lem_free(L, s, strlen(s) + 1);
}

Test(term, andn_nests_to_the_right) {
  lem_term fs[3];
  for (int i = 0; i < 3; i++) {
    lem_term v = V(i == 0 ? "a" : i == 1 ? "b" : "c");
    fs[i] = R("p", 1, &v);
  }
  lem_term t = lem_mk_andn(L, 3, fs);
  cr_assert_eq(t, lem_mk_and(L, fs[0], lem_mk_and(L, fs[1], fs[2])));
  cr_assert_eq(lem_mk_andn(L, 1, fs), fs[0]);
  cr_assert_eq(lem_mk_andn(L, 0, fs), LEM_NOTERM);
}

Test(term, large_bank_stays_consistent) {
  lem_term prev = C("z");
  lem_sym f = lem_sym_cstr(L, "f"), g = lem_sym_cstr(L, "g");
  for (int i = 0; i < 100000; i++) {
    lem_term k[2] = {prev, (i & 1) ? V("x") : C("c")};
    prev = lem_mk_app(L, (i % 3) ? f : g, 2, k);
    cr_assert_neq(prev, LEM_NOTERM);
  }
  uint32_t n = lem_bank_count(L);
  /* rebuilding the same chain makes nothing new */
  prev = C("z");
  for (int i = 0; i < 100000; i++) {
    lem_term k[2] = {prev, (i & 1) ? V("x") : C("c")};
    prev = lem_mk_app(L, (i % 3) ? f : g, 2, k);
  }
  cr_assert_eq(lem_bank_count(L), n);
  cr_assert(lem_bank_check(L));
}

/* lem_bank_release forgets what was made after the mark, and only that:
** old terms keep their ids, the bank stays consistent through enough
** terms to need several child chunks and hash-set growths, a released
** term made again is a new node, and a mark not of the bank's past is
** refused. */
/* Terms made before the mark of the release tests: a, x and p[a,x]. */
typedef struct before_mark {
  lem_term a, x, old[2], p;
  uint32_t count;
  lem_bank_mark m;
} before_mark;

static before_mark make_before_mark(void) {
  before_mark b;
  b.a = b.old[0] = C("a");
  b.x = b.old[1] = V("x");
  b.p = R("p", 2, b.old);
  b.count = lem_bank_count(L);
  b.m = lem_bank_save(L);
  return b;
}

Test(term, release_forgets_what_came_after_the_mark) {
  before_mark b = make_before_mark();
  lem_term a = b.a, x = b.x, *old = b.old, keep = b.p;
  uint32_t before = b.count;
  lem_bank_mark m = b.m;
  lem_term t = keep;
  for (uint32_t i = 0; i < 40000; i++) {
    lem_term k[3] = {t, a, x};
    t = R("q", 3, k);
    cr_assert(t);
  }
  cr_assert_gt(lem_bank_count(L), before + 39999);
  lem_bank_mark late = lem_bank_save(L);
  cr_assert_eq(lem_bank_release(L, m), LEM_OK);
  cr_assert_eq(lem_bank_count(L), before);
  cr_assert(lem_bank_check(L));
  cr_assert_eq(R("p", 2, old), keep, "an old term lost its id");
  cr_assert_eq(C("a"), a);
  lem_term k[3] = {keep, a, x};
  lem_term q = R("q", 3, k);
  cr_assert_eq(q, before + 1, "the first released id is given out again");
  cr_assert_eq(lem_term_nargs(L, q), 3);
  cr_assert_eq(lem_term_arg(L, q, 0), keep);
  cr_assert(lem_bank_check(L));
  /* a mark of a future the bank no longer has */
  cr_assert_eq(lem_bank_release(L, late), LEM_EINVAL);
  cr_assert_eq(lem_bank_count(L), before + 1);
  /* releasing to the present is a no-op */
  cr_assert_eq(lem_bank_release(L, lem_bank_save(L)), LEM_OK);
  cr_assert_eq(lem_bank_count(L), before + 1);
}

/* lem_bank_release_keep: what the roots reach is made again with the same
** structure (shared subterms stay shared, an old root keeps its id, a root
** given twice is rewritten once), and nothing else made since the mark
** survives. */
Test(term, release_keep_keeps_what_the_roots_reach) {
  before_mark b = make_before_mark();
  lem_term a = b.a, x = b.x, keep_old = b.p;
  uint32_t base = b.count;
  lem_bank_mark m = b.m;
  lem_term t = keep_old, mid = LEM_NOTERM;
  for (uint32_t i = 0; i < 3000; i++) {
    lem_term k[3] = {t, a, (i & 1) ? x : C("b")};
    t = R("q", 3, k);
    if (i == 1000) mid = t;
  }
  lem_term shared[2] = {mid, mid};
  lem_term pair = R("r", 2, shared);
  for (uint32_t i = 0; i < 5000; i++) { /* garbage */
    lem_term k[2] = {t, C("g")};
    cr_assert(R("junk", 2, k));
  }
  char *s_mid = lem_term_str(L, mid), *s_pair = lem_term_str(L, pair);
  lem_term r0 = mid, r1 = pair, r2 = keep_old;
  lem_term *roots[4] = {&r0, &r1, &r2, &r1};
  cr_assert_eq(lem_bank_release_keep(L, m, roots, 4), LEM_OK, "%s",
               lem_errmsg(L));
  cr_assert(lem_bank_check(L));
  /* the chain up to mid (1001 q nodes), b, and the pair */
  cr_expect_eq(lem_bank_count(L), base + 1001 + 1 + 1);
  cr_expect_eq(r2, keep_old);
  char *n_mid = lem_term_str(L, r0), *n_pair = lem_term_str(L, r1);
  cr_expect_str_eq(n_mid, s_mid);
  cr_expect_str_eq(n_pair, s_pair);
  cr_expect_eq(lem_term_arg(L, r1, 0), r0, "the shared child was split");
  cr_expect_eq(lem_term_arg(L, r1, 1), r0);
  lem_term k[2] = {r0, C("g")};
  cr_expect_eq(R("junk", 2, k), lem_bank_count(L), "garbage survived");
  lem_free(L, s_mid, strlen(s_mid) + 1);
  lem_free(L, s_pair, strlen(s_pair) + 1);
  lem_free(L, n_mid, strlen(n_mid) + 1);
  lem_free(L, n_pair, strlen(n_pair) + 1);
  lem_term bad = lem_bank_count(L) + 5, *broot[1] = {&bad};
  cr_expect_eq(lem_bank_release_keep(L, lem_bank_save(L), broot, 1),
               LEM_EINVAL);
}

Test(term, buffer_printf_long) {
  lem_buf b = {0};
  char big[1000];
  memset(big, 'q', sizeof big - 1);
  big[sizeof big - 1] = 0;
  cr_assert_eq(lem_buf_printf(L, &b, "<%s>", big), LEM_OK);
  cr_assert_eq(b.len, 1001);
  cr_assert_eq(b.p[0], '<');
  cr_assert_eq(b.p[1000], '>');
  lem_buf_free(L, &b);
}

Test(term, error_messages) {
  cr_assert_eq(lem_error(L, LEM_ESYNTAX, "f:%d:%d: boom", 3, 4), LEM_ESYNTAX);
  cr_assert_str_eq(lem_errmsg(L), "f:3:4: boom");
  lem_clear_error(L);
  cr_assert_str_eq(lem_errmsg(L), "");
  cr_assert_str_eq(lem_strerror(LEM_ENOMEM), "out of memory");
}

/* ---- a limited allocator: every failure path is clean and leak-free ---- */


/* Build a workload; return 0 on success, -1 on the first failure. */
static int workload(lem_ctx *K) {
  char name[16];
  lem_term prev = lem_mk_const(K, lem_sym_cstr(K, "zero"));
  if (!prev) return -1;
  for (int i = 0; i < 3000; i++) {
    snprintf(name, sizeof name, "v%d", i % 50);
    lem_sym y = lem_sym_cstr(K, name);
    if (!y) return -1;
    lem_term v = lem_mk_var(K, y, 0);
    if (!v) return -1;
    lem_term k[2] = {prev, v};
    lem_term r = lem_mk_rel(K, y, 2, k);
    if (!r) return -1;
    lem_term a = lem_mk_all(K, 1, &v, r, r);
    if (!a) return -1;
    char *s = lem_term_str(K, r);
    if (!s) return -1;
    lem_free(K, s, strlen(s) + 1);
    prev = lem_mk_app(K, y, 2, k);
    if (!prev) return -1;
  }
  return 0;
}

Test(alloc, limit_fails_cleanly_and_frees_everything) {
  int failures = 0, successes = 0;
  for (size_t limit = 2048; limit < 2u << 20; limit = limit * 5 / 4) {
    counter c = {0};
    lem_ctx *K = lem_ctx_new(count_alloc, &c, limit);
    if (!K) {
      cr_assert_eq(c.live, 0);
      failures++;
      continue;
    }
    int r = workload(K);
    if (r) {
      cr_assert_eq(K->err, LEM_ENOMEM, "limit %zu: err %d (%s)", limit, K->err,
                   lem_errmsg(K));
      failures++;
    } else {
      successes++;
    }
    cr_assert_leq(K->peak, limit);
    cr_assert(lem_bank_check(K));
    lem_ctx_free(K);
    cr_assert_eq(c.live, 0, "limit %zu: %ld blocks leaked", limit, c.live);
  }
  cr_assert_gt(failures, 5);
  cr_assert_gt(successes, 0);
}

Test(alloc, inuse_counts_back_to_baseline) {
  lem_ctx *K = lem_ctx_new(NULL, NULL, 0);
  size_t base = K->inuse;
  void *p = lem_malloc(K, 100);
  cr_assert_eq(K->inuse, base + 100);
  p = lem_realloc(K, p, 100, 300);
  cr_assert_eq(K->inuse, base + 300);
  lem_free(K, p, 300);
  cr_assert_eq(K->inuse, base);
  lem_ctx_free(K);
}

/* lem_term_occurs: the term itself and subterms at any depth, nothing else
** (not a variable of another number, not a sibling). */
Test(term, occurs_finds_subterms_at_any_depth) {
  lem_term x = V("x"), y = V("y"), a = C("a");
  lem_term r = lem_mk_rel(L, lem_sym_cstr(L, "r"), 2, (lem_term[]){x, a});
  lem_term g = lem_mk_and(L, r, lem_mk_not(L, lem_mk_rel(L, lem_sym_cstr(L, "q"), 1,
                                                          (lem_term[]){y})));
  cr_assert(g);
  cr_assert(lem_term_occurs(L, g, g));
  cr_assert(lem_term_occurs(L, g, r));
  cr_assert(lem_term_occurs(L, g, x));
  cr_assert(lem_term_occurs(L, g, y), "under ! and a relation");
  cr_assert(lem_term_occurs(L, g, a));
  cr_assert_not(lem_term_occurs(L, g, lem_mk_var(L, lem_sym_cstr(L, "x"), 1)));
  cr_assert_not(lem_term_occurs(L, r, y));
  cr_assert_not(lem_term_occurs(L, x, g));
}

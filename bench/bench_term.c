/*
** bench_term.c: throughput of the term bank and of one-way matching.
**
** (a) intern: builds 1M random relational formulas shaped like the Peano
**     theory's (in3[x,y,z,+], in2[x,y,s], &, > with bound lists) into a fresh
**     bank, and, as a peer baseline measured in the same run, the same
**     expressions as plain malloc'd trees without hash-consing.
** (b) match: one-way matching of rule-premise patterns (in3[a,b,c,+] with
**     variables, repeated variables or constants; in2[x,y,s]) against ground
**     facts, with undo between attempts, on one core; about 70% succeed.
** Standalone: main() prints the figures.  Build with -O2 -DNDEBUG.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctx.h"
#include "sym.h"
#include "term.h"
#include "unify.h"

#define NEXPR 1000000
#define NMATCH 10000000

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rs = 0x2545F4914F6CDD1Dull;
static uint32_t rnd(uint32_t n) {
  rs ^= rs >> 12;
  rs ^= rs << 25;
  rs ^= rs >> 27;
  return (uint32_t)((rs * 2685821657736338717ull) >> 33) % n;
}

/* Expressions are generated once as prefix code, then decoded both ways. */
enum { OP_VAR, OP_CONST, OP_IN3, OP_IN2, OP_AND, OP_ALL };
#define NVARS 12
#define NCONSTS 40

typedef struct code {
  uint32_t *p;
  size_t n, cap;
} code;

static void put(code *c, uint32_t x) {
  if (c->n == c->cap) {
    c->cap = c->cap ? c->cap * 2 : 1 << 20;
    c->p = realloc(c->p, c->cap * sizeof *c->p);
    if (!c->p) abort();
  }
  c->p[c->n++] = x;
}

static void gen_elem(code *c) {
  if (rnd(4)) put(c, OP_VAR), put(c, rnd(NVARS));
  else put(c, OP_CONST), put(c, rnd(NCONSTS));
}

static void gen(code *c, int depth) {
  uint32_t k = depth ? rnd(6) : rnd(2);
  if (k == 0) {
    put(c, OP_IN3);
    for (int i = 0; i < 3; i++) gen_elem(c);
  } else if (k == 1) {
    put(c, OP_IN2);
    for (int i = 0; i < 2; i++) gen_elem(c);
  } else if (k <= 3) {
    put(c, OP_AND);
    gen(c, depth - 1);
    gen(c, depth - 1);
  } else {
    uint32_t nv = 1 + rnd(3);
    put(c, OP_ALL);
    put(c, nv);
    for (uint32_t i = 0; i < nv; i++) put(c, rnd(NVARS));
    gen(c, depth - 1);
    gen(c, depth - 1);
  }
}

/* ---- decoding into the bank ---- */

typedef struct names {
  lem_term var[NVARS], cst[NCONSTS], plus, s;
  lem_sym in3, in2;
} names;

static lem_term dec_bank(lem_ctx *L, const names *nm, const uint32_t **pp) {
  const uint32_t *p = *pp;
  lem_term t = LEM_NOTERM, k[8];
  switch (*p++) {
    case OP_VAR: t = nm->var[*p++]; break;
    case OP_CONST: t = nm->cst[*p++]; break;
    case OP_IN3:
      for (int i = 0; i < 3; i++) k[i] = dec_bank(L, nm, &p);
      k[3] = nm->plus;
      t = lem_mk_rel(L, nm->in3, 4, k);
      break;
    case OP_IN2:
      for (int i = 0; i < 2; i++) k[i] = dec_bank(L, nm, &p);
      k[2] = nm->s;
      t = lem_mk_rel(L, nm->in2, 3, k);
      break;
    case OP_AND:
      k[0] = dec_bank(L, nm, &p);
      k[1] = dec_bank(L, nm, &p);
      t = lem_mk_and(L, k[0], k[1]);
      break;
    case OP_ALL: {
      uint32_t nv = *p++;
      for (uint32_t i = 0; i < nv; i++) k[i] = nm->var[*p++];
      k[nv] = dec_bank(L, nm, &p);
      k[nv + 1] = dec_bank(L, nm, &p);
      t = lem_mk(L, LEM_ALL, 0, 0, nv + 2, k);
      break;
    }
  }
  *pp = p;
  return t;
}

/* ---- the baseline: plain malloc'd trees ---- */

typedef struct tnode {
  int kind;
  uint32_t sym, n;
  struct tnode **kids;
} tnode;

static tnode *mk_node(int kind, uint32_t sym, uint32_t n, tnode **kids) {
  tnode *x = malloc(sizeof *x);
  if (!x) abort();
  x->kind = kind;
  x->sym = sym;
  x->n = n;
  x->kids = NULL;
  if (n) {
    x->kids = malloc(n * sizeof *x->kids);
    if (!x->kids) abort();
    memcpy(x->kids, kids, n * sizeof *kids);
  }
  return x;
}

static tnode *dec_tree(const uint32_t **pp) {
  const uint32_t *p = *pp;
  tnode *t = NULL, *k[8];
  switch (*p++) {
    case OP_VAR: t = mk_node(LEM_VAR, *p++, 0, NULL); break;
    case OP_CONST: t = mk_node(LEM_CONST, 100 + *p++, 0, NULL); break;
    case OP_IN3:
      for (int i = 0; i < 3; i++) k[i] = dec_tree(&p);
      k[3] = mk_node(LEM_CONST, 1, 0, NULL);
      t = mk_node(LEM_REL, 3, 4, k);
      break;
    case OP_IN2:
      for (int i = 0; i < 2; i++) k[i] = dec_tree(&p);
      k[2] = mk_node(LEM_CONST, 2, 0, NULL);
      t = mk_node(LEM_REL, 4, 3, k);
      break;
    case OP_AND:
      k[0] = dec_tree(&p);
      k[1] = dec_tree(&p);
      t = mk_node(LEM_AND, 0, 2, k);
      break;
    case OP_ALL: {
      uint32_t nv = *p++;
      for (uint32_t i = 0; i < nv; i++) k[i] = mk_node(LEM_VAR, *p++, 0, NULL);
      k[nv] = dec_tree(&p);
      k[nv + 1] = dec_tree(&p);
      t = mk_node(LEM_ALL, 0, nv + 2, k);
      break;
    }
  }
  *pp = p;
  return t;
}

static void free_tree(tnode *t) {
  for (uint32_t i = 0; i < t->n; i++) free_tree(t->kids[i]);
  free(t->kids);
  free(t);
}

static void setup_names(lem_ctx *L, names *nm) {
  char buf[32];
  for (int i = 0; i < NVARS; i++) {
    snprintf(buf, sizeof buf, "x%d", i);
    nm->var[i] = lem_mk_var(L, lem_sym_cstr(L, buf), 0);
  }
  for (int i = 0; i < NCONSTS; i++) {
    snprintf(buf, sizeof buf, "c%d", i);
    nm->cst[i] = lem_mk_const(L, lem_sym_cstr(L, buf));
  }
  nm->plus = lem_mk_const(L, lem_sym_cstr(L, "+"));
  nm->s = lem_mk_const(L, lem_sym_cstr(L, "s"));
  nm->in3 = lem_sym_cstr(L, "in3");
  nm->in2 = lem_sym_cstr(L, "in2");
}

static int bench_intern(void) {
  code c = {0};
  size_t *start = malloc(NEXPR * sizeof *start);
  if (!start) return 1;
  for (int i = 0; i < NEXPR; i++) {
    start[i] = c.n;
    gen(&c, (int)rnd(4));
  }
  lem_ctx *L = lem_ctx_new(NULL, NULL, 0);
  if (!L) return 1;
  names nm;
  setup_names(L, &nm);
  double t0 = now();
  uint64_t check = 0;
  for (int i = 0; i < NEXPR; i++) {
    const uint32_t *p = c.p + start[i];
    lem_term t = dec_bank(L, &nm, &p);
    if (!t) return 1;
    check += t;
  }
  double t1 = now();
  tnode **trees = malloc(NEXPR * sizeof *trees);
  if (!trees) return 1;
  double t2 = now();
  for (int i = 0; i < NEXPR; i++) {
    const uint32_t *p = c.p + start[i];
    trees[i] = dec_tree(&p);
  }
  double t3 = now();
  for (int i = 0; i < NEXPR; i++) free_tree(trees[i]);
  double ti = t1 - t0, tt = t3 - t2;
  printf("intern: %d exprs in %.3f s (%.2f M/s); naive tree build %.3f s; ratio %.2f\n",
         NEXPR, ti, NEXPR / ti / 1e6, tt, ti / tt);
  printf("intern: %zu code words, %u distinct nodes in the bank, %.1f MB peak (check %llu)\n",
         c.n, lem_bank_count(L), (double)L->peak / 1e6, (unsigned long long)check);
  free(trees);
  free(start);
  free(c.p);
  lem_ctx_free(L);
  return 0;
}

/* ---- matching ---- */

#define NPAIRS 4096

static int bench_match(void) {
  lem_ctx *L = lem_ctx_new(NULL, NULL, 0);
  if (!L) return 1;
  names nm;
  setup_names(L, &nm);
  lem_term a = nm.var[0], b = nm.var[1], cv = nm.var[2];
  lem_term pats[6];
  pats[0] = lem_mk_rel(L, nm.in3, 4, (lem_term[]){a, b, cv, nm.plus});
  pats[1] = lem_mk_rel(L, nm.in2, 3, (lem_term[]){a, b, nm.s});
  pats[2] = lem_mk_rel(L, nm.in3, 4, (lem_term[]){a, a, cv, nm.plus});
  pats[3] = lem_mk_rel(L, nm.in3, 4, (lem_term[]){a, nm.cst[0], cv, nm.plus});
  pats[4] = lem_mk_rel(L, nm.in3, 4, (lem_term[]){a, b, b, nm.plus});
  pats[5] = lem_mk_rel(L, nm.in2, 3, (lem_term[]){a, a, nm.s});
  lem_term *P = malloc(NPAIRS * sizeof *P), *F = malloc(NPAIRS * sizeof *F);
  if (!P || !F) return 1;
  for (int i = 0; i < NPAIRS; i++) {
    /* facts over 4 constants so repeated-variable patterns sometimes fit */
    lem_term x = nm.cst[rnd(4)], y = nm.cst[rnd(4)], z = nm.cst[rnd(4)];
    uint32_t k = rnd(100);
    lem_term f3 = lem_mk_rel(L, nm.in3, 4, (lem_term[]){x, y, z, nm.plus});
    lem_term f2 = lem_mk_rel(L, nm.in2, 3, (lem_term[]){x, y, nm.s});
    if (k < 40) P[i] = pats[0], F[i] = f3;
    else if (k < 62) P[i] = pats[1], F[i] = f2;
    else if (k < 70) P[i] = pats[1 - (int)rnd(2)], F[i] = rnd(2) ? f2 : f3;
    else P[i] = pats[2 + rnd(4)], F[i] = (P[i] == pats[5]) ? f2 : f3;
  }
  lem_subst s;
  lem_subst_init(&s);
  long ok = 0;
  double t0 = now();
  for (long i = 0; i < NMATCH; i++) {
    int j = (int)(i & (NPAIRS - 1));
    int r = lem_match(L, &s, P[j], F[j]);
    ok += r == 1;
    lem_subst_undo(&s, 0);
  }
  double t1 = now();
  double tm = t1 - t0;
  printf("match: %d attempts in %.2f s (%.1f M/s per core); %.1f%% succeeded\n",
         NMATCH, tm, NMATCH / tm / 1e6, 100.0 * (double)ok / NMATCH);
  lem_subst_free(L, &s);
  free(P);
  free(F);
  lem_ctx_free(L);
  return 0;
}

int main(void) {
  if (bench_intern() || bench_match()) {
    fprintf(stderr, "bench_term: out of memory\n");
    return 1;
  }
  return 0;
}

/*
** bench_store.c: throughput of the proof store and of the checker.
**
** Builds a synthetic but valid proof graph of about 100,000 steps: many
** theorems over one tiny theory (below), each proving (>[x](p[x])(q[x]))
** by intro over a fresh constant, with a chain of and_l/and_r/mp/and_i/
** fold/expand/eq_subst/reit/hyp/theorem steps in the calculus of
** prover/DESIGN.md.  The checker must accept every step, or the benchmark
** exits 1.  Then, on one core:
**   (a) write: lem_store_write_theorem per theorem (each its own
**       transaction, WAL) into a temp file; peer: raw sqlite INSERTs of the
**       same number of step rows, prepared once, one transaction per theorem,
**       same journal mode and synchronous setting;
**   (b) load: lem_store_load into a fresh context; peer: one SELECT over the
**       raw rows, reading every column;
**   (c) check: lem_check_proof; peer: a walk over every step that re-hashes
**       its conclusion's whole tree and touches its premises (no rule logic).
** Standalone: main() prints the figures.  Build with -O2 -DNDEBUG.
**   bench_store [STEPS] [CHAIN]   (defaults 100000 and 5: 56 steps a theorem)
*/
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check/check.h"
#include "mpl.h"
#include "proof.h"
#include "store.h"

#define R1 "(>[x](p[x])(q[x]))"
#define R2 "(>[x](q[x])(p[x]))"
#define AX "(&(p[a])(&" R1 "(&" R2 "(=[a,b]))))"

static const char theory_text[] =
    "relation p[x] : (elem);\n"
    "relation q[x] : (elem);\n"
    "define pq[x] := (&(p[x])(q[x]));\n"
    "anchor Chain[a,b] := " AX ";\n";

static double clk(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
static double now(void) { return clk(CLOCK_MONOTONIC); }
static double cpu(void) { return clk(CLOCK_PROCESS_CPUTIME_ID); }

static void die(lem_ctx *L, const char *what) {
  fprintf(stderr, "bench_store: %s: %s\n", what, L ? lem_errmsg(L) : "");
  exit(1);
}

/* ---- building the proof ---- */

typedef struct gen {
  lem_ctx *L;
  lem_proof *P;
  lem_term x, p_a, eq_ab, ax, r1, r2, rest1, rest2;
  lem_sym pq;
} gen;

static lem_term rd(gen *g, const char *s) {
  lem_term t = lem_read_expr(g->L, s, strlen(s), "bench");
  if (!t) die(g->L, s);
  return t;
}

static lem_term rel1(gen *g, const char *r, lem_term a) {
  return lem_mk_rel(g->L, lem_sym_cstr(g->L, r), 1, &a);
}

static uint32_t step(gen *g, uint32_t b, lem_rule r, lem_term concl,
                     uint32_t np, uint32_t p0, uint32_t p1,
                     const lem_step_spec *extra) {
  lem_step_spec sp = extra ? *extra : (lem_step_spec){0};
  uint32_t prem[2] = {p0, p1};
  sp.block = b;
  sp.rule = r;
  sp.concl = concl;
  sp.nprem = np;
  sp.prem = prem;
  uint32_t id = concl ? lem_proof_add_step(g->P, &sp) : 0;
  if (!id) die(g->L, "add step");
  return id;
}

/* Theorem k: (>[x](p[x])(q[x])) by intro over _c<k>, with `chain` rounds
** of p[c] -> q[c] -> (&(p[c])(q[c])) -> pq[c] -> ... -> p[c].  Returns its
** step count.  prev is the previous theorem (0: none). */
static uint32_t build_thm(gen *g, uint32_t k, uint32_t chain, uint32_t prev) {
  lem_ctx *L = g->L;
  char name[32];
  snprintf(name, sizeof name, "chain_%u", k);
  uint32_t t = lem_proof_add_theorem(g->P, name, g->r1, LEM_TK_GOAL,
                                     LEM_TS_PROVED);
  uint32_t b = t ? lem_proof_add_block(g->P, t, 0, LEM_BK_ROOT, 0, NULL, 0,
                                       NULL) : 0;
  snprintf(name, sizeof name, "_c%u", k);
  lem_term c = lem_mk_const(L, lem_sym_cstr(L, name));
  lem_term pc = rel1(g, "p", c), qc = rel1(g, "q", c);
  lem_term pqc = lem_mk_and(L, pc, qc), fc = rel1(g, "pq", c);
  lem_term m = lem_mk_and(L, qc, g->p_a);
  lem_term mb = lem_mk_and(L, qc, rel1(g, "p", lem_mk_const(L,
                                          lem_sym_cstr(L, "b"))));
  uint32_t cb = b ? lem_proof_add_block(g->P, t, b, LEM_BK_INTRO, 1, &c, 1,
                                        &pc) : 0;
  if (!cb || !mb || !fc || !pqc) die(L, "build theorem");
  uint32_t n0 = g->P->nsteps;
  lem_step_spec sx = {.nsubst = 1, .svar = &g->x, .sval = &c};
  lem_step_spec sd = sx;
  sd.def = g->pq;
  lem_step_spec st = {.thmref = prev};

  uint32_t ax = step(g, b, LEM_R_AXIOM, g->ax, 0, 0, 0, NULL);
  uint32_t th = prev ? step(g, b, LEM_R_THEOREM, g->r1, 0, 0, 0, &st) : 0;
  uint32_t ra = step(g, cb, LEM_R_REIT, g->ax, 1, ax, 0, NULL);
  uint32_t pa = step(g, cb, LEM_R_AND_L, g->p_a, 1, ra, 0, NULL);
  uint32_t t1 = step(g, cb, LEM_R_AND_R, g->rest1, 1, ra, 0, NULL);
  uint32_t r1 = step(g, cb, LEM_R_AND_L, g->r1, 1, t1, 0, NULL);
  uint32_t t2 = step(g, cb, LEM_R_AND_R, g->rest2, 1, t1, 0, NULL);
  uint32_t r2 = step(g, cb, LEM_R_AND_L, g->r2, 1, t2, 0, NULL);
  uint32_t e = step(g, cb, LEM_R_AND_R, g->eq_ab, 1, t2, 0, NULL);
  uint32_t cur = step(g, cb, LEM_R_HYP, pc, 0, 0, 0, NULL);
  for (uint32_t i = 0; i < chain; i++) {
    uint32_t q = step(g, cb, LEM_R_MP, qc, 2, r1, cur, &sx);
    uint32_t a = step(g, cb, LEM_R_AND_I, pqc, 2, cur, q, NULL);
    uint32_t f = step(g, cb, LEM_R_FOLD, fc, 1, a, 0, &sd);
    uint32_t x = step(g, cb, LEM_R_EXPAND, pqc, 1, f, 0, &sd);
    uint32_t qq = step(g, cb, LEM_R_AND_R, qc, 1, x, 0, NULL);
    uint32_t mm = step(g, cb, LEM_R_AND_I, m, 2, qq, pa, NULL);
    uint32_t s = step(g, cb, LEM_R_EQ_SUBST, mb, 2, e, mm, NULL);
    uint32_t ql = step(g, cb, LEM_R_AND_L, qc, 1, s, 0, NULL);
    cur = step(g, cb, LEM_R_MP, pc, 2, r2, ql, &sx);
  }
  /* the last step uses the previous theorem (a `theorem` step) if any */
  uint32_t rr = th ? step(g, cb, LEM_R_REIT, g->r1, 1, th, 0, NULL) : r1;
  uint32_t fin = step(g, cb, LEM_R_MP, qc, 2, rr, cur, &sx);
  lem_step_spec si = {.nkids = 1, .kids = {cb}};
  uint32_t in = step(g, b, LEM_R_INTRO, g->r1, 1, fin, 0, &si);
  if (lem_proof_set_final(g->P, t, in)) die(L, "set final");
  return g->P->nsteps - n0;
}

static void build(gen *g, uint32_t target, uint32_t chain) {
  g->x = lem_mk_var(g->L, lem_sym_cstr(g->L, "x"), 0);
  g->pq = lem_sym_cstr(g->L, "pq");
  g->p_a = rd(g, "(p[a])");
  g->eq_ab = rd(g, "(=[a,b])");
  g->ax = rd(g, AX);
  g->r1 = rd(g, R1);
  g->r2 = rd(g, R2);
  g->rest1 = rd(g, "(&" R1 "(&" R2 "(=[a,b])))");
  g->rest2 = rd(g, "(&" R2 "(=[a,b]))");
  if (!(g->P = lem_proof_new(g->L))) die(g->L, "proof");
  for (uint32_t k = 1; g->P->nsteps < target; k++)
    build_thm(g, k, chain, k > 1 ? k - 1 : 0);
}

/* ---- peers ---- */

static void sq(sqlite3 *db, const char *sql) {
  char *err = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
    fprintf(stderr, "bench_store: sqlite: %s: %s\n", sql, err ? err : "");
    exit(1);
  }
}

/* Raw INSERTs: one row per step with its theorem, block, rule, conclusion
** text and premise list, one transaction per theorem.  The conclusion texts
** are printed beforehand (not timed), as a raw writer would hold them. */
static double raw_write(lem_ctx *L, const lem_proof *P, const char *path,
                        int sync_normal, double *cpu_s) {
  char **txt = malloc(P->nsteps * sizeof *txt);
  if (!txt) die(NULL, "out of memory");
  for (uint32_t i = 0; i < P->nsteps; i++)
    if (!(txt[i] = lem_term_str(L, P->steps[i].concl))) die(L, "print");
  sqlite3 *db;
  unlink(path);
  if (sqlite3_open(path, &db) != SQLITE_OK) die(NULL, "raw open");
  sq(db, "PRAGMA journal_mode = WAL");
  if (sync_normal) sq(db, "PRAGMA synchronous = NORMAL");
  sq(db, "CREATE TABLE steps(id INTEGER PRIMARY KEY, theorem INTEGER, "
         "block INTEGER, rule TEXT, conclusion TEXT, premises TEXT)");
  sqlite3_stmt *ins;
  if (sqlite3_prepare_v2(db, "INSERT INTO steps VALUES(?,?,?,?,?,?)", -1,
                         &ins, NULL) != SQLITE_OK)
    die(NULL, "raw prepare");
  double t0 = now(), c0 = cpu();
  uint32_t s = 0;
  for (uint32_t t = 1; t <= P->nthms; t++) {
    sq(db, "BEGIN IMMEDIATE");
    for (; s < P->nsteps && P->blocks[P->steps[s].block - 1].thm == t; s++) {
      const lem_step *st = &P->steps[s];
      char prem[64];
      int n = 0;
      prem[0] = 0;
      for (uint32_t i = 0; i < st->nprem && n < 48; i++)
        n += snprintf(prem + n, sizeof prem - (size_t)n, "%s%u", i ? "," : "",
                      st->prem[i]);
      sqlite3_bind_int64(ins, 1, st->id);
      sqlite3_bind_int64(ins, 2, t);
      sqlite3_bind_int64(ins, 3, st->block);
      sqlite3_bind_text(ins, 4, lem_rule_name(st->rule), -1, SQLITE_STATIC);
      sqlite3_bind_text(ins, 5, txt[s], -1, SQLITE_STATIC);
      sqlite3_bind_text(ins, 6, prem, -1, SQLITE_TRANSIENT);
      if (sqlite3_step(ins) != SQLITE_DONE) die(NULL, "raw insert");
      sqlite3_reset(ins);
    }
    sq(db, "COMMIT");
  }
  double dt = now() - t0;
  *cpu_s = cpu() - c0;
  sqlite3_finalize(ins);
  sqlite3_close(db);
  for (uint32_t i = 0; i < P->nsteps; i++)
    lem_free(L, txt[i], strlen(txt[i]) + 1);
  free(txt);
  return dt;
}

/* Raw SELECT of every row written by raw_write. */
static double raw_read(const char *path, uint32_t want) {
  sqlite3 *db;
  sqlite3_stmt *st;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "SELECT id, theorem, block, rule, conclusion, "
                         "premises FROM steps ORDER BY id", -1, &st, NULL))
    die(NULL, "raw read");
  double t0 = now();
  uint32_t n = 0;
  size_t bytes = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    bytes += (size_t)sqlite3_column_int64(st, 0) +
             (size_t)sqlite3_column_int64(st, 1) +
             (size_t)sqlite3_column_int64(st, 2);
    for (int c = 3; c < 6; c++) {
      const unsigned char *s = sqlite3_column_text(st, c);
      bytes += s ? (size_t)sqlite3_column_bytes(st, c) : 0;
    }
    n++;
  }
  double dt = now() - t0;
  sqlite3_finalize(st);
  sqlite3_close(db);
  if (n != want || !bytes) die(NULL, "raw read: row count");
  return dt;
}

/* Structural hash of the whole tree under t (no use of the bank's hash). */
static uint32_t rehash(const lem_ctx *L, lem_term t) {
  lem_kind k = lem_term_kind(L, t);
  uint32_t h = lem_hash_mix((uint32_t)k, k == LEM_AND || k == LEM_NOT ||
                            k == LEM_ALL ? 0 : lem_term_sym(L, t));
  uint32_t n = lem_term_nargs(L, t);
  const lem_term *a = lem_term_args(L, t);
  for (uint32_t i = 0; i < n; i++) h = lem_hash_mix(h, rehash(L, a[i]));
  return h;
}

static double walk(const lem_ctx *L, const lem_proof *P,
                   volatile uint32_t *sink) {
  double t0 = now();
  uint32_t h = 0;
  for (uint32_t i = 0; i < P->nsteps; i++) {
    const lem_step *s = &P->steps[i];
    h = lem_hash_mix(h, rehash(L, s->concl));
    for (uint32_t j = 0; j < s->nprem; j++)
      h = lem_hash_mix(h, P->steps[s->prem[j] - 1].concl);
  }
  *sink = h;
  return now() - t0;
}

/* ---- main ---- */

static void line(const char *what, uint32_t n, double dt, const char *peer,
                 double pdt) {
  printf("%s: %u steps in %.3f s (%.0fk steps/s); %s %.3f s; ratio %.1f\n",
         what, n, dt, n / dt / 1e3, peer, pdt, dt / pdt);
}

static void check_or_die(lem_ctx *L, const lem_proof *P, const lem_theory *T,
                         const char *what, double *dt) {
  lem_check_result r;
  double t0 = now(), c0 = cpu();
  lem_err e = lem_check_proof(L, P, T, NULL, 0, &r);
  *dt = now() - t0;
  double dc = cpu() - c0;
  printf("  check (%s proof): cpu time %.3f s (%.0fk steps/s of cpu)\n", what,
         dc, P->nsteps / dc / 1e3);
  if (e || r.failed || r.passed != P->nsteps || r.thm_passed != P->nthms) {
    fprintf(stderr, "bench_store: the checker rejects the %s proof: %s "
            "(%u passed, %u failed, %u/%u theorems)\n", what, lem_errmsg(L),
            r.passed, r.failed, r.thm_passed, P->nthms);
    exit(1);
  }
}

int main(int argc, char **argv) {
  uint32_t target = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 100000;
  uint32_t chain = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 5;
  char dir[] = "/tmp/bench_store.XXXXXX", db[64], raw[64];
  if (!mkdtemp(dir)) die(NULL, "mkdtemp");
  snprintf(db, sizeof db, "%s/s.db", dir);
  snprintf(raw, sizeof raw, "%s/raw.db", dir);

  gen g = {.L = lem_ctx_new(NULL, NULL, 0)};
  lem_theory *T = NULL;
  if (!g.L || lem_theory_load_text(g.L, theory_text, sizeof theory_text - 1,
                                   "chain.mpl", &T))
    die(g.L, "theory");
  double t0 = now();
  build(&g, target, chain);
  const lem_proof *P = g.P;
  printf("built %u theorems, %u blocks, %u steps (%u a theorem) in %.3f s\n",
         P->nthms, P->nblocks, P->nsteps, P->nsteps / P->nthms, now() - t0);
  const char *why;
  if (!lem_proof_consistent(P, &why)) die(NULL, why);

  /* (c) check, first: the benchmark is void unless every step checks */
  double dc, dw;
  volatile uint32_t sink; /* keeps the walk from being optimized away */
  check_or_die(g.L, P, T, "built", &dc);
  walk(g.L, P, &sink); /* warm */
  dw = walk(g.L, P, &sink);
  line("check (built proof)", P->nsteps, dc, "walk + rehash", dw);

  /* (a) write */
  lem_buf man = {0};
  lem_store *S = NULL;
  if (lem_theory_print(g.L, T, &man) ||
      lem_store_open(g.L, db, LEM_STORE_WRITE, &S) ||
      lem_store_begin_run(S, "bench", "", "chain") ||
      lem_store_write_theory(S, "chain", man.p, man.len))
    die(g.L, "store");
  double c0 = cpu();
  t0 = now();
  for (uint32_t t = 1; t <= P->nthms; t++)
    if (lem_store_write_theorem(S, P, t)) die(g.L, "write theorem");
  double dsw = now() - t0, csw = cpu() - c0;
  lem_store_close(S);
  double crw, crn;
  double drw = raw_write(g.L, P, raw, 0, &crw);
  line("store write", P->nsteps, dsw, "raw sqlite inserts", drw);
  double drn = raw_write(g.L, P, raw, 1, &crn);
  printf("  cpu time: store write %.3f s, raw inserts %.3f s (the rest of the"
         " wall time is fsync at each commit and waiting for a core)\n"
         "  raw inserts with PRAGMA synchronous = NORMAL (no fsync a commit):"
         " %.3f s (%.0fk steps/s), cpu %.3f s\n", csw, crw, drn,
         P->nsteps / drn / 1e3, crn);

  /* (b) load, into a fresh context as `lemma replay` does */
  lem_ctx *L2 = lem_ctx_new(NULL, NULL, 0);
  lem_proof *P2 = NULL;
  if (!L2 || lem_store_open(L2, db, LEM_STORE_READ, &S)) die(L2, "reopen");
  t0 = now();
  c0 = cpu();
  if (lem_store_load(S, &P2)) die(L2, "load");
  double dsl = now() - t0, csl = cpu() - c0;
  lem_store_close(S);
  double drl = raw_read(raw, P->nsteps);
  if (P2->nsteps != P->nsteps || P2->nthms != P->nthms)
    die(NULL, "load: counts differ");
  line("store load", P2->nsteps, dsl, "raw sqlite select", drl);
  printf("  cpu time: store load %.3f s\n", csl);

  lem_theory *T2 = NULL;
  double dc2;
  if (lem_theory_load_text(L2, theory_text, sizeof theory_text - 1,
                           "chain.mpl", &T2))
    die(L2, "theory 2");
  check_or_die(L2, P2, T2, "loaded", &dc2);
  line("check (loaded proof)", P2->nsteps, dc2, "walk + rehash", dw);
  printf("targets: write >= 100k steps/s: %s; replay >= 500k steps/s: %s\n",
         P->nsteps / dsw >= 1e5 ? "met" : "MISSED",
         P->nsteps / dc >= 5e5 ? "met" : "MISSED");

  lem_proof_free(P2);
  lem_theory_free(L2, T2);
  lem_ctx_free(L2);
  lem_buf_free(g.L, &man);
  lem_proof_free(g.P);
  lem_theory_free(g.L, T);
  lem_ctx_free(g.L);
  char path[80];
  const char *files[] = {"s.db", "s.db-wal", "s.db-shm", "raw.db",
                         "raw.db-wal", "raw.db-shm"};
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    unlink(path);
  }
  rmdir(dir);
  return 0;
}

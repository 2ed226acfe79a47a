/*
** cmd_prove.c: `lemma prove THEORY (--goal EXPR | --goals FILE)... [options]`
**
** Proves the goals in order, each able to use the ones before it, and prints
** each proof as numbered steps (rule, premises, readable statement) on
** stdout or into --out FILE.  With --db, each goal is written to the proof
** database as soon as it is settled; goals the database already holds as
** proved are taken from it (resuming an interrupted run) instead of being
** proved again.  --assume FILE takes formulas as given theorems first
** (written as given with --db); --goal-facts N bounds each goal's
** expansions (pv_opts.goal_facts) and --stats prints them.  The run itself
** is cmd_prove_run (cmd.h), which lemma train --rounds uses too.  Exit 0
** when every goal is proved, 1 when one is not (stderr says which and why)
** or the input is bad, 2 for bad usage.
*/
#include "cmd.h"
#include "config.h"
#include "export.h"
#include "prove.h"
#include "policy.h"
#include "side.h"
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef cmd_goalsrc goalsrc;

static int bad_usage(const char *msg, const char *arg) {
  return cmd_usage("prove", msg, arg);
}

static int num_arg(const char *opt, const char *s, double lo, double hi,
                   double *out) {
  return cmd_number("prove", opt, s, lo, hi, out);
}

static uint32_t block_depth(const pv_prover *P, uint32_t b) {
  uint32_t d = 0;
  for (; b && b != P->root; b = P->E.blocks[b].parent) d++;
  return d;
}

/* Print theorem k's proof: one line a step. */
static int print_proof(pv_prover *P, uint32_t k, FILE *out) {
  lem_ctx *L = P->L;
  pv_fid *fs;
  uint32_t n = pv_proof_facts(P, k, &fs);
  if (n == UINT32_MAX) return -1;
  lem_map num = {0};
  int rc = 0;
  for (uint32_t i = 0; i < n && !rc; i++) {
    const pv_fact *F = &P->E.facts[fs[i]];
    uint32_t tk;
    int earlier = lem_map_get(&P->thm_of_fact, fs[i], &tk) && tk - 1 < k;
    if (lem_map_put(L, &num, fs[i], i + 1)) {
      rc = -1;
      break;
    }
    lem_buf b = {0};
    uint32_t d = block_depth(P, F->block);
    lem_err e = lem_buf_printf(L, &b, "  %4u  %*s%-8s", i + 1, (int)(2 * d), "",
                               earlier ? "theorem" : pv_how_name(F->how));
    if (!e && earlier) e = lem_buf_printf(L, &b, " T%u", tk);
    if (!e && !earlier && F->nprem) {
      e = lem_buf_puts(L, &b, " (");
      for (uint32_t j = 0; j < F->nprem && !e; j++) {
        uint32_t pn = 0;
        lem_map_get(&num, P->E.pool[F->prem + j], &pn);
        e = lem_buf_printf(L, &b, j ? ",%u" : "%u", pn);
      }
      if (!e) e = lem_buf_puts(L, &b, ")");
    }
    if (!e) e = lem_buf_puts(L, &b, "  ");
    if (!e) e = pv_readable(L, P->T, F->f, &b);
    if (!e) fprintf(out, "%s\n", b.p);
    lem_buf_free(L, &b);
    if (e) rc = -1;
  }
  lem_map_free(L, &num);
  lem_free(L, fs, n * sizeof *fs);
  return rc;
}

/* The database side of a run (--db): the store, and the proof graph that
** each theorem is exported into and written from as soon as it is settled,
** one transaction a theorem, so that a killed run keeps what it finished. */
typedef struct dbrun {
  lem_store *S;
  lem_proof *G;
  pv_export X;
  int xinit;
} dbrun;

static int db_fail(lem_ctx *L) {
  fprintf(stderr, "lemma: %s\n", lem_errmsg(L));
  return 1;
}

/* Open (or create, or resume into) the database at path: a new run, the
** theory as a self-contained manifest, and the constants its stored proofs
** introduce, which new proofs must not introduce again.  0 or 1. */
static int db_open(dbrun *D, pv_prover *P, const char *path,
                   const char *options) {
  lem_ctx *L = P->L;
  lem_buf man = {0};
  lem_term *cs = NULL;
  uint32_t nc = 0;
  int rc = 1;
  if (!(D->G = lem_proof_new(L)) || pv_export_init(&D->X, P, D->G))
    return db_fail(L);
  D->xinit = 1;
  if (lem_theory_print(L, P->T, &man)) goto out;
  char hash[16];
  snprintf(hash, sizeof hash, "%08x", lem_hash_bytes(man.p, man.len, 0));
  if (lem_store_open(L, path, LEM_STORE_WRITE, &D->S) ||
      lem_store_begin_run(D->S, PACKAGE_VERSION, options, hash) ||
      lem_store_write_theory(D->S, lem_sym_name(L, P->T->name), man.p,
                             man.len) ||
      lem_store_read_introduced(D->S, &cs, &nc))
    goto out;
  rc = 0;
  for (uint32_t i = 0; i < nc && !rc; i++)
    if (pv_export_reserve(&D->X, cs[i])) rc = 1;
out:
  lem_free(L, cs, nc * sizeof *cs);
  lem_buf_free(L, &man);
  return rc ? db_fail(L) : 0;
}

/* If the database holds goal as proved, take its stored statement as
** theorem k of the prover (not proved again, usable by later goals) and
** bind it to the stored theorem.  *dbid: the stored id, or 0 when the goal
** is new.  0 or 1 (an error, printed). */
static int db_resume(dbrun *D, pv_prover *P, lem_term goal, uint32_t *dbid) {
  lem_ctx *L = P->L;
  lem_term stored;
  uint32_t k = P->nthms, id;
  char name[32];
  snprintf(name, sizeof name, "T%u", k + 1);
  if (lem_store_find_proved(D->S, goal, dbid, &stored)) return db_fail(L);
  if (!*dbid) return 0;
  if (pv_assume(P, stored) || !(id = pv_export_assumed(&D->X, k, name)) ||
      lem_store_reuse_theorem(D->S, id, *dbid))
    return db_fail(L);
  return 0;
}

/* Export prover theorem k (proved or not) with its decision points and
** write it.  0 or 1. */
static int db_write(dbrun *D, pv_prover *P, uint32_t k) {
  lem_ctx *L = P->L;
  char name[32];
  snprintf(name, sizeof name, "T%u", k + 1);
  uint32_t id = pv_export_theorem(&D->X, k, name);
  lem_decision *d = NULL;
  uint32_t nd = id ? pv_export_decisions(&D->X, k, &d) : UINT32_MAX;
  if (nd == UINT32_MAX) return db_fail(L);
  lem_err e = lem_store_write_theorem_decisions(D->S, D->G, id, d, nd);
  lem_store_decisions_free(L, d, nd);
  return e ? db_fail(L) : 0;
}

static void db_close(dbrun *D) {
  lem_store_close(D->S);
  if (D->xinit) pv_export_free(&D->X);
  lem_proof_free(D->G);
  memset(D, 0, sizeof *D);
}

/* The header of goal i, which the database at db holds as theorem dbid. */
static int print_resumed(pv_prover *P, uint32_t i, uint32_t dbid,
                         const char *db, FILE *out) {
  lem_buf b = {0};
  char *mpl = lem_term_str(P->L, P->thms[i].stmt);
  int rc = !mpl || pv_readable(P->L, P->T, P->thms[i].stmt, &b);
  if (!rc)
    fprintf(out, "T%u: %s\n  %s\n  already proved: theorem %u of %s\n\n",
            i + 1, b.p, mpl, dbid, db);
  lem_buf_free(P->L, &b);
  if (mpl) lem_free(P->L, mpl, strlen(mpl) + 1);
  return rc;
}

/* Take every formula of file path as a theorem without proof (--assume).
** 0, or 1 after a message. */
static int assume_file(lem_ctx *L, pv_prover *P, const lem_theory *T,
                       const char *path, dbrun *D) {
  lem_term *fs = NULL;
  uint32_t n = 0;
  int rc = lem_read_goals(L, T, path, &fs, &n) != LEM_OK;
  for (uint32_t i = 0; i < n && !rc; i++) {
    if (pv_assume(P, fs[i])) rc = 1;
    if (!rc && D) { /* written as a given theorem, for later proofs */
      char name[32];
      snprintf(name, sizeof name, "G%u", P->nthms);
      uint32_t id = pv_export_given(&D->X, P->nthms - 1, name);
      if (!id || lem_store_write_theorem(D->S, D->G, id)) rc = 1;
    }
  }
  lem_free(L, fs, n * sizeof *fs);
  if (rc) fprintf(stderr, "lemma: %s\n", lem_errmsg(L));
  return rc;
}

/* The policy's cost in this run (since *s0): --stats's last line.  All
** but the milliseconds is deterministic. */
static void print_policy_stats(const lem_policy *pol,
                               const lem_policy_stats *s0, FILE *out) {
  lem_policy_stats s;
  lem_policy_stats_get(pol, &s);
  unsigned long long n = s.points - s0->points;
  double ms = 1e3 * (s.seconds - s0->seconds);
  fprintf(out, "policy: %llu decision point%s, %llu candidates scored, "
          "cache %llu hits %llu misses, %.1f ms CPU, %.3f ms per decision "
          "point\n", n, n == 1 ? "" : "s",
          (unsigned long long)(s.cands - s0->cands),
          (unsigned long long)(s.hits - s0->hits),
          (unsigned long long)(s.misses - s0->misses), ms, n ? ms / n : 0.0);
}

int cmd_prove_run(lem_ctx *L, const cmd_prove_job *j, uint32_t *nproved,
                  uint32_t *ngoals_out) {
  const char *theory = j->theory, *db = j->db;
  const goalsrc *gs = j->gs;
  int ngs = j->ngs, no_smt = j->no_smt;
  const pv_opts *o = j->o;
  FILE *out = j->out;
  uint32_t proved = 0;
  if (nproved) *nproved = 0;
  if (ngoals_out) *ngoals_out = 0;
  lem_theory *T = NULL;
  if (lem_theory_load(L, theory, &T)) {
    fprintf(stderr, "lemma: %s\n", lem_errmsg(L));
    return 1;
  }
  /* read every goal first: bad input is reported before any proving */
  lem_term *goals = NULL;
  uint32_t ngoals = 0, cap = 0;
  int status = 0;
  for (int i = 0; i < ngs && !status; i++) {
    if (gs[i].is_file) {
      lem_term *fg = NULL;
      uint32_t nf = 0;
      if (lem_read_goals(L, T, gs[i].text, &fg, &nf)) {
        fprintf(stderr, "lemma: %s\n", lem_errmsg(L));
        status = 1;
        break;
      }
      if (LEM_GROW(L, goals, cap, ngoals + nf + 1)) status = 1;
      for (uint32_t k = 0; k < nf && !status; k++) goals[ngoals++] = fg[k];
      lem_free(L, fg, nf * sizeof *fg);
    } else {
      lem_term g = lem_read_formula(L, T, gs[i].text, strlen(gs[i].text),
                                    "--goal", 1, 1);
      if (!g || LEM_GROW(L, goals, cap, ngoals + 1)) {
        fprintf(stderr, "lemma: %s\n", lem_errmsg(L));
        status = 1;
        break;
      }
      goals[ngoals++] = g;
    }
  }
  pv_prover P;
  memset(&P, 0, sizeof P);
  if (!status && pv_prover_init(&P, L, T, NULL, o)) {
    fprintf(stderr, "lemma: %s\n", lem_errmsg(L));
    status = 1;
  }
  dbrun D;
  memset(&D, 0, sizeof D);
  if (!status && db && db_open(&D, &P, db, j->options)) status = 1;
  for (int i = 0; i < j->nassume && !status; i++)
    if (assume_file(L, &P, T, j->assume[i], D.S ? &D : NULL)) status = 1;
  /* side goals through Z3, when the theory has an arithmetic model */
  pv_side side;
  memset(&side, 0, sizeof side);
  if (!status && !no_smt && T->nmodels) {
    if (pv_side_init(&side, L, T)) {
      fprintf(stderr, "lemma: %s\n", lem_errmsg(L));
      status = 1;
    } else {
      P.side = &side;
    }
  }
  /* a goal that is not proved does not stop the run: later goals may not
     need it.  Only an error (out of memory...) stops it. */
  int broken = status;
  lem_policy_stats pol0 = {0};
  if (o->policy) lem_policy_stats_get(o->policy, &pol0);
  for (uint32_t i = 0; i < ngoals && !broken; i++) {
    uint32_t dbid = 0;
    if (D.S && db_resume(&D, &P, goals[i], &dbid)) {
      status = broken = 1;
      break;
    }
    if (dbid) {
      if (print_resumed(&P, i, dbid, db, out)) status = broken = 1;
      proved++;
      continue;
    }
    uint32_t k = P.nthms; /* = i, after the assumed theorems */
    uint32_t by_smt = side.proved;
    double t0 = now();
    int r = pv_prove(&P, goals[i]);
    double secs = now() - t0;
    by_smt = side.proved - by_smt;
    if (r < 0) {
      fprintf(stderr, "lemma: goal %u: %s\n", i + 1, lem_errmsg(L));
      status = broken = 1;
      break;
    }
    pv_thm *t = &P.thms[k];
    lem_buf b = {0};
    char *mpl = lem_term_str(L, goals[i]);
    if (pv_readable(L, T, goals[i], &b) || !mpl) {
      status = broken = 1;
      break;
    }
    fprintf(out, "T%u: %s\n  %s\n", i + 1, b.p, mpl);
    lem_buf_free(L, &b);
    lem_free(L, mpl, strlen(mpl) + 1);
    if (D.S && db_write(&D, &P, k)) {
      status = broken = 1;
      break;
    }
    if (j->stats)
      fprintf(out, "  search: %llu facts, %.3f s\n",
              (unsigned long long)t->facts_made, secs);
    if (j->stats && t->prem_k) {
      uint32_t nt = 0, x;
      fprintf(out, "  premises:");
      for (uint32_t p = 0; p < t->prem_k; p++)
        if (lem_map_get(&P.thm_of_fact, t->prem[p], &x)) {
          fprintf(out, " T%u", x);
          nt++;
        }
      fprintf(out, "%s%u axiom rules, of %u candidates first%s\n",
              nt ? " and " : " ", t->prem_k - nt, t->nprem,
              !r ? "" : t->prem_sel_proved ? "; proved with them"
                                           : "; proved by the fallback");
    }
    if (!r) {
      fprintf(out, "  not proved: %s\n\n", t->why);
      if (!j->quiet)
        fprintf(stderr, "lemma: goal %u not proved: %s\n", i + 1, t->why);
      status = 1;
      continue;
    }
    proved++;
    const char *how = by_smt ? "by Z3 (a ground side goal)" : "directly";
    uint32_t var = PV_DIRECT;
    for (uint32_t c = 0; c < t->nchoices; c++)
      if (t->choices[c].proved) var = t->choices[c].var;
    if (var != PV_DIRECT) {
      lem_term v = lem_term_arg(L, goals[i], var);
      fprintf(out, "  proved by induction on %s\n",
              lem_sym_name(L, lem_term_sym(L, v)));
    } else {
      fprintf(out, "  proved %s\n", how);
    }
    if (print_proof(&P, k, out)) status = broken = 1;
    fputc('\n', out);
  }
  db_close(&D);
  if (P.side && side.asked)
    fprintf(out, "smt: %u side goal%s asked, %u proved, %u unknown, "
            "%u failed\n", side.asked, side.asked == 1 ? "" : "s",
            side.proved, side.undecided, side.failed);
  if (j->stats && o->policy) print_policy_stats(o->policy, &pol0, out);
  pv_side_free(&side);
  pv_prover_free(&P);
  lem_free(L, goals, cap * sizeof *goals);
  if (nproved) *nproved = proved;
  if (ngoals_out) *ngoals_out = ngoals;
  lem_theory_free(L, T);
  return status;
}

/* The database name for `--db` without a value: the theory directory's
** name with ".db", in the current directory (corpus/peano -> peano.db; for
** a manifest file, the name of the directory that holds it).  malloc'd;
** NULL, after a message, when no name can be made. */
static char *default_db(const char *theory) {
  size_t n = strlen(theory);
  while (n > 1 && theory[n - 1] == '/') n--;
  size_t b = n;
  while (b > 0 && theory[b - 1] != '/') b--;
  if (n - b > 4 && !strncmp(theory + n - 4, ".mpl", 4)) { /* a manifest */
    n = b;
    while (n > 1 && theory[n - 1] == '/') n--;
    b = n;
    while (b > 0 && theory[b - 1] != '/') b--;
  }
  if (n == b || (n - b == 1 && theory[b] == '.') ||
      (n - b == 2 && !strncmp(theory + b, "..", 2)) || theory[b] == '/') {
    fprintf(stderr, "lemma: prove: cannot name a database after '%s'; give "
            "--db FILE\n", theory);
    return NULL;
  }
  char *p = malloc(n - b + 4);
  if (!p) {
    fprintf(stderr, "lemma: out of memory\n");
    return NULL;
  }
  memcpy(p, theory + b, n - b);
  memcpy(p + (n - b), ".db", 4);
  return p;
}

int cmd_prove(int argc, char **argv) {
  const char *theory = NULL, *outpath = NULL, *db = NULL;
  int db_default = 0;
  goalsrc *gs = calloc((size_t)argc + 1, sizeof *gs);
  int ngs = 0;
  pv_opts o;
  memset(&o, 0, sizeof o);
  o.lim.max_rounds = 30;
  o.lim.max_facts = 50000;
  o.lim.max_depth = 2;
  o.goal_seconds = 0;
  int rc = 0, no_smt = 0, stats = 0, nassume = 0;
  const char **assume = calloc((size_t)argc + 1, sizeof *assume);
  const char *policy = NULL;
  if (!gs || !assume) {
    free(gs);
    free(assume);
    return 1;
  }
  for (int i = 0; i < argc && !rc; i++) {
    const char *a = argv[i];
    double v;
    int has = i + 1 < argc;
    if (!strcmp(a, "--goal") || !strcmp(a, "--goals")) {
      if (!has) rc = bad_usage("%s needs an argument", a);
      else gs[ngs++] = (goalsrc){a[6] == 's', argv[++i]};
    } else if (!strcmp(a, "--out") || !strcmp(a, "-o")) {
      if (!has) rc = bad_usage("%s needs a file name", a);
      else outpath = argv[++i];
    } else if (!strcmp(a, "--db")) {
      /* without a value (last, or before an option): the default name */
      if (has && argv[i + 1][0] != '-') db = argv[++i];
      else db_default = 1;
    } else if (!strncmp(a, "--db=", 5)) {
      if (!a[5]) rc = bad_usage("%s needs a file name", a);
      else db = a + 5;
    } else if (!strcmp(a, "--rounds")) {
      if (!has || !num_arg(a, argv[++i], 1, 1e6, &v)) rc = 2;
      else o.lim.max_rounds = (uint32_t)v;
    } else if (!strcmp(a, "--facts")) {
      if (!has || !num_arg(a, argv[++i], 100, 1e8, &v)) rc = 2;
      else o.lim.max_facts = (uint32_t)v;
    } else if (!strcmp(a, "--depth")) {
      if (!has || !num_arg(a, argv[++i], 0, 16, &v)) rc = 2;
      else o.lim.max_depth = (uint32_t)v;
    } else if (!strcmp(a, "--seconds")) {
      if (!has || !num_arg(a, argv[++i], 0, 1e6, &v)) rc = 2;
      else o.goal_seconds = v;
    } else if (!strcmp(a, "--goal-facts")) {
      if (!has || !num_arg(a, argv[++i], 1, 1e12, &v)) rc = 2;
      else o.goal_facts = (uint64_t)v;
    } else if (!strcmp(a, "--assume")) {
      if (!has) rc = bad_usage("%s needs a file", a);
      else assume[nassume++] = argv[++i];
    } else if (!strcmp(a, "--stats")) {
      stats = 1;
    } else if (!strcmp(a, "--no-induction")) {
      o.no_induction = 1;
    } else if (!strcmp(a, "--no-smt")) {
      no_smt = 1;
    } else if (!strcmp(a, "--policy")) {
      if (!has) rc = bad_usage("%s needs a model file", a);
      else policy = argv[++i];
    } else if (!strcmp(a, "--premises")) {
      if (!has || !num_arg(a, argv[++i], 0, 4096, &v)) rc = 2;
      else o.premises = v;
    } else if (!strcmp(a, "--shuffle-tactics")) {
      if (!has || !num_arg(a, argv[++i], 1, 999999, &v)) rc = 2;
      else o.shuffle_tactics = (uint64_t)v;
    } else if (a[0] == '-' && a[1]) {
      rc = bad_usage("unknown option '%s'", a);
    } else if (!theory) {
      theory = a;
    } else {
      rc = bad_usage("unexpected argument '%s'", a);
    }
  }
  if (!rc && !theory) rc = bad_usage("%s", "expected a THEORY");
  char *dbname = NULL;
  if (!rc && db_default && !db && !(db = dbname = default_db(theory)))
    rc = 1;
  if (!rc && !ngs) rc = bad_usage("%s", "expected --goal EXPR or --goals FILE");
  if (rc) {
    free(gs);
    free(assume);
    free(dbname);
    return rc;
  }
  FILE *out = stdout;
  if (outpath && !(out = fopen(outpath, "w"))) {
    fprintf(stderr, "lemma: prove: cannot write '%s': %s\n", outpath,
            strerror(errno));
    free(gs);
    free(assume);
    free(dbname);
    return 1;
  }
  lem_ctx *L = lem_ctx_new(NULL, NULL, 0);
  if (!L) {
    fprintf(stderr, "lemma: out of memory\n");
    rc = 1;
  } else {
    /* the options as given, for the run's record */
    char *opts = cmd_join(argc, argv);
    if (!opts) {
      fprintf(stderr, "lemma: out of memory\n");
      rc = 1;
    } else {
      lem_policy *pol = NULL;
      if (policy && lem_policy_load(L, policy, 0, &pol)) {
        fprintf(stderr, "lemma: prove: %s\n", lem_errmsg(L));
        rc = 1;
      } else {
        o.policy = pol;
        cmd_prove_job job = {.theory = theory, .gs = gs, .ngs = ngs,
                             .o = &o, .no_smt = no_smt, .stats = stats,
                             .out = out, .db = db, .options = opts,
                             .assume = assume, .nassume = nassume};
        rc = cmd_prove_run(L, &job, NULL, NULL);
      }
      lem_policy_free(L, pol);
      free(opts);
    }
    lem_ctx_free(L);
  }
  if (out != stdout && fclose(out)) {
    fprintf(stderr, "lemma: prove: error writing '%s'\n", outpath);
    rc = 1;
  }
  free(gs);
  free(assume);
  free(dbname);
  return rc;
}

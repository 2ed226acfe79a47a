/*
** cmd_train.c: `lemma train DB... -o MODEL [options]`
**
** Reads the decision points recorded in each proof database (see
** lem_pol_data_read_db in prover/policy.h and lemma-db(5)), holds out a
** seeded share of them, trains the policy model with listwise
** cross-entropy and AdamW, prints the loss and accuracy per epoch and on
** the held-out points, and writes the weights to MODEL (safetensors).
** --model linear trains the linear scorer (policy_linear.c) instead.
**
** `lemma train --rounds N (--theory DIR --goals FILE)... --work WDIR -o
** MODEL` is expert iteration: prove the goals (through cmd_prove_run; the
** fixed heuristic in round 1, then the model of the round before) into
** WDIR/round-R-J.db, print the solved count, train a new model on every
** round's databases (and the DBs given), and again.
**
** --exclude FILE (after a --theory DIR) is the leakage filter of a
** held-out evaluation: in the databases named after the first --exclude
** (an exploration's), FILE's goals, and every decision point that carries
** a trace of them (lem_pol_data_read_db_filtered), are left out of
** training.  Databases named before it, and the rounds' own, are read
** whole.
** Exit 0 on success, 1 for bad input (e.g. a database without decisions),
** 2 for bad usage.
*/
#include "cmd.h"
#include "config.h"
#include "policy.h"
#include "prove.h"
#include "tensor/tensor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int bad_usage(const char *msg, const char *arg) {
  return cmd_usage("train", msg, arg);
}

static int num_arg(const char *opt, const char *s, double lo, double hi,
                   double *out) {
  return cmd_number("train", opt, s, lo, hi, out);
}

typedef struct targs {
  const char **dbs;
  int ndbs;
  const char *out;
  lem_train_opts o;
  double holdout;   /* share of points held out for evaluation */
  int linear;       /* --model linear */
  /* expert iteration (--rounds): the goal files to prove, each with the
     theory given by the --theory before it */
  uint32_t rounds;
  const char **theory, **goals;
  int njobs;
  const char *work;      /* directory for the rounds' databases and logs */
  uint64_t goal_facts;   /* expansions per goal in the rounds */
  double premises;       /* premise selection in the rounds (pv_opts) */
  const char *kind;      /* --kind: only decision points of this kind */
  /* the leakage filter (--exclude): goal files, each read in the theory
     given by the --theory before it, whose traces are not trained on */
  const char **xtheory, **xgoals;
  int nx;
  unsigned char *filtered; /* per DB: named after an --exclude */
} targs;

/* Parse argv into a; returns 0 or an exit status. */
static int parse_args(int argc, char **argv, targs *a) {
  lem_train_opts_default(&a->o);
  a->holdout = 0.1;
  a->goal_facts = 20000;
  const char *theory = NULL;
  for (int i = 0; i < argc; i++) {
    const char *s = argv[i];
    double v;
    if (s[0] != '-' || !s[1]) {
      a->filtered[a->ndbs] = a->nx > 0;
      a->dbs[a->ndbs++] = s;
      continue;
    }
    if (i + 1 >= argc) return bad_usage("option '%s' needs a value", s);
    const char *val = argv[++i];
    if (!strcmp(s, "-o") || !strcmp(s, "--out")) a->out = val;
    else if (!strcmp(s, "--kind")) {
      if (strcmp(val, "tactic") && strcmp(val, "theorem-rule") &&
          strcmp(val, "induction-var"))
        return bad_usage("--kind: expected tactic, theorem-rule or "
                         "induction-var, not '%s'", val);
      a->kind = val;
    }
    else if (!strcmp(s, "--theory")) theory = val;
    else if (!strcmp(s, "--goals")) {
      if (!theory) return bad_usage("%s", "--goals needs a --theory before it");
      a->theory[a->njobs] = theory;
      a->goals[a->njobs++] = val;
    } else if (!strcmp(s, "--exclude")) {
      if (!theory)
        return bad_usage("%s", "--exclude needs a --theory before it");
      a->xtheory[a->nx] = theory;
      a->xgoals[a->nx++] = val;
    } else if (!strcmp(s, "--work")) a->work = val;
    else if (!strcmp(s, "--rounds")) {
      if (!num_arg(s, val, 1, 1000, &v)) return 2;
      a->rounds = (uint32_t)v;
    } else if (!strcmp(s, "--goal-facts")) {
      if (!num_arg(s, val, 1, 1e12, &v)) return 2;
      a->goal_facts = (uint64_t)v;
    } else if (!strcmp(s, "--premises")) {
      if (!num_arg(s, val, 0, 4096, &v)) return 2;
      a->premises = v;
    } else if (!strcmp(s, "--negatives")) {
      if (!num_arg(s, val, 0, 30, &v)) return 2;
      a->o.negatives = (uint32_t)v;
    }
    else if (!strcmp(s, "--model")) {
      if (strcmp(val, "transformer") && strcmp(val, "linear"))
        return bad_usage("--model: expected transformer or linear, not '%s'",
                         val);
      a->linear = !strcmp(val, "linear");
    } else if (!strcmp(s, "--epochs")) {
      if (!num_arg(s, val, 1, 100000, &v)) return 2;
      a->o.epochs = (uint32_t)v;
    } else if (!strcmp(s, "--batch")) {
      if (!num_arg(s, val, 1, 4096, &v)) return 2;
      a->o.batch = (uint32_t)v;
    } else if (!strcmp(s, "--seed")) {
      if (!num_arg(s, val, 0, 4294967295.0, &v)) return 2;
      a->o.seed = (uint64_t)v;
    } else if (!strcmp(s, "--lr")) {
      if (!num_arg(s, val, 1e-7, 1, &v)) return 2;
      a->o.lr = (float)v;
    } else if (!strcmp(s, "--weight-decay")) {
      if (!num_arg(s, val, 0, 10, &v)) return 2;
      a->o.wd = (float)v;
    } else if (!strcmp(s, "--smoothing")) {
      if (!num_arg(s, val, 0, 0.99, &v)) return 2;
      a->o.smoothing = (float)v;
    } else if (!strcmp(s, "--holdout")) {
      if (!num_arg(s, val, 0, 0.9, &v)) return 2;
      a->holdout = v;
    } else
      return bad_usage("unknown option '%s'", s);
  }
  if (!a->out) return bad_usage("%s", "expected -o MODEL");
  if (a->rounds) {
    if (!a->njobs)
      return bad_usage("%s", "--rounds needs --theory DIR --goals FILE");
    if (!a->work) return bad_usage("%s", "--rounds needs --work DIR");
  } else if (a->njobs || a->work) {
    return bad_usage("%s", "--goals and --work go with --rounds");
  } else if (a->ndbs == 0) {
    return bad_usage("%s", "expected at least one DB");
  }
  return 0;
}

static void report(void *ud, uint32_t epoch, float loss, float acc) {
  (void)ud;
  printf("epoch %u: loss %.4f, accuracy %.3f\n", epoch, loss, acc);
  fflush(stdout);
}

/* Move a seeded share of all's points into test (the rest into train);
** the examples' candidate arrays move with them. */
static int split(lem_ctx *L, lem_pol_data *all, double share, uint64_t seed,
                 lem_pol_data *train, lem_pol_data *test) {
  lem_rng r;
  lem_rng_seed(&r, seed ^ 0x7e57u);
  if (LEM_GROW(L, train->ex, train->cap, all->n) ||
      LEM_GROW(L, test->ex, test->cap, all->n))
    return -1;
  for (uint32_t i = 0; i < all->n; i++) {
    lem_pol_data *to = lem_rng_uniform(&r) < share ? test : train;
    to->ex[to->n++] = all->ex[i];
  }
  all->n = 0;  /* the examples belong to train and test now */
  return 0;
}

/* The leakage filter of --exclude: every goal of each file, read in its
** theory.  0, or 1 after a message. */
static int read_excluded(lem_ctx *L, const targs *a, lem_pol_exclude *X) {
  for (int i = 0; i < a->nx; i++) {
    lem_theory *T = NULL;
    lem_term *fs = NULL;
    uint32_t n = 0;
    if (lem_theory_load(L, a->xtheory[i], &T) ||
        lem_read_goals(L, T, a->xgoals[i], &fs, &n)) {
      fprintf(stderr, "lemma: train: --exclude: %s\n", lem_errmsg(L));
      if (T) lem_theory_free(L, T);
      return 1;
    }
    lem_err e = LEM_OK;
    for (uint32_t k = 0; k < n && !e; k++)
      e = lem_pol_exclude_add(L, X, T, fs[k]);
    lem_free(L, fs, n * sizeof *fs);
    lem_theory_free(L, T);
    if (e) {
      fprintf(stderr, "lemma: train: %s\n", lem_errmsg(L));
      return 1;
    }
  }
  if (a->nx) printf("excluding %u goals and their traces\n", X->nseq);
  return 0;
}

/* Read the databases dbs[0..ndbs) (the first nstrict must have decision
** points; the others, written by the rounds, may have none), train a new
** model on them and write it to a->out.  *out (may be NULL) keeps the
** model.  0, or 1 after a message. */
static int train_on(lem_ctx *L, targs *a, const char *const *dbs, int ndbs,
                    int nstrict, lem_policy **keep) {
  lem_pol_data all = {0}, train = {0}, test = {0};
  lem_pol_exclude X = {0};
  lem_policy *P = NULL;
  int status = 1;
  if (read_excluded(L, a, &X)) {
    lem_pol_exclude_free(L, &X);
    return 1;
  }
  for (int i = 0; i < ndbs; i++) {
    uint32_t n, nx = 0, nc = 0;
    int filt = i < a->ndbs && a->filtered[i];
    if (lem_pol_data_read_db_filtered(L, &all, dbs[i], filt ? &X : NULL,
                                      a->kind, &n, &nx, &nc)) {
      /* among several databases, one whose proofs made no choice (no
         usable decision point) is skipped; a round's always may be */
      int empty = strstr(lem_errmsg(L), "no usable decision points") != NULL;
      if (n || (i < nstrict && !(empty && ndbs > 1))) goto out;
      lem_clear_error(L);
    }
    if (filt)
      printf("%s: %u decision points (%u excluded, %u tainted candidates "
             "left out)\n", dbs[i], n, nx, nc);
    else
      printf("%s: %u decision points\n", dbs[i], n);
  }
  if (split(L, &all, all.n >= 10 ? a->holdout : 0.0, a->o.seed, &train,
            &test))
    goto out;
  if (train.n == 0) {
    lem_error(L, LEM_EINVAL, "no decision points left to train on");
    goto out;
  }
  P = a->linear ? lem_policy_new_linear(L, 1) : lem_policy_new(L, a->o.seed, 1);
  if (!P) goto out;
  printf("training the %s on %u points (%u held out), %zu parameters\n",
         lem_policy_kind(P), train.n, test.n, lem_policy_nparams(P));
  if (lem_policy_train(L, P, &train, &a->o, report, NULL)) goto out;
  if (test.n) {
    float loss, acc;
    lem_policy_eval(P, &test, &loss, &acc);
    printf("held out: loss %.4f, accuracy %.3f\n", loss, acc);
  }
  if (lem_policy_save(L, P, a->out)) goto out;
  printf("wrote %s\n", a->out);
  status = 0;
  if (keep) *keep = P, P = NULL;
out:
  if (status) fprintf(stderr, "lemma: train: %s\n", lem_errmsg(L));
  lem_policy_free(L, P);
  lem_pol_exclude_free(L, &X);
  lem_pol_data_free(L, &all);
  lem_pol_data_free(L, &train);
  lem_pol_data_free(L, &test);
  return status;
}

/* Prove every goal file of the rounds with policy (NULL: the fixed
** heuristic) into databases work/round-R-J.db (logs beside them); names
** gets the databases' paths (malloc'd).  0, or 1 after a message. */
static int prove_round(lem_ctx *L, targs *a, uint32_t r, lem_policy *policy,
                       char **names) {
  uint32_t solved = 0, total = 0;
  pv_opts o;
  memset(&o, 0, sizeof o);
  o.lim.max_rounds = 30;
  o.lim.max_facts = 50000;
  o.lim.max_depth = 2;
  o.goal_facts = a->goal_facts;
  o.policy = policy;
  o.premises = a->premises;
  for (int j = 0; j < a->njobs; j++) {
    size_t n = strlen(a->work) + 48;
    char *db = malloc(n), *log = malloc(n);
    if (!db || !log) {
      free(db);
      free(log);
      fprintf(stderr, "lemma: out of memory\n");
      return 1;
    }
    snprintf(db, n, "%s/round-%u-%d.db", a->work, r, j + 1);
    snprintf(log, n, "%s/round-%u-%d.log", a->work, r, j + 1);
    names[j] = db;
    remove(db);  /* a round's database is made afresh */
    FILE *out = fopen(log, "w");
    if (!out) {
      fprintf(stderr, "lemma: train: cannot write '%s': %s\n", log,
              strerror(errno));
      free(log);
      return 1;
    }
    cmd_goalsrc gs = {1, a->goals[j]};
    cmd_prove_job job = {.theory = a->theory[j], .gs = &gs, .ngs = 1,
                         .o = &o, .quiet = 1, .out = out, .db = db,
                         .options = "train --rounds"};
    uint32_t np = 0, ng = 0;
    int rc = cmd_prove_run(L, &job, &np, &ng);
    fclose(out);
    free(log);
    if (rc && np == 0 && ng == 0) return 1;  /* bad input, not just unproved */
    solved += np, total += ng;
  }
  printf("round %u: %u of %u goals proved (%s)\n", r, solved, total,
         policy ? "the policy of the previous round" : "fixed heuristic");
  fflush(stdout);
  return 0;
}

/* Expert iteration: prove (the fixed heuristic first, then the latest
** model), train a new model on all the rounds' databases (and the DBs
** given), and again, a->rounds times. */
static int run_rounds(lem_ctx *L, targs *a) {
  int cap = a->ndbs + (int)a->rounds * a->njobs, ndbs = a->ndbs, status = 0;
  char **dbs = calloc((size_t)cap + 1, sizeof *dbs);
  lem_policy *pol = NULL;
  if (!dbs) {
    fprintf(stderr, "lemma: out of memory\n");
    return 1;
  }
  for (int i = 0; i < a->ndbs; i++) dbs[i] = (char *)a->dbs[i];
  for (uint32_t r = 1; r <= a->rounds && !status; r++) {
    status = prove_round(L, a, r, pol, dbs + ndbs);
    ndbs += a->njobs;
    lem_policy_free(L, pol);
    pol = NULL;
    if (!status)
      status = train_on(L, a, (const char *const *)dbs, ndbs, a->ndbs, &pol);
  }
  lem_policy_free(L, pol);
  for (int i = a->ndbs; i < cap; i++) free(dbs[i]);
  free(dbs);
  return status;
}

static int run(lem_ctx *L, targs *a) {
  if (a->rounds) return run_rounds(L, a);
  return train_on(L, a, a->dbs, a->ndbs, a->ndbs, NULL);
}

int cmd_train(int argc, char **argv) {
  const char **dbs = calloc((size_t)argc + 1, sizeof *dbs);
  const char **th = calloc((size_t)argc + 1, sizeof *th);
  const char **gl = calloc((size_t)argc + 1, sizeof *gl);
  const char **xt = calloc((size_t)argc + 1, sizeof *xt);
  const char **xg = calloc((size_t)argc + 1, sizeof *xg);
  unsigned char *fl = calloc((size_t)argc + 1, 1);
  if (!dbs || !th || !gl || !xt || !xg || !fl) {
    free(fl);
    free(dbs);
    free(th);
    free(gl);
    free(xt);
    free(xg);
    fprintf(stderr, "lemma: out of memory\n");
    return 1;
  }
  targs a = {.dbs = dbs, .theory = th, .goals = gl, .xtheory = xt,
             .xgoals = xg, .filtered = fl};
  int status = parse_args(argc, argv, &a);
  if (!status) {
    lem_ctx *L = lem_ctx_new(NULL, NULL, 0);
    if (!L) {
      fprintf(stderr, "lemma: out of memory\n");
      status = 1;
    } else {
      status = run(L, &a);
      lem_ctx_free(L);
    }
  }
  free(dbs);
  free(th);
  free(gl);
  free(xt);
  free(xg);
  free(fl);
  return status;
}

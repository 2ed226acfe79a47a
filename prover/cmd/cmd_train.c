/*
** cmd_train.c: `lemma train DB... -o MODEL [options]`
**
** Reads the decision points recorded in each proof database (see
** lem_pol_data_read_db in prover/policy.h and lemma-db(5)), holds out a
** seeded share of them, trains the policy model with listwise
** cross-entropy and AdamW, prints the loss and accuracy per epoch and on
** the held-out points, and writes the weights to MODEL (safetensors).
** Exit 0 on success, 1 for bad input (e.g. a database without decisions),
** 2 for bad usage.
*/
#include "cmd.h"
#include "config.h"
#include "policy.h"
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
} targs;

/* Parse argv into a; returns 0 or an exit status. */
static int parse_args(int argc, char **argv, targs *a) {
  lem_train_opts_default(&a->o);
  a->holdout = 0.1;
  for (int i = 0; i < argc; i++) {
    const char *s = argv[i];
    double v;
    if (s[0] != '-' || !s[1]) {
      a->dbs[a->ndbs++] = s;
      continue;
    }
    if (i + 1 >= argc) return bad_usage("option '%s' needs a value", s);
    const char *val = argv[++i];
    if (!strcmp(s, "-o") || !strcmp(s, "--out")) a->out = val;
    else if (!strcmp(s, "--epochs")) {
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
  if (a->ndbs == 0) return bad_usage("%s", "expected at least one DB");
  if (!a->out) return bad_usage("%s", "expected -o MODEL");
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

static int run(lem_ctx *L, targs *a) {
  lem_pol_data all = {0}, train = {0}, test = {0};
  lem_policy *P = NULL;
  int status = 1;
  for (int i = 0; i < a->ndbs; i++) {
    uint32_t n;
    if (lem_pol_data_read_db(L, &all, a->dbs[i], &n)) goto out;
    printf("%s: %u decision points\n", a->dbs[i], n);
  }
  if (split(L, &all, all.n >= 10 ? a->holdout : 0.0, a->o.seed, &train,
            &test))
    goto out;
  if (train.n == 0) {
    lem_error(L, LEM_EINVAL, "no decision points left to train on");
    goto out;
  }
  P = lem_policy_new(L, a->o.seed, 1);
  if (!P) goto out;
  printf("training on %u points (%u held out), %zu parameters\n", train.n,
         test.n, lem_policy_nparams(P));
  if (lem_policy_train(L, P, &train, &a->o, report, NULL)) goto out;
  if (test.n) {
    float loss, acc;
    lem_policy_eval(P, &test, &loss, &acc);
    printf("held out: loss %.4f, accuracy %.3f\n", loss, acc);
  }
  if (lem_policy_save(L, P, a->out)) goto out;
  printf("wrote %s\n", a->out);
  status = 0;
out:
  if (status) fprintf(stderr, "lemma: train: %s\n", lem_errmsg(L));
  lem_policy_free(L, P);
  lem_pol_data_free(L, &all);
  lem_pol_data_free(L, &train);
  lem_pol_data_free(L, &test);
  return status;
}

int cmd_train(int argc, char **argv) {
  const char **dbs = calloc((size_t)argc + 1, sizeof *dbs);
  if (!dbs) {
    fprintf(stderr, "lemma: out of memory\n");
    return 1;
  }
  targs a = {.dbs = dbs};
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
  return status;
}

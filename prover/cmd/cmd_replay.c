/*
** cmd_replay.c: `lemma replay FILE.db [--theorem ID]`.
**
** Opens a proof database read-only, reloads the theory it records (its
** manifest text, with lem_theory_load_text), loads the proof graph and runs
** the independent checker (src/check/) over it.  Prints one line per rule
** with the number of steps checked, then "N passed, N failed" (steps), and on
** a failure the first failing step with its id, rule, expected and found
** conclusions.  Exit status: 0 all passed, 1 a failure or an unusable
** database, 2 bad usage.
**
** smt steps: the checker (src/check/, no solver) checks their shape only;
** this command then re-checks each one: the stored query must be the query
** of the step's premises and conclusion under the stored theory's model
** (smt_query_text rebuilds it), Z3 must give the stored answer on it again,
** and where the query is ground the direct evaluator (smt_eval_qf) must
** agree.  A theory without a model: Z3 on the stored query only.
*/
#include "check/check.h"
#include "cmd.h"
#include "mpl.h"
#include "smt.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int replay_usage(const char *msg) {
  fprintf(stderr, "lemma: replay: %s\nusage: lemma replay FILE.db "
          "[--theorem ID]\n", msg);
  return 2;
}

/* What the smt re-check did. */
typedef struct smt_tally {
  uint32_t z3, evaluated, failed;
  uint32_t first_step, first_thm; /* the first failure */
  char why[512];
} smt_tally;

static void smt_fail(smt_tally *t, const lem_step *s, uint32_t thm,
                     const char *fmt, const char *detail) {
  if (!t->failed++) {
    t->first_step = s->dbid ? s->dbid : s->id;
    t->first_thm = thm;
    snprintf(t->why, sizeof t->why, fmt, detail ? detail : "");
  }
}

/* Re-check one smt step; the checker has passed its shape. */
static void recheck_smt(lem_ctx *L, smt_solver *S, const smt_model *M,
                        const lem_proof *P, const lem_step *s, uint32_t thm,
                        smt_tally *t) {
  lem_term hyps[256];
  if (s->nprem > 256) {
    smt_fail(t, s, thm, "over 256 premises%s", NULL);
    return;
  }
  for (uint32_t i = 0; i < s->nprem; i++)
    hyps[i] = P->steps[s->prem[i] - 1].concl;
  if (M) {
    lem_buf q = {0};
    lem_err e = smt_query_text(L, M, s->nprem, hyps, s->concl, 1, &q);
    int same = !e && !strcmp(q.p, s->query);
    lem_buf_free(L, &q);
    if (e) {
      smt_fail(t, s, thm, "the step has no query under the model: %s",
               lem_errmsg(L));
      return;
    }
    if (!same) {
      smt_fail(t, s, thm, "the stored query is not the query of the step's "
               "premises and conclusion%s", NULL);
      return;
    }
  }
  smt_result r = SMT_RESULT_INIT;
  smt_status st = smt_check_smtlib(S, s->query, &r);
  int agree = !strcmp(smt_status_name(st), s->answer);
  if (!agree) {
    char d[300];
    snprintf(d, sizeof d, "Z3 answers %s (%.200s), the store says %.40s",
             smt_status_name(st), r.text ? r.text : "", s->answer);
    smt_fail(t, s, thm, "%s", d);
  }
  smt_result_free(L, &r);
  if (!agree) return;
  t->z3++;
  int holds = -1;
  if (M && !smt_eval_qf(L, M, s->nprem, hyps, s->concl, &holds)) {
    if (holds != 1) {
      smt_fail(t, s, thm, "the direct evaluation finds the conclusion false%s",
               NULL);
      t->z3--;
      return;
    }
    t->evaluated++;
  }
}

/* Re-check every smt step the checker passed (of theorem only, if set). */
static int recheck_all(lem_ctx *L, const lem_proof *P, const lem_theory *T,
                       uint32_t only, smt_tally *t) {
  smt_model M, *mp = NULL;
  smt_solver *S = NULL;
  int any = 0;
  for (uint32_t i = 0; i < P->nsteps && !any; i++)
    any = P->steps[i].rule == LEM_R_SMT;
  if (!any) return 0;
  if (T && T->nmodels) {
    if (smt_model_from_theory(L, T, &M)) return -1;
    mp = &M;
  }
  if (!(S = smt_solver_new(L))) return -1;
  for (uint32_t i = 0; i < P->nsteps; i++) {
    const lem_step *s = &P->steps[i];
    const lem_block *b = lem_proof_block(P, s->block);
    uint32_t thm = b ? b->thm : 0;
    /* steps without a query or with an answer other than unsat have
       failed in the checker already */
    if (s->rule != LEM_R_SMT || (only && thm != only) || !s->query ||
        !s->answer || strcmp(s->answer, "unsat"))
      continue;
    recheck_smt(L, S, mp, P, s, thm, t);
  }
  smt_solver_free(S);
  smt_finalize();
  return 0;
}

static void print_result(const lem_check_result *r, const smt_tally *t) {
  for (int k = 1; k < LEM_R_COUNT; k++)
    if (r->checked[k])
      printf("%-9s %u checked\n", lem_rule_name((lem_rule)k), r->checked[k]);
  if (r->smt_unchecked)
    printf("smt: %u rechecked through Z3 (%u also evaluated directly), "
           "%u failed\n", t->z3, t->evaluated, t->failed);
  if (t->failed && !r->failed) {
    printf("%u passed, %u failed\n", r->passed + t->z3, t->failed);
    printf("first failure: step %u (smt) in theorem %u: %s\n", t->first_step,
           t->first_thm, t->why);
    return;
  }
  printf("%u passed, %u failed\n", r->passed + t->z3, r->failed + t->failed);
  if (!r->failed) return;
  printf("first failure: step %u (%s) in theorem %u: %s\n", r->first_step,
         lem_rule_name(r->first_rule), r->first_thm, r->first_why);
  if (r->expected[0]) printf("  expected: %s\n", r->expected);
  if (r->found[0]) printf("  found:    %s\n", r->found);
}

/* Open, load and check; returns the exit status. */
static int replay(lem_ctx *L, const char *path, long want) {
  lem_store *S = NULL;
  lem_proof *P = NULL;
  lem_theory *T = NULL;
  char *name = NULL, *text = NULL;
  size_t len = 0;
  int status = 1;
  if (lem_store_open(L, path, LEM_STORE_READ, &S) ||
      lem_store_read_theory(S, &name, &text, &len) ||
      lem_store_load(S, &P)) {
    fprintf(stderr, "lemma: %s\n", lem_errmsg(L));
    goto out;
  }
  if (lem_theory_load_text(L, text, len, path, &T)) {
    fprintf(stderr, "lemma: %s: the stored theory does not load: %s\n", path,
            lem_errmsg(L));
    goto out;
  }
  uint32_t only = 0;
  if (want >= 0) {
    for (uint32_t i = 0; i < P->nthms && !only; i++)
      if (P->thms[i].dbid == (uint32_t)want) only = i + 1;
    if (!only) {
      fprintf(stderr, "lemma: %s: no theorem %ld\n", path, want);
      goto out;
    }
  }
  lem_check_result r;
  /* the induction principle is the stored theory's own statement */
  lem_induction ind = {0}, *indp = NULL;
  if (T && T->has_induction) {
    ind = (lem_induction){T->ind_member, T->ind_zero, T->ind_succ, T->ind_x,
                          T->ind_y};
    indp = &ind;
  }
  lem_err e = lem_check_proof(L, P, T, indp, only, &r);
  if (e && e != LEM_ECHECK) {
    fprintf(stderr, "lemma: %s\n", lem_errmsg(L));
    goto out;
  }
  smt_tally t;
  memset(&t, 0, sizeof t);
  if (r.smt_unchecked && recheck_all(L, P, T, only, &t)) {
    fprintf(stderr, "lemma: %s\n", lem_errmsg(L));
    goto out;
  }
  print_result(&r, &t);
  status = r.failed || t.failed ? 1 : 0;
out:
  if (name) lem_free(L, name, strlen(name) + 1);
  if (text) lem_free(L, text, len + 1);
  lem_theory_free(L, T);
  lem_proof_free(P);
  lem_store_close(S);
  return status;
}

int cmd_replay(int argc, char **argv) {
  const char *path = NULL;
  long want = -1;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--theorem")) {
      char *end;
      if (++i >= argc) return replay_usage("--theorem needs an ID");
      want = strtol(argv[i], &end, 10);
      if (!*argv[i] || *end || want <= 0 || want > (long)UINT32_MAX)
        return replay_usage("--theorem needs a positive integer ID");
    } else if (argv[i][0] == '-' && argv[i][1]) {
      fprintf(stderr, "lemma: replay: unknown option '%s'\n", argv[i]);
      return 2;
    } else if (path) {
      return replay_usage("expected one FILE.db");
    } else {
      path = argv[i];
    }
  }
  if (!path) return replay_usage("expected FILE.db");
  lem_ctx *L = lem_ctx_new(NULL, NULL, 0);
  if (!L) {
    fputs("lemma: out of memory\n", stderr);
    return 1;
  }
  int status = replay(L, path, want);
  lem_ctx_free(L);
  return status;
}

/*
** cmd_replay.c: `lemma replay FILE.db [--theorem ID]`.
**
** Opens a proof database read-only, reloads the theory it records (its
** manifest text, with lem_theory_load_text), loads the proof graph and runs
** the independent checker (src/check/) over it.  Prints one line per rule
** with the number of steps checked, then "N passed, N failed" (steps), and on
** a failure the first failing step with its id, rule, expected and found
** conclusions.  Exit status: 0 all passed, 1 a failure or an unusable
** database, 2 bad usage.  smt steps are counted apart: the checker does not
** re-run the solver (yet).
*/
#include "check/check.h"
#include "cmd.h"
#include "mpl.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int replay_usage(const char *msg) {
  fprintf(stderr, "lemma: replay: %s\nusage: lemma replay FILE.db "
          "[--theorem ID]\n", msg);
  return 2;
}

static void print_result(const lem_check_result *r) {
  for (int k = 1; k < LEM_R_COUNT; k++)
    if (r->checked[k])
      printf("%-9s %u checked\n", lem_rule_name((lem_rule)k), r->checked[k]);
  if (r->smt_unchecked)
    printf("smt: %u not rechecked (no solver in the checker)\n",
           r->smt_unchecked);
  printf("%u passed, %u failed\n", r->passed, r->failed);
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
  print_result(&r);
  status = r.failed ? 1 : 0;
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

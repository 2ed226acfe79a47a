/*
** bench_premise_oracle.c: the headroom of premise selection on the held-out
** goals of corpus/eval (issue 8; bench/RESULTS.md).  For each test goal
** (even positions of each theory's goals file, the goals before it
** assumed, as bench/bench_policy_eval.sh proves them):
**   all:    proved with every rule within SMALL facts (lemma prove
**           --goal-facts SMALL: the baseline);
**   big:    proved with every rule within BIG facts; the candidates of
**           premise selection (the axiom's rules and the earlier theorems)
**           its proof uses are read off the proof;
**   oracle: proved within SMALL facts with only those candidates as rules
**           (the others muted for the whole search, pv_mute): what a
**           perfect selector could do.
** The summary counts the goals proved by all, by the oracle, and by either
** (a selector with the fallback to all rules keeps what all proves), and
** the ratio of either to all.  Deterministic: budgets are in facts.
** Usage: bench_premise_oracle [SMALL [BIG]] (defaults 20000 and 400000);
** the corpus is read from $top_srcdir/corpus (default ./corpus).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prove.h"

typedef struct run {
  int proved;
  uint64_t facts;
  uint32_t ncand, nused;
} run;

/* Prove goals[g] with goals[0..g) assumed, within budget facts; off (may
** be NULL) mutes candidates for the whole search; used (may be NULL) gets
** the candidates the proof uses (a map the caller frees).  0, or -1. */
static int prove_one(lem_ctx *L, const lem_theory *T, const lem_term *goals,
                     uint32_t g, uint64_t budget, const lem_map *off,
                     lem_map *used, run *out) {
  pv_opts o;
  memset(&o, 0, sizeof o);
  o.lim.max_rounds = 30;
  o.lim.max_facts = 50000;
  o.lim.max_depth = 2;
  o.goal_facts = budget;
  o.premises = used ? 1e9 : 0; /* rank the candidates, keep them all */
  pv_prover P;
  int rc = -1;
  if (pv_prover_init(&P, L, T, NULL, &o)) goto out;
  for (uint32_t i = 0; i < g; i++)
    if (pv_assume(&P, goals[i])) goto out;
  if (off) pv_mute(&P.E, off);
  uint32_t k = P.nthms;
  int r = pv_prove(&P, goals[g]);
  if (r < 0) goto out;
  const pv_thm *t = &P.thms[k];
  *out = (run){r == 1 && t->facts_made <= budget, t->facts_made, t->nprem, 0};
  rc = 0;
  if (used && r == 1) {
    pv_fid *fs;
    uint32_t n = pv_proof_facts(&P, k, &fs), x;
    if (n == UINT32_MAX) rc = -1;
    lem_map in = {0};
    for (uint32_t i = 0; i < n && !rc; i++)
      if (lem_map_put(L, &in, fs[i], 1)) rc = -1;
    for (uint32_t i = 0; i < t->nprem && !rc; i++)
      if (lem_map_get(&in, t->prem[i], &x)) {
        if (lem_map_put(L, used, t->prem[i], 1)) rc = -1;
        out->nused++;
      }
    lem_map_free(L, &in);
    if (n != UINT32_MAX) lem_free(L, fs, n * sizeof *fs);
  }
out:
  if (rc) fprintf(stderr, "bench_premise_oracle: %s\n", lem_errmsg(L));
  pv_prover_free(&P);
  return rc;
}

/* The oracle's mute map: the candidates of the big run (the same fact ids
** in a prover set up the same way) that its proof does not use. */
static int unused(lem_ctx *L, const lem_theory *T, const lem_term *goals,
                  uint32_t g, const lem_map *used, lem_map *off) {
  pv_opts o;
  memset(&o, 0, sizeof o);
  o.lim.max_rounds = 30;
  o.lim.max_facts = 50000;
  o.lim.max_depth = 2;
  o.goal_facts = 1; /* only to list the candidates */
  o.premises = 1e9;
  pv_prover P;
  int rc = -1;
  uint32_t x;
  if (pv_prover_init(&P, L, T, NULL, &o)) goto out;
  for (uint32_t i = 0; i < g; i++)
    if (pv_assume(&P, goals[i])) goto out;
  uint32_t k = P.nthms;
  if (pv_prove(&P, goals[g]) < 0) goto out;
  rc = 0;
  for (uint32_t i = 0; i < P.thms[k].nprem && !rc; i++)
    if (!lem_map_get(used, P.thms[k].prem[i], &x) &&
        lem_map_put(L, off, P.thms[k].prem[i], 1))
      rc = -1;
out:
  pv_prover_free(&P);
  return rc;
}

static int theory(const char *top, const char *name, uint64_t small,
                  uint64_t big, uint32_t count[4]) {
  char path[4096];
  lem_ctx *L = lem_ctx_new(NULL, NULL, 0);
  lem_theory *T = NULL;
  lem_term *goals = NULL;
  uint32_t n = 0;
  int rc = 1;
  if (!L) return 1;
  snprintf(path, sizeof path, "%s/corpus/%s", top, name);
  if (lem_theory_load(L, path, &T)) goto out;
  snprintf(path, sizeof path, "%s/corpus/%s/goals", top, name);
  if (lem_read_goals(L, T, path, &goals, &n)) goto out;
  rc = 0;
  for (uint32_t g = 1; g < n && !rc; g += 2) { /* the test goals */
    run all, bg, orc = {0};
    lem_map used = {0}, off = {0};
    rc = prove_one(L, T, goals, g, small, NULL, NULL, &all) ||
         prove_one(L, T, goals, g, big, NULL, &used, &bg);
    if (!rc && bg.proved &&
        (unused(L, T, goals, g, &used, &off) ||
         prove_one(L, T, goals, g, small, &off, NULL, &orc)))
      rc = 1;
    lem_map_free(L, &used);
    lem_map_free(L, &off);
    if (rc) break;
    printf("%-12s %2u  all %-3s %7llu   big %-3s %7llu  uses %2u of %2u"
           "   oracle %-3s %7llu\n",
           name, g + 1, all.proved ? "yes" : "no",
           (unsigned long long)all.facts, bg.proved ? "yes" : "no",
           (unsigned long long)bg.facts, bg.nused, bg.ncand,
           !bg.proved ? "-" : orc.proved ? "yes" : "no",
           (unsigned long long)orc.facts);
    count[0]++;
    count[1] += (uint32_t)all.proved;
    count[2] += (uint32_t)orc.proved;
    count[3] += (uint32_t)(all.proved || orc.proved);
  }
out:
  if (rc && L) fprintf(stderr, "bench_premise_oracle: %s: %s\n", name,
                       lem_errmsg(L));
  lem_free(L, goals, n * sizeof *goals);
  lem_theory_free(L, T);
  lem_ctx_free(L);
  return rc;
}

int main(int argc, char **argv) {
  uint64_t small = argc > 1 ? strtoull(argv[1], NULL, 10) : 20000;
  uint64_t big = argc > 2 ? strtoull(argv[2], NULL, 10) : 400000;
  const char *top = getenv("top_srcdir") ? getenv("top_srcdir") : ".";
  char path[4096], line[256];
  snprintf(path, sizeof path, "%s/corpus/eval/theories", top);
  FILE *f = fopen(path, "r");
  if (!f || !small || big < small) {
    fprintf(stderr, "bench_premise_oracle: %s\n",
            f ? "bad budgets" : "cannot read corpus/eval/theories (set "
                                "top_srcdir)");
    if (f) fclose(f);
    return 1;
  }
  printf("premise selection headroom: test goals of corpus/eval, %llu facts"
         " (oracle rules from a %llu-fact proof)\n",
         (unsigned long long)small, (unsigned long long)big);
  uint32_t count[4] = {0};
  int rc = 0;
  while (!rc && fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = 0;
    if (line[0] && line[0] != '#') rc = theory(top, line, small, big, count);
  }
  fclose(f);
  if (rc) return 1;
  printf("proved: all %u, oracle %u, either (a selector with the fallback) "
         "%u, of %u; either/all %.3f\n",
         count[1], count[2], count[3], count[0],
         count[1] ? (double)count[3] / count[1] : 0.0);
  return 0;
}

/*
** bench_policy.c: latency of the learned policy on one core, per decision
** point of 20 candidates and per candidate, for formulas the size of the
** Peano corpus's rules (about 20 tokens).  Two cases:
**   cold: every formula encoded (no cache: lem_policy_score_example);
**   warm: the candidates were seen before under the same goal symbols, so
**         only the goal is encoded and the head runs (lem_policy_score,
**         a goal with new tokens each time).
**   hot:  the goal is cached too: only the pair head runs (the floor).
** And the encoder alone on the 21 formulas of the cold case: one batch
** (packed along the rows, as scoring does) against one formula per call.
** Times are the thread's CPU time, so that a loaded machine does not
** inflate them.  Ratios are against the cold case, measured in the same
** run.
*/
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "policy.h"
#include "store.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);  /* CPU time: the machine is shared */
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static lem_term rd(lem_ctx *L, const char *s) {
  return lem_read_expr(L, s, strlen(s), "bench");
}

enum { NC = 20, REPS = 40 };

int main(void) {
  lem_ctx *L = lem_ctx_new(NULL, NULL, 0);
  lem_policy *P = L ? lem_policy_new(L, 1, 0) : NULL;
  if (!P) return 1;
  lem_term cands[NC], goals[REPS];
  char buf[512];
  for (int i = 0; i < NC; i++) {
    snprintf(buf, sizeof buf,
             "(>[x,y,z](&(in3[x,y,z,f%d])(&(in[x,N])(in[y,N])))"
             "(>[w](in3[y,x,w,f%d])(=[z,w])))", i % 3, (i + 1) % 3);
    cands[i] = rd(L, buf);
  }
  /* REPS goals with distinct tokens: k negations around one conjunct */
  for (int i = 0; i < REPS; i++) {
    char neg[160] = "";
    for (int k = 0; k < i % 40; k++) strcat(neg, "!(");
    snprintf(buf, sizeof buf, "(>[a,b](&(in[a,N])(in3[a,b,c,f%d]))%s%s",
             i / 40, neg, i % 40 ? "in[b,N]" : "(in[b,N])");
    for (int k = 0; k < i % 40; k++) strcat(buf, ")");
    strcat(buf, ")");
    goals[i] = rd(L, buf);
  }
  lem_pol_decision d = {.goal = goals[0], .cands = cands, .ncands = NC};
  lem_pol_data D = {0};
  if (lem_pol_data_add(L, &D, NULL, &d)) return 1;
  float probs[NC];
  printf("policy: %zu parameters, %d candidates of %u tokens, goal of %u\n",
         lem_policy_nparams(P), NC, D.ex[0].cands[0].n, D.ex[0].goal.n);
  double t0 = now();
  for (int r = 0; r < REPS / 4; r++)
    lem_policy_score_example(P, &D.ex[0], probs);
  double cold = (now() - t0) / (REPS / 4);
  lem_policy_score(L, P, NULL, goals[0], cands, NC, probs); /* fill cache */
  t0 = now();
  for (int r = 1; r < REPS; r++)
    lem_policy_score(L, P, NULL, goals[r], cands, NC, probs);
  double warm = (now() - t0) / (REPS - 1);
  t0 = now();
  for (int r = 0; r < REPS; r++)
    lem_policy_score(L, P, NULL, goals[0], cands, NC, probs);
  double head = (now() - t0) / REPS;
  lem_policy_stats st;
  lem_policy_stats_get(P, &st);
  uint64_t hits = st.hits, misses = st.misses;
  printf("cold (all encoded):      %.3f ms per decision point, %.3f ms per "
         "candidate\n", 1e3 * cold, 1e3 * cold / NC);
  printf("warm (candidates cached): %.3f ms per decision point, %.3f ms per "
         "candidate  (cache hits %llu, misses %llu)\n",
         1e3 * warm, 1e3 * warm / NC, (unsigned long long)hits,
         (unsigned long long)misses);
  printf("hot (goal cached too):   %.3f ms per decision point, %.3f ms per "
         "candidate\n", 1e3 * head, 1e3 * head / NC);
  printf("warm/cold ratio %.3f, hot/cold ratio %.4f\n", warm / cold,
         head / cold);
  /* the encoder alone: the goal and the candidates, batched or one by one */
  static lem_pol_seq seqs[NC + 1];
  static float enc[(NC + 1) * LEM_POLICY_WIDTH];
  seqs[0] = D.ex[0].goal;
  for (int i = 0; i < NC; i++) seqs[1 + i] = D.ex[0].cands[i];
  double per[2];
  for (int b = 0; b < 2; b++) {
    t0 = now();
    for (int r = 0; r < REPS / 4; r++)
      if (lem_policy_encode(L, P, seqs, NC + 1, b ? 1 : 0, 0, enc)) return 1;
    per[b] = (now() - t0) / (REPS / 4);
  }
  printf("encoder, %d formulas in one batch: %.3f ms; one per call: %.3f ms "
         "(ratio %.2f)\n", NC + 1, 1e3 * per[0], 1e3 * per[1],
         per[1] / per[0]);
  lem_pol_data_free(L, &D);
  lem_policy_free(L, P);
  lem_ctx_free(L);
  return 0;
}

/*
** test_policy.c: the learned policy (prover/policy.c and friends).
**
** Tokenization is name-free (renaming relations or bound variables gives
** the same tokens) and marks goal and candidate; the model is under a
** million parameters; scoring through the cache equals scoring without it;
** the weights file round-trips and bad files are refused; decision points
** are read from a database and a database without them gets an error; and
** training on a synthetic learnable rule (the positive candidate concludes
** the goal's head relation) lowers the loss, beats chance on held-out
** points, and gives the same weights twice for one seed.
*/
#include <criterion/criterion.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy.h"
#include "store.h"
#include "tensor/tensor.h"

static lem_ctx *L;
static void setup(void) { L = lem_ctx_new(NULL, NULL, 0); }
static void teardown(void) { lem_ctx_free(L); }
TestSuite(policy, .init = setup, .fini = teardown, .timeout = 600);

static lem_term X(const char *s) {
  lem_term t = lem_read_expr(L, s, strlen(s), "test");
  cr_assert_neq(t, LEM_NOTERM, "%s: %s", s, lem_errmsg(L));
  return t;
}

static int same_seq(const lem_pol_seq *a, const lem_pol_seq *b) {
  return a->n == b->n && !memcmp(a->type, b->type, a->n) &&
         !memcmp(a->slot, b->slot, a->n);
}

Test(policy, tokens_ignore_names) {
  lem_pol_symmap m1, m2;
  lem_pol_seq g1, g2, c1, c2;
  lem_policy_tokenize(L, NULL, X("(&(p[a,b])!(q[b]))"), 1, &m1, &g1);
  lem_policy_tokenize(L, NULL, X("(&(u[c,d])!(v[d]))"), 1, &m2, &g2);
  cr_assert(same_seq(&g1, &g2));
  lem_policy_tokenize(L, NULL, X("(>[x,y](q[x])(p[y,x]))"), 0, &m1, &c1);
  lem_policy_tokenize(L, NULL, X("(>[s,t](v[s])(u[t,s]))"), 0, &m2, &c2);
  cr_assert(same_seq(&c1, &c2));
  /* markers first; the goal's head relation has slot 1 */
  cr_assert_neq(g1.type[0], c1.type[0]);
  cr_assert_eq(g1.slot[2], 1);
  /* a relation the goal does not mention has slot 0 */
  lem_pol_seq c3;
  lem_policy_tokenize(L, NULL, X("(w[a])"), 0, &m1, &c3);
  cr_assert_eq(c3.slot[1], 0);
  /* a different structure gives different tokens */
  lem_policy_tokenize(L, NULL, X("(>[x,y](q[y])(p[y,x]))"), 0, &m1, &c2);
  cr_assert(!same_seq(&c1, &c2));
}

/* A variable at a recursion position of the theory's axiom (here: the
** second argument of r, by r[x,y] & s(y) = z => r[x,z]) has a token type
** of its own; the same variable elsewhere, or without the theory, not. */
Test(policy, tokens_mark_recursion_positions) {
  const char *thy =
      "relation in2[x,y,f] : (in, out, op);\n"
      "relation in[x,X] : (elem, set);\n"
      "relation r[x,y] : (in, in);\n"
      "anchor A[N,z,s] := (&(in[z,N])(>[x,y,w](&(r[x,y])(in2[y,w,s]))"
      "(r[x,w])));\n"
      "induction [n,m] (in[n,N]) (in2[n,m,s]) z;\n";
  lem_theory *T;
  cr_assert_eq(lem_theory_load_text(L, thy, strlen(thy), "t.mpl", &T), LEM_OK,
               "%s", lem_errmsg(L));
  lem_pol_symmap m;
  lem_pol_seq a, b;
  /* tokens: GOAL > u v r u v r v u */
  lem_term f = X("(>[u,v](r[u,v])(r[v,u]))");
  lem_policy_tokenize(L, T, f, 1, &m, &a);
  lem_policy_tokenize(L, NULL, f, 1, &m, &b);
  cr_assert_eq(a.n, 10);
  cr_assert_eq(a.type[2], b.type[2], "bound, not in an atom");
  cr_assert_eq(a.type[5], b.type[5], "u is at no recursion position");
  cr_assert_neq(a.type[6], b.type[6], "v is");
  cr_assert_neq(a.type[5], a.type[6]);
  cr_assert_eq(a.slot[6], b.slot[6], "the same variable slot");
  cr_assert_eq(a.type[8], b.type[8], "v, now first");
  cr_assert_eq(a.type[9], a.type[6], "u, now second");
  lem_theory_free(L, T);
}

Test(policy, tokens_use_roles_and_cut_long_formulas) {
  const char *thy = "relation in2[x,y,f] : (in, out, op);\n"
                    "relation in[x,X] : (elem, set);\n";
  lem_theory *T;
  cr_assert_eq(lem_theory_load_text(L, thy, strlen(thy), "t.mpl", &T), LEM_OK,
               "%s", lem_errmsg(L));
  lem_pol_symmap m;
  lem_pol_seq a, b;
  lem_policy_tokenize(L, T, X("(in2[u,v,s])"), 1, &m, &a);
  lem_policy_tokenize(L, NULL, X("(in2[u,v,s])"), 1, &m, &b);
  cr_assert_neq(a.type[1], b.type[1]);     /* roles change the class */
  cr_assert_neq(a.type[2], a.type[4]);     /* an input and an op differ */
  lem_theory_free(L, T);
  char big[4096] = "(&(p[a])";
  for (int i = 0; i < 60; i++) strcat(big, "(&(p[a])");
  strcat(big, "(p[a])");
  for (int i = 0; i < 61; i++) strcat(big, ")");
  lem_policy_tokenize(L, NULL, X(big), 1, &m, &a);
  cr_assert_eq(a.n, LEM_POLICY_TMAX);
}

Test(policy, small_model_and_cached_scores) {
  lem_policy *P = lem_policy_new(L, 3, 0);
  cr_assert_not_null(P);
  size_t n = lem_policy_nparams(P);
  cr_assert(n > 300000 && n < 1000000, "%zu parameters", n);
  lem_term goal = X("(p[a,b])"), c[40];
  char buf[64];
  for (int i = 0; i < 40; i++) {
    /* 7 distinct structures: 0..6 negations of the conclusion */
    strcpy(buf, "(>[x](q[x,a])");
    for (int k = 0; k < i % 7; k++) strcat(buf, "!(");
    strcat(buf, i % 7 ? "p[x,b]" : "(p[x,b])");
    for (int k = 0; k < i % 7; k++) strcat(buf, ")");
    strcat(buf, ")");
    c[i] = X(buf);
  }
  float p1[40], p2[40];
  cr_assert_eq(lem_policy_score(L, P, NULL, goal, c, 40, p1), LEM_OK);
  lem_policy_stats st;
  lem_policy_stats_get(P, &st);
  cr_assert_eq(st.hits, 33);  /* 40 candidates, 7 distinct, the goal once */
  cr_assert_eq(lem_policy_score(L, P, NULL, goal, c, 40, p2), LEM_OK);
  float sum = 0.0f;
  for (int i = 0; i < 40; i++) {
    cr_assert_float_eq(p1[i], p2[i], 1e-6f);
    sum += p1[i];
  }
  cr_assert_float_eq(sum, 1.0f, 1e-4f);
  /* without the cache, from tokens, the same probabilities */
  lem_pol_decision d = {.goal = goal, .cands = c, .ncands = 40, .positive = 0};
  lem_pol_data D = {0};
  cr_assert_eq(lem_pol_data_add(L, &D, NULL, &d), LEM_OK);
  float p3[40];
  lem_policy_score_example(P, &D.ex[0], p3);
  for (int i = 0; i < 40; i++) cr_assert_float_eq(p1[i], p3[i], 1e-5f);
  cr_assert_eq(lem_policy_score(L, P, NULL, goal, c, 0, p3), LEM_EINVAL);
  d.positive = 40;
  cr_assert_eq(lem_pol_data_add(L, &D, NULL, &d), LEM_EINVAL);
  lem_pol_data_free(L, &D);
  lem_policy_free(L, P);
}

/* Scoring encodes a decision point's formulas in one batch, packed along
** the rows with attention kept within each formula, and runs the last
** layer on the markers only.  Batched, one at a time and through the
** padded training encoder, every formula must get the same encoding; and
** the encodings must tell the formulas apart (else agreeing proves
** nothing).  40 formulas of 3 to 48 tokens: two batches. */
Test(policy, batched_encoding_agrees_with_one_at_a_time) {
  lem_policy *P = lem_policy_new(L, 11, 1);
  cr_assert_not_null(P);
  enum { N = 40, W = LEM_POLICY_WIDTH };
  lem_pol_seq seq[N];
  lem_pol_symmap map;
  char buf[512];
  for (int i = 0; i < N; i++) {
    strcpy(buf, i % 3 ? "(>[x](q[x,a])" : "(&(r[a,b])");
    for (int k = 0; k < (i * 7) % 45; k++) strcat(buf, "!(");
    strcat(buf, "(p[x,b])");
    for (int k = 0; k < (i * 7) % 45; k++) strcat(buf, ")");
    strcat(buf, ")");
    lem_policy_tokenize(L, NULL, X(buf), i % 5 == 0, &map, &seq[i]);
  }
  static float one[N * W], batched[N * W], padded[N * W];
  cr_assert_eq(lem_policy_encode(L, P, seq, N, 1, 0, one), LEM_OK);
  cr_assert_eq(lem_policy_encode(L, P, seq, N, 0, 0, batched), LEM_OK);
  cr_assert_eq(lem_policy_encode(L, P, seq, N, 0, 1, padded), LEM_OK);
  float worst = 0.0f, apart = 1e9f;
  for (int i = 0; i < N; i++) {
    for (int c = 0; c < W; c++) {
      float o = one[i * W + c];
      cr_assert(fabsf(o - batched[i * W + c]) <= 1e-6f,
                "formula %d (%u tokens) [%d]: alone %g, batched %g", i,
                seq[i].n, c, o, batched[i * W + c]);
      cr_assert(fabsf(o - padded[i * W + c]) <= 2e-5f,
                "formula %d (%u tokens) [%d]: rows %g, padded %g", i,
                seq[i].n, c, o, padded[i * W + c]);
      if (fabsf(o - padded[i * W + c]) > worst) worst = fabsf(o - padded[i * W + c]);
    }
    for (int j = 0; j < i; j++) {
      float d = 0.0f;
      for (int c = 0; c < W; c++)
        if (fabsf(one[i * W + c] - one[j * W + c]) > d)
          d = fabsf(one[i * W + c] - one[j * W + c]);
      if (!same_seq(&seq[i], &seq[j]) && d < apart) apart = d;
    }
  }
  cr_log_info("rows vs padded: worst %g; distinct formulas apart by >= %g",
              worst, apart);
  cr_assert(apart > 1e-2f, "encodings of distinct formulas %g apart", apart);
  lem_policy_free(L, P);
}

/* ---- a synthetic learnable rule ---- */

/* Goal: a relation rH over two constants, maybe under a negation and a
** conjunction.  Candidates: rules (>[x,y](rJ[x,y])(rK[y,x])); only the
** positive concludes rH (distractors may mention rH as a premise). */
static void synth(lem_rng *r, lem_pol_data *D, int npoints, int ncands) {
  char buf[128];
  for (int i = 0; i < npoints; i++) {
    int h = (int)(lem_rng_u32(r) % 8), other = (h + 1 + lem_rng_u32(r) % 7) % 8;
    if (lem_rng_u32(r) % 2)
      snprintf(buf, sizeof buf, "(&(r%d[a,b])!(r%d[b,c]))", h, other);
    else
      snprintf(buf, sizeof buf, "(r%d[c,a])", h);
    lem_term goal = X(buf), c[16];
    uint32_t pos = lem_rng_u32(r) % (uint32_t)ncands;
    for (int k = 0; k < ncands; k++) {
      int concl = (int)(lem_rng_u32(r) % 8), prem = (int)(lem_rng_u32(r) % 8);
      if ((uint32_t)k == pos) concl = h;
      else if (concl == h) concl = (h + 1 + (int)(lem_rng_u32(r) % 7)) % 8;
      if ((uint32_t)k != pos && lem_rng_u32(r) % 3 == 0) prem = h;
      snprintf(buf, sizeof buf, "(>[x,y](r%d[x,y])(r%d[y,x]))", prem, concl);
      c[k] = X(buf);
    }
    lem_pol_decision d = {.goal = goal, .cands = c, .ncands = (uint32_t)ncands,
                      .positive = pos};
    cr_assert_eq(lem_pol_data_add(L, D, NULL, &d), LEM_OK);
  }
}

typedef struct trace {
  float first, last;
} trace;
static void note(void *ud, uint32_t ep, float loss, float acc) {
  trace *t = ud;
  (void)acc;
  if (ep == 1) t->first = loss;
  t->last = loss;
}

Test(policy, learns_a_rule_and_generalizes) {
  lem_rng r;
  lem_rng_seed(&r, 77);
  lem_pol_data train = {0}, test = {0};
  synth(&r, &train, 96, 4);
  synth(&r, &test, 60, 4);
  lem_policy *P = lem_policy_new(L, 1, 1);
  cr_assert_not_null(P);
  float l0, a0, l1, a1;
  lem_policy_eval(P, &test, &l0, &a0);
  lem_train_opts o;
  lem_train_opts_default(&o);
  o.epochs = 6;
  trace tr = {0};
  cr_assert_eq(lem_policy_train(L, P, &train, &o, note, &tr), LEM_OK);
  lem_policy_eval(P, &test, &l1, &a1);
  cr_log_info("train loss %g -> %g; held-out loss %g -> %g, accuracy %g -> %g",
              tr.first, tr.last, l0, l1, a0, a1);
  cr_assert(tr.last < 0.7f * tr.first, "training loss %g -> %g", tr.first,
            tr.last);
  cr_assert(l1 < l0, "held-out loss %g -> %g", l0, l1);
  cr_assert(a1 >= 0.6f, "held-out accuracy %g (chance 0.25)", a1);
  /* the weights file round-trips exactly */
  char path[] = "/tmp/lemma-policy-XXXXXX";
  int fd = mkstemp(path);
  cr_assert(fd >= 0);
  close(fd);
  cr_assert_eq(lem_policy_save(L, P, path), LEM_OK, "%s", lem_errmsg(L));
  lem_policy *Q;
  cr_assert_eq(lem_policy_load(L, path, 0, &Q), LEM_OK, "%s", lem_errmsg(L));
  float p[4], q[4];
  lem_policy_score_example(P, &test.ex[0], p);
  lem_policy_score_example(Q, &test.ex[0], q);
  cr_assert_eq(memcmp(p, q, sizeof p), 0);
  lem_policy_free(L, Q);
  /* a cut-off file and a foreign one are refused with a message */
  FILE *f = fopen(path, "r+b");
  cr_assert_eq(ftruncate(fileno(f), 5000), 0);
  fclose(f);
  cr_assert_eq(lem_policy_load(L, path, 0, &Q), LEM_ESYNTAX);
  cr_assert_null(Q);
  f = fopen(path, "wb");
  fputs("hello, not a model", f);
  fclose(f);
  cr_assert_eq(lem_policy_load(L, path, 0, &Q), LEM_ESYNTAX);
  cr_assert(strstr(lem_errmsg(L), "safetensors"), "%s", lem_errmsg(L));
  cr_assert_eq(lem_policy_load(L, "/nonexistent/x", 0, &Q), LEM_EIO);
  unlink(path);
  lem_policy_free(L, P);
  lem_pol_data_free(L, &train);
  lem_pol_data_free(L, &test);
}

Test(policy, training_is_deterministic) {
  lem_rng r;
  lem_rng_seed(&r, 5);
  lem_pol_data D = {0};
  synth(&r, &D, 12, 3);
  lem_train_opts o;
  lem_train_opts_default(&o);
  o.epochs = 2;
  o.batch = 4;
  float out[2][3];
  for (int run = 0; run < 2; run++) {
    lem_policy *P = lem_policy_new(L, 9, 1);
    cr_assert_eq(lem_policy_train(L, P, &D, &o, NULL, NULL), LEM_OK);
    lem_policy_score_example(P, &D.ex[0], out[run]);
    lem_policy_free(L, P);
  }
  cr_assert_eq(memcmp(out[0], out[1], sizeof out[0]), 0);
  lem_policy *P = lem_policy_new(L, 9, 0);
  cr_assert_eq(lem_policy_train(L, P, &D, &o, NULL, NULL), LEM_EINVAL);
  lem_policy_free(L, P);
  lem_pol_data_free(L, &D);
}

/* The linear scorer: the same data and training, a bag of tokens. */
Test(policy, linear_scorer_learns_and_round_trips) {
  lem_rng r;
  lem_rng_seed(&r, 77);
  lem_pol_data train = {0}, test = {0};
  synth(&r, &train, 96, 4);
  synth(&r, &test, 60, 4);
  lem_policy *P = lem_policy_new_linear(L, 1);
  cr_assert_not_null(P);
  cr_assert_str_eq(lem_policy_kind(P), "linear");
  cr_assert_eq(lem_policy_nparams(P), 4096);
  float l0, a0, l1, a1;
  lem_policy_eval(P, &test, &l0, &a0);
  lem_train_opts o;
  lem_train_opts_default(&o);
  o.epochs = 20;
  o.lr = 0.05f;
  cr_assert_eq(lem_policy_train(L, P, &train, &o, NULL, NULL), LEM_OK);
  lem_policy_eval(P, &test, &l1, &a1);
  cr_log_info("linear: held-out loss %g -> %g, accuracy %g -> %g", l0, l1,
              a0, a1);
  cr_assert(l1 < l0, "held-out loss %g -> %g", l0, l1);
  cr_assert(a1 >= 0.6f, "held-out accuracy %g (chance 0.25)", a1);
  /* scoring formulas agrees with scoring their tokens */
  lem_term g = X("(r3[c,a])");
  lem_term c[2] = {X("(>[x,y](r1[x,y])(r3[y,x]))"),
                   X("(>[x,y](r3[x,y])(r1[y,x]))")};
  float pt[2], pe[2];
  cr_assert_eq(lem_policy_score(L, P, NULL, g, c, 2, pt), LEM_OK);
  lem_pol_data one = {0};
  lem_pol_decision d = {.goal = g, .cands = c, .ncands = 2, .positive = 0};
  cr_assert_eq(lem_pol_data_add(L, &one, NULL, &d), LEM_OK);
  lem_policy_score_example(P, &one.ex[0], pe);
  cr_assert_eq(memcmp(pt, pe, sizeof pt), 0);
  cr_assert(pt[0] > pt[1], "the rule concluding the goal's relation first");
  lem_pol_data_free(L, &one);
  /* the file records the model: it loads back as the linear scorer */
  char path[] = "/tmp/lemma-linear-XXXXXX";
  int fd = mkstemp(path);
  cr_assert(fd >= 0);
  close(fd);
  cr_assert_eq(lem_policy_save(L, P, path), LEM_OK, "%s", lem_errmsg(L));
  lem_policy *Q;
  cr_assert_eq(lem_policy_load(L, path, 0, &Q), LEM_OK, "%s", lem_errmsg(L));
  cr_assert_str_eq(lem_policy_kind(Q), "linear");
  float p[4], q[4];
  lem_policy_score_example(P, &test.ex[0], p);
  lem_policy_score_example(Q, &test.ex[0], q);
  cr_assert_eq(memcmp(p, q, sizeof p), 0);
  lem_policy_free(L, Q);
  FILE *f = fopen(path, "r+b");
  cr_assert_eq(ftruncate(fileno(f), 300), 0);
  fclose(f);
  cr_assert_eq(lem_policy_load(L, path, 0, &Q), LEM_ESYNTAX);
  cr_assert_null(Q);
  unlink(path);
  /* the transformer still says what it is */
  lem_policy *T = lem_policy_new(L, 1, 0);
  cr_assert_str_eq(lem_policy_kind(T), "transformer");
  lem_policy_free(L, T);
  lem_policy_free(L, P);
  lem_pol_data_free(L, &train);
  lem_pol_data_free(L, &test);
}

/* ---- the database reader ---- */

static void exec(sqlite3 *db, const char *sql) {
  char *err = NULL;
  cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &err), SQLITE_OK, "%s: %s",
               sql, err ? err : "");
}

/* A new empty database at a fresh name made from path (a mkstemp
** template), open. */
static sqlite3 *temp_db(char *path) {
  int fd = mkstemp(path);
  cr_assert(fd >= 0);
  close(fd);
  sqlite3 *db;
  cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
  return db;
}

Test(policy, reads_decisions_from_a_database) {
  char path[] = "/tmp/lemma-dec-XXXXXX";
  sqlite3 *db = temp_db(path);
  exec(db, "CREATE TABLE expressions(id INTEGER PRIMARY KEY, text TEXT);"
           "INSERT INTO expressions VALUES (1,'(p[a,b])'),"
           "(2,'(>[x](q[x])(p[x,b]))'),(3,'(>[x](p[x,b])(q[x]))'),"
           "(4,'(q[a])');");
  sqlite3_close(db);
  lem_pol_data D = {0};
  uint32_t n = 99;
  cr_assert_eq(lem_pol_data_read_db(L, &D, path, &n), LEM_EDB);
  cr_assert(strstr(lem_errmsg(L), "no decision points"), "%s", lem_errmsg(L));
  cr_assert_eq(n, 0);
  cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
  exec(db, "CREATE TABLE decisions(id INTEGER PRIMARY KEY, theorem INTEGER,"
           " kind TEXT, goal INTEGER);"
           "CREATE TABLE decision_candidates(decision INTEGER, position "
           "INTEGER, expr INTEGER, chosen INTEGER, tried INTEGER DEFAULT 1);");
  sqlite3_close(db);
  cr_assert_eq(lem_pol_data_read_db(L, &D, path, &n), LEM_EDB);
  cr_assert(strstr(lem_errmsg(L), "no usable"), "%s", lem_errmsg(L));
  cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
  exec(db, "INSERT INTO decisions VALUES (1,1,'rule',1),(2,1,'rule',4),"
           "(3,1,'rule',1);"
           "INSERT INTO decision_candidates(decision, position, expr, chosen) VALUES "
           "(1,0,2,0),(1,1,3,1),"
           "(1,2,4,0),(2,0,2,0),(2,1,3,0),(3,0,2,1),(3,1,3,0);");
  sqlite3_close(db);
  cr_assert_eq(lem_pol_data_read_db(L, &D, path, &n), LEM_OK, "%s",
               lem_errmsg(L));
  cr_assert_eq(n, 2);   /* point 2 has no chosen candidate */
  cr_assert_eq(D.n, 2);
  cr_assert_eq(D.ex[0].ncands, 3);
  cr_assert_eq(D.ex[0].positive, 1);
  cr_assert_eq(D.ex[1].positive, 0);
  cr_assert_eq(lem_pol_data_read_db(L, &D, "/nonexistent/db", &n), LEM_EDB);
  lem_pol_data_free(L, &D);
  unlink(path);
}

/* Four expressions and empty decision tables (tried defaults to 1). */
#define DEC_TABLES                                                        \
  "CREATE TABLE expressions(id INTEGER PRIMARY KEY, text TEXT);"          \
  "INSERT INTO expressions VALUES (1,'(p[a,b])'),"                        \
  "(2,'(>[x](q[x])(p[x,b]))'),(3,'(>[x](p[x,b])(q[x]))'),(4,'(q[a])');"   \
  "CREATE TABLE decisions(id INTEGER PRIMARY KEY, theorem INTEGER,"       \
  " kind TEXT, goal INTEGER);"                                            \
  "CREATE TABLE decision_candidates(decision INTEGER, position "          \
  "INTEGER, expr INTEGER, chosen INTEGER, tried INTEGER DEFAULT 1);"

/* A point with several chosen candidates (a theorem-rule point: every rule
** the proof used) gives one example per chosen one, whose other candidates
** are the ones not chosen. */
Test(policy, reads_one_example_per_chosen_rule) {
  char path[] = "/tmp/lemma-dec-XXXXXX";
  sqlite3 *db = temp_db(path);
  exec(db, DEC_TABLES
           "INSERT INTO decisions VALUES (1,1,'theorem-rule',1);"
           "INSERT INTO decision_candidates(decision, position, expr, chosen) VALUES "
           "(1,0,2,1),(1,1,3,0),"
           "(1,2,4,1),(1,3,1,0);");
  sqlite3_close(db);
  lem_pol_data D = {0};
  uint32_t n = 0;
  cr_assert_eq(lem_pol_data_read_db(L, &D, path, &n), LEM_OK, "%s",
               lem_errmsg(L));
  cr_assert_eq(n, 2);
  cr_assert_eq(D.n, 2);
  /* expr 2 among 3 and 1; expr 4 among 3 and 1, in position order */
  cr_assert_eq(D.ex[0].ncands, 3);
  cr_assert_eq(D.ex[0].positive, 0);
  cr_assert_eq(D.ex[1].ncands, 3);
  cr_assert_eq(D.ex[1].positive, 1);
  /* the negatives are the same formulas in both */
  cr_assert_eq(memcmp(&D.ex[0].cands[1], &D.ex[1].cands[0],
                      sizeof D.ex[0].cands[0]), 0);
  cr_assert_eq(memcmp(&D.ex[0].cands[2], &D.ex[1].cands[2],
                      sizeof D.ex[0].cands[0]), 0);
  lem_pol_data_free(L, &D);
  unlink(path);
}

/* At a tactic point a tactic the pass did not try is no negative: it is
** left out, so a point where only the tactic that worked was tried
** teaches nothing; at a theorem-rule point every candidate counts. */
Test(policy, an_untried_tactic_is_no_negative) {
  char path[] = "/tmp/lemma-dec-XXXXXX";
  sqlite3 *db = temp_db(path);
  exec(db, DEC_TABLES
           "INSERT INTO decisions VALUES (1,1,'tactic',1),(2,1,'tactic',1),"
           "(3,1,'induction-var',1),(4,1,'theorem-rule',1);"
           /* 1: direct failed, 3 worked, 4 untried */
           "INSERT INTO decision_candidates VALUES (1,0,1,0,1),(1,1,3,1,1),"
           "(1,2,4,0,0),"
           /* 2: the first tactic tried worked: nothing to learn */
           "(2,0,1,1,1),(2,1,3,0,0),(2,2,4,0,0),"
           /* 3: an older database's tactic point, read alike */
           "(3,0,2,0,0),(3,1,3,1,1),(3,2,4,0,1),"
           /* 4: a rule not tried is still a negative */
           "(4,0,2,1,1),(4,1,3,0,0),(4,2,4,0,1);");
  sqlite3_close(db);
  lem_pol_data D = {0};
  uint32_t n = 0;
  cr_assert_eq(lem_pol_data_read_db(L, &D, path, &n), LEM_OK, "%s",
               lem_errmsg(L));
  cr_assert_eq(n, 3, "%u examples", n);
  cr_assert_eq(D.ex[0].ncands, 2);
  cr_assert_eq(D.ex[0].positive, 1);
  cr_assert_eq(D.ex[1].ncands, 2);
  cr_assert_eq(D.ex[1].positive, 0);
  cr_assert_eq(D.ex[2].ncands, 3);
  cr_assert_eq(D.ex[2].positive, 0);
  lem_pol_data_free(L, &D);
  /* one kind only */
  cr_assert_eq(lem_pol_data_read_db_filtered(L, &D, path, NULL, "tactic", &n,
                                             NULL, NULL),
               LEM_OK, "%s", lem_errmsg(L));
  cr_assert_eq(n, 1);
  cr_assert_eq(D.ex[0].ncands, 2);
  lem_pol_data_free(L, &D);
  cr_assert_eq(lem_pol_data_read_db_filtered(L, &D, path, NULL, "theorem-rule",
                                             &n, NULL, NULL),
               LEM_OK, "%s", lem_errmsg(L));
  cr_assert_eq(n, 1);
  cr_assert_eq(D.ex[0].ncands, 3);
  lem_pol_data_free(L, &D);
  unlink(path);
}

/* ---- the leakage filter ---- */

/* Two relational forms of one equation (s(a) + b = s(a + b): the goal of
** corpus/peano, and the form and mirror lemma explore proves it in) share
** a law key; another law, or the same law over other symbols, does not. */
Test(policy, law_key_ignores_the_relational_form) {
  lem_term goal = X("(>[a,b,c,d](&(in2[a,c,s])(in3[a,b,d,+]))"
                    "(>[e](in2[d,e,s])(in3[c,b,e,+])))");
  lem_term found = X("(>[_0,_1,_2,_3](&(in3[_0,_1,_2,+])(in2[_3,_0,s]))"
                     "(>[_4](in3[_3,_1,_4,+])(in2[_4,_2,s])))");
  lem_term mirror = X("(>[_0,_1,_2,_3](&(in3[_0,_1,_2,+])(in2[_2,_3,s]))"
                      "(>[_4](in2[_0,_4,s])(in3[_4,_1,_3,+])))");
  lem_term comm = X("(>[_0,_1,_2](in3[_0,_1,_2,+])(in3[_1,_0,_2,+]))");
  lem_term other = X("(>[a,b,c,d](&(in2[a,c,s])(in3[a,b,d,*]))"
                     "(>[e](in2[d,e,s])(in3[c,b,e,*])))");
  lem_term k = lem_pol_law_key(L, goal);
  cr_assert_neq(k, LEM_NOTERM);
  cr_assert_eq(lem_pol_law_key(L, found), k);
  cr_assert_eq(lem_pol_law_key(L, mirror), k);
  cr_assert_neq(lem_pol_law_key(L, comm), k);
  cr_assert_neq(lem_pol_law_key(L, other), k);
}

/* A database with theorems, proofs and decision points: the filter drops
** the points of an excluded law (stated in another form), of a theorem
** proved from it, and of a goal that only renames its symbols (the same
** tokens), and leaves the law out of the points where it was a candidate
** not chosen; a point whose proof chose it goes whole. */
Test(policy, the_leakage_filter_drops_every_trace) {
  char path[] = "/tmp/lemma-dec-XXXXXX";
  sqlite3 *db = temp_db(path);
  exec(db,
       "CREATE TABLE expressions(id INTEGER PRIMARY KEY, text TEXT);"
       "INSERT INTO expressions VALUES"
       /* 1: the excluded law as stored; 2: a theorem proved from it;
          3: an unrelated theorem; 4, 5: axiom rules; 6: the law over
          other symbols */
       "(1,'(>[p,q,r,s](&(h[p,s])(g[r,s]))(f[p,q,r]))'),"
       "(2,'(>[x,y](k[x,y])(k[y,x]))'),(3,'(>[x](m[x])(m[x]))'),"
       "(4,'(>[x,y](f[x,y,x])(g[x,y]))'),(5,'(>[x](g[x,x])(h[x,x]))'),"
       "(6,'(>[a,b,c](f2[a,b,c])(>[d](g2[c,d])(h2[a,d])))');"
       "CREATE TABLE theorems(id INTEGER PRIMARY KEY, statement INTEGER);"
       "INSERT INTO theorems VALUES (1,1),(2,2),(3,3);"
       "CREATE TABLE steps(id INTEGER PRIMARY KEY, theorem INTEGER, rule TEXT,"
       " ref_theorem INTEGER);"
       "INSERT INTO steps VALUES (1,2,'theorem',1),(2,3,'axiom',NULL);"
       "CREATE TABLE decisions(id INTEGER PRIMARY KEY, theorem INTEGER,"
       " kind TEXT, goal INTEGER);"
       "CREATE TABLE decision_candidates(decision INTEGER, position "
       "INTEGER, expr INTEGER, chosen INTEGER, tried INTEGER DEFAULT 1);"
       "INSERT INTO decisions VALUES (1,1,'theorem-rule',1),"
       "(2,2,'theorem-rule',2),(3,3,'theorem-rule',3),(4,3,'theorem-rule',3),"
       "(5,NULL,'theorem-rule',6);"
       "INSERT INTO decision_candidates(decision, position, expr, chosen) VALUES "
           "(1,0,4,1),(1,1,5,0),"
       "(2,0,4,0),(2,1,5,1),"
       "(3,0,4,1),(3,1,1,0),(3,2,2,0),(3,3,5,0),"
       "(4,0,5,0),(4,1,1,1),"
       "(5,0,4,1),(5,1,5,0);");
  sqlite3_close(db);
  lem_pol_data D = {0};
  uint32_t n = 0, nx = 9, nc = 9;
  cr_assert_eq(lem_pol_data_read_db(L, &D, path, &n), LEM_OK, "%s",
               lem_errmsg(L));
  cr_assert_eq(n, 5);
  lem_pol_data_free(L, &D);
  lem_pol_exclude Xs = {0};
  cr_assert_eq(lem_pol_exclude_add(L, &Xs, NULL,
                                   X("(>[a,b,c](f[a,b,c])(>[d](g[c,d])"
                                     "(h[a,d])))")),
               LEM_OK);
  cr_assert_eq(lem_pol_data_read_db_filtered(L, &D, path, &Xs, NULL, &n, &nx, &nc),
               LEM_OK, "%s", lem_errmsg(L));
  cr_assert_eq(n, 1);   /* point 3 only */
  cr_assert_eq(nx, 4);  /* points 1, 2 (proved from it), 4 (chose it), 5 */
  cr_assert_eq(nc, 3);  /* 1 and 2 in point 3, 1 in point 4 */
  cr_assert_eq(D.n, 1);
  cr_assert_eq(D.ex[0].ncands, 2);  /* rules 4 and 5 */
  cr_assert_eq(D.ex[0].positive, 0);
  lem_pol_data_free(L, &D);
  lem_pol_exclude_free(L, &Xs);
  unlink(path);
}

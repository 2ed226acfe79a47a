/*
** test_store.c: the SQLite proof database.
**
** Round trip (write, load, the same proof structure and the same expression
** ids in the same context), the expression reader, every class of unusable
** file (missing, directory, empty, not SQLite, truncated, corrupt, another
** application's SQLite file, a newer schema version, read-only when
** writing), a WAL reader while a writer is open, and the kill -9 test: a
** child writing theorems is killed mid-run, and every theorem it finished
** loads and checks.  Schema version 2: a version 1 file (made with the v1
** schema text, tests/data/schema-v1.sql) is read as it is, migrated when
** opened for writing, or refused when it cannot be; theorem metadata,
** decision points, and finding a stored theorem to resume from.
*/
#include <criterion/criterion.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proofgen.h"

static pg_world W;
static char path[96];

static void setup(void) {
  cr_assert_eq(pg_build(&W), 0);
  snprintf(path, sizeof path, "/tmp/lemma-store-%d.db", (int)getpid());
  unlink(path);
}
static void rm(const char *p) {
  char b[200];
  unlink(p);
  snprintf(b, sizeof b, "%s-wal", p);
  unlink(b);
  snprintf(b, sizeof b, "%s-shm", p);
  unlink(b);
}
static void teardown(void) {
  pg_free(&W);
  chmod(path, 0644);
  rm(path);
}
TestSuite(store, .init = setup, .fini = teardown);

static void write_file(const char *p, const void *data, size_t n) {
  FILE *f = fopen(p, "wb");
  cr_assert(f);
  if (n) fwrite(data, 1, n, f);
  fclose(f);
}

/* Opening p in mode must fail with LEM_EDB and a message holding p and
** needle. */
static void refused(const char *p, lem_store_mode mode, const char *needle) {
  lem_store *S = (lem_store *)1;
  lem_err e = lem_store_open(W.L, p, mode, &S);
  cr_assert_eq(e, LEM_EDB, "opened %s", p);
  cr_assert_null(S);
  cr_assert(strstr(lem_errmsg(W.L), p), "%s", lem_errmsg(W.L));
  cr_assert(strstr(lem_errmsg(W.L), needle), "'%s' lacks '%s'",
            lem_errmsg(W.L), needle);
}

static int same_terms(const lem_term *a, const lem_term *b, uint32_t n) {
  return n == 0 || !memcmp(a, b, n * sizeof *a);
}

Test(store, round_trip) {
  cr_assert_eq(pg_write_db(&W, path), 0, "%s", lem_errmsg(W.L));
  lem_store *S;
  lem_proof *Q;
  cr_assert_eq(lem_store_open(W.L, path, LEM_STORE_READ, &S), LEM_OK);
  cr_assert_eq(lem_store_load(S, &Q), LEM_OK, "%s", lem_errmsg(W.L));
  const lem_proof *P = W.P;
  cr_assert_eq(Q->nthms, P->nthms);
  cr_assert_eq(Q->nblocks, P->nblocks);
  cr_assert_eq(Q->nsteps, P->nsteps);
  for (uint32_t i = 0; i < P->nthms; i++) {
    const lem_pthm *a = &P->thms[i], *b = &Q->thms[i];
    cr_assert_str_eq(a->name, b->name);
    cr_assert_eq(a->stmt, b->stmt, "statement ids differ");
    cr_assert(a->kind == b->kind && a->status == b->status);
    cr_assert(a->root == b->root && a->final == b->final);
    cr_assert_eq(b->dbid, i + 1);
  }
  for (uint32_t i = 0; i < P->nblocks; i++) {
    const lem_block *a = &P->blocks[i], *b = &Q->blocks[i];
    cr_assert(a->thm == b->thm && a->parent == b->parent && a->kind == b->kind);
    cr_assert(a->nconsts == b->nconsts && a->nhyps == b->nhyps);
    cr_assert(same_terms(a->consts, b->consts, a->nconsts));
    cr_assert(same_terms(a->hyps, b->hyps, a->nhyps));
  }
  for (uint32_t i = 0; i < P->nsteps; i++) {
    const lem_step *a = &P->steps[i], *b = &Q->steps[i];
    cr_assert(a->block == b->block && a->rule == b->rule, "step %u", i + 1);
    cr_assert_eq(a->concl, b->concl, "step %u conclusion", i + 1);
    cr_assert_eq(a->nprem, b->nprem);
    cr_assert(!a->nprem || !memcmp(a->prem, b->prem, a->nprem * 4));
    cr_assert_eq(a->nsubst, b->nsubst);
    cr_assert(same_terms(a->svar, b->svar, a->nsubst));
    cr_assert(same_terms(a->sval, b->sval, a->nsubst));
    cr_assert(a->nwit == b->nwit && same_terms(a->wit, b->wit, a->nwit));
    cr_assert(a->thmref == b->thmref && a->def == b->def);
    cr_assert(a->nkids == b->nkids && a->kids[0] == b->kids[0] &&
              a->kids[1] == b->kids[1]);
    cr_assert_eq(!a->query, !b->query);
    if (a->query) cr_assert_str_eq(a->query, b->query);
    if (a->answer) cr_assert_str_eq(a->answer, b->answer);
  }
  char *name, *text;
  size_t len;
  cr_assert_eq(lem_store_read_theory(S, &name, &text, &len), LEM_OK);
  cr_assert_str_eq(name, "toy");
  cr_assert_str_eq(text, pg_theory_text);
  lem_free(W.L, name, strlen(name) + 1);
  lem_free(W.L, text, len + 1);
  lem_check_result r;
  cr_assert_eq(lem_check_proof(W.L, Q, W.T, &W.ind, 0, &r), LEM_OK);
  lem_proof_free(Q);
  lem_store_close(S);
  /* expressions are stored once */
  sqlite3 *db;
  sqlite3_stmt *st;
  sqlite3_open(path, &db);
  sqlite3_prepare_v2(db, "SELECT count(*), count(DISTINCT text) FROM "
                     "expressions", -1, &st, NULL);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  cr_assert_eq(sqlite3_column_int(st, 0), sqlite3_column_int(st, 1));
  sqlite3_finalize(st);
  /* "used by": q_a is used by pq_a and q_b */
  sqlite3_prepare_v2(db, "SELECT count(*) FROM theorem_uses WHERE "
                     "used_theorem = 1", -1, &st, NULL);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  cr_assert_eq(sqlite3_column_int(st, 0), 2);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

Test(store, expression_reader) {
  static const char *const ok[] = {
      "(&(p[a])(q[b]))", "(>[x,y](r[x,y])!(p[y]))", "!(>[](p[a])!(q[a]))",
      "(>[x](>[y](r[x,y])(r[y,x]))(p[x]))", "(=[a,_c3])", "(>[a,b])", "a",
      "(p[f(a,g(b))])"};
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
    lem_term t = lem_read_expr(W.L, ok[i], strlen(ok[i]), "t");
    cr_assert_neq(t, 0, "%s: %s", ok[i], lem_errmsg(W.L));
    char *s = lem_term_str(W.L, t);
    cr_assert_str_eq(s, ok[i]);
    lem_free(W.L, s, strlen(s) + 1);
  }
  /* bound names are variables, free ones constants */
  lem_term t = lem_read_expr(W.L, "(>[x](p[x])(p[a]))", 18, "t");
  cr_assert_eq(lem_term_kind(W.L, lem_term_arg(W.L, lem_all_prem(W.L, t), 0)),
               LEM_VAR);
  cr_assert_eq(lem_term_kind(W.L, lem_term_arg(W.L, lem_all_concl(W.L, t), 0)),
               LEM_CONST);
  /* the theory reader and this one agree */
  cr_assert_eq(lem_read_expr(W.L, "(p[a])", 6, "t"),
               lem_read_formula(W.L, W.T, "(p[a])", 6, "t", 1, 1));
  static const char *const bad[] = {"", "(", "(&(p[a]))", "(p[a]", "p[a]",
                                    "(p[a])x", "!(", "(>[x](p[x]))", "(p[,])",
                                    "(p[a)"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    cr_assert_eq(lem_read_expr(W.L, bad[i], strlen(bad[i]), "t"), 0, "%s",
                 bad[i]);
  char deep[5000];
  memset(deep, '!', 3000);
  strcpy(deep + 3000, "(p[a])");
  cr_assert_eq(lem_read_expr(W.L, deep, strlen(deep), "t"), 0);
  cr_assert(strstr(lem_errmsg(W.L), "nesting"));
}

Test(store, bad_files) {
  char p2[128];
  refused(path, LEM_STORE_READ, "no such file");
  refused("/tmp", LEM_STORE_READ, "directory");
  refused("/tmp", LEM_STORE_WRITE, "directory");
  write_file(path, "", 0);
  refused(path, LEM_STORE_READ, "empty");
  write_file(path, "hello, world\n", 13);
  refused(path, LEM_STORE_READ, "not an SQLite database");
  refused(path, LEM_STORE_WRITE, "not an SQLite database");
  /* an SQLite file of another application */
  rm(path);
  sqlite3 *db;
  sqlite3_open(path, &db);
  sqlite3_exec(db, "CREATE TABLE t(x); PRAGMA application_id = 42;", 0, 0, 0);
  sqlite3_close(db);
  refused(path, LEM_STORE_READ, "not a lemma database");
  refused(path, LEM_STORE_WRITE, "not a lemma database");
  rm(path);
  sqlite3_open(path, &db);
  sqlite3_exec(db, "CREATE TABLE t(x)", 0, 0, 0);
  sqlite3_close(db);
  refused(path, LEM_STORE_WRITE, "not a lemma database");
  /* a newer schema version */
  rm(path);
  cr_assert_eq(pg_write_db(&W, path), 0);
  sqlite3_open(path, &db);
  sqlite3_exec(db, "PRAGMA user_version = 99", 0, 0, 0);
  sqlite3_close(db);
  refused(path, LEM_STORE_READ, "newer");
  refused(path, LEM_STORE_WRITE, "newer");
  /* truncated: the header survives, pages are gone */
  rm(path);
  cr_assert_eq(pg_write_db(&W, path), 0);
  struct stat sb;
  stat(path, &sb);
  cr_assert_eq(truncate(path, sb.st_size / 2 + 100), 0);
  refused(path, LEM_STORE_READ, "truncated");
  cr_assert_eq(truncate(path, sb.st_size / 2 / 4096 * 4096), 0);
  lem_store *S = NULL;
  lem_proof *P = NULL;
  lem_err e = lem_store_open(W.L, path, LEM_STORE_READ, &S);
  if (!e) e = lem_store_load(S, &P);
  cr_assert_eq(e, LEM_EDB, "a half database loaded");
  cr_assert(strstr(lem_errmsg(W.L), path));
  lem_store_close(S);
  /* corrupt: garbage over every page but the first */
  rm(path);
  cr_assert_eq(pg_write_db(&W, path), 0);
  stat(path, &sb);
  FILE *f = fopen(path, "r+b");
  srand(7);
  for (long off = 4096; off < sb.st_size; off++) {
    fseek(f, off, SEEK_SET);
    fputc(rand() & 255, f);
  }
  fclose(f);
  refused(path, LEM_STORE_READ, "corrupt");
  /* empty file: new when writing */
  write_file(path, "", 0);
  S = NULL;
  cr_assert_eq(lem_store_open(W.L, path, LEM_STORE_WRITE, &S), LEM_OK, "%s",
               lem_errmsg(W.L));
  lem_store_close(S);
  /* a directory that is not /tmp, and a missing directory */
  snprintf(p2, sizeof p2, "%s.d/x.db", path);
  refused(p2, LEM_STORE_READ, "no such file");
}

Test(store, read_only_file) {
  cr_assert_eq(pg_write_db(&W, path), 0);
  chmod(path, 0444);
  refused(path, LEM_STORE_WRITE, "read-only");
  lem_store *S;
  lem_proof *P;
  cr_assert_eq(lem_store_open(W.L, path, LEM_STORE_READ, &S), LEM_OK, "%s",
               lem_errmsg(W.L));
  cr_assert_eq(lem_store_load(S, &P), LEM_OK, "%s", lem_errmsg(W.L));
  cr_assert_eq(P->nthms, W.P->nthms);
  lem_proof_free(P);
  /* a read handle refuses to write */
  cr_assert_eq(lem_store_begin_run(S, "v", "", "toy"), LEM_EINVAL);
  lem_store_close(S);
}

Test(store, writer_contract) {
  lem_store *S;
  cr_assert_eq(lem_store_open(W.L, path, LEM_STORE_WRITE, &S), LEM_OK);
  cr_assert_eq(lem_store_write_theorem(S, W.P, 1), LEM_EINVAL); /* no run */
  cr_assert_eq(lem_store_begin_run(S, "v", "", "toy"), LEM_OK);
  cr_assert_eq(lem_store_write_theorem(S, W.P, 2), LEM_EINVAL,
               "pq_a uses q_a, which is not written yet");
  cr_assert_eq(lem_store_write_theorem(S, W.P, 1), LEM_OK);
  cr_assert_eq(lem_store_write_theorem(S, W.P, 2), LEM_OK);
  lem_store_close(S);
  /* a second run on another theory is refused */
  cr_assert_eq(lem_store_open(W.L, path, LEM_STORE_WRITE, &S), LEM_OK);
  cr_assert_eq(lem_store_begin_run(S, "v", "", "other"), LEM_EDB);
  cr_assert_eq(lem_store_begin_run(S, "v", "", "toy"), LEM_OK);
  /* WAL while the writer is open ... */
  sqlite3 *db;
  sqlite3_stmt *st;
  sqlite3_open(path, &db);
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL);
  sqlite3_step(st);
  cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "wal");
  sqlite3_finalize(st);
  sqlite3_close(db);
  lem_store_close(S);
  sqlite3_open(path, &db);
  sqlite3_prepare_v2(db, "SELECT count(*) FROM run WHERE finished IS NOT NULL",
                     -1, &st, NULL);
  sqlite3_step(st);
  cr_assert_eq(sqlite3_column_int(st, 0), 2);
  sqlite3_finalize(st);
  /* ... and a rollback journal once it closed, so that read-only readers
     leave no -wal or -shm file */
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL);
  sqlite3_step(st);
  cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "delete");
  sqlite3_finalize(st);
  sqlite3_close(db);
}

static uint32_t load_count(const char *p, int check) {
  lem_ctx *L = lem_ctx_new(NULL, NULL, 0);
  lem_theory *T;
  lem_induction ind;
  lem_store *S;
  lem_proof *P;
  cr_assert_eq(pg_theory(L, &T, &ind), 0);
  cr_assert_eq(lem_store_open(L, p, LEM_STORE_READ, &S), LEM_OK, "%s",
               lem_errmsg(L));
  cr_assert_eq(lem_store_load(S, &P), LEM_OK, "%s", lem_errmsg(L));
  uint32_t n = P->nthms;
  if (check) {
    lem_check_result r;
    cr_assert_eq(lem_check_proof(L, P, T, &ind, 0, &r), LEM_OK, "%s",
                 lem_errmsg(L));
    cr_assert_eq(r.thm_passed, n);
  }
  lem_proof_free(P);
  lem_store_close(S);
  lem_theory_free(L, T);
  lem_ctx_free(L);
  return n;
}

Test(store, wal_reader_while_writing) {
  lem_store *S;
  cr_assert_eq(lem_store_open(W.L, path, LEM_STORE_WRITE, &S), LEM_OK);
  cr_assert_eq(lem_store_begin_run(S, "v", "", "toy"), LEM_OK);
  cr_assert_eq(lem_store_write_theory(S, "toy", pg_theory_text,
                                      strlen(pg_theory_text)), LEM_OK);
  cr_assert_eq(lem_store_write_theorem(S, W.P, 1), LEM_OK);
  cr_assert_eq(load_count(path, 1), 1);
  cr_assert_eq(lem_store_write_theorem(S, W.P, 2), LEM_OK);
  cr_assert_eq(load_count(path, 1), 2);
  lem_store_close(S);
  cr_assert_eq(load_count(path, 1), 2);
}

Test(store, kill_dash_nine_mid_run) {
  pid_t pid = fork();
  cr_assert_neq(pid, -1);
  if (pid == 0) {
    /* the writer: the same proofs over and over; only those without block
    ** constants or witnesses, which must be fresh in each copy */
    static const uint32_t again[] = {1, 2, 4, 7};
    lem_store *S;
    if (lem_store_open(W.L, path, LEM_STORE_WRITE, &S) ||
        lem_store_begin_run(S, "v", "", "toy") ||
        lem_store_write_theory(S, "toy", pg_theory_text,
                               strlen(pg_theory_text)))
      _exit(3);
    for (uint32_t t = 1; t <= W.P->nthms; t++)
      if (lem_store_write_theorem(S, W.P, t)) _exit(4);
    for (int round = 0; round < 100000; round++)
      for (uint32_t k = 0; k < 4; k++)
        if (lem_store_write_theorem(S, W.P, again[k])) _exit(4);
    _exit(5);
  }
  /* wait until a good number of theorems are in, then kill it mid-run */
  struct timespec ts = {0, 10 * 1000 * 1000};
  for (int i = 0; i < 1000; i++) {
    nanosleep(&ts, NULL);
    sqlite3 *db;
    sqlite3_stmt *st;
    int n = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT count(*) FROM theorems", -1, &st,
                           NULL) == SQLITE_OK) {
      if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int(st, 0);
      sqlite3_finalize(st);
    }
    sqlite3_close(db);
    if (n >= 100) break;
  }
  kill(pid, SIGKILL);
  int status;
  waitpid(pid, &status, 0);
  cr_assert(WIFSIGNALED(status), "the writer ended by itself (%d)",
            WEXITSTATUS(status));
  uint32_t n = load_count(path, 1);
  fprintf(stderr, "kill -9: %u finished theorems load and check\n", n);
  cr_assert_geq(n, 100);
}

/* ---- schema version 2 ---- */

static sqlite3_int64 sql_int(const char *p, const char *sql) {
  sqlite3 *db;
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_open(p, &db), SQLITE_OK);
  cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s",
               sql, sqlite3_errmsg(db));
  sqlite3_int64 v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0)
                                                   : -1;
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

static char *slurp(const char *p) {
  FILE *f = fopen(p, "rb");
  cr_assert(f, "cannot read %s", p);
  static char buf[16384];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  return buf;
}

/* A version 1 file at dst, made with the version 1 schema text
** (tests/data/schema-v1.sql) and the rows of a fresh database of W. */
static void make_v1(const char *dst) {
  char fresh[128];
  snprintf(fresh, sizeof fresh, "%s-new.db", dst);
  cr_assert_eq(pg_write_db(&W, fresh), 0, "%s", lem_errmsg(W.L));
  rm(dst);
  sqlite3 *db;
  cr_assert_eq(sqlite3_open(dst, &db), SQLITE_OK);
  char *err = NULL;
  cr_assert_eq(sqlite3_exec(db, slurp(TOP_SRCDIR "/tests/data/schema-v1.sql"),
                            0, 0, &err), SQLITE_OK, "%s", err);
  char sql[2048];
  snprintf(sql, sizeof sql, "ATTACH '%s' AS n;"
           "INSERT INTO run SELECT * FROM n.run;"
           "INSERT INTO theory SELECT * FROM n.theory;"
           "INSERT INTO expressions SELECT * FROM n.expressions;"
           "INSERT INTO theorems SELECT id, run, name, statement, kind, status,"
           " root_block, final_step FROM n.theorems;"
           "INSERT INTO blocks SELECT * FROM n.blocks;"
           "INSERT INTO block_consts SELECT * FROM n.block_consts;"
           "INSERT INTO block_hyps SELECT * FROM n.block_hyps;"
           "INSERT INTO steps SELECT * FROM n.steps;"
           "INSERT INTO step_premises SELECT * FROM n.step_premises;"
           "INSERT INTO step_subst SELECT * FROM n.step_subst;"
           "INSERT INTO step_witnesses SELECT * FROM n.step_witnesses;"
           "INSERT INTO step_children SELECT * FROM n.step_children;"
           "INSERT INTO smt SELECT * FROM n.smt; DETACH n;"
           "PRAGMA application_id = %d; PRAGMA user_version = 1;", fresh,
           LEM_STORE_APP_ID);
  cr_assert_eq(sqlite3_exec(db, sql, 0, 0, &err), SQLITE_OK, "%s", err);
  sqlite3_close(db);
  rm(fresh);
}

Test(store, migrate_v1) {
  make_v1(path);
  cr_assert_eq(sql_int(path, "PRAGMA user_version"), 1);
  /* read as it is: it loads, checks, and has no v2 data */
  cr_assert_eq(load_count(path, 1), W.P->nthms);
  lem_store *S;
  lem_thm_meta m;
  lem_decision *d;
  uint32_t nd;
  cr_assert_eq(lem_store_open(W.L, path, LEM_STORE_READ, &S), LEM_OK);
  cr_assert_eq(lem_store_read_meta(S, 1, &m), LEM_OK, "%s", lem_errmsg(W.L));
  cr_assert(m.essential == -1 && !m.has_batch && !m.nsup);
  cr_assert_eq(lem_store_read_decisions(S, 0, &d, &nd), LEM_OK);
  cr_assert_eq(nd, 0);
  lem_store_close(S);
  cr_assert_eq(sql_int(path, "PRAGMA user_version"), 1, "reading migrated");
  /* opened for writing: migrated in place, and still replays */
  cr_assert_eq(lem_store_open(W.L, path, LEM_STORE_WRITE, &S), LEM_OK, "%s",
               lem_errmsg(W.L));
  cr_assert_eq(lem_store_set_essential(S, 1, 1), LEM_OK, "%s",
               lem_errmsg(W.L));
  lem_store_close(S);
  cr_assert_eq(sql_int(path, "PRAGMA user_version"), LEM_STORE_VERSION);
  cr_assert_eq(sql_int(path, "SELECT count(*) FROM decision_candidates"), 0);
  cr_assert_eq(sql_int(path, "SELECT essential FROM theorems WHERE id = 1"),
               1);
  cr_assert_eq(load_count(path, 1), W.P->nthms);
}

Test(store, migrate_v1_refused) {
  make_v1(path);
  /* a v1 file that already has a table v2 adds cannot be migrated */
  sqlite3 *db;
  cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
  cr_assert_eq(sqlite3_exec(db, "CREATE TABLE decisions(x)", 0, 0, 0),
               SQLITE_OK);
  sqlite3_close(db);
  refused(path, LEM_STORE_WRITE, "cannot migrate schema version 1");
  cr_assert_eq(sql_int(path, "PRAGMA user_version"), 1, "half migrated");
  cr_assert_eq(sql_int(path, "SELECT count(*) FROM pragma_table_info("
                       "'theorems') WHERE name = 'batch'"), 0);
  cr_assert_eq(load_count(path, 1), W.P->nthms); /* still readable */
}

Test(store, theorem_metadata) {
  cr_assert_eq(pg_write_db(&W, path), 0, "%s", lem_errmsg(W.L));
  lem_store *S;
  cr_assert_eq(lem_store_open(W.L, path, LEM_STORE_WRITE, &S), LEM_OK);
  cr_assert_eq(lem_store_set_batch(S, 1, 3), LEM_OK);
  cr_assert_eq(lem_store_set_batch(S, 999, 3), LEM_EINVAL);
  cr_assert_eq(lem_store_set_essential(S, 1, 1), LEM_OK);
  cr_assert_eq(lem_store_set_essential(S, 3, 1), LEM_OK);
  cr_assert_eq(lem_store_set_essential(S, 2, 0), LEM_OK);
  uint32_t sup[2] = {3, 1}, bad[1] = {2};
  cr_assert_eq(lem_store_write_support(S, 2, 1, bad), LEM_EINVAL,
               "a non-essential supporter");
  cr_assert_eq(lem_store_write_support(S, 1, 1, sup), LEM_EINVAL,
               "an essential theorem with supporters");
  cr_assert_eq(lem_store_write_support(S, 2, 2, sup), LEM_OK, "%s",
               lem_errmsg(W.L));
  lem_thm_meta m;
  cr_assert_eq(lem_store_read_meta(S, 2, &m), LEM_OK);
  cr_assert(!m.has_batch && m.essential == 0);
  cr_assert_eq(m.nsup, 2);
  cr_assert(m.sup[0] == 3 && m.sup[1] == 1);
  lem_store_meta_free(W.L, &m);
  /* replacing the list */
  cr_assert_eq(lem_store_write_support(S, 2, 1, sup + 1), LEM_OK);
  cr_assert_eq(lem_store_read_meta(S, 2, &m), LEM_OK);
  cr_assert(m.nsup == 1 && m.sup[0] == 1);
  lem_store_meta_free(W.L, &m);
  cr_assert_eq(lem_store_read_meta(S, 1, &m), LEM_OK);
  cr_assert(m.has_batch && m.batch == 3 && m.essential == 1 && !m.nsup);
  lem_store_close(S);
  cr_assert_eq(sql_int(path, "SELECT count(*) FROM theorem_support WHERE "
                       "supporter = 1"), 1);
  /* read-only handles cannot write */
  cr_assert_eq(lem_store_open(W.L, path, LEM_STORE_READ, &S), LEM_OK);
  cr_assert_eq(lem_store_set_batch(S, 1, 4), LEM_EINVAL);
  lem_store_close(S);
}

Test(store, decisions) {
  lem_store *S;
  cr_assert_eq(lem_store_open(W.L, path, LEM_STORE_WRITE, &S), LEM_OK);
  cr_assert_eq(lem_store_begin_run(S, "v", "", "toy"), LEM_OK);
  lem_term g = W.P->thms[0].stmt, e1 = pg_expr(&W, "(q[a])");
  lem_candidate c[3] = {{e1, "x", 1, 0, 0}, {0, "y", 1, 1, 1},
                        {0, NULL, 0, 0, 0}};
  uint32_t root = W.P->thms[0].root;
  lem_decision d[2] = {{0, 0, root, "induction-var", g, 3, c},
                       {0, 0, 0, "smt", e1, 0, NULL}};
  /* a bad kind or a foreign block: nothing of the theorem is written */
  d[1].kind = "guess";
  cr_assert_eq(lem_store_write_theorem_decisions(S, W.P, 1, d, 2),
               LEM_EINVAL);
  d[1].kind = "smt";
  d[1].block = W.P->thms[1].root;
  cr_assert_eq(lem_store_write_theorem_decisions(S, W.P, 1, d, 2),
               LEM_EINVAL);
  cr_assert_eq(lem_store_theorem_dbid(S, 1), 0);
  d[1].block = 0;
  cr_assert_eq(lem_store_write_theorem_decisions(S, W.P, 1, d, 2), LEM_OK,
               "%s", lem_errmsg(W.L));
  for (uint32_t t = 2; t <= W.P->nthms; t++)
    cr_assert_eq(lem_store_write_theorem(S, W.P, t), LEM_OK);
  uint32_t t1 = lem_store_theorem_dbid(S, 1);
  cr_assert_eq(t1, 1);
  lem_store_close(S);
  cr_assert_eq(sql_int(path, "SELECT count(*) FROM theorems"), W.P->nthms);
  cr_assert_eq(load_count(path, 1), W.P->nthms);

  cr_assert_eq(lem_store_open(W.L, path, LEM_STORE_READ, &S), LEM_OK);
  lem_decision *r;
  uint32_t n;
  cr_assert_eq(lem_store_read_decisions(S, 0, &r, &n), LEM_OK, "%s",
               lem_errmsg(W.L));
  cr_assert_eq(n, 2);
  cr_assert_str_eq(r[0].kind, "induction-var");
  cr_assert(r[0].thm == t1 && r[0].block != 0 && r[0].goal == g);
  cr_assert_eq(r[0].ncand, 3);
  cr_assert(r[0].cand[0].expr == e1 && !strcmp(r[0].cand[0].label, "x"));
  cr_assert(r[0].cand[0].tried && !r[0].cand[0].chosen);
  cr_assert(!r[0].cand[1].expr && r[0].cand[1].chosen &&
            r[0].cand[1].on_proof);
  cr_assert_str_eq(r[0].cand[2].label, "");
  cr_assert(!r[0].cand[2].tried);
  cr_assert(r[1].block == 0 && r[1].ncand == 0 && r[1].goal == e1);
  lem_store_decisions_free(W.L, r, n);
  cr_assert_eq(lem_store_read_decisions(S, 2, &r, &n), LEM_OK);
  cr_assert(n == 0 && !r);
  lem_store_close(S);
}

Test(store, find_and_reuse) {
  cr_assert_eq(pg_write_db(&W, path), 0, "%s", lem_errmsg(W.L));
  lem_store *S;
  uint32_t id;
  lem_term st;
  cr_assert_eq(lem_store_open(W.L, path, LEM_STORE_WRITE, &S), LEM_OK);
  for (uint32_t t = 1; t <= W.P->nthms; t++) {
    if (W.P->thms[t - 1].status != LEM_TS_PROVED) continue;
    cr_assert_eq(lem_store_find_proved(S, W.P->thms[t - 1].stmt, &id, &st),
                 LEM_OK);
    cr_assert(id && id <= t, "theorem %u not found", t);
    cr_assert_eq(st, W.P->thms[id - 1].stmt);
  }
  /* the same statement up to the names of its variables */
  lem_term v = pg_expr(&W, "(>[zz](p[zz])(t[zz]))");
  cr_assert_eq(lem_store_find_proved(S, v, &id, &st), LEM_OK);
  cr_assert_eq(id, 3, "p_implies_t under another variable name");
  cr_assert_eq(st, pg_expr(&W, "(>[x](p[x])(t[x]))"), "the stored statement");
  cr_assert_neq(st, v);
  cr_assert_eq(lem_store_find_proved(S, pg_expr(&W, "(r[a,a,a])"), &id, &st),
               LEM_OK);
  cr_assert(!id && !st);
  cr_assert_eq(lem_store_reuse_theorem(S, 5, 999), LEM_EINVAL);
  cr_assert_eq(lem_store_reuse_theorem(S, 5, 1), LEM_OK);
  cr_assert_eq(lem_store_theorem_dbid(S, 5), 1);
  lem_store_close(S);
}

/*
** store.c: the SQLite proof database (see store.h; schema in man/lemma-db.5).
**
** Layout of this file: the plain MPL expression reader (lem_read_expr), then
** opening (with the checks that turn every kind of unusable file into a
** LEM_EDB message), the writer (one transaction per theorem), and the
** loader.  All SQL uses prepared statements with bound parameters.
*/
#include "store.h"
#include "canon.h"
#include "map.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- the plain expression reader ---- */

typedef struct rd {
  lem_ctx *L;
  const char *s, *fname;
  size_t len, pos;
  lem_sym *bound;          /* names bound by enclosing quantifiers */
  uint32_t nbound, cbound;
  int depth;
} rd;

static int namechar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || (c && strchr("_+*-/^<>=~'.|%$:?", c));
}

static void skipws(rd *r) {
  while (r->pos < r->len && strchr(" \t\r\n", r->s[r->pos]) && r->s[r->pos])
    r->pos++;
}

static int peek(rd *r) {
  skipws(r);
  return r->pos < r->len ? (unsigned char)r->s[r->pos] : -1;
}

static lem_term rerr(rd *r, const char *what) {
  lem_error(r->L, LEM_ESYNTAX, "%s: offset %zu: expected %s", r->fname,
            r->pos, what);
  return 0;
}

static int eat(rd *r, int ch) {
  if (peek(r) != ch) return 0;
  r->pos++;
  return 1;
}

static lem_sym name(rd *r) {
  skipws(r);
  size_t b = r->pos;
  while (r->pos < r->len && namechar((unsigned char)r->s[r->pos])) r->pos++;
  if (r->pos == b) return rerr(r, "a name"), LEM_NOSYM;
  return lem_sym_intern(r->L, r->s + b, r->pos - b);
}

static lem_term expr(rd *r);

/* A name used as an argument: a bound variable, a constant, or f(args). */
static lem_term arg(rd *r) {
  lem_sym y = name(r);
  if (!y) return 0;
  if (peek(r) == '(') {
    r->pos++;
    lem_term a[64];
    uint32_t n = 0;
    if (++r->depth > 1000) return rerr(r, "less nesting");
    do {
      if (n == 64) return rerr(r, "at most 64 function arguments");
      if (!(a[n++] = arg(r))) return 0;
    } while (eat(r, ','));
    r->depth--;
    return eat(r, ')') ? lem_mk_app(r->L, y, n, a) : rerr(r, "')'");
  }
  for (uint32_t i = r->nbound; i-- > 0;)
    if (r->bound[i] == y) return lem_mk_var(r->L, y, 0);
  return lem_mk_const(r->L, y);
}

/* "[a,b,...]" into *out (grown through L); names only when as_vars. */
static int list(rd *r, lem_term **out, uint32_t *n, uint32_t *cap,
                lem_sym *syms, int as_vars) {
  if (!eat(r, '[')) return rerr(r, "'['"), 0;
  *n = 0;
  if (eat(r, ']')) return 1;
  do {
    if (LEM_GROW(r->L, *out, *cap, *n + 1)) return 0;
    if (*n >= LEM_MAXARGS) return rerr(r, "fewer arguments"), 0;
    if (as_vars) {
      lem_sym y = name(r);
      if (!y || !(syms[0] = y) ||
          !((*out)[*n] = lem_mk_var(r->L, y, 0)))
        return 0;
      if (LEM_GROW(r->L, r->bound, r->cbound, r->nbound + 1)) return 0;
      r->bound[r->nbound++] = y;
    } else if (!((*out)[*n] = arg(r))) {
      return 0;
    }
    (*n)++;
  } while (eat(r, ','));
  return eat(r, ']') ? 1 : (rerr(r, "',' or ']'"), 0);
}

/* After "(name": an atom "(name[args])" or, for ">", "(>[vars](A)(B))". */
static lem_term atom_or_all(rd *r, lem_sym y) {
  lem_ctx *L = r->L;
  lem_term *a = NULL, out = 0;
  uint32_t n = 0, cap = 0, mark = r->nbound;
  lem_sym dummy;
  int is_all = lem_sym_len(L, y) == 1 && lem_sym_name(L, y)[0] == '>';
  if (is_all) { /* decide by what follows the list */
    size_t save = r->pos;
    if (list(r, &a, &n, &cap, &dummy, 0)) is_all = peek(r) != ')';
    r->pos = save;
    lem_clear_error(L);
  }
  if (list(r, &a, &n, &cap, &dummy, is_all)) {
    if (!is_all) {
      out = eat(r, ')') ? lem_mk_rel(L, y, n, a) : rerr(r, "')'");
    } else {
      lem_term p = expr(r), q = p ? expr(r) : 0;
      if (q) out = eat(r, ')') ? lem_mk_all(L, n, a, p, q) : rerr(r, "')'");
    }
  }
  r->nbound = mark;
  lem_free(L, a, (size_t)cap * sizeof *a);
  return out;
}

static lem_term expr(rd *r) {
  lem_term out = 0;
  if (++r->depth > 1000) return rerr(r, "less nesting (at most 1000)");
  int c = peek(r);
  if (c == '!') {
    r->pos++;
    lem_term a = expr(r);
    out = a ? lem_mk_not(r->L, a) : 0;
  } else if (c == '(') {
    r->pos++;
    c = peek(r);
    if (c == '&') {
      r->pos++;
      lem_term a = expr(r), b = a ? expr(r) : 0;
      if (b) out = eat(r, ')') ? lem_mk_and(r->L, a, b) : rerr(r, "')'");
    } else if (c == '(' || c == '!') { /* redundant parentheses */
      lem_term a = expr(r);
      if (a) out = eat(r, ')') ? a : rerr(r, "')'");
    } else {
      lem_sym y = name(r);
      if (y) out = atom_or_all(r, y);
    }
  } else {
    rerr(r, "'(' or '!'");
  }
  r->depth--;
  return out;
}

lem_term lem_read_expr(lem_ctx *L, const char *text, size_t len,
                       const char *fname) {
  rd r = {.L = L, .s = text, .len = len, .fname = fname ? fname : "(text)"};
  int c = peek(&r);
  lem_term t = c >= 0 && namechar((unsigned char)c) ? arg(&r) : expr(&r);
  if (t && peek(&r) != -1) t = rerr(&r, "the end of the expression");
  lem_free(L, r.bound, (size_t)r.cbound * sizeof *r.bound);
  return t;
}

/* ---- the handle and opening ---- */

#define SC_MAX 64 /* prepared statements kept */

struct lem_store {
  lem_ctx *L;
  sqlite3 *db;
  char *path;
  lem_store_mode mode;
  int version;              /* the file's schema version (user_version) */
  sqlite3_int64 run;        /* the run begun through this handle, or 0 */
  sqlite3_int64 *thmmap;    /* proof theorem id -> database id, 0 unwritten */
  uint32_t cthmmap;
  /* Prepared statements, kept for reuse (keyed by their SQL text) instead
  ** of being prepared once per row; finalized by lem_store_close. */
  struct { const char *sql; sqlite3_stmt *st; } sc[SC_MAX];
  uint32_t nsc;
  lem_map exprs;            /* term -> expressions.id written or seen; cleared
                               when a transaction rolls back */
};

/* The prepared statement for sql, reset with its bindings cleared; NULL
** (error left to the caller) if it cannot be prepared. */
static sqlite3_stmt *stmt(lem_store *S, const char *sql) {
  uint32_t i = 0;
  while (i < S->nsc && S->sc[i].sql != sql) i++; /* callers pass literals */
  if (i == S->nsc)
    for (i = 0; i < S->nsc && strcmp(S->sc[i].sql, sql);) i++;
  if (i < S->nsc) {
    sqlite3_reset(S->sc[i].st);
    sqlite3_clear_bindings(S->sc[i].st);
    return S->sc[i].st;
  }
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(S->db, sql, -1, &st, NULL) != SQLITE_OK) {
    sqlite3_finalize(st);
    return NULL;
  }
  i = S->nsc < SC_MAX ? S->nsc++ : SC_MAX - 1; /* full: replace the last */
  if (i == SC_MAX - 1 && S->sc[i].st) sqlite3_finalize(S->sc[i].st);
  S->sc[i].sql = sql;
  S->sc[i].st = st;
  return st;
}

static void stmts_free(lem_store *S) {
  for (uint32_t i = 0; i < S->nsc; i++) sqlite3_finalize(S->sc[i].st);
  S->nsc = 0;
}

/* The schema of a new database (version LEM_STORE_VERSION): the tables of
** version 1, with the ordered lists as WITHOUT ROWID tables (one b-tree
** each, which makes a theorem's commit cheaper) and the theorem metadata
** columns of version 2, then v2_sql. */
static const char schema_sql[] =
    "CREATE TABLE run(id INTEGER PRIMARY KEY, tool_version TEXT NOT NULL,"
    " options TEXT NOT NULL, theory_hash TEXT NOT NULL,"
    " started TEXT NOT NULL, finished TEXT);\n"
    "CREATE TABLE theory(id INTEGER PRIMARY KEY,"
    " run INTEGER NOT NULL REFERENCES run(id), name TEXT NOT NULL,"
    " manifest TEXT NOT NULL);\n"
    "CREATE TABLE expressions(id INTEGER PRIMARY KEY,"
    " text TEXT NOT NULL UNIQUE);\n"
    "CREATE TABLE theorems(id INTEGER PRIMARY KEY,"
    " run INTEGER NOT NULL REFERENCES run(id), name TEXT NOT NULL,"
    " statement INTEGER NOT NULL REFERENCES expressions(id),"
    " kind TEXT NOT NULL, status TEXT NOT NULL,"
    " root_block INTEGER REFERENCES blocks(id),"
    " final_step INTEGER REFERENCES steps(id),"
    " batch INTEGER, essential INTEGER);\n"
    "CREATE TABLE blocks(id INTEGER PRIMARY KEY,"
    " theorem INTEGER NOT NULL REFERENCES theorems(id),"
    " parent INTEGER REFERENCES blocks(id), kind TEXT NOT NULL);\n"
    "CREATE TABLE block_consts(block INTEGER NOT NULL REFERENCES blocks(id),"
    " position INTEGER NOT NULL,"
    " expr INTEGER NOT NULL REFERENCES expressions(id),"
    " PRIMARY KEY(block, position)) WITHOUT ROWID;\n"
    "CREATE TABLE block_hyps(block INTEGER NOT NULL REFERENCES blocks(id),"
    " position INTEGER NOT NULL,"
    " expr INTEGER NOT NULL REFERENCES expressions(id),"
    " PRIMARY KEY(block, position)) WITHOUT ROWID;\n"
    "CREATE TABLE steps(id INTEGER PRIMARY KEY,"
    " theorem INTEGER NOT NULL REFERENCES theorems(id),"
    " block INTEGER NOT NULL REFERENCES blocks(id), rule TEXT NOT NULL,"
    " conclusion INTEGER NOT NULL REFERENCES expressions(id),"
    " ref_theorem INTEGER REFERENCES theorems(id), definition TEXT);\n"
    "CREATE TABLE step_premises(step INTEGER NOT NULL REFERENCES steps(id),"
    " position INTEGER NOT NULL,"
    " premise INTEGER NOT NULL REFERENCES steps(id),"
    " PRIMARY KEY(step, position)) WITHOUT ROWID;\n"
    "CREATE TABLE step_subst(step INTEGER NOT NULL REFERENCES steps(id),"
    " position INTEGER NOT NULL, var TEXT NOT NULL,"
    " value INTEGER NOT NULL REFERENCES expressions(id),"
    " PRIMARY KEY(step, position)) WITHOUT ROWID;\n"
    "CREATE TABLE step_witnesses(step INTEGER NOT NULL REFERENCES steps(id),"
    " position INTEGER NOT NULL,"
    " witness INTEGER NOT NULL REFERENCES expressions(id),"
    " PRIMARY KEY(step, position)) WITHOUT ROWID;\n"
    "CREATE TABLE step_children(step INTEGER NOT NULL REFERENCES steps(id),"
    " position INTEGER NOT NULL,"
    " block INTEGER NOT NULL REFERENCES blocks(id),"
    " PRIMARY KEY(step, position)) WITHOUT ROWID;\n"
    "CREATE TABLE smt(step INTEGER PRIMARY KEY REFERENCES steps(id),"
    " query TEXT NOT NULL, answer TEXT NOT NULL);\n"
    "CREATE INDEX step_premises_by_premise ON step_premises(premise);\n"
    "CREATE INDEX steps_by_theorem ON steps(theorem);\n"
    "CREATE INDEX steps_by_ref ON steps(ref_theorem)"
    " WHERE ref_theorem IS NOT NULL;\n"
    "CREATE INDEX blocks_by_theorem ON blocks(theorem);\n"
    "CREATE VIEW theorem_uses(theorem, used_theorem) AS"
    " SELECT DISTINCT theorem, ref_theorem FROM steps"
    " WHERE rule = 'theorem';\n";

/* What version 2 adds: how non-essential theorems follow from essential
** ones (theory exploration), and the decision points of the search with
** their candidates (training a policy).  Shared by new databases and the
** migration from version 1. */
static const char v2_sql[] =
    "CREATE TABLE theorem_support("
    " theorem INTEGER NOT NULL REFERENCES theorems(id),"
    " position INTEGER NOT NULL,"
    " supporter INTEGER NOT NULL REFERENCES theorems(id),"
    " PRIMARY KEY(theorem, position)) WITHOUT ROWID;\n"
    "CREATE INDEX theorem_support_by_supporter"
    " ON theorem_support(supporter);\n"
    "CREATE TABLE decisions(id INTEGER PRIMARY KEY,"
    " theorem INTEGER NOT NULL REFERENCES theorems(id),"
    " block INTEGER REFERENCES blocks(id), kind TEXT NOT NULL,"
    " goal INTEGER NOT NULL REFERENCES expressions(id));\n"
    "CREATE INDEX decisions_by_theorem ON decisions(theorem);\n"
    "CREATE TABLE decision_candidates("
    " decision INTEGER NOT NULL REFERENCES decisions(id),"
    " position INTEGER NOT NULL,"
    " expr INTEGER REFERENCES expressions(id), label TEXT NOT NULL,"
    " tried INTEGER NOT NULL, chosen INTEGER NOT NULL,"
    " on_proof INTEGER NOT NULL,"
    " PRIMARY KEY(decision, position)) WITHOUT ROWID;\n";

/* Version 1 to 2, in place: the metadata columns, then v2_sql. */
static const char migrate_v1_sql[] =
    "ALTER TABLE theorems ADD COLUMN batch INTEGER;\n"
    "ALTER TABLE theorems ADD COLUMN essential INTEGER;\n";

static lem_err dberr(lem_store *S, const char *what) {
  int rc = S->db ? sqlite3_errcode(S->db) & 0xff : 0;
  if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB) what = "database is corrupt";
  return lem_error(S->L, LEM_EDB, "%s: %s: %s", S->path, what,
                   S->db ? sqlite3_errmsg(S->db) : "cannot open");
}

static lem_err exec(lem_store *S, const char *sql) {
  return sqlite3_exec(S->db, sql, NULL, NULL, NULL) == SQLITE_OK
             ? LEM_OK : dberr(S, "cannot execute statement");
}

/* One integer from a query with no parameters (e.g. a pragma). */
static lem_err query_int(lem_store *S, const char *sql, sqlite3_int64 *v) {
  sqlite3_stmt *st = NULL;
  *v = 0;
  if (sqlite3_prepare_v2(S->db, sql, -1, &st, NULL) != SQLITE_OK)
    return dberr(S, "cannot read the database");
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) *v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? LEM_OK
                                               : dberr(S, "cannot read");
}

static lem_err create_schema(lem_store *S) {
  char pragmas[128];
  snprintf(pragmas, sizeof pragmas,
           "PRAGMA application_id = %d; PRAGMA user_version = %d;",
           LEM_STORE_APP_ID, LEM_STORE_VERSION);
  lem_err e = exec(S, "BEGIN IMMEDIATE");
  if (!e) e = exec(S, schema_sql);
  if (!e) e = exec(S, v2_sql);
  if (!e) e = exec(S, pragmas);
  if (!e) return exec(S, "COMMIT");
  sqlite3_exec(S->db, "ROLLBACK", NULL, NULL, NULL);
  return e;
}

/* Bring a version 1 database to version 2 in one transaction (WRITE
** mode); a failure leaves it at version 1. */
static lem_err migrate(lem_store *S) {
  char pragma[64];
  snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d;",
           LEM_STORE_VERSION);
  lem_err e = exec(S, "BEGIN IMMEDIATE");
  if (!e) e = exec(S, migrate_v1_sql);
  if (!e) e = exec(S, v2_sql);
  if (!e) e = exec(S, pragma);
  if (!e && !(e = exec(S, "COMMIT"))) return LEM_OK;
  sqlite3_exec(S->db, "ROLLBACK", NULL, NULL, NULL);
  return lem_error(S->L, LEM_EDB, "%s: cannot migrate schema version 1 to "
                   "%d: %s", S->path, LEM_STORE_VERSION, S->L->errmsg);
}

/* Checks made on the file before SQLite sees it. */
static lem_err precheck(lem_ctx *L, const char *path, lem_store_mode mode,
                        int *fresh) {
  struct stat sb;
  *fresh = 0;
  if (stat(path, &sb) != 0) {
    if (mode == LEM_STORE_WRITE) return *fresh = 1, LEM_OK;
    return lem_error(L, LEM_EDB, "%s: no such file", path);
  }
  if (S_ISDIR(sb.st_mode))
    return lem_error(L, LEM_EDB, "%s: is a directory, not a lemma database",
                     path);
  if (!S_ISREG(sb.st_mode))
    return lem_error(L, LEM_EDB, "%s: not a regular file", path);
  if (mode == LEM_STORE_WRITE &&
      (access(path, W_OK) != 0 || !(sb.st_mode & 0222)))
    return lem_error(L, LEM_EDB, "%s: is read-only; cannot write proofs",
                     path);
  if (sb.st_size == 0) {
    if (mode == LEM_STORE_WRITE) return *fresh = 1, LEM_OK;
    return lem_error(L, LEM_EDB, "%s: empty file, not a lemma database", path);
  }
  char head[16] = {0};
  FILE *f = fopen(path, "rb");
  size_t got = f ? fread(head, 1, sizeof head, f) : 0;
  if (f) fclose(f);
  if (!f) return lem_error(L, LEM_EDB, "%s: cannot read the file", path);
  if (got < sizeof head || memcmp(head, "SQLite format 3", 16) != 0)
    return lem_error(L, LEM_EDB, "%s: not an SQLite database", path);
  if (sb.st_size < 512 || sb.st_size % 512)
    return lem_error(L, LEM_EDB, "%s: truncated SQLite database (%lld bytes)",
                     path, (long long)sb.st_size);
  return LEM_OK;
}

static lem_err check_identity(lem_store *S, int fresh) {
  sqlite3_int64 app, ver, ntab, ok;
  lem_err e;
  if ((e = query_int(S, "PRAGMA application_id", &app)) ||
      (e = query_int(S, "PRAGMA user_version", &ver)) ||
      (e = query_int(S, "SELECT count(*) FROM sqlite_master", &ntab)))
    return e;
  if (app == 0 && ver == 0 && ntab == 0 && (fresh || S->mode == LEM_STORE_WRITE))
    return S->mode == LEM_STORE_WRITE ? (S->version = LEM_STORE_VERSION,
                                         create_schema(S))
                                      : lem_error(S->L, LEM_EDB,
                                                  "%s: empty database", S->path);
  if (app != LEM_STORE_APP_ID)
    return lem_error(S->L, LEM_EDB,
                     "%s: not a lemma database (SQLite application_id %lld)",
                     S->path, (long long)app);
  if (ver > LEM_STORE_VERSION)
    return lem_error(S->L, LEM_EDB,
                     "%s: written by a newer lemma (schema version %lld; "
                     "this lemma reads version %d)",
                     S->path, (long long)ver, LEM_STORE_VERSION);
  if (ver < 1)
    return lem_error(S->L, LEM_EDB, "%s: unknown schema version %lld",
                     S->path, (long long)ver);
  S->version = (int)ver;
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(S->db, "PRAGMA quick_check(1)", -1, &st, NULL))
    return dberr(S, "database is corrupt");
  const unsigned char *txt =
      sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
  ok = txt && !strcmp((const char *)txt, "ok");
  if (!ok)
    e = lem_error(S->L, LEM_EDB, "%s: database is corrupt: %s", S->path,
                  txt ? (const char *)txt : sqlite3_errmsg(S->db));
  sqlite3_finalize(st);
  /* an older file is migrated when opened for writing; read as it is */
  if (!e && S->version < LEM_STORE_VERSION && S->mode == LEM_STORE_WRITE &&
      !(e = migrate(S)))
    S->version = LEM_STORE_VERSION;
  return e;
}

lem_err lem_store_open(lem_ctx *L, const char *path, lem_store_mode mode,
                       lem_store **out) {
  *out = NULL;
  int fresh;
  lem_err e = precheck(L, path, mode, &fresh);
  if (e) return e;
  lem_store *S = lem_calloc(L, sizeof *S);
  if (!S) return LEM_ENOMEM;
  S->L = L;
  S->mode = mode;
  if (!(S->path = lem_strndup(L, path, strlen(path)))) {
    lem_free(L, S, sizeof *S);
    return LEM_ENOMEM;
  }
  /* a handle is used by one thread at a time: no SQLite mutexes */
  int flags = SQLITE_OPEN_NOMUTEX |
              (mode == LEM_STORE_WRITE ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                       : SQLITE_OPEN_READONLY);
  if (sqlite3_open_v2(path, &S->db, flags, NULL) != SQLITE_OK) {
    e = dberr(S, "cannot open");
  } else {
    sqlite3_extended_result_codes(S->db, 1);
    sqlite3_busy_timeout(S->db, 5000);
    if (mode == LEM_STORE_WRITE && sqlite3_db_readonly(S->db, "main") == 1)
      e = lem_error(L, LEM_EDB, "%s: is read-only; cannot write proofs", path);
    if (!e) e = check_identity(S, fresh);
    if (!e && mode == LEM_STORE_WRITE)
      e = exec(S, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
                   "PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 16384;");
  }
  if (e) {
    lem_err keep = L->err;
    char msg[sizeof L->errmsg];
    memcpy(msg, L->errmsg, sizeof msg);
    S->run = 0;
    lem_store_close(S);
    L->err = keep;
    memcpy(L->errmsg, msg, sizeof msg);
    return e;
  }
  *out = S;
  return LEM_OK;
}

static void now_text(char *buf, size_t n) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void lem_store_close(lem_store *S) {
  if (!S) return;
  if (S->run && S->db) {
    sqlite3_stmt *st = NULL;
    char ts[32];
    now_text(ts, sizeof ts);
    if (sqlite3_prepare_v2(S->db, "UPDATE run SET finished = ? WHERE id = ?",
                           -1, &st, NULL) == SQLITE_OK) {
      sqlite3_bind_text(st, 1, ts, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(st, 2, S->run);
      sqlite3_step(st);
    }
    sqlite3_finalize(st);
  }
  stmts_free(S);
  /* back to a rollback journal, so that a reader (lemma replay, train:
     read-only connections, which may not remove a WAL's -wal and -shm
     files) leaves none behind; with another connection still open this
     fails, harmlessly: the database stays in WAL mode */
  if (S->db && S->mode == LEM_STORE_WRITE)
    sqlite3_exec(S->db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
  sqlite3_close(S->db);
  lem_ctx *L = S->L;
  lem_map_free(L, &S->exprs);
  lem_free(L, S->thmmap, (size_t)S->cthmmap * sizeof *S->thmmap);
  lem_free(L, S->path, strlen(S->path) + 1);
  lem_free(L, S, sizeof *S);
}

const char *lem_store_path(const lem_store *S) { return S->path; }

/* ---- writing ---- */

/* Prepare sql, bind the values described by fmt ('i' an int64, 't' a text
** or NULL, 'n' an int64 ignored and bound as NULL), step it once.  *rowid
** (if not NULL) gets the new rowid. */
static lem_err run_sql(lem_store *S, sqlite3_int64 *rowid, const char *sql,
                       const char *fmt, ...) {
  sqlite3_stmt *st = stmt(S, sql);
  if (!st) return dberr(S, "cannot prepare statement");
  va_list ap;
  va_start(ap, fmt);
  for (int i = 0; fmt[i]; i++) {
    if (fmt[i] == 'i') {
      sqlite3_bind_int64(st, i + 1, va_arg(ap, sqlite3_int64));
    } else if (fmt[i] == 'n') {
      (void)va_arg(ap, sqlite3_int64);
    } else if (fmt[i] == 't') {
      const char *s = va_arg(ap, const char *);
      if (s) sqlite3_bind_text(st, i + 1, s, -1, SQLITE_TRANSIENT);
    }
  }
  va_end(ap);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
    lem_err e = dberr(S, "cannot write");
    sqlite3_reset(st);
    return e;
  }
  sqlite3_reset(st);
  if (rowid) *rowid = sqlite3_last_insert_rowid(S->db);
  return LEM_OK;
}

static lem_err need_run(lem_store *S) {
  if (S->mode != LEM_STORE_WRITE)
    return lem_error(S->L, LEM_EINVAL, "%s: opened for reading", S->path);
  if (!S->run)
    return lem_error(S->L, LEM_EINVAL, "%s: no run begun", S->path);
  return LEM_OK;
}

lem_err lem_store_begin_run(lem_store *S, const char *version,
                            const char *options, const char *theory_hash) {
  if (S->mode != LEM_STORE_WRITE)
    return lem_error(S->L, LEM_EINVAL, "%s: opened for reading", S->path);
  sqlite3_stmt *st = NULL;
  lem_err e = LEM_OK;
  const char *h = theory_hash ? theory_hash : "";
  if (sqlite3_prepare_v2(S->db,
                         "SELECT count(*) FROM run WHERE theory_hash <> ?", -1,
                         &st, NULL) != SQLITE_OK)
    return dberr(S, "cannot read runs");
  sqlite3_bind_text(st, 1, h, -1, SQLITE_TRANSIENT);
  if (sqlite3_step(st) != SQLITE_ROW) e = dberr(S, "cannot read runs");
  else if (sqlite3_column_int64(st, 0) > 0)
    e = lem_error(S->L, LEM_EDB,
                  "%s: holds proofs of another theory (hash differs)", S->path);
  sqlite3_finalize(st);
  if (e) return e;
  char ts[32];
  now_text(ts, sizeof ts);
  return run_sql(S, &S->run,
                 "INSERT INTO run(tool_version, options, theory_hash, started)"
                 " VALUES(?, ?, ?, ?)", "tttt", version ? version : "",
                 options ? options : "", h, ts);
}

lem_err lem_store_write_theory(lem_store *S, const char *name,
                               const char *manifest, size_t len) {
  lem_err e = need_run(S);
  if (e) return e;
  char *m = lem_strndup(S->L, manifest, len);
  if (!m) return LEM_ENOMEM;
  e = run_sql(S, NULL, "INSERT INTO theory(run, name, manifest) VALUES(?,?,?)",
              "itt", S->run, name ? name : "", m);
  lem_free(S->L, m, len + 1);
  return e;
}

/* The id of t's text in expressions, inserting it if new; 0 on error. */
static sqlite3_int64 expr_id(lem_store *S, lem_term t) {
  if (!t) return lem_error(S->L, LEM_EINVAL, "store: missing expression"), 0;
  uint32_t cached;
  if (lem_map_get(&S->exprs, t, &cached)) return cached;
  char *s = lem_term_str(S->L, t);
  if (!s) return 0;
  sqlite3_int64 id = 0;
  if (!run_sql(S, NULL, "INSERT OR IGNORE INTO expressions(text) VALUES(?)",
               "t", s)) {
    sqlite3_stmt *st = stmt(S, "SELECT id FROM expressions WHERE text = ?");
    if (st) {
      sqlite3_bind_text(st, 1, s, -1, SQLITE_TRANSIENT);
      if (sqlite3_step(st) == SQLITE_ROW) id = sqlite3_column_int64(st, 0);
      sqlite3_reset(st);
    }
    if (!id) dberr(S, "cannot store an expression");
  }
  lem_free(S->L, s, strlen(s) + 1);
  if (id > 0 && id <= UINT32_MAX && lem_map_put(S->L, &S->exprs, t, (uint32_t)id))
    return 0;
  return id;
}

/* INSERTs of (owner, position, value) rows, the shape of every ordered
** list in the schema. */
static const char premises_sql[] =
    "INSERT INTO step_premises(step, position, premise) VALUES(?,?,?)";
static const char witnesses_sql[] =
    "INSERT INTO step_witnesses(step, position, witness) VALUES(?,?,?)";
static const char children_sql[] =
    "INSERT INTO step_children(step, position, block) VALUES(?,?,?)";
static const char consts_sql[] =
    "INSERT INTO block_consts(block, position, expr) VALUES(?,?,?)";
static const char hyps_sql[] =
    "INSERT INTO block_hyps(block, position, expr) VALUES(?,?,?)";

/* Insert the row (owner, position, value). */
static lem_err write_row(lem_store *S, const char *sql, sqlite3_int64 owner,
                         uint32_t position, sqlite3_int64 value) {
  sqlite3_stmt *st = stmt(S, sql);
  if (!st) return dberr(S, "cannot prepare statement");
  sqlite3_bind_int64(st, 1, owner);
  sqlite3_bind_int64(st, 2, (sqlite3_int64)position);
  sqlite3_bind_int64(st, 3, value);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? LEM_OK : dberr(S, "cannot write");
}

/* Insert rows (owner, position, expr) for a list of terms. */
static lem_err write_terms(lem_store *S, const char *sql, sqlite3_int64 owner,
                           uint32_t n, const lem_term *ts) {
  lem_err e = LEM_OK;
  for (uint32_t i = 0; i < n && !e; i++) {
    sqlite3_int64 x = expr_id(S, ts[i]);
    e = x ? write_row(S, sql, owner, i, x) : S->L->err;
  }
  return e;
}

/* The database id of proof object id in m (this theorem's blocks or
** steps), or 0 when it is not one of them. */
static sqlite3_int64 idof(const lem_map *m, uint32_t id) {
  uint32_t v;
  return lem_map_get(m, id, &v) ? v : 0;
}

/* Record a new row's id under proof id in m (ids fit 32 bits, as dbid). */
static lem_err put_id(lem_store *S, lem_map *m, uint32_t id,
                      sqlite3_int64 row) {
  if (row <= 0 || row > UINT32_MAX)
    return lem_error(S->L, LEM_EDB, "%s: row id %lld out of range", S->path,
                     (long long)row);
  return lem_map_put(S->L, m, id, (uint32_t)row);
}

static lem_err write_links(lem_store *S, const lem_step *s, sqlite3_int64 id,
                           const lem_map *bmap, const lem_map *smap) {
  lem_ctx *L = S->L;
  lem_err e = LEM_OK;
  for (uint32_t i = 0; i < s->nprem && !e; i++) {
    sqlite3_int64 p = idof(smap, s->prem[i]);
    if (!p)
      return lem_error(L, LEM_EINVAL, "store: step %u: premise %u is not a "
                       "step of the same theorem", s->id, s->prem[i]);
    e = write_row(S, premises_sql, id, i, p);
  }
  for (uint32_t i = 0; i < s->nsubst && !e; i++) {
    char *var = lem_term_str(L, s->svar[i]);
    sqlite3_int64 x = var ? expr_id(S, s->sval[i]) : 0;
    e = x ? run_sql(S, NULL, "INSERT INTO step_subst(step, position, var, "
                    "value) VALUES(?,?,?,?)", "iiti", id, (sqlite3_int64)i,
                    var, x)
          : (L->err ? L->err : LEM_ENOMEM);
    if (var) lem_free(L, var, strlen(var) + 1);
  }
  if (!e) e = write_terms(S, witnesses_sql, id, s->nwit, s->wit);
  for (uint32_t i = 0; i < s->nkids && !e; i++) {
    sqlite3_int64 k = idof(bmap, s->kids[i]);
    if (!k)
      return lem_error(L, LEM_EINVAL, "store: step %u: child block %u is not "
                       "a block of the same theorem", s->id, s->kids[i]);
    e = write_row(S, children_sql, id, i, k);
  }
  if (!e && (s->query || s->answer))
    e = run_sql(S, NULL, "INSERT INTO smt(step, query, answer) VALUES(?,?,?)",
                "itt", id, s->query ? s->query : "",
                s->answer ? s->answer : "");
  return e;
}

/* The theorem's blocks, following its chain (proof.h), into bmap. */
static lem_err write_blocks(lem_store *S, const lem_proof *P,
                            const lem_pthm *t, sqlite3_int64 tid,
                            lem_map *bmap) {
  lem_ctx *L = S->L;
  lem_err e = LEM_OK;
  for (uint32_t id = t->first_block; id && !e; id = P->blocks[id - 1].next) {
    const lem_block *b = lem_proof_block(P, id);
    if (!b || b->thm != t->id)
      return lem_error(L, LEM_EINVAL, "store: theorem %u: block chain "
                       "broken at %u", t->id, id);
    sqlite3_int64 parent = b->parent ? idof(bmap, b->parent) : 0, row;
    if (b->parent && !parent)
      return lem_error(L, LEM_EINVAL, "store: block %u: bad parent", b->id);
    if ((e = run_sql(S, &row, "INSERT INTO blocks(theorem, parent, "
                     "kind) VALUES(?,?,?)", b->parent ? "iit" : "int", tid,
                     parent, lem_block_kind_name(b->kind))) ||
        (e = put_id(S, bmap, b->id, row)) ||
        (e = write_terms(S, consts_sql, row, b->nconsts, b->consts)))
      return e;
    e = write_terms(S, hyps_sql, row, b->nhyps, b->hyps);
  }
  return e;
}

/* The theorem's step rows (premises and children come after, in
** write_links, since a step's row must exist before others point to it). */
static lem_err write_step_rows(lem_store *S, const lem_proof *P,
                               const lem_pthm *t, sqlite3_int64 tid,
                               const lem_map *bmap, lem_map *smap) {
  lem_ctx *L = S->L;
  lem_err e = LEM_OK;
  for (uint32_t id = t->first_step; id && !e; id = P->steps[id - 1].next) {
    const lem_step *s = lem_proof_step(P, id);
    sqlite3_int64 blk = s ? idof(bmap, s->block) : 0, ref = 0, x, row;
    if (!blk)
      return lem_error(L, LEM_EINVAL, "store: theorem %u: step chain broken "
                       "at %u", t->id, id);
    if (s->rule == LEM_R_THEOREM) {
      ref = s->thmref < S->cthmmap ? S->thmmap[s->thmref] : 0;
      if (!ref)
        return lem_error(L, LEM_EINVAL, "store: step %u uses theorem %u, "
                         "which is not written yet", s->id, s->thmref);
    }
    if (!(x = expr_id(S, s->concl))) return L->err;
    const char *def = s->def ? lem_sym_name(L, s->def) : NULL;
    if (!(e = run_sql(S, &row, "INSERT INTO steps(theorem, block, rule,"
                      " conclusion, ref_theorem, definition) VALUES(?,?,?,?,?,?)",
                      ref ? "iitiit" : "iitint", tid, blk,
                      lem_rule_name(s->rule), x, ref, def)))
      e = put_id(S, smap, s->id, row);
  }
  return e;
}

/* Record that proof theorem thm is database theorem dbid. */
static lem_err set_thmmap(lem_store *S, uint32_t thm, sqlite3_int64 dbid) {
  uint32_t old = S->cthmmap;
  if (LEM_GROW(S->L, S->thmmap, S->cthmmap, thm + 1)) return LEM_ENOMEM;
  memset(S->thmmap + old, 0, (size_t)(S->cthmmap - old) * sizeof *S->thmmap);
  S->thmmap[thm] = dbid;
  return LEM_OK;
}

/* "induction-var": the per-pass point of databases written before the
** direct tactic became a candidate ("tactic") */
static const char *const decision_kinds[] = {"tactic", "theorem-rule",
                                             "induction-var", "smt",
                                             "conjecture"};

static int decision_kind_ok(const char *k) {
  for (size_t i = 0; k && i < sizeof decision_kinds / sizeof *decision_kinds;
       i++)
    if (!strcmp(k, decision_kinds[i])) return 1;
  return 0;
}

/* One decision point of the theorem being written (row tid). */
static lem_err write_decision(lem_store *S, sqlite3_int64 tid,
                              const lem_map *bmap, const lem_decision *d) {
  lem_ctx *L = S->L;
  sqlite3_int64 blk = d->block ? idof(bmap, d->block) : 0, goal, id;
  if (!decision_kind_ok(d->kind))
    return lem_error(L, LEM_EINVAL, "store: unknown decision kind '%s'",
                     d->kind ? d->kind : "(null)");
  if (d->block && !blk)
    return lem_error(L, LEM_EINVAL, "store: decision in block %u, which is "
                     "not a block of its theorem", d->block);
  if (!d->goal || (d->ncand && !d->cand))
    return lem_error(L, LEM_EINVAL, "store: decision without a goal");
  if (!(goal = expr_id(S, d->goal))) return L->err;
  lem_err e = run_sql(S, &id, "INSERT INTO decisions(theorem, block, kind, "
                      "goal) VALUES(?,?,?,?)", blk ? "iiti" : "inti", tid,
                      blk, d->kind, goal);
  for (uint32_t i = 0; i < d->ncand && !e; i++) {
    const lem_candidate *c = &d->cand[i];
    sqlite3_int64 x = c->expr ? expr_id(S, c->expr) : 0;
    if (c->expr && !x) return L->err;
    e = run_sql(S, NULL, "INSERT INTO decision_candidates(decision, position,"
                " expr, label, tried, chosen, on_proof) VALUES(?,?,?,?,?,?,?)",
                x ? "iiitiii" : "iintiii", id, (sqlite3_int64)i, x,
                c->label ? c->label : "", (sqlite3_int64)!!c->tried,
                (sqlite3_int64)!!c->chosen, (sqlite3_int64)!!c->on_proof);
  }
  return e;
}

static lem_err write_thm_body(lem_store *S, const lem_proof *P,
                              const lem_pthm *t, lem_map *bmap,
                              lem_map *smap) {
  lem_ctx *L = S->L;
  lem_err e;
  sqlite3_int64 tid, x = expr_id(S, t->stmt);
  if (!x) return L->err;
  if ((e = run_sql(S, &tid, "INSERT INTO theorems(run, name, statement, kind,"
                   " status) VALUES(?,?,?,?,?)", "ititt", S->run, t->name,
                   x, lem_thm_kind_name(t->kind),
                   lem_thm_status_name(t->status))) ||
      (e = write_blocks(S, P, t, tid, bmap)) ||
      (e = write_step_rows(S, P, t, tid, bmap, smap)))
    return e;
  for (uint32_t id = t->first_step; id && !e; id = P->steps[id - 1].next)
    e = write_links(S, &P->steps[id - 1], idof(smap, id), bmap, smap);
  if (e) return e;
  sqlite3_int64 root = t->root ? idof(bmap, t->root) : 0;
  sqlite3_int64 fin = t->final ? idof(smap, t->final) : 0;
  if (t->final && !fin)
    return lem_error(L, LEM_EINVAL, "store: theorem %u: bad final step",
                     t->id);
  if (t->root && !root)
    return lem_error(L, LEM_EINVAL, "store: theorem %u: bad root", t->id);
  char fmt[4] = {root ? 'i' : 'n', fin ? 'i' : 'n', 'i', 0};
  e = run_sql(S, NULL, "UPDATE theorems SET root_block = ?, final_step = ? "
              "WHERE id = ?", fmt, root, fin, tid);
  return e ? e : set_thmmap(S, t->id, tid);
}

lem_err lem_store_write_theorem(lem_store *S, const lem_proof *P,
                                uint32_t thm) {
  return lem_store_write_theorem_decisions(S, P, thm, NULL, 0);
}

lem_err lem_store_write_theorem_decisions(lem_store *S, const lem_proof *P,
                                          uint32_t thm, const lem_decision *d,
                                          uint32_t nd) {
  lem_ctx *L = S->L;
  lem_err e = need_run(S);
  const lem_pthm *t = lem_proof_thm(P, thm);
  if (e) return e;
  if (!t) return lem_error(L, LEM_EINVAL, "store: no theorem %u", thm);
  if (nd && S->version < 2)
    return lem_error(L, LEM_EINVAL, "%s: schema version %d has no decisions",
                     S->path, S->version);
  /* proof id -> row id, for this theorem's blocks and steps only */
  lem_map bmap = {0}, smap = {0};
  sqlite3_int64 prev = thm < S->cthmmap ? S->thmmap[thm] : 0;
  e = exec(S, "BEGIN IMMEDIATE");
  if (!e) {
    e = write_thm_body(S, P, t, &bmap, &smap);
    for (uint32_t i = 0; i < nd && !e; i++)
      e = write_decision(S, S->thmmap[thm], &bmap, &d[i]);
    if (!e) e = exec(S, "COMMIT");
    if (e) {
      sqlite3_exec(S->db, "ROLLBACK", NULL, NULL, NULL);
      if (thm < S->cthmmap) S->thmmap[thm] = prev; /* as before the call */
      lem_map_free(L, &S->exprs); /* its new ids were rolled back too */
    }
  }
  lem_map_free(L, &bmap);
  lem_map_free(L, &smap);
  return e;
}

/* ---- reading ---- */

lem_err lem_store_read_theory(lem_store *S, char **name, char **manifest,
                              size_t *len) {
  lem_ctx *L = S->L;
  sqlite3_stmt *st = NULL;
  lem_err e = LEM_OK;
  *name = *manifest = NULL;
  *len = 0;
  if (sqlite3_prepare_v2(S->db, "SELECT name, manifest FROM theory ORDER BY id"
                         " DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK)
    return dberr(S, "cannot read the theory");
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    const char *n = (const char *)sqlite3_column_text(st, 0);
    const char *m = (const char *)sqlite3_column_text(st, 1);
    size_t ml = (size_t)sqlite3_column_bytes(st, 1);
    *name = lem_strndup(L, n ? n : "", n ? strlen(n) : 0);
    *manifest = *name ? lem_strndup(L, m ? m : "", m ? ml : 0) : NULL;
    if (!*manifest) {
      if (*name) lem_free(L, *name, strlen(*name) + 1);
      *name = NULL;
      e = LEM_ENOMEM;
    } else {
      *len = m ? ml : 0;
    }
  } else if (rc == SQLITE_DONE) {
    e = lem_error(L, LEM_EDB, "%s: the database holds no theory", S->path);
  } else {
    e = dberr(S, "cannot read the theory");
  }
  sqlite3_finalize(st);
  return e;
}

/* A copy of column i (NULL becomes ""); NULL on out of memory. */
static char *column_dup(lem_ctx *L, sqlite3_stmt *st, int i) {
  const char *t = (const char *)sqlite3_column_text(st, i);
  return lem_strndup(L, t ? t : "", t ? (size_t)sqlite3_column_bytes(st, i) : 0);
}

lem_err lem_store_read_run(lem_store *S, lem_store_run *out) {
  sqlite3_stmt *st = NULL;
  lem_err e = LEM_OK;
  *out = (lem_store_run){0};
  if (sqlite3_prepare_v2(S->db, "SELECT tool_version, options, theory_hash,"
                         " started, finished, (SELECT count(*) FROM run)"
                         " FROM run ORDER BY id DESC LIMIT 1", -1, &st,
                         NULL) != SQLITE_OK)
    return dberr(S, "cannot read runs");
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    char **f[5] = {&out->version, &out->options, &out->theory_hash,
                   &out->started, &out->finished};
    for (int i = 0; i < 5 && !e; i++)
      if (!(*f[i] = column_dup(S->L, st, i))) e = LEM_ENOMEM;
    out->nruns = (uint32_t)sqlite3_column_int64(st, 5);
  } else if (rc == SQLITE_DONE) {
    e = lem_error(S->L, LEM_EDB, "%s: the database holds no run", S->path);
  } else {
    e = dberr(S, "cannot read runs");
  }
  sqlite3_finalize(st);
  if (e) lem_store_run_free(S->L, out);
  return e;
}

void lem_store_run_free(lem_ctx *L, lem_store_run *r) {
  char *f[5] = {r->version, r->options, r->theory_hash, r->started,
                r->finished};
  for (int i = 0; i < 5; i++)
    if (f[i]) lem_free(L, f[i], strlen(f[i]) + 1);
  *r = (lem_store_run){0};
}

/* A sorted map from database ids to proof ids / terms. */
typedef struct idmap {
  sqlite3_int64 *db;
  uint32_t *val;
  uint32_t n, cdb, cval;
} idmap;

static lem_err idmap_add(lem_ctx *L, idmap *m, sqlite3_int64 db, uint32_t v) {
  if (LEM_GROW(L, m->db, m->cdb, m->n + 1) ||
      LEM_GROW(L, m->val, m->cval, m->n + 1))
    return LEM_ENOMEM;
  m->db[m->n] = db; /* rows come ORDER BY id, so the map stays sorted */
  m->val[m->n++] = v;
  return LEM_OK;
}

static uint32_t idmap_get(const idmap *m, sqlite3_int64 db) {
  uint32_t lo = 0, hi = m->n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (m->db[mid] == db) return m->val[mid];
    if (m->db[mid] < db) lo = mid + 1; else hi = mid;
  }
  return 0;
}

static void idmap_free(lem_ctx *L, idmap *m) {
  lem_free(L, m->db, (size_t)m->cdb * sizeof *m->db);
  lem_free(L, m->val, (size_t)m->cval * sizeof *m->val);
}

typedef struct loader {
  lem_store *S;
  lem_proof *P;
  idmap ex, th, bl, sp;
  sqlite3_stmt *st;
  lem_term *ts;           /* scratch lists */
  uint32_t *us;
  uint32_t cts, cus;
} loader;

static lem_err bad(loader *ld, const char *fmt, long long a, long long b) {
  char msg[200];
  snprintf(msg, sizeof msg, fmt, a, b);
  return lem_error(ld->S->L, LEM_EDB, "%s: damaged database: %s", ld->S->path,
                   msg);
}

/* Make sql the loader's current statement (the store keeps it prepared). */
static lem_err prep(loader *ld, const char *sql) {
  if (ld->st) sqlite3_reset(ld->st);
  ld->st = stmt(ld->S, sql);
  return ld->st ? LEM_OK : dberr(ld->S, "cannot read");
}

static lem_err load_exprs(loader *ld) {
  lem_err e = prep(ld, "SELECT id, text FROM expressions ORDER BY id");
  int rc;
  while (!e && (rc = sqlite3_step(ld->st)) == SQLITE_ROW) {
    const char *s = (const char *)sqlite3_column_text(ld->st, 1);
    int n = sqlite3_column_bytes(ld->st, 1);
    lem_term t = s ? lem_read_expr(ld->S->L, s, (size_t)n, "expression") : 0;
    if (!t)
      return bad(ld, "expression %lld cannot be read", sqlite3_column_int64(
                 ld->st, 0), 0);
    e = idmap_add(ld->S->L, &ld->ex, sqlite3_column_int64(ld->st, 0), t);
  }
  return e ? e : rc == SQLITE_DONE ? LEM_OK : dberr(ld->S, "cannot read");
}

/* Run "SELECT position, X FROM table WHERE owner = ? ORDER BY position",
** mapping X through m (or as an expression when m == &ld->ex) into ld->us,
** requiring positions 0, 1, ...  *n gets the count. */
static lem_err load_list(loader *ld, const char *sql, sqlite3_int64 owner,
                         idmap *m, uint32_t *n, const char *what) {
  lem_err e = prep(ld, sql);
  int rc = 0;
  *n = 0;
  if (!e) sqlite3_bind_int64(ld->st, 1, owner);
  while (!e && (rc = sqlite3_step(ld->st)) == SQLITE_ROW) {
    if (sqlite3_column_int64(ld->st, 0) != *n)
      return lem_error(ld->S->L, LEM_EDB, "%s: damaged database: %s of "
                       "%lld: position %u is missing", ld->S->path, what,
                       (long long)owner, *n);
    uint32_t v = idmap_get(m, sqlite3_column_int64(ld->st, 1));
    if (!v)
      return lem_error(ld->S->L, LEM_EDB, "%s: damaged database: %s of %lld "
                       "refers to missing row %lld", ld->S->path, what,
                       (long long)owner,
                       (long long)sqlite3_column_int64(ld->st, 1));
    if (LEM_GROW(ld->S->L, ld->us, ld->cus, *n + 1)) return LEM_ENOMEM;
    ld->us[(*n)++] = v;
  }
  return e ? e : rc == SQLITE_DONE ? LEM_OK : dberr(ld->S, "cannot read");
}

/* Copy ld->us[0..n) into ld->ts as terms. */
static lem_err us_to_ts(loader *ld, uint32_t n) {
  if (LEM_GROW(ld->S->L, ld->ts, ld->cts, n + 1)) return LEM_ENOMEM;
  for (uint32_t i = 0; i < n; i++) ld->ts[i] = ld->us[i];
  return LEM_OK;
}

static lem_err load_thms(loader *ld) {
  lem_ctx *L = ld->S->L;
  lem_err e = prep(ld, "SELECT id, name, statement, kind, status FROM theorems"
                   " ORDER BY id");
  int rc = 0;
  while (!e && (rc = sqlite3_step(ld->st)) == SQLITE_ROW) {
    sqlite3_int64 id = sqlite3_column_int64(ld->st, 0);
    lem_term stmt = idmap_get(&ld->ex, sqlite3_column_int64(ld->st, 2));
    int k = lem_thm_kind_parse((const char *)sqlite3_column_text(ld->st, 3));
    int s = lem_thm_status_parse((const char *)sqlite3_column_text(ld->st, 4));
    if (!stmt || k < 0 || s < 0)
      return bad(ld, "theorem %lld: bad statement, kind or status", id, 0);
    const char *nm = (const char *)sqlite3_column_text(ld->st, 1);
    uint32_t t = lem_proof_add_theorem(ld->P, nm ? nm : "", stmt,
                                       (lem_thm_kind)k, (lem_thm_status)s);
    if (!t) return L->err;
    ld->P->thms[t - 1].dbid = (uint32_t)id;
    e = idmap_add(L, &ld->th, id, t);
  }
  return e ? e : rc == SQLITE_DONE ? LEM_OK : dberr(ld->S, "cannot read");
}

/* Load the ids of a table in order (for blocks and steps), then the rows. */
static lem_err load_ids(loader *ld, const char *sql, idmap *m) {
  lem_err e = prep(ld, sql);
  int rc = 0;
  uint32_t n = 0;
  while (!e && (rc = sqlite3_step(ld->st)) == SQLITE_ROW)
    e = idmap_add(ld->S->L, m, sqlite3_column_int64(ld->st, 0), ++n);
  return e ? e : rc == SQLITE_DONE ? LEM_OK : dberr(ld->S, "cannot read");
}

typedef struct brow { sqlite3_int64 id, thm, parent; int kind; } brow;

static lem_err load_blocks(loader *ld) {
  lem_ctx *L = ld->S->L;
  lem_err e = load_ids(ld, "SELECT id FROM blocks ORDER BY id", &ld->bl);
  for (uint32_t i = 0; !e && i < ld->bl.n; i++) {
    brow b = {ld->bl.db[i], 0, 0, -1};
    if ((e = prep(ld, "SELECT theorem, parent, kind FROM blocks WHERE id = ?")))
      return e;
    sqlite3_bind_int64(ld->st, 1, b.id);
    if (sqlite3_step(ld->st) != SQLITE_ROW) return dberr(ld->S, "cannot read");
    b.thm = idmap_get(&ld->th, sqlite3_column_int64(ld->st, 0));
    b.parent = sqlite3_column_type(ld->st, 1) == SQLITE_NULL ? 0 :
               idmap_get(&ld->bl, sqlite3_column_int64(ld->st, 1));
    int hasparent = sqlite3_column_type(ld->st, 1) != SQLITE_NULL;
    b.kind = lem_block_kind_parse((const char *)sqlite3_column_text(ld->st, 2));
    if (!b.thm || b.kind < 0 || (hasparent && !b.parent))
      return bad(ld, "block %lld: bad theorem, parent or kind", b.id, 0);
    uint32_t nc, nh;
    if ((e = load_list(ld, "SELECT position, expr FROM block_consts WHERE "
                       "block = ? ORDER BY position", b.id, &ld->ex, &nc,
                       "block constants")) || (e = us_to_ts(ld, nc)))
      return e;
    lem_term *consts = ld->ts; /* move aside before reading hyps */
    ld->ts = NULL;
    uint32_t cc = ld->cts;
    ld->cts = 0;
    e = load_list(ld, "SELECT position, expr FROM block_hyps WHERE block = ? "
                  "ORDER BY position", b.id, &ld->ex, &nh, "block hypotheses");
    if (!e) e = us_to_ts(ld, nh);
    uint32_t id = e ? 0 : lem_proof_add_block(ld->P, (uint32_t)b.thm,
                                              (uint32_t)b.parent,
                                              (lem_block_kind)b.kind, nc,
                                              consts, nh, ld->ts);
    lem_free(L, consts, (size_t)cc * sizeof *consts);
    if (e) return e;
    if (!id)
      return L->err == LEM_EINVAL
                 ? bad(ld, "block %lld: parent is not an earlier block of "
                       "its theorem", b.id, 0)
                 : L->err;
    ld->P->blocks[id - 1].dbid = (uint32_t)b.id;
  }
  return e;
}

static lem_err load_step(loader *ld, sqlite3_int64 id) {
  lem_ctx *L = ld->S->L;
  lem_step_spec sp = {0};
  lem_err e = prep(ld, "SELECT theorem, block, rule, conclusion, ref_theorem,"
                   " definition FROM steps WHERE id = ?");
  if (e) return e;
  sqlite3_bind_int64(ld->st, 1, id);
  if (sqlite3_step(ld->st) != SQLITE_ROW) return dberr(ld->S, "cannot read");
  uint32_t thm = idmap_get(&ld->th, sqlite3_column_int64(ld->st, 0));
  sp.block = idmap_get(&ld->bl, sqlite3_column_int64(ld->st, 1));
  sp.rule = lem_rule_parse((const char *)sqlite3_column_text(ld->st, 2));
  sp.concl = idmap_get(&ld->ex, sqlite3_column_int64(ld->st, 3));
  int hasref = sqlite3_column_type(ld->st, 4) != SQLITE_NULL;
  sp.thmref = hasref ? idmap_get(&ld->th, sqlite3_column_int64(ld->st, 4)) : 0;
  const char *def = (const char *)sqlite3_column_text(ld->st, 5);
  if (def && !(sp.def = lem_sym_cstr(L, def))) return L->err;
  if (!thm || !sp.block || !sp.rule || !sp.concl || (hasref && !sp.thmref) ||
      ld->P->blocks[sp.block - 1].thm != thm)
    return bad(ld, "step %lld: bad theorem, block, rule, conclusion or "
               "theorem reference", id, 0);
  uint32_t n;
  /* premises, children: step/block ids; subst values, witnesses: terms */
  if ((e = load_list(ld, "SELECT position, premise FROM step_premises WHERE "
                     "step = ? ORDER BY position", id, &ld->sp, &n,
                     "step premises")))
    return e;
  uint32_t *prem = ld->us;
  uint32_t cprem = ld->cus;
  ld->us = NULL;
  ld->cus = 0;
  sp.nprem = n;
  sp.prem = prem;
  lem_term *wit = NULL, *sval = NULL, *svar = NULL;
  uint32_t cw = 0, cv = 0, cs = 0;
  if (!(e = load_list(ld, "SELECT position, witness FROM step_witnesses WHERE"
                      " step = ? ORDER BY position", id, &ld->ex, &sp.nwit,
                      "step witnesses")) && !(e = us_to_ts(ld, sp.nwit))) {
    wit = ld->ts, cw = ld->cts;
    ld->ts = NULL, ld->cts = 0;
    sp.wit = wit;
  }
  if (!e && !(e = load_list(ld, "SELECT position, block FROM step_children "
                            "WHERE step = ? ORDER BY position", id, &ld->bl,
                            &sp.nkids, "step children"))) {
    if (sp.nkids > 2) e = bad(ld, "step %lld: more than two children", id, 0);
    for (uint32_t i = 0; !e && i < sp.nkids; i++) sp.kids[i] = ld->us[i];
  }
  if (!e && !(e = load_list(ld, "SELECT position, value FROM step_subst WHERE"
                            " step = ? ORDER BY position", id, &ld->ex,
                            &sp.nsubst, "step substitution")) &&
      !(e = us_to_ts(ld, sp.nsubst))) {
    sval = ld->ts, cv = ld->cts;
    ld->ts = NULL, ld->cts = 0;
    sp.sval = sval;
    if (LEM_GROW(L, svar, cs, sp.nsubst + 1)) e = LEM_ENOMEM;
    if (!e) e = prep(ld, "SELECT var FROM step_subst WHERE step = ? ORDER BY "
                     "position");
    if (!e) sqlite3_bind_int64(ld->st, 1, id);
    for (uint32_t i = 0; !e && i < sp.nsubst; i++) {
      const char *v = sqlite3_step(ld->st) == SQLITE_ROW
                          ? (const char *)sqlite3_column_text(ld->st, 0) : NULL;
      lem_sym y = v ? lem_sym_cstr(L, v) : LEM_NOSYM;
      if (!(svar[i] = y ? lem_mk_var(L, y, 0) : 0))
        e = v ? L->err : bad(ld, "step %lld: bad substitution", id, 0);
    }
    sp.svar = svar;
  }
  char *q = NULL, *a = NULL;
  if (!e && !(e = prep(ld, "SELECT query, answer FROM smt WHERE step = ?"))) {
    sqlite3_bind_int64(ld->st, 1, id);
    if (sqlite3_step(ld->st) == SQLITE_ROW) {
      const char *qs = (const char *)sqlite3_column_text(ld->st, 0);
      const char *as = (const char *)sqlite3_column_text(ld->st, 1);
      q = lem_strndup(L, qs ? qs : "", qs ? strlen(qs) : 0);
      a = lem_strndup(L, as ? as : "", as ? strlen(as) : 0);
      if (!q || !a) e = LEM_ENOMEM;
      sp.query = q;
      sp.answer = a;
    }
  }
  uint32_t sid = e ? 0 : lem_proof_add_step(ld->P, &sp);
  if (!e && !sid) e = L->err;
  if (sid) ld->P->steps[sid - 1].dbid = (uint32_t)id;
  if (q) lem_free(L, q, strlen(q) + 1);
  if (a) lem_free(L, a, strlen(a) + 1);
  lem_free(L, prem, (size_t)cprem * sizeof *prem);
  lem_free(L, wit, (size_t)cw * sizeof *wit);
  lem_free(L, sval, (size_t)cv * sizeof *sval);
  lem_free(L, svar, (size_t)cs * sizeof *svar);
  return e;
}

static lem_err load_roots(loader *ld) {
  lem_err e = prep(ld, "SELECT id, root_block, final_step FROM theorems "
                   "ORDER BY id");
  int rc = 0;
  while (!e && (rc = sqlite3_step(ld->st)) == SQLITE_ROW) {
    sqlite3_int64 id = sqlite3_column_int64(ld->st, 0);
    uint32_t t = idmap_get(&ld->th, id), r = 0, f = 0;
    if (sqlite3_column_type(ld->st, 1) != SQLITE_NULL &&
        !(r = idmap_get(&ld->bl, sqlite3_column_int64(ld->st, 1))))
      return bad(ld, "theorem %lld: root block %lld is missing", id,
                 sqlite3_column_int64(ld->st, 1));
    if (sqlite3_column_type(ld->st, 2) != SQLITE_NULL &&
        !(f = idmap_get(&ld->sp, sqlite3_column_int64(ld->st, 2))))
      return bad(ld, "theorem %lld: final step %lld is missing", id,
                 sqlite3_column_int64(ld->st, 2));
    if ((e = lem_proof_set_root(ld->P, t, r))) return e;
    e = lem_proof_set_final(ld->P, t, f);
  }
  return e ? e : rc == SQLITE_DONE ? LEM_OK : dberr(ld->S, "cannot read");
}

/* Every reference between rows must resolve (a deleted row shows here). */
static lem_err load_fkcheck(loader *ld) {
  lem_err e = prep(ld, "PRAGMA foreign_key_check");
  if (e) return e;
  int rc = sqlite3_step(ld->st);
  if (rc == SQLITE_ROW) {
    const char *tab = (const char *)sqlite3_column_text(ld->st, 0);
    const char *to = (const char *)sqlite3_column_text(ld->st, 2);
    char row[40] = ""; /* WITHOUT ROWID tables have no rowid to name */
    if (sqlite3_column_type(ld->st, 1) != SQLITE_NULL)
      snprintf(row, sizeof row, " (rowid %lld)",
               (long long)sqlite3_column_int64(ld->st, 1));
    return lem_error(ld->S->L, LEM_EDB, "%s: damaged database: a row of "
                     "%s%s refers to a missing row of %s", ld->S->path,
                     tab ? tab : "?", row, to ? to : "?");
  }
  return rc == SQLITE_DONE ? LEM_OK : dberr(ld->S, "cannot check references");
}

lem_err lem_store_load(lem_store *S, lem_proof **out) {
  lem_ctx *L = S->L;
  *out = NULL;
  loader ld = {.S = S, .P = lem_proof_new(L)};
  if (!ld.P) return LEM_ENOMEM;
  lem_err e = exec(S, "BEGIN"); /* one consistent snapshot */
  if (!e) {
    if (!(e = load_fkcheck(&ld)) && !(e = load_exprs(&ld)) && !(e = load_thms(&ld)) &&
        !(e = load_blocks(&ld)) &&
        !(e = load_ids(&ld, "SELECT id FROM steps ORDER BY id", &ld.sp)))
      for (uint32_t i = 0; !e && i < ld.sp.n; i++)
        e = load_step(&ld, ld.sp.db[i]);
    if (!e) e = load_roots(&ld);
    if (ld.st) sqlite3_reset(ld.st); /* the store owns it */
    ld.st = NULL;
    sqlite3_exec(S->db, "COMMIT", NULL, NULL, NULL);
  }
  idmap_free(L, &ld.ex);
  idmap_free(L, &ld.th);
  idmap_free(L, &ld.bl);
  idmap_free(L, &ld.sp);
  lem_free(L, ld.ts, (size_t)ld.cts * sizeof *ld.ts);
  lem_free(L, ld.us, (size_t)ld.cus * sizeof *ld.us);
  if (e) {
    lem_proof_free(ld.P);
    return e;
  }
  *out = ld.P;
  return LEM_OK;
}

/* ---- resuming, theorem metadata and decision points ---- */

uint32_t lem_store_theorem_dbid(const lem_store *S, uint32_t thm) {
  return thm < S->cthmmap ? (uint32_t)S->thmmap[thm] : 0;
}

/* One integer from sql with one integer parameter a; *found says whether
** there was a row. */
static lem_err query_int1(lem_store *S, const char *sql, sqlite3_int64 a,
                          sqlite3_int64 *v, int *found) {
  sqlite3_stmt *st = stmt(S, sql);
  if (!st) return dberr(S, "cannot read");
  sqlite3_bind_int64(st, 1, a);
  int rc = sqlite3_step(st);
  *found = rc == SQLITE_ROW;
  *v = *found ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_reset(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? LEM_OK
                                               : dberr(S, "cannot read");
}

lem_err lem_store_find_proved(lem_store *S, lem_term statement,
                              uint32_t *dbid, lem_term *stored) {
  lem_ctx *L = S->L;
  *dbid = 0;
  *stored = 0;
  lem_term want = lem_canon(L, statement);
  if (!want) return L->err;
  sqlite3_stmt *st = stmt(S, "SELECT t.id, e.text FROM theorems t JOIN "
                          "expressions e ON e.id = t.statement WHERE "
                          "t.status = 'proved' ORDER BY t.id");
  if (!st) return dberr(S, "cannot read theorems");
  int rc;
  lem_err e = LEM_OK;
  while (!e && !*dbid && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *s = (const char *)sqlite3_column_text(st, 1);
    lem_term t = s ? lem_read_expr(L, s, (size_t)sqlite3_column_bytes(st, 1),
                                   "statement")
                   : 0;
    lem_term c = t ? lem_canon(L, t) : 0;
    if (!c)
      e = lem_error(L, LEM_EDB, "%s: theorem %lld: unreadable statement",
                    S->path, (long long)sqlite3_column_int64(st, 0));
    else if (c == want)
      *dbid = (uint32_t)sqlite3_column_int64(st, 0), *stored = t;
  }
  if (!e && !*dbid && rc != SQLITE_DONE) e = dberr(S, "cannot read theorems");
  sqlite3_reset(st);
  return e;
}

lem_err lem_store_read_introduced(lem_store *S, lem_term **out, uint32_t *n) {
  lem_ctx *L = S->L;
  *out = NULL;
  *n = 0;
  sqlite3_stmt *st = stmt(S, "SELECT text FROM expressions WHERE id IN "
                          "(SELECT expr FROM block_consts UNION SELECT "
                          "witness FROM step_witnesses) ORDER BY id");
  if (!st) return dberr(S, "cannot read constants");
  lem_term *v = NULL;
  uint32_t nv = 0, cap = 0;
  lem_err e = LEM_OK;
  int rc;
  while (!e && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *s = (const char *)sqlite3_column_text(st, 0);
    lem_term t = s ? lem_read_expr(L, s, strlen(s), "constant") : 0;
    if (!t) e = lem_error(L, LEM_EDB, "%s: damaged database: unreadable "
                          "constant", S->path);
    else if (LEM_GROW(L, v, cap, nv + 1)) e = LEM_ENOMEM;
    else v[nv++] = t;
  }
  if (!e && rc != SQLITE_DONE) e = dberr(S, "cannot read constants");
  sqlite3_reset(st);
  if (!e && cap > nv) { /* size it to nv for the caller's free */
    lem_term *r = nv ? lem_realloc(L, v, cap * sizeof *v, nv * sizeof *v)
                     : NULL;
    if (!nv) lem_free(L, v, cap * sizeof *v);
    if (nv && !r) e = LEM_ENOMEM;
    else v = r, cap = nv;
  }
  if (e) {
    lem_free(L, v, cap * sizeof *v);
    return e;
  }
  *out = v;
  *n = nv;
  return LEM_OK;
}

lem_err lem_store_reuse_theorem(lem_store *S, uint32_t thm, uint32_t dbid) {
  sqlite3_int64 ok;
  int found;
  if (S->mode != LEM_STORE_WRITE)
    return lem_error(S->L, LEM_EINVAL, "%s: opened for reading", S->path);
  lem_err e = query_int1(S, "SELECT status IN ('proved', 'given') FROM "
                         "theorems WHERE id = ?", dbid, &ok, &found);
  if (e) return e;
  if (!thm || !found || !ok)
    return lem_error(S->L, LEM_EINVAL, "%s: no proved theorem %u to reuse",
                     S->path, dbid);
  return set_thmmap(S, thm, dbid);
}

/* WRITE mode, schema version 2, and theorem dbid exists. */
static lem_err need_v2_thm(lem_store *S, uint32_t dbid) {
  sqlite3_int64 v;
  int found;
  if (S->mode != LEM_STORE_WRITE)
    return lem_error(S->L, LEM_EINVAL, "%s: opened for reading", S->path);
  lem_err e = query_int1(S, "SELECT id FROM theorems WHERE id = ?", dbid, &v,
                         &found);
  if (!e && !found)
    e = lem_error(S->L, LEM_EINVAL, "%s: no theorem %u", S->path, dbid);
  return e;
}

lem_err lem_store_set_batch(lem_store *S, uint32_t dbid, int64_t batch) {
  lem_err e = need_v2_thm(S, dbid);
  return e ? e : run_sql(S, NULL, "UPDATE theorems SET batch = ? WHERE id = ?",
                         "ii", (sqlite3_int64)batch, (sqlite3_int64)dbid);
}

lem_err lem_store_set_essential(lem_store *S, uint32_t dbid, int essential) {
  lem_err e = need_v2_thm(S, dbid);
  return e ? e : run_sql(S, NULL, "UPDATE theorems SET essential = ? WHERE "
                         "id = ?", "ii", (sqlite3_int64)!!essential,
                         (sqlite3_int64)dbid);
}

static lem_err support_body(lem_store *S, uint32_t dbid, uint32_t n,
                            const uint32_t *sup) {
  sqlite3_int64 v;
  int found;
  lem_err e = query_int1(S, "SELECT essential IS 1 FROM theorems WHERE id = ?",
                         dbid, &v, &found);
  if (!e && v)
    return lem_error(S->L, LEM_EINVAL, "%s: theorem %u is essential; only a "
                     "non-essential theorem has supporters", S->path, dbid);
  for (uint32_t i = 0; i < n && !e; i++) {
    e = query_int1(S, "SELECT essential IS 1 FROM theorems WHERE id = ?",
                   sup[i], &v, &found);
    if (!e && (!found || !v))
      return lem_error(S->L, LEM_EINVAL, "%s: supporter %u of theorem %u is "
                       "not an essential theorem", S->path, sup[i], dbid);
  }
  if (!e) e = run_sql(S, NULL, "DELETE FROM theorem_support WHERE theorem = ?",
                      "i", (sqlite3_int64)dbid);
  for (uint32_t i = 0; i < n && !e; i++)
    e = run_sql(S, NULL, "INSERT INTO theorem_support(theorem, position, "
                "supporter) VALUES(?,?,?)", "iii", (sqlite3_int64)dbid,
                (sqlite3_int64)i, (sqlite3_int64)sup[i]);
  return e;
}

lem_err lem_store_write_support(lem_store *S, uint32_t dbid, uint32_t n,
                                const uint32_t *sup) {
  lem_err e = need_v2_thm(S, dbid);
  if (e) return e;
  if ((e = exec(S, "BEGIN IMMEDIATE"))) return e;
  e = support_body(S, dbid, n, sup);
  if (!e) e = exec(S, "COMMIT");
  if (e) sqlite3_exec(S->db, "ROLLBACK", NULL, NULL, NULL);
  return e;
}

lem_err lem_store_read_meta(lem_store *S, uint32_t dbid, lem_thm_meta *m) {
  memset(m, 0, sizeof *m);
  m->essential = -1;
  sqlite3_int64 v;
  int found;
  lem_err e = query_int1(S, "SELECT id FROM theorems WHERE id = ?", dbid, &v,
                         &found);
  if (!e && !found)
    e = lem_error(S->L, LEM_EINVAL, "%s: no theorem %u", S->path, dbid);
  if (e || S->version < 2) return e;
  sqlite3_stmt *st = stmt(S, "SELECT batch, essential FROM theorems WHERE "
                          "id = ?");
  if (!st) return dberr(S, "cannot read");
  sqlite3_bind_int64(st, 1, dbid);
  if (sqlite3_step(st) == SQLITE_ROW) {
    m->has_batch = sqlite3_column_type(st, 0) != SQLITE_NULL;
    m->batch = sqlite3_column_int64(st, 0);
    if (sqlite3_column_type(st, 1) != SQLITE_NULL)
      m->essential = sqlite3_column_int64(st, 1) != 0;
  }
  sqlite3_reset(st);
  if (!(st = stmt(S, "SELECT supporter FROM theorem_support WHERE theorem = ?"
                  " ORDER BY position")))
    return dberr(S, "cannot read");
  sqlite3_bind_int64(st, 1, dbid);
  uint32_t cap = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (LEM_GROW(S->L, m->sup, cap, m->nsup + 1)) {
      e = LEM_ENOMEM;
      break;
    }
    m->sup[m->nsup++] = (uint32_t)sqlite3_column_int64(st, 0);
  }
  sqlite3_reset(st);
  /* shrink so that lem_store_meta_free knows the size */
  if (!e && cap > m->nsup) {
    uint32_t *r = m->nsup ? lem_realloc(S->L, m->sup, cap * sizeof *r,
                                        m->nsup * sizeof *r) : NULL;
    if (!m->nsup) lem_free(S->L, m->sup, cap * sizeof *r);
    else if (!r) e = LEM_ENOMEM;
    if (!e) m->sup = r;
  }
  if (!e && rc != SQLITE_DONE && rc != SQLITE_ROW) e = dberr(S, "cannot read");
  if (e) {
    lem_free(S->L, m->sup, cap * sizeof *m->sup);
    m->sup = NULL;
    m->nsup = 0;
  }
  return e;
}

void lem_store_meta_free(lem_ctx *L, lem_thm_meta *m) {
  lem_free(L, m->sup, (size_t)m->nsup * sizeof *m->sup);
  m->sup = NULL;
  m->nsup = 0;
}

static void free_cstr(lem_ctx *L, const char *s) {
  if (s) lem_free(L, (char *)s, strlen(s) + 1);
}

void lem_store_decisions_free(lem_ctx *L, lem_decision *d, uint32_t n) {
  for (uint32_t i = 0; d && i < n; i++) {
    free_cstr(L, d[i].kind);
    for (uint32_t j = 0; j < d[i].ncand; j++) free_cstr(L, d[i].cand[j].label);
    lem_free(L, d[i].cand, (size_t)d[i].ncand * sizeof *d[i].cand);
  }
  lem_free(L, d, (size_t)n * sizeof *d);
}

/* The expression of column col (NULL: 0), read back as a term. */
static lem_err column_expr(lem_store *S, sqlite3_stmt *st, int col,
                           lem_term *out) {
  *out = 0;
  if (sqlite3_column_type(st, col) == SQLITE_NULL) return LEM_OK;
  sqlite3_int64 id = sqlite3_column_int64(st, col);
  sqlite3_stmt *q = NULL;
  lem_err e = LEM_OK;
  /* its own statement: st stays on its row */
  if (sqlite3_prepare_v2(S->db, "SELECT text FROM expressions WHERE id = ?",
                         -1, &q, NULL) != SQLITE_OK)
    return dberr(S, "cannot read");
  sqlite3_bind_int64(q, 1, id);
  const char *s = sqlite3_step(q) == SQLITE_ROW
                      ? (const char *)sqlite3_column_text(q, 0) : NULL;
  if (!s || !(*out = lem_read_expr(S->L, s, strlen(s), "expression")))
    e = lem_error(S->L, LEM_EDB, "%s: damaged database: expression %lld "
                  "missing or unreadable", S->path, (long long)id);
  sqlite3_finalize(q);
  return e;
}

/* The candidates of decision d (database id d->id). */
static lem_err read_candidates(lem_store *S, lem_decision *d) {
  lem_ctx *L = S->L;
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(S->db, "SELECT expr, label, tried, chosen, on_proof"
                         " FROM decision_candidates WHERE decision = ? ORDER"
                         " BY position", -1, &st, NULL) != SQLITE_OK)
    return dberr(S, "cannot read decisions");
  sqlite3_bind_int64(st, 1, d->id);
  lem_err e = LEM_OK;
  uint32_t cap = 0;
  int rc;
  while (!e && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (LEM_GROW(L, d->cand, cap, d->ncand + 1)) {
      e = LEM_ENOMEM;
      break;
    }
    lem_candidate *c = &d->cand[d->ncand];
    memset(c, 0, sizeof *c);
    const char *lb = (const char *)sqlite3_column_text(st, 1);
    if ((e = column_expr(S, st, 0, &c->expr))) break;
    if (!(c->label = lem_strndup(L, lb ? lb : "", lb ? strlen(lb) : 0))) {
      e = LEM_ENOMEM;
      break;
    }
    c->tried = sqlite3_column_int(st, 2) != 0;
    c->chosen = sqlite3_column_int(st, 3) != 0;
    c->on_proof = sqlite3_column_int(st, 4) != 0;
    d->ncand++;
  }
  if (!e && rc != SQLITE_DONE) e = dberr(S, "cannot read decisions");
  sqlite3_finalize(st);
  /* size the array to ncand, as lem_store_decisions_free expects */
  if (cap > d->ncand) {
    lem_candidate *r = d->ncand ? lem_realloc(L, d->cand, cap * sizeof *r,
                                              d->ncand * sizeof *r) : NULL;
    if (!d->ncand) lem_free(L, d->cand, cap * sizeof *r);
    if (d->ncand && !r) {
      for (uint32_t j = 0; j < d->ncand; j++) free_cstr(L, d->cand[j].label);
      lem_free(L, d->cand, cap * sizeof *r);
      d->ncand = 0;
      e = LEM_ENOMEM;
    }
    d->cand = r;
  }
  return e;
}

lem_err lem_store_read_decisions(lem_store *S, uint32_t dbid,
                                 lem_decision **out, uint32_t *n) {
  lem_ctx *L = S->L;
  *out = NULL;
  *n = 0;
  if (S->version < 2) return LEM_OK;
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(S->db, "SELECT id, theorem, block, kind, goal FROM "
                         "decisions WHERE ?1 = 0 OR theorem = ?1 ORDER BY id",
                         -1, &st, NULL) != SQLITE_OK)
    return dberr(S, "cannot read decisions");
  sqlite3_bind_int64(st, 1, dbid);
  lem_decision *d = NULL;
  uint32_t nd = 0, cap = 0;
  lem_err e = LEM_OK;
  int rc;
  while (!e && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (LEM_GROW(L, d, cap, nd + 1)) {
      e = LEM_ENOMEM;
      break;
    }
    lem_decision *x = &d[nd];
    memset(x, 0, sizeof *x);
    const char *k = (const char *)sqlite3_column_text(st, 3);
    x->id = (uint32_t)sqlite3_column_int64(st, 0);
    x->thm = (uint32_t)sqlite3_column_int64(st, 1);
    x->block = (uint32_t)sqlite3_column_int64(st, 2);
    if (!(x->kind = lem_strndup(L, k ? k : "", k ? strlen(k) : 0))) {
      e = LEM_ENOMEM;
      break;
    }
    nd++;
    if (!(e = column_expr(S, st, 4, &x->goal)) && !x->goal)
      e = lem_error(L, LEM_EDB, "%s: damaged database: decision %u has no "
                    "goal", S->path, x->id);
    if (!e) e = read_candidates(S, x);
  }
  if (!e && rc != SQLITE_DONE) e = dberr(S, "cannot read decisions");
  sqlite3_finalize(st);
  if (!e && cap > nd) { /* size it to nd for lem_store_decisions_free */
    lem_decision *r = nd ? lem_realloc(L, d, cap * sizeof *r, nd * sizeof *r)
                         : NULL;
    if (!nd) lem_free(L, d, cap * sizeof *d);
    if (nd && !r) e = LEM_ENOMEM;
    else d = r, cap = nd;
  }
  if (e) {
    /* free what was read: nd entries, in an array of cap */
    for (uint32_t i = 0; i < nd; i++) {
      free_cstr(L, d[i].kind);
      for (uint32_t j = 0; j < d[i].ncand; j++)
        free_cstr(L, d[i].cand[j].label);
      lem_free(L, d[i].cand, (size_t)d[i].ncand * sizeof *d[i].cand);
    }
    lem_free(L, d, (size_t)cap * sizeof *d);
    return e;
  }
  *out = d;
  *n = nd;
  return LEM_OK;
}

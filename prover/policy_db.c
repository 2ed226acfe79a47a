/*
** policy_db.c: reading training examples (decision points) for the policy
** from a proof database, read-only.  The tables are described in policy.h
** and lemma-db(5); the prover's search writes them.  Each goal and
** candidate is an expressions row, read back with lem_read_expr, and the
** database's latest theory gives the relation roles for tokenization.
*/
#include "policy.h"
#include "store.h"

#include <sqlite3.h>
#include <string.h>

typedef struct rd {
  lem_ctx *L;
  sqlite3 *db;
  const char *path;
  lem_theory *T;
  lem_term *cands;     /* a decision's candidates */
  uint32_t ncap;
  uint8_t *chosen;     /* ... and whether each was chosen */
  uint32_t chcap;
} rd;

static lem_err dberr(rd *r, const char *what) {
  return lem_error(r->L, LEM_EDB, "%s: %s: %s", r->path, what,
                   sqlite3_errmsg(r->db));
}

static int has_table(rd *r, const char *name) {
  sqlite3_stmt *st;
  int yes = 0;
  if (sqlite3_prepare_v2(r->db,
                         "SELECT 1 FROM sqlite_master WHERE type='table' "
                         "AND name=?1",
                         -1, &st, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  yes = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  return yes;
}

/* The latest theory, for relation roles; none is not an error. */
static lem_err read_theory(rd *r) {
  if (!has_table(r, "theory")) return LEM_OK;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(r->db,
                         "SELECT manifest FROM theory ORDER BY id DESC LIMIT 1",
                         -1, &st, NULL) != SQLITE_OK)
    return dberr(r, "reading the theory");
  lem_err e = LEM_OK;
  if (sqlite3_step(st) == SQLITE_ROW) {
    const char *text = (const char *)sqlite3_column_text(st, 0);
    int n = sqlite3_column_bytes(st, 0);
    if (text) e = lem_theory_load_text(r->L, text, (size_t)n, r->path, &r->T);
  }
  sqlite3_finalize(st);
  return e;
}

static lem_term col_expr(rd *r, sqlite3_stmt *st, int col) {
  const char *text = (const char *)sqlite3_column_text(st, col);
  if (!text) {
    lem_error(r->L, LEM_EDB, "%s: a decision refers to a missing expression",
              r->path);
    return LEM_NOTERM;
  }
  return lem_read_expr(r->L, text, (size_t)sqlite3_column_bytes(st, col),
                       r->path);
}

/* Read decision id's candidates and add the point to D if usable: one
** example per chosen candidate, whose other candidates are the ones not
** chosen (several are chosen at a theorem-rule point: every rule the proof
** used). */
static lem_err read_point(rd *r, sqlite3_stmt *cs, sqlite3_int64 id,
                          lem_term goal, lem_pol_data *D, uint32_t *added) {
  sqlite3_reset(cs);
  sqlite3_bind_int64(cs, 1, id);
  uint32_t n = 0, nchosen = 0;
  int rc;
  while ((rc = sqlite3_step(cs)) == SQLITE_ROW) {
    /* a candidate recorded by label alone (no expression) cannot be
       tokenized: leave it out (a point whose chosen one it was is skipped) */
    if (sqlite3_column_type(cs, 0) == SQLITE_NULL) continue;
    if (LEM_GROW(r->L, r->cands, r->ncap, n + 1) ||
        LEM_GROW(r->L, r->chosen, r->chcap, n + 1))
      return LEM_ENOMEM;
    lem_term t = col_expr(r, cs, 0);
    if (!t) return r->L->err;
    r->chosen[n] = sqlite3_column_int(cs, 1) != 0;
    nchosen += r->chosen[n];
    r->cands[n++] = t;
  }
  if (rc != SQLITE_DONE) return dberr(r, "reading decision candidates");
  if (!nchosen || n - nchosen + 1 < 2) return LEM_OK;
  /* the examples: each chosen one with every candidate not chosen */
  lem_term *list = lem_malloc(r->L, (n - nchosen + 1) * sizeof *list);
  if (!list) return LEM_ENOMEM;
  lem_err e = LEM_OK;
  for (uint32_t c = 0; c < n && !e; c++) {
    if (!r->chosen[c]) continue;
    uint32_t m = 0, pos = 0;
    for (uint32_t i = 0; i < n; i++) {
      if (i == c) pos = m;
      if (i == c || !r->chosen[i]) list[m++] = r->cands[i];
    }
    lem_pol_decision d = {.goal = goal, .cands = list, .ncands = m,
                          .positive = pos};
    uint32_t before = D->n;
    e = lem_pol_data_add(r->L, D, r->T, &d);
    *added += D->n - before;
  }
  lem_free(r->L, list, (n - nchosen + 1) * sizeof *list);
  return e;
}

static lem_err read_points(rd *r, lem_pol_data *D, uint32_t *added) {
  sqlite3_stmt *ds = NULL, *cs = NULL;
  lem_err e = LEM_OK;
  if (sqlite3_prepare_v2(r->db,
                         "SELECT d.id, e.text FROM decisions d LEFT JOIN "
                         "expressions e ON e.id = d.goal ORDER BY d.id",
                         -1, &ds, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(r->db,
                         "SELECT e.text, c.chosen FROM decision_candidates c "
                         "LEFT JOIN expressions e ON e.id = c.expr WHERE "
                         "c.decision = ?1 ORDER BY c.position",
                         -1, &cs, NULL) != SQLITE_OK)
    e = dberr(r, "reading decisions");
  int rc = SQLITE_DONE;
  while (!e && (rc = sqlite3_step(ds)) == SQLITE_ROW) {
    lem_term goal = col_expr(r, ds, 1);
    e = goal ? read_point(r, cs, sqlite3_column_int64(ds, 0), goal, D, added)
             : r->L->err;
  }
  if (!e && rc != SQLITE_DONE) e = dberr(r, "reading decisions");
  sqlite3_finalize(ds);
  sqlite3_finalize(cs);
  return e;
}

lem_err lem_pol_data_read_db(lem_ctx *L, lem_pol_data *D, const char *path,
                             uint32_t *npoints) {
  rd r = {.L = L, .path = path};
  uint32_t added = 0;
  if (npoints) *npoints = 0;
  if (sqlite3_open_v2(path, &r.db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    lem_err e = dberr(&r, "cannot open");
    sqlite3_close(r.db);
    return e;
  }
  lem_err e = LEM_OK;
  if (sqlite3_exec(r.db, "SELECT count(*) FROM sqlite_master", NULL, NULL,
                   NULL) != SQLITE_OK)
    e = dberr(&r, "cannot read");
  else if (!has_table(&r, "expressions") || !has_table(&r, "decisions") ||
      !has_table(&r, "decision_candidates"))
    e = lem_error(L, LEM_EDB,
                  "%s: no decision points recorded (tables 'decisions' and "
                  "'decision_candidates' are missing)", path);
  if (!e) e = read_theory(&r);
  if (!e) e = read_points(&r, D, &added);
  if (!e && added == 0)
    e = lem_error(L, LEM_EDB, "%s: no usable decision points (each needs "
                  "at least 2 candidates, one of them chosen)", path);
  if (r.T) lem_theory_free(L, r.T);
  lem_free(L, r.cands, r.ncap * sizeof *r.cands);
  lem_free(L, r.chosen, r.chcap * sizeof *r.chosen);
  sqlite3_close(r.db);
  if (npoints) *npoints = added;
  return e;
}

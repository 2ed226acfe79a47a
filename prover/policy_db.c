/*
** policy_db.c: reading training examples (decision points) for the policy
** from a proof database, read-only.  The tables are described in policy.h
** and lemma-db(5); the prover's search writes them.  Each goal and
** candidate is an expressions row, read back with lem_read_expr, and the
** database's latest theory gives the relation roles for tokenization.
** With a leakage filter (lem_pol_exclude), the points that carry a trace
** of an excluded goal are dropped first (see policy.h for the rules).
*/
#include "canon.h"
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
  const lem_pol_exclude *X;  /* the leakage filter, or NULL */
  lem_map bad_thm;     /* tainted theorems' ids -> 1 */
  lem_map bad_stmt;    /* their statements' canonical forms -> 1 */
  uint32_t excluded;   /* points dropped */
  uint32_t xcands;     /* tainted candidates seen (dropped, or their point) */
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

/* The atoms of f through > (premise and conclusion) and &, in order. */
static lem_err atoms_of(lem_ctx *L, lem_term f, lem_term **v, uint32_t *n,
                        uint32_t *cap) {
  lem_kind k = lem_term_kind(L, f);
  if (k == LEM_ALL)
    return atoms_of(L, lem_all_prem(L, f), v, n, cap) ||
                   atoms_of(L, lem_all_concl(L, f), v, n, cap)
               ? LEM_ENOMEM : LEM_OK;
  if (k == LEM_AND)
    return atoms_of(L, lem_term_arg(L, f, 0), v, n, cap) ||
                   atoms_of(L, lem_term_arg(L, f, 1), v, n, cap)
               ? LEM_ENOMEM : LEM_OK;
  if (LEM_GROW(L, *v, *cap, *n + 1)) return LEM_ENOMEM;
  (*v)[(*n)++] = f;
  return LEM_OK;
}

lem_term lem_pol_law_key(lem_ctx *L, lem_term f) {
  lem_term *v = NULL, c = LEM_NOTERM;
  uint32_t n = 0, cap = 0;
  if (!atoms_of(L, f, &v, &n, &cap)) {
    lem_term a = n == 1 ? v[0] : lem_mk_andn(L, n, v);
    if (a) c = lem_canon(L, a);
  }
  lem_free(L, v, cap * sizeof *v);
  if (!c && !L->err) lem_error(L, LEM_ENOMEM, "out of memory");
  return c;
}

/* Is f (by its law key) an excluded goal or a tainted theorem's
** statement?  *bad set; LEM_OK or LEM_ENOMEM. */
static lem_err is_bad(rd *r, lem_term f, int *bad) {
  lem_term c = lem_pol_law_key(r->L, f);
  uint32_t x;
  if (!c) return LEM_ENOMEM;
  *bad = lem_map_get(&r->X->canon, c, &x) || lem_map_get(&r->bad_stmt, c, &x);
  return LEM_OK;
}

/* Does goal f read, as the policy tokenizes a goal, like an excluded
** goal? */
static int same_tokens(rd *r, lem_term f) {
  lem_pol_symmap map;
  lem_pol_seq q;
  lem_policy_tokenize(r->L, r->T, f, 1, &map, &q);
  for (uint32_t i = 0; i < r->X->nseq; i++) {
    const lem_pol_seq *p = &r->X->seq[i];
    if (p->n == q.n && !memcmp(p->type, q.type, q.n) &&
        !memcmp(p->slot, q.slot, q.n))
      return 1;
  }
  return 0;
}

/* Is decision point (theorem thm, goal) to be dropped for its goal? */
static lem_err bad_goal(rd *r, sqlite3_int64 thm, lem_term goal, int *bad) {
  uint32_t x;
  *bad = 0;
  if (!r->X) return LEM_OK;
  if (thm > 0 && lem_map_get(&r->bad_thm, (uint64_t)thm, &x)) {
    *bad = 1;
    return LEM_OK;
  }
  lem_err e = is_bad(r, goal, bad);
  if (!e && !*bad) *bad = same_tokens(r, goal);
  return e;
}

/* The theorems of the database, for the taint. */
typedef struct rthm {
  sqlite3_int64 id;
  lem_term stmt;
  int bad;
} rthm;

typedef struct rdep {
  sqlite3_int64 thm, ref;
} rdep;

static lem_err read_thms(rd *r, rthm **out, uint32_t *n, uint32_t *cap) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(r->db,
                         "SELECT t.id, e.text FROM theorems t JOIN "
                         "expressions e ON e.id = t.statement ORDER BY t.id",
                         -1, &st, NULL) != SQLITE_OK)
    return dberr(r, "reading the theorems");
  lem_err e = LEM_OK;
  int rc;
  while (!e && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (LEM_GROW(r->L, *out, *cap, *n + 1)) {
      e = LEM_ENOMEM;
      break;
    }
    rthm *t = &(*out)[*n];
    t->id = sqlite3_column_int64(st, 0);
    t->bad = 0;
    if (!(t->stmt = col_expr(r, st, 1))) e = r->L->err;
    else e = is_bad(r, t->stmt, &t->bad);
    (*n)++;
  }
  if (!e && rc != SQLITE_DONE) e = dberr(r, "reading the theorems");
  sqlite3_finalize(st);
  return e;
}

static lem_err read_deps(rd *r, rdep **out, uint32_t *n, uint32_t *cap) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(r->db,
                         "SELECT DISTINCT theorem, ref_theorem FROM steps "
                         "WHERE rule = 'theorem' AND ref_theorem IS NOT NULL "
                         "ORDER BY theorem, ref_theorem",
                         -1, &st, NULL) != SQLITE_OK)
    return dberr(r, "reading the theorem steps");
  lem_err e = LEM_OK;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (LEM_GROW(r->L, *out, *cap, *n + 1)) {
      e = LEM_ENOMEM;
      break;
    }
    (*out)[(*n)++] = (rdep){sqlite3_column_int64(st, 0),
                            sqlite3_column_int64(st, 1)};
  }
  if (!e && rc != SQLITE_DONE) e = dberr(r, "reading the theorem steps");
  sqlite3_finalize(st);
  return e;
}

static rthm *find_thm(rthm *t, uint32_t n, sqlite3_int64 id) {
  uint32_t lo = 0, hi = n; /* t is sorted by id */
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (t[mid].id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo < n && t[lo].id == id ? &t[lo] : NULL;
}

/* Spread the taint over the proofs until nothing changes: a theorem that
** cites a tainted one is tainted. */
static void spread(rthm *t, uint32_t nt, const rdep *d, uint32_t nd) {
  for (int changed = 1; changed;) {
    changed = 0;
    for (uint32_t i = 0; i < nd; i++) {
      rthm *a = find_thm(t, nt, d[i].thm), *b = find_thm(t, nt, d[i].ref);
      if (a && b && b->bad && !a->bad) a->bad = changed = 1;
    }
  }
}

/* The tainted theorems of the database, into r->bad_thm and r->bad_stmt. */
static lem_err taint(rd *r) {
  if (!has_table(r, "theorems") || !has_table(r, "steps")) return LEM_OK;
  rthm *t = NULL;
  rdep *d = NULL;
  uint32_t nt = 0, ct = 0, nd = 0, cd = 0;
  lem_err e = read_thms(r, &t, &nt, &ct);
  if (!e) e = read_deps(r, &d, &nd, &cd);
  if (!e) spread(t, nt, d, nd);
  for (uint32_t i = 0; i < nt && !e; i++) {
    if (!t[i].bad) continue;
    lem_term c = lem_pol_law_key(r->L, t[i].stmt);
    if (!c || lem_map_put(r->L, &r->bad_thm, (uint64_t)t[i].id, 1) ||
        lem_map_put(r->L, &r->bad_stmt, c, 1))
      e = LEM_ENOMEM;
  }
  lem_free(r->L, t, ct * sizeof *t);
  lem_free(r->L, d, cd * sizeof *d);
  return e;
}

/* Read decision id's candidates and add the point to D if usable: one
** example per chosen candidate, whose other candidates are the ones not
** chosen (several are chosen at a theorem-rule point: every rule the proof
** used).  At a tactic point (tactic: 1) a tactic the pass did not try is
** left out: whether it would have worked is not known, and counting it as
** a failure would teach the order the search happened to use. */
static lem_err read_point(rd *r, sqlite3_stmt *cs, sqlite3_int64 id,
                          int tactic, lem_term goal, lem_pol_data *D,
                          uint32_t *added) {
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
    int bad = 0, chosen = sqlite3_column_int(cs, 1) != 0;
    if (tactic && !chosen && !sqlite3_column_int(cs, 2)) continue;
    if (r->X && is_bad(r, t, &bad)) return r->L->err;
    if (bad) { /* a candidate that is, or was proved from, a test goal */
      r->xcands++;
      if (!chosen) continue; /* left out of the point */
      r->excluded++;         /* the proof used it: the whole point goes */
      return LEM_OK;
    }
    r->chosen[n] = (uint8_t)chosen;
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
                         "SELECT d.id, e.text, d.theorem, d.kind IN "
                         "('tactic', 'induction-var') FROM decisions d "
                         "LEFT JOIN expressions e ON e.id = d.goal "
                         "ORDER BY d.id",
                         -1, &ds, NULL) != SQLITE_OK ||
      (sqlite3_prepare_v2(r->db,
                          "SELECT e.text, c.chosen, c.tried FROM "
                          "decision_candidates c "
                          "LEFT JOIN expressions e ON e.id = c.expr WHERE "
                          "c.decision = ?1 ORDER BY c.position",
                          -1, &cs, NULL) != SQLITE_OK &&
       /* a table without tried (written by hand): every candidate tried */
       sqlite3_prepare_v2(r->db,
                          "SELECT e.text, c.chosen, 1 FROM "
                          "decision_candidates c "
                          "LEFT JOIN expressions e ON e.id = c.expr WHERE "
                          "c.decision = ?1 ORDER BY c.position",
                          -1, &cs, NULL) != SQLITE_OK))
    e = dberr(r, "reading decisions");
  int rc = SQLITE_DONE;
  while (!e && (rc = sqlite3_step(ds)) == SQLITE_ROW) {
    lem_term goal = col_expr(r, ds, 1);
    int bad = 0;
    if (!goal) e = r->L->err;
    else e = bad_goal(r, sqlite3_column_type(ds, 2) == SQLITE_NULL
                             ? 0 : sqlite3_column_int64(ds, 2),
                      goal, &bad);
    if (!e && bad) r->excluded++;
    else if (!e)
      e = read_point(r, cs, sqlite3_column_int64(ds, 0),
                     sqlite3_column_int(ds, 3), goal, D, added);
  }
  if (!e && rc != SQLITE_DONE) e = dberr(r, "reading decisions");
  sqlite3_finalize(ds);
  sqlite3_finalize(cs);
  return e;
}

lem_err lem_pol_data_read_db(lem_ctx *L, lem_pol_data *D, const char *path,
                             uint32_t *npoints) {
  return lem_pol_data_read_db_filtered(L, D, path, NULL, npoints, NULL, NULL);
}

lem_err lem_pol_data_read_db_filtered(lem_ctx *L, lem_pol_data *D,
                                      const char *path,
                                      const lem_pol_exclude *X,
                                      uint32_t *npoints, uint32_t *nexcluded,
                                      uint32_t *nxcands) {
  rd r = {.L = L, .path = path, .X = X};
  uint32_t added = 0;
  if (npoints) *npoints = 0;
  if (nexcluded) *nexcluded = 0;
  if (nxcands) *nxcands = 0;
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
  if (!e && X) e = taint(&r);
  if (!e) e = read_points(&r, D, &added);
  if (!e && added == 0 && r.excluded == 0)
    e = lem_error(L, LEM_EDB, "%s: no usable decision points (each needs "
                  "at least 2 candidates, one of them chosen)", path);
  if (r.T) lem_theory_free(L, r.T);
  lem_free(L, r.cands, r.ncap * sizeof *r.cands);
  lem_free(L, r.chosen, r.chcap * sizeof *r.chosen);
  lem_map_free(L, &r.bad_thm);
  lem_map_free(L, &r.bad_stmt);
  sqlite3_close(r.db);
  if (npoints) *npoints = added;
  if (nexcluded) *nexcluded = r.excluded;
  if (nxcands) *nxcands = r.xcands;
  return e;
}

lem_err lem_pol_exclude_add(lem_ctx *L, lem_pol_exclude *X,
                            const lem_theory *T, lem_term f) {
  lem_term c = lem_pol_law_key(L, f);
  if (!c || lem_map_put(L, &X->canon, c, 1) ||
      LEM_GROW(L, X->seq, X->capseq, X->nseq + 1))
    return LEM_ENOMEM;
  lem_pol_symmap map;
  lem_policy_tokenize(L, T, f, 1, &map, &X->seq[X->nseq++]);
  return LEM_OK;
}

void lem_pol_exclude_free(lem_ctx *L, lem_pol_exclude *X) {
  lem_map_free(L, &X->canon);
  lem_free(L, X->seq, X->capseq * sizeof *X->seq);
  *X = (lem_pol_exclude){0};
}

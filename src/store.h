/*
** store.h: the SQLite proof database.
**
** A lemma database holds the runs of the prover on one theory: each run's
** tool version, options and theory hash, the theory's manifest text (so the
** checker can reload it with lem_theory_load_text), every expression once
** (canonical MPL text, i.e. lem_term_print's output), and each theorem's
** whole proof graph (proof.h): blocks, steps, ordered premises,
** substitutions, witnesses, child blocks and SMT queries.  The schema is
** documented table by table in man/lemma-db.5.
**
** Each theorem is written in one transaction, so a run killed mid-write
** leaves a database whose finished theorems all load and check.  The journal
** is WAL with synchronous = NORMAL: a killed process loses nothing it
** committed; a power failure may lose the last few commits, never
** consistency.  Database
** ids are assigned by SQLite; a loaded proof is renumbered densely and keeps
** the database ids in its dbid fields.
**
** Every error is LEM_EDB (or LEM_ENOMEM / LEM_EINVAL) with a message in the
** context that names the file.  Nothing here prints or exits.
*/
#ifndef LEM_STORE_H
#define LEM_STORE_H

#include "proof.h"

#include <stdint.h>

#define LEM_STORE_APP_ID 0x4c656d61  /* PRAGMA application_id: "Lema" */
#define LEM_STORE_VERSION 2          /* PRAGMA user_version */

typedef struct lem_store lem_store;

typedef enum lem_store_mode { LEM_STORE_READ = 0, LEM_STORE_WRITE } lem_store_mode;

/* Open path.  READ needs an existing lemma database; WRITE also creates a
** new one when the file is missing or empty (0 bytes).  Refused, with
** LEM_EDB and a message naming the file: a directory, a missing file (READ),
** a non-SQLite or truncated or corrupt file, an SQLite file of another
** application, a newer schema version, a read-only file (WRITE).  On success
** *out is a new handle that uses L for memory and errors (L must outlive
** it); on failure *out is NULL. */
lem_err lem_store_open(lem_ctx *L, const char *path, lem_store_mode mode,
                       lem_store **out);

/* Close the handle; in WRITE mode with a run begun, record its end time
** first.  NULL is a no-op.  The handle is invalid afterwards. */
void lem_store_close(lem_store *S);

/* The path the store was opened with (owned by the store). */
const char *lem_store_path(const lem_store *S);

/* Begin a run (WRITE mode): records version, options and theory_hash (any
** text; NULL is "").  LEM_EDB if the database already holds runs on another
** theory hash, or on a write error. */
lem_err lem_store_begin_run(lem_store *S, const char *version,
                            const char *options, const char *theory_hash);

/* Record the run's theory: its name and a self-contained manifest text (no
** `from` files).  Needs a run. */
lem_err lem_store_write_theory(lem_store *S, const char *name,
                               const char *manifest, size_t len);

/* Write theorem thm of P with all its blocks and steps, in one transaction
** (all or nothing).  Needs a run.  A `theorem` step must refer to a theorem
** already written through this handle, and premises must lie in the same
** theorem (LEM_EINVAL otherwise).  P's terms must live in the store's
** context. */
lem_err lem_store_write_theorem(lem_store *S, const lem_proof *P, uint32_t thm);

/* The latest run's theory.  *name and *manifest (NUL-terminated, *len bytes)
** are allocated through the store's context; free them with lem_free(L, p,
** strlen + 1).  LEM_EDB if the database holds no theory. */
lem_err lem_store_read_theory(lem_store *S, char **name, char **manifest,
                              size_t *len);

/* The latest run's record: tool version, options, theory hash, start and
** end times (ISO 8601 UTC; finished is "" for a run that did not end
** cleanly), and how many runs the database holds. */
typedef struct lem_store_run {
  char *version, *options, *theory_hash, *started, *finished;
  uint32_t nruns;
} lem_store_run;

/* Fill *out with the latest run; its strings are allocated through the
** store's context: free them with lem_store_run_free.  LEM_EDB if the
** database holds no run; on failure *out is all NULL. */
lem_err lem_store_read_run(lem_store *S, lem_store_run *out);
void lem_store_run_free(lem_ctx *L, lem_store_run *r);

/* Load every theorem with its proof graph into a new proof in the store's
** context (*out; free with lem_proof_free).  Expressions are re-read with
** lem_read_expr.  A database whose rows do not fit together (a missing
** row, a dangling reference, an unreadable expression, a gap in an ordered
** list) gives LEM_EDB naming the row.  On failure *out is NULL. */
lem_err lem_store_load(lem_store *S, lem_proof **out);

/* ---- resuming into a database ---- */

/* The database id of proof theorem thm as written (or reused, below)
** through this handle; 0 if it was not. */
uint32_t lem_store_theorem_dbid(const lem_store *S, uint32_t thm);

/* Look for a proved theorem whose statement has the same canonical form
** (canon.h: equal up to renaming variables and ordering &) as
** statement.  On a
** match *dbid is its database id (the earliest such theorem) and *stored its
** statement as stored, read with lem_read_expr (prove it unchanged, since a
** `theorem` step must state exactly that); otherwise both are 0.  Errors:
** LEM_EDB on a read error or an unreadable statement. */
lem_err lem_store_find_proved(lem_store *S, lem_term statement,
                              uint32_t *dbid, lem_term *stored);

/* Every constant that a stored block or exists step introduces (read with
** lem_read_expr), so that a resumed run can avoid introducing them again:
** the checker wants each constant introduced once in the whole database.
** *out is allocated through the store's context (free with lem_free(L, *out,
** *n * sizeof **out)); NULL when there are none. */
lem_err lem_store_read_introduced(lem_store *S, lem_term **out, uint32_t *n);

/* From now on, proof theorem thm is the stored theorem dbid: `theorem`
** steps that use thm are written as references to dbid, and
** lem_store_theorem_dbid(S, thm) is dbid.  Do not write thm itself (that
** would store a second copy).  LEM_EINVAL unless dbid is a proved or given
** theorem of the database (needs WRITE mode). */
lem_err lem_store_reuse_theorem(lem_store *S, uint32_t thm, uint32_t dbid);

/* ---- schema version 2: theorem metadata (theory exploration) ----
** These take database theorem ids (lem_pthm.dbid of a loaded proof, or
** lem_store_theorem_dbid).  Writes need WRITE mode (no run needed) and are
** each one transaction; LEM_EINVAL for a theorem that does not exist. */

/* The exploration batch a theorem was found in (any integer). */
lem_err lem_store_set_batch(lem_store *S, uint32_t dbid, int64_t batch);

/* Whether the compressor kept the theorem as essential (1) or not (0). */
lem_err lem_store_set_essential(lem_store *S, uint32_t dbid, int essential);

/* How a non-essential theorem follows from essential ones: replaces its
** list of supporters with sup[0..n).  LEM_EINVAL when dbid is marked
** essential or a supporter is not marked essential (mark them first). */
lem_err lem_store_write_support(lem_store *S, uint32_t dbid, uint32_t n,
                                const uint32_t *sup);

typedef struct lem_thm_meta {
  int has_batch;
  int64_t batch;
  int essential;      /* 1, 0, or -1 when not decided */
  uint32_t nsup;
  uint32_t *sup;      /* supporters' database ids, in order */
} lem_thm_meta;

/* Read a theorem's metadata into *m; m->sup is allocated through the
** store's context (free with lem_store_meta_free).  A version 1 file read
** as it is has none (no batch, essential -1, no supporters). */
lem_err lem_store_read_meta(lem_store *S, uint32_t dbid, lem_thm_meta *m);
void lem_store_meta_free(lem_ctx *L, lem_thm_meta *m);

/* ---- schema version 2: decision points of the search (policy data) ---- */

/* One option at a decision point.  expr is the candidate as an expression
** (e.g. the generalised goal an induction variable gives), or 0; label a
** short name (e.g. the variable), NULL for "".  tried: the search tried it;
** chosen: it gave the step the proof took; on_proof: what it produced is
** used by the final proof. */
typedef struct lem_candidate {
  lem_term expr;
  const char *label;
  int tried, chosen, on_proof;
} lem_candidate;

/* A decision point: in theorem thm (and block, or 0), the search had to
** choose among cand[0..ncand) to make progress on goal.  kind is one of
** "tactic", "theorem-rule", "smt", "conjecture", or "induction-var" (the
** tactic points of older databases, without the direct candidate). */
typedef struct lem_decision {
  uint32_t id;        /* database id (read); ignored when writing */
  uint32_t thm;       /* read: database id; ignored when writing */
  uint32_t block;     /* write: a block id of the proof theorem; read: the
                         database id; 0: none */
  const char *kind;
  lem_term goal;
  uint32_t ncand;
  lem_candidate *cand;
} lem_decision;

/* As lem_store_write_theorem, and in the same transaction, the theorem's
** decision points d[0..nd).  LEM_EINVAL for an unknown kind, a missing goal
** or a block outside the theorem; nothing is written then. */
lem_err lem_store_write_theorem_decisions(lem_store *S, const lem_proof *P,
                                          uint32_t thm, const lem_decision *d,
                                          uint32_t nd);

/* The decision points of theorem dbid (0: of every theorem), ordered by id,
** candidates by position, into a new array *out of *n (NULL, 0 when there
** are none, as in a version 1 file).  Goals and candidate expressions are
** read with lem_read_expr.  Free with lem_store_decisions_free. */
lem_err lem_store_read_decisions(lem_store *S, uint32_t dbid,
                                 lem_decision **out, uint32_t *n);
void lem_store_decisions_free(lem_ctx *L, lem_decision *d, uint32_t n);

/* Read a plain MPL expression: `(&(A)(B))`, `(>[x,y](A)(B))`, `!(A)`,
** `(r[a,b])`, or a lone term (`a`, `f(a,b)`, as substitution values are
** stored).  Every name bound by `>` becomes a LEM_VAR (number 0) and every
** other name a LEM_CONST; function terms f(a,b) are allowed as
** arguments.  No theory is consulted.  Reading lem_term_print's output of a
** term whose variables have number 0 gives the same id back.  fname names
** the text in messages.  Returns LEM_NOTERM with LEM_ESYNTAX (or
** LEM_ENOMEM) in L on failure; nesting deeper than 1000 is refused. */
lem_term lem_read_expr(lem_ctx *L, const char *text, size_t len,
                       const char *fname);

#endif

/*
** proof.h: the in-memory proof graph.
**
** The prover builds one lem_proof per run; the store (store.h) writes it to
** and reads it back from SQLite, the checker (check/check.h) re-derives it,
** and the HTML renderer walks it.  The calculus it records is fixed in
** prover/DESIGN.md: theorems own a tree of blocks (scopes with constants and
** hypotheses); blocks hold steps; each step names its rule, conclusion,
** ordered premises (step ids), substitution, witnesses, referenced theorem or
** definition and child blocks.
**
** Ids: theorems, blocks and steps are each numbered 1, 2, ... in creation
** order (0 means "none"), so steps are numbered globally.  An id is an index
** into the proof's arrays plus one.  Objects loaded from a database also
** carry their database id (dbid), used in messages; 0 for in-memory ones.
**
** All memory goes through the proof's context allocator.  Every builder
** call either succeeds completely or leaves the proof as it was.
*/
#ifndef LEM_PROOF_H
#define LEM_PROOF_H

#include "term.h"

typedef enum lem_rule {
  LEM_R_NONE = 0,
  LEM_R_AXIOM,
  LEM_R_THEOREM,
  LEM_R_HYP,
  LEM_R_EXPAND,
  LEM_R_FOLD,
  LEM_R_AND_L,
  LEM_R_AND_R,
  LEM_R_AND_I,
  LEM_R_MP,
  LEM_R_EXISTS,
  LEM_R_EQ_REFL,
  LEM_R_EQ_SUBST,
  LEM_R_CONTRA,
  LEM_R_INTRO,
  LEM_R_INDUCT,
  LEM_R_SMT,
  LEM_R_REIT,   /* restate a fact of an enclosing block inside a block */
  LEM_R_NEG_INTRO, /* !(A), from a child block that assumes A and states
                      !(A) (by contra) */
  LEM_R_COUNT
} lem_rule;

typedef enum lem_thm_kind {
  LEM_TK_GOAL = 0, LEM_TK_DISCOVERED, LEM_TK_MIRRORED, LEM_TK_GIVEN,
  LEM_TK_COUNT
} lem_thm_kind;

typedef enum lem_thm_status {
  LEM_TS_PROVED = 0, LEM_TS_FAILED, LEM_TS_GIVEN, LEM_TS_COUNT
} lem_thm_status;

typedef enum lem_block_kind {
  LEM_BK_ROOT = 0, LEM_BK_INTRO, LEM_BK_BASE, LEM_BK_STEP, LEM_BK_COUNT
} lem_block_kind;

typedef struct lem_pthm {
  uint32_t id, dbid;
  char *name;              /* NUL-terminated, owned by the proof */
  lem_term stmt;           /* a closed formula over theory constants */
  lem_thm_kind kind;
  lem_thm_status status;
  uint32_t root;           /* root block id, 0 if none (given theorems) */
  uint32_t final;          /* final step id, 0 if none */
  /* This theorem's blocks and steps in creation order, as chains through
  ** lem_block.next / lem_step.next (0 ends a chain); kept by the builders,
  ** so a writer visits one theorem without walking the whole graph. */
  uint32_t first_block, last_block, first_step, last_step;
} lem_pthm;

typedef struct lem_block {
  uint32_t id, dbid;
  uint32_t thm;            /* the theorem whose tree this block is in */
  uint32_t parent;         /* 0 for a root block */
  lem_block_kind kind;
  uint32_t nconsts;        /* constants introduced (LEM_CONST terms) */
  lem_term *consts;
  uint32_t nhyps;          /* hypotheses (closed formulas) */
  lem_term *hyps;
  uint32_t next;           /* the theorem's next block, 0 if last */
} lem_block;

typedef struct lem_step {
  uint32_t id, dbid;
  uint32_t block;
  lem_rule rule;
  lem_term concl;
  uint32_t nprem;          /* premise step ids, in order */
  uint32_t *prem;
  uint32_t nsubst;         /* mp/expand/fold: svar[i] := sval[i] */
  lem_term *svar, *sval;   /* svar: LEM_VAR terms */
  uint32_t nwit;           /* exists: the witness constants */
  lem_term *wit;
  uint32_t thmref;         /* theorem: the theorem id used */
  lem_sym def;             /* expand/fold: the definition's name */
  uint32_t nkids;          /* intro: 1 child block; induct: 2 (base, step) */
  uint32_t kids[2];
  char *query, *answer;    /* smt: SMT-LIB2 query and the answer; or NULL */
  uint32_t next;           /* the next step of the same theorem, 0 if last */
} lem_step;

/* What a caller fills to add a step; arrays are copied. */
typedef struct lem_step_spec {
  uint32_t block;
  lem_rule rule;
  lem_term concl;
  uint32_t nprem;
  const uint32_t *prem;
  uint32_t nsubst;
  const lem_term *svar, *sval;
  uint32_t nwit;
  const lem_term *wit;
  uint32_t thmref;
  lem_sym def;
  uint32_t nkids;
  uint32_t kids[2];
  const char *query, *answer; /* NUL-terminated, copied; may be NULL */
} lem_step_spec;

typedef struct lem_proof {
  lem_ctx *L;
  lem_pthm *thms;
  uint32_t nthms, cthms;
  lem_block *blocks;
  uint32_t nblocks, cblocks;
  lem_step *steps;
  uint32_t nsteps, csteps;
} lem_proof;

/* The induction principle of a theory, e.g. member in[x,N], zero i0,
** succ in2[x,y,s]: member is a LEM_REL over the LEM_VAR x and constants,
** succ a LEM_REL over the LEM_VARs x and y and constants, zero a LEM_CONST.
** Owned by the caller; the terms live in the caller's context. */
typedef struct lem_induction {
  lem_term member, zero, succ;
  lem_term x, y;
} lem_induction;

/* Create an empty proof in L (NULL on out of memory, error in L).  Free it
** with lem_proof_free, which frees everything it owns; NULL is a no-op. */
lem_proof *lem_proof_new(lem_ctx *L);
void lem_proof_free(lem_proof *P);

/* Add a theorem; name is copied.  Returns its id, or 0 on out of memory.
** Its root block and final step start at 0; see below. */
uint32_t lem_proof_add_theorem(lem_proof *P, const char *name, lem_term stmt,
                               lem_thm_kind kind, lem_thm_status status);

/* Add a block of theorem thm with the given parent (0 for a root block,
** which also becomes the theorem's root when it has none).  consts and hyps
** are copied.  Returns its id, or 0 (LEM_EINVAL when thm does not exist or
** parent is not an earlier block of thm; LEM_ENOMEM). */
uint32_t lem_proof_add_block(lem_proof *P, uint32_t thm, uint32_t parent,
                             lem_block_kind kind, uint32_t nconsts,
                             const lem_term *consts, uint32_t nhyps,
                             const lem_term *hyps);

/* Add a step; the spec's arrays and strings are copied.  Only the block
** must exist (LEM_EINVAL otherwise); premise and other ids are recorded as
** given (lem_proof_consistent and the checker judge them).  Returns the new
** step's id, or 0. */
uint32_t lem_proof_add_step(lem_proof *P, const lem_step_spec *spec);

/* Set a theorem's final step, root block or status.  LEM_EINVAL on bad ids. */
lem_err lem_proof_set_final(lem_proof *P, uint32_t thm, uint32_t step);
lem_err lem_proof_set_root(lem_proof *P, uint32_t thm, uint32_t block);
lem_err lem_proof_set_status(lem_proof *P, uint32_t thm, lem_thm_status st);

/* Accessors: NULL when the id is out of range.  Pointers stay valid until
** the next add call or lem_proof_free. */
const lem_pthm *lem_proof_thm(const lem_proof *P, uint32_t id);
const lem_block *lem_proof_block(const lem_proof *P, uint32_t id);
const lem_step *lem_proof_step(const lem_proof *P, uint32_t id);

/* Is block a equal to block b or one of its ancestors?  0 on bad ids. */
int lem_proof_block_within(const lem_proof *P, uint32_t b, uint32_t a);

/* Names: "mp", "and_l", ... and back (LEM_R_NONE for an unknown name).
** Likewise for theorem kinds ("goal"...), statuses ("proved"...) and block
** kinds ("root"...); the parse functions return -1 for an unknown name. */
const char *lem_rule_name(lem_rule r);
lem_rule lem_rule_parse(const char *s);
const char *lem_thm_kind_name(lem_thm_kind k);
int lem_thm_kind_parse(const char *s);
const char *lem_thm_status_name(lem_thm_status s);
int lem_thm_status_parse(const char *s);
const char *lem_block_kind_name(lem_block_kind k);
int lem_block_kind_parse(const char *s);

/* Structural consistency, for asserts and tests: every id refers to an
** existing object, parents and premises come earlier, blocks and their
** parents belong to the same theorem, child counts match the rule.  Returns
** 1 if consistent; on 0, *why (if not NULL) points to a static reason. */
int lem_proof_consistent(const lem_proof *P, const char **why);

#endif

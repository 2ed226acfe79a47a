/*
** proofgen.h: small but real proofs, built by hand in lemma's calculus, for
** the checker and store tests (test_check.c, test_store.c, fuzz seeds).
**
** One toy theory (pg_theory_text) holds propositional-style relations
** p, q, r, t, a definition pq, equality, and a toy naturals part with an
** induction principle.  pg_build makes a proof with one theorem per rule
** family: axiom/and_l/and_r/mp, theorem/and_i/fold/expand, exists/intro,
** eq_subst/eq_refl, contra, induct, smt, neg_intro.
*/
#ifndef LEM_PROOFGEN_H
#define LEM_PROOFGEN_H

#include "check/check.h"
#include "proof.h"
#include "store.h"

extern const char pg_theory_text[];

typedef struct pg_world {
  lem_ctx *L;
  lem_theory *T;        /* pg_theory_text, loaded */
  lem_proof *P;         /* the hand-built proofs */
  lem_induction ind;    /* in[x,N], i0, in2[x,y,s] */
} pg_world;

/* Load the theory and build the proofs in a new context.  Returns 0 on
** success (and fills *w), -1 on failure.  Free with pg_free. */
int pg_build(pg_world *w);
void pg_free(pg_world *w);

/* Read an expression (free names constants) in w's context; aborts on a
** syntax error (tests only). */
lem_term pg_expr(pg_world *w, const char *text);

/* Load the theory text with lem_theory_load_text and the induction struct
** for it, in L.  0 or -1. */
int pg_theory(lem_ctx *L, lem_theory **T, lem_induction *ind);

/* Write the whole proof of w to a new database at path (overwritten).
** Returns 0, or -1 with the error in w->L. */
int pg_write_db(pg_world *w, const char *path);

#endif

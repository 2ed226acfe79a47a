/*
** side.h: side goals settled by Z3 in the theory's arithmetic model.
**
** A goal (>[x..](P)(Q)) (curried further as (>[y..](P2)(Q2)) and so on)
** whose premises are conjunctions of literals and whose last conclusion is a
** literal is a side goal when, with its variables opened as constants, the
** premises determine every constant from the model's numerals (the direct
** evaluator smt_eval_qf says so): a ground arithmetic fact written
** relationally, such as 2 + 3 = 5 or NOT 3 * 2 = 7.  Only such ground goals
** are handed to Z3: a true ground fact of the model is one the theory is
** trusted to prove (its model statements say so), while an open law such as
** a + b = b + a, though true in the model, is left to the logic blocks and
** induction.
**
** The proof is recorded as intro blocks (one per quantifier level, the
** premises as hypotheses) closed by one `smt` step whose premises are all
** the hypotheses, whose conclusion is the literal, and which keeps the exact
** SMT-LIB2 query (smt_query_text of the premises and conclusion, so replay
** can rebuild it) and Z3's answer, "unsat".  The evaluator's verdict must
** agree with Z3's, or the side goal is refused.
*/
#ifndef PV_SIDE_H
#define PV_SIDE_H

#include "prove.h"
#include "smt.h"

typedef struct pv_side_rec {
  char *query;     /* NUL-terminated, owned */
  size_t qlen;
} pv_side_rec;

typedef struct pv_side {
  lem_ctx *L;
  smt_solver *S;
  smt_model M;
  pv_side_rec *rec;  /* indexed by an smt fact's aux */
  uint32_t nrec, caprec;
  uint32_t asked, proved, undecided, failed; /* statistics */
  char why[256];     /* the last refusal or Z3 failure, for messages */
} pv_side;

/* Set up side goals for theory T: LEM_OK with a Z3 handle, or LEM_EINVAL
** when T has no arithmetic model (no `model` statement), or LEM_ESMT. */
lem_err pv_side_init(pv_side *D, lem_ctx *L, const lem_theory *T);
void pv_side_free(pv_side *D);

/* The hook pv_prove calls (when P->side is set) before its search: a root
** fact proving goal through Z3, or 0 when goal is not a ground side goal or
** Z3 does not prove it (then nothing of the search is changed but unused
** blocks).  *err is set on an error (out of memory). */
pv_fid pv_side_prove(pv_prover *P, lem_term goal, int *err);

/* The stored query of smt fact id (its aux), or NULL. */
const char *pv_side_query(const pv_prover *P, pv_fid id);

#endif

/*
** check.h: the independent proof checker.
**
** The checker is lemma's trusted part.  It re-derives every step of a proof
** graph (proof.h) from the step's stored premises, rule and substitution,
** with its own small implementation of each rule of prover/DESIGN.md, and
** checks the graph's shape: premises come earlier and lie in the step's block
** or an ancestor; child blocks of intro/induct are well formed and their
** constants fresh; a theorem's final step, in its root block, concludes its
** statement; a `theorem` step uses a theorem proved earlier or given.  It
** uses src/ only (terms, theories, proofs), never smt/ or prover/.
**
** `smt` steps are not re-run here (the checker links no solver): the checker
** verifies that such a step carries a query and the answer "unsat" and counts
** it in smt_unchecked, apart from passed and failed.
*/
#ifndef LEM_CHECK_H
#define LEM_CHECK_H

#include "mpl.h"
#include "proof.h"

typedef struct lem_check_result {
  uint32_t checked[LEM_R_COUNT];  /* steps checked, by rule */
  uint32_t failed_rule[LEM_R_COUNT]; /* of which failed, by rule */
  uint32_t passed;        /* steps re-derived */
  uint32_t failed;        /* failing steps plus failing theorem-level checks */
  uint32_t smt_unchecked; /* smt steps well formed but not re-run */
  uint32_t thm_passed, thm_failed; /* proved theorems whose proof checks */
  /* The first failure (first_step == 0 and first_why[0] == 0: none).  Ids
  ** are database ids when the proof was loaded from a database. */
  uint32_t first_step, first_thm;
  lem_rule first_rule;
  char first_why[256];
  char expected[1024], found[1024]; /* MPL text, truncated; "" if n/a */
} lem_check_result;

/* Check proof P against theory T (whose axiom and definitions the rules use;
** T may be NULL, and then axiom/expand/fold steps fail) and the induction
** principle ind (NULL: induct steps fail).  only_thm, if not 0, limits the
** step and theorem checks to that theorem (a proof id); earlier theorems'
** stored statuses are then trusted.  Fills *r (zeroed first).  Returns LEM_OK
** when nothing failed, LEM_ECHECK when something did (message in L naming
** the first failing step), LEM_ENOMEM, or LEM_EINVAL for a bad only_thm.
** New terms (instances) are made in L's bank; nothing else is kept. */
lem_err lem_check_proof(lem_ctx *L, const lem_proof *P, const lem_theory *T,
                        const lem_induction *ind, uint32_t only_thm,
                        lem_check_result *r);

#endif

/*
** export.h: a prover theorem's proof as a proof graph (src/proof.h).
**
** The prover's facts become steps of the calculus in prover/DESIGN.md, its
** blocks become the theorem's blocks, and theorems proved earlier become
** `theorem` steps.  Each theorem's proof is self-contained: when it reuses a
** prover block or witness that an earlier theorem's proof already
** introduced, its constants are renamed, so that every constant is
** introduced once in the whole graph, as the checker demands.
*/
#ifndef PV_EXPORT_H
#define PV_EXPORT_H

#include "proof.h"
#include "prove.h"

typedef struct pv_export {
  pv_prover *P;
  lem_proof *out;
  uint32_t *thm_id;   /* prover theorem index -> out's theorem id (0: none) */
  uint32_t nthm;
  lem_map claimed;    /* constant -> 1 once introduced in out */
} pv_export;

/* Start exporting prover P's theorems into out (both borrowed).  Free with
** pv_export_free. */
lem_err pv_export_init(pv_export *X, pv_prover *P, lem_proof *out);
void pv_export_free(pv_export *X);

/* Add prover theorem k (proved or not) to out as a goal theorem named name;
** a proved one gets its whole proof.  Returns out's theorem id, or 0 with an
** error in the context. */
uint32_t pv_export_theorem(pv_export *X, uint32_t k, const char *name);

#endif

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
#include "store.h"

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

/* Add prover theorem k, taken as proved elsewhere (pv_assume), to out as a
** proved goal theorem without a proof, so that later theorems can refer to
** it; the caller binds it to its stored copy (lem_store_reuse_theorem) and
** does not write it.  Returns out's theorem id, or 0. */
uint32_t pv_export_assumed(pv_export *X, uint32_t k, const char *name);

/* Add prover theorem k (pv_assume) to out as a given theorem (kind and
** status given: taken without proof), which the caller writes like any
** other, so that later theorems can refer to it.  Returns out's theorem
** id, or 0.  Used by lemma prove --assume with --db. */
uint32_t pv_export_given(pv_export *X, uint32_t k, const char *name);

/* Go on exporting into the same graph from prover P (borrowed), a new
** prover that has taken the theorems exported so far as assumed
** (pv_assume): the constants already introduced stay claimed, and no
** theorem of P is bound to the graph until pv_export_bind says which.  Used
** by exploration, which starts a fresh prover after a failed attempt. */
lem_err pv_export_retarget(pv_export *X, pv_prover *P);

/* Prover theorem k (assumed) is the graph's theorem id, exported earlier:
** later proofs that use k refer to id. */
lem_err pv_export_bind(pv_export *X, uint32_t k, uint32_t id);

/* Rebuild the set of constants the graph introduces (block constants and
** witnesses) from the graph itself: after the caller has given the graph's
** terms new ids (lem_bank_release_keep), the old set names the old ids. */
lem_err pv_export_reclaim(pv_export *X);

/* Constant c is introduced elsewhere (by a stored theorem's block or
** witness): a proof exported from now on that introduces c renames it. */
lem_err pv_export_reserve(pv_export *X, lem_term c);

/* The decision points of prover theorem k (exported already) for the
** store: when the goal had a choice of tactics (pv_thm.ntactics >= 2), one
** "tactic" decision per pass of the search over them (pv_thm.choices; a
** pass tries each tactic at most once), goal =
** the theorem's statement, block = its root block, candidates: first
** "direct" (expr the statement itself: the goal proved in the root block
** as it stands), then one per outer variable (label its name, expr the
** generalised goal an induction on it proves, pv_generalized); each with
** tried, chosen (that tactic gave the proof) and on_proof (the proof uses
** that induction; for direct, as chosen).
** With premise selection (pv_thm.prem, at least 2 candidates), also one
** "theorem-rule" decision last: one candidate per candidate rule, best
** first, label "T<n>" for a theorem (its number in the run) or "axiom" for
** a part of the axiom, expr the rule's formula, tried (it was a rule in
** the pass that proved the goal; every candidate when none did), chosen
** and on_proof (the proof uses it; several
** may be).  *out is allocated through the context; free with
** lem_store_decisions_free(L, *out, n).  Returns n, or UINT32_MAX on error.
*/
uint32_t pv_export_decisions(pv_export *X, uint32_t k, lem_decision **out);

#endif

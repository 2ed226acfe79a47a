/*
** unify.h: substitutions, unification, matching and renaming apart.
**
** A substitution maps LEM_VAR ids to term ids.  Bindings are kept in
** triangular form (a bound value may mention other bound variables), with a
** trail so that callers can undo back to a mark when they backtrack.
**
** Binders: LEM_ALL nodes unify and match structurally, their bound-variable
** lists included.  Callers that want alpha-equivalence rename apart or use the
** canonical form (canon.h) first.
*/
#ifndef LEM_UNIFY_H
#define LEM_UNIFY_H

#include "term.h"

typedef struct lem_binding {
  lem_term var, val;
} lem_binding;

typedef struct lem_subst {
  lem_binding *b;   /* b[0..n): bindings in the order they were made */
  uint32_t n, cap;
} lem_subst;

/* Initialise an empty substitution (no allocation until the first bind).
** Free its memory with lem_subst_free; the struct itself is the caller's. */
void lem_subst_init(lem_subst *s);
void lem_subst_free(lem_ctx *L, lem_subst *s);

/* A mark is the number of bindings; undo drops every binding made after it. */
static inline uint32_t lem_subst_mark(const lem_subst *s) { return s->n; }
static inline void lem_subst_undo(lem_subst *s, uint32_t mark) {
  if (mark < s->n) s->n = mark;
}

/* The value bound to var (one step, not resolved), or LEM_NOTERM. */
lem_term lem_subst_get(const lem_ctx *L, const lem_subst *s, lem_term var);

/* Bind var to val.  No checks are made (unify/match make them).
** LEM_OK or LEM_ENOMEM. */
lem_err lem_subst_bind(lem_ctx *L, lem_subst *s, lem_term var, lem_term val);

/* Apply s to t, resolving chains of bindings, and return the resulting
** (hash-consed) term; LEM_NOTERM on out of memory.  Variables bound by a
** LEM_ALL inside t are substituted too, like any other variable. */
lem_term lem_subst_apply(lem_ctx *L, const lem_subst *s, lem_term t);

/* Unify a and b under s, extending s.  Returns 1 if they unify (s now holds
** a most general unifier extending the old s), 0 if not (s is as it was on
** entry), -1 on error (out of memory; s as on entry).  With the occurs check.
*/
int lem_unify(lem_ctx *L, lem_subst *s, lem_term a, lem_term b);

/* One-way matching: find an extension of s binding only variables of pat
** such that apply(s, pat) == target.  Variables in target are treated as
** constants.  Returns 1, 0 (s as on entry) or -1 as lem_unify. */
int lem_match(lem_ctx *L, lem_subst *s, lem_term pat, lem_term target);

/* Rename apart: return t with every variable replaced by a fresh one (same
** name, new number), recording old -> new in s (which may be non-empty).
** LEM_NOTERM on out of memory. */
lem_term lem_rename_apart(lem_ctx *L, lem_term t, lem_subst *s);

/* Collect the distinct variables of t, in order of first occurrence (left to
** right, depth first), into *vars (grown through L; *cap is its capacity).
** Returns the count, or UINT32_MAX on out of memory. */
uint32_t lem_term_vars(lem_ctx *L, lem_term t, lem_term **vars, uint32_t *cap);

#endif

/*
** canon.h: canonical forms and shape keys.
**
** Two formulas that differ only in the names of their variables, in the
** order of the operands of & (& is treated as associative and commutative:
** nested conjunctions are flattened and their operands ordered), or in the
** order of a quantifier's bound-variable list, have the same canonical form
** and so the same id.  Formulas that differ otherwise never do.
**
** Canonical variables are named _0, _1, ... in order of first occurrence in
** the canonical form.  The canonical form reads back (lem_read_formula) to
** itself.
*/
#ifndef LEM_CANON_H
#define LEM_CANON_H

#include "term.h"

/* The canonical form of t, renaming every variable (bound or free).
** LEM_NOTERM on out of memory. */
lem_term lem_canon(lem_ctx *L, lem_term t);

/* As lem_canon, but the nkeep variables in keep[] keep their names (used for
** a definition's parameters); they still take part in ordering & operands. */
lem_term lem_canon_keep(lem_ctx *L, lem_term t, uint32_t nkeep,
                        const lem_term *keep);

/* A hash of t's shape that ignores variable names: every variable hashes the
** same.  Terms that are equal up to renaming variables have the same key.
** This is what the logic blocks index rules and facts on. */
uint32_t lem_shape_hash(const lem_ctx *L, lem_term t);

#endif

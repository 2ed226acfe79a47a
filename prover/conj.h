/*
** conj.h: the conjecturer of `lemma explore`.
**
** It discovers candidate theorems of a theory from its signature alone.  The
** signature is read off the theory: the operations are the constants that
** stand in the op position of a declared relation with roles (in..., out,
** op) somewhere in the (expanded) axiom, the element constants those that
** stand in in/out positions, and the sorts come from rules of the form
** (>[x..](R[x..,f])(&(in[x,X])...)) — the first part of the functional
** definitions fXY / fXYZ — and from facts in[c,X].  Nothing names a Peano
** symbol.
**
** Enumeration works on terms, not on formulas: every term over the
** operations, the element constants and up to max_vars variables per sort,
** with up to max_ops operations, is built once (sort-checked: an argument of
** the wrong sort is counted as ill-typed and dropped).  Each term is
** evaluated at a fixed set of test points in the arithmetic model the caller
** gives (cj_model: what each operation and constant means over the
** naturals), or, for an operation the model does not explain, with the
** axioms that define it (a ground atom S(0) = 0, a recursion rule
** S(s(n)) = S(n) + s(n), read relationally; a value out of reach, too deep
** or too large, puts the term in a class of its own); terms with equal
** values at every point form a class.  An
** equation between two terms of different classes is refuted by the model,
** so the candidates are the equations t = rep, where rep is the least term
** of t's class (the rest follow by symmetry and transitivity).  They are
** taken smallest first and pruned when ordered rewriting with the equations
** already accepted (cj_enumerate: every earlier survivor; the cj_new stream:
** those the caller proved) joins both sides; each survivor is written relationally
** (premises name the left side's subterms, the conclusion names the right
** side's in a nested (>[...](...)(...)) whose last atom has the left side's
** value as output), brought to canonical form (duplicates collapse),
** dropped when trivial (the conclusion is a premise), and finally offered
** to the caller's refutation callback (e.g. Z3 over the naturals).  Each
** survivor comes with its mirror, the same equation read right to left.
**
** Output is deterministic: the order depends only on the theory, the model
** and the options.
*/
#ifndef PV_CONJ_H
#define PV_CONJ_H

#include "mpl.h"
#include "smt.h"
#include "term.h"

/* What a symbol means in the arithmetic model: an smt_nat_table (the same
** description smt_find_counterexample's callers use).  Every element
** constant the conjecturer uses must be in it, and every operation the
** axiom does not define.  An equation with a defined operation is
** uninterpreted for Z3 (declare-fun in its smt text) and is not offered to
** the refutation callback: it is counted undecided and kept. */
typedef smt_nat_table cj_model;

typedef struct cj_opts {
  uint32_t max_vars;     /* variables per sort, 1..4 */
  uint32_t max_ops;      /* operations per side of an equation, 0..4 */
  uint32_t max_eq_ops;   /* operations in the whole equation */
  const lem_sym *only_ops; /* if non-NULL: use only these operations */
  uint32_t nonly_ops;
  const lem_sym *only_consts; /* if non-NULL: only these element constants */
  uint32_t nonly_consts;
  uint32_t max_conj;     /* stop after this many survivors (0: no limit) */
  int implications;      /* after the equations (stream only), the
                            cancellation laws f(..x..) = f(..y..) => x = y
                            of each operation and argument that cancels at
                            the test points */
  /* Relation laws (stream only; a batch with them conjectures nothing
  ** else): Horn clauses P1 & .. & Pk => P0 over the templates rels, each
  ** an atom D[..] of a relation whose LEM_VAR arguments (1 or 2) are holes
  ** for element terms and whose other arguments are theory constants,
  ** e.g. le[h0,h1,N,+].  A hole takes a variable, an element constant or
  ** a unary operation applied to a variable (x, 0, s(x)); k is 0 to
  ** rel_prems (at most 2; with 2, holes take variables only).  D, if
  ** defined, is evaluated at the test points through its body, its
  ** quantifiers bounded to 0..CJ_RBOUND-1. */
  const lem_term *rels;
  uint32_t nrels;
  uint32_t rel_prems;
} cj_opts;

/* One survivor: the statement in canonical relational form, its mirror (the
** equation read the other way, also canonical; LEM_NOTERM when the mirror
** is the statement itself or trivial) and the equation as readable text. */
typedef struct cj_conj {
  lem_term stmt;
  lem_term mirror;
  char *text;       /* e.g. "(x0 + x1) + x2 = x0 + (x1 + x2)", owned */
  char *smt;        /* SMT-LIB2 assertions of the equation, owned */
  uint32_t size;    /* symbols in the equation, for ordering */
  uint32_t id;      /* for cj_accept (stream only), 1-based */
} cj_conj;

/* What each stage counted. */
typedef struct cj_stats {
  uint64_t terms;        /* well-typed terms enumerated */
  uint64_t ill_typed;    /* term constructions the type filter dropped */
  uint64_t classes;      /* value classes of the terms */
  uint64_t equations;    /* same-sort pairs of distinct terms */
  uint64_t refuted_eval; /* of those, refuted at the test points */
  uint64_t star;         /* t = rep candidates left (the rest by transitivity) */
  uint64_t too_big;      /* over max_eq_ops or max_vars */
  uint64_t pruned;       /* joinable by rewriting with earlier survivors */
  uint64_t duplicate;    /* same canonical form as an earlier one */
  uint64_t trivial;      /* conclusion among the premises, or ground */
  uint64_t refuted_cb;   /* refuted by the callback */
  uint64_t unknown_cb;   /* the callback could not decide (kept) */
  uint64_t survivors;
  uint64_t implications; /* of the survivors, cancellation laws */
  uint64_t rel_clauses;  /* relation laws enumerated */
  uint64_t rel_laws;     /* of the survivors, relation laws */
} cj_stats;

/* The refutation callback: 1 refuted, 0 not refuted, 2 undecided (kept),
** -1 error (message in L).  smt is the equation as SMT-LIB2 assertions over
** Int constants x0, x1, ... read as universally quantified naturals. */
typedef int (*cj_refute_fn)(void *ud, lem_ctx *L, const cj_conj *c);

/* Enumerate the conjectures of theory T under model M.  On success *out is
** a new array of *n survivors, smallest first (free with cj_free), and *st
** holds the counts.  refute may be NULL.  Errors: LEM_EINVAL when the theory
** offers no operation or the model lacks a symbol the enumeration needs
** (the message names it), LEM_ENOMEM, or the callback's error. */
lem_err cj_enumerate(lem_ctx *L, const lem_theory *T, const cj_model *M,
                     const cj_opts *o, cj_refute_fn refute, void *ud,
                     cj_conj **out, uint32_t *n, cj_stats *st);

void cj_free(lem_ctx *L, cj_conj *c, uint32_t n);

/* The same pipeline as a stream, for proving as one goes (HipSpec-style):
** only equations the caller accepts (cj_accept: "proved") are used to prune
** later candidates, so a candidate that follows from one that failed is
** still offered.  cj_new prepares the candidates (LEM_OK or an error, *out
** NULL then); cj_next hands out the next survivor in *out (1), or says there
** is none left (0) or fails (-1, error in L).  *out's strings belong to the
** generator and live until cj_gen_free.  cj_accept(G, c.id) marks a
** survivor cj_next handed out as proved. */
typedef struct cj_gen cj_gen;
lem_err cj_new(lem_ctx *L, const lem_theory *T, const cj_model *M,
               const cj_opts *o, cj_refute_fn refute, void *ud,
               cj_gen **out);
int cj_next(cj_gen *G, cj_conj *out);
lem_err cj_accept(cj_gen *G, uint32_t id);
/* Accept into G survivor id of another generator from (an earlier batch's,
** over the same theory): its equation prunes G's candidates too, when G's
** signature has its operations and constants and enough variables of each
** sort (otherwise it could rewrite none of G's terms, and nothing
** happens).  LEM_OK, LEM_EINVAL for a bad id, LEM_ENOMEM. */
lem_err cj_accept_from(cj_gen *G, const cj_gen *from, uint32_t id);

/* 1 if survivor id now follows, by rewriting, from the accepted ones (it
** need not be tried again), else 0. */
int cj_redundant(const cj_gen *G, uint32_t id);
/* The class of survivor id modulo the accepted equations: its equation
** with both sides normalised by ordered rewriting with them, under the
** renaming of its variables (within their sorts) and the order of its
** sides that gives the least code.  Two survivors of G with the same key
** are the same equation up to a renaming and the accepted equations, so
** each is provable from the other by rewriting alone; a key that differs
** proves nothing (ordered rewriting need not be confluent).  Writes at
** most CJ_KEYMAX bytes to key and returns the length; 0 for a
** cancellation law (no class). */
#define CJ_KEYMAX 64
uint32_t cj_class_key(const cj_gen *G, uint32_t id, uint8_t *key);
/* How many equations G has accepted (cj_accept, cj_accept_from): a class
** key stays valid while this is unchanged. */
uint32_t cj_accepted(const cj_gen *G);
const cj_stats *cj_gen_stats(const cj_gen *G);
void cj_gen_free(cj_gen *G);

/* A ready-made callback: smt_find_counterexample on c->smt with the
** smt_solver passed as ud.  sat -> refuted, unsat -> not refuted, unknown ->
** undecided. */
int cj_refute_z3(void *ud, lem_ctx *L, const cj_conj *c);

#endif

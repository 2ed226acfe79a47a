/*
** term.h: hash-consed terms and formulas.
**
** Every expression lemma handles, from a variable to a whole theorem, is a
** node in the context's term bank, named by a lem_term id.  A node is built
** once: making the same node again returns the same id, so equality of
** expressions is equality of ids, and an id is a stable key for the store,
** the logic blocks and the HTML.  Ids are dense, start at 1 (0 means "none"),
** and a node's children always have smaller ids than the node itself.
**
** Kinds:
**   LEM_VAR    a variable: a name (sym) and a number (num).  Variables read
**              from text have num 0; fresh ones (renaming apart) have num > 0.
**   LEM_CONST  a constant: a name.  Names free in a formula that are not
**              bound by a quantifier (theory constants such as N, i0, s, +).
**   LEM_APP    a function application sym(args...), for internal use (MPL
**              itself is relational; the prover and Z3 bridge use terms).
**   LEM_REL    an atomic formula sym[args...]; equality is the relation "=".
**   LEM_AND    (&(A)(B)): two children.
**   LEM_NOT    !(A): one child.
**   LEM_ALL    (>[v1,...,vk](A)(B)): children v1..vk (LEM_VAR nodes, k may be
**              0), then the premise A, then the conclusion B.
**
** Pointers returned by lem_term_args() stay valid for the life of the context.
*/
#ifndef LEM_TERM_H
#define LEM_TERM_H

#include "ctx.h"
#include "sym.h"

typedef uint32_t lem_term;
#define LEM_NOTERM 0u

typedef enum lem_kind {
  LEM_VAR = 1,
  LEM_CONST,
  LEM_APP,
  LEM_REL,
  LEM_AND,
  LEM_NOT,
  LEM_ALL
} lem_kind;

#define LEM_MAXARGS 65535u
#define LEM_IDBITS 27u /* a bank holds at most 2^27 - 1 terms */

/* Internal: created and freed with the context. */
lem_bank *lem_bank_new(lem_ctx *L);
void lem_bank_free(lem_ctx *L, lem_bank *B);

/* Constructors.  Each returns the id of the (unique) node, or LEM_NOTERM
** with LEM_ENOMEM / LEM_EINVAL in L.  Only a leaf (n == 0) has a num; a
** node with children must have num 0 (LEM_EINVAL).  lem_mk_all's vars must be LEM_VAR
** nodes; nothing else is checked (well-formedness is the reader's job). */
lem_term lem_mk(lem_ctx *L, lem_kind k, lem_sym sym, uint32_t num, uint32_t n,
                const lem_term *kids);
lem_term lem_mk_var(lem_ctx *L, lem_sym name, uint32_t num);
lem_term lem_mk_const(lem_ctx *L, lem_sym name);
lem_term lem_mk_app(lem_ctx *L, lem_sym f, uint32_t n, const lem_term *args);
lem_term lem_mk_rel(lem_ctx *L, lem_sym r, uint32_t n, const lem_term *args);
lem_term lem_mk_and(lem_ctx *L, lem_term a, lem_term b);
lem_term lem_mk_not(lem_ctx *L, lem_term a);
lem_term lem_mk_all(lem_ctx *L, uint32_t nvars, const lem_term *vars,
                    lem_term prem, lem_term concl);
/* Right-nested conjunction of n >= 1 formulas: (&(a0)(&(a1)(...))). */
lem_term lem_mk_andn(lem_ctx *L, uint32_t n, const lem_term *fs);

/* A fresh variable (never made before in this context) with this name. */
lem_term lem_fresh_var(lem_ctx *L, lem_sym name);

/* Does u occur in t (t itself, or any subterm)? */
int lem_term_occurs(const lem_ctx *L, lem_term t, lem_term u);

/* Rebuild t with each child c replaced by f(ud, c): t itself when no child
** changes (leaves are returned as they are), LEM_NOTERM when f or the bank
** fails (f reports its own failure by returning LEM_NOTERM). */
lem_term lem_term_map(lem_ctx *L, lem_term t,
                      lem_term (*f)(void *ud, lem_term child), void *ud);

/* The bank's layout, public only so that the accessors below inline (they
** are the prover's innermost operations).  Use the accessors, never the
** fields. */
typedef struct lem_node {  /* 16 bytes: there are millions */
  uint8_t kind;
  uint8_t ground;
  uint16_t n;        /* number of children (at most LEM_MAXARGS) */
  lem_sym sym;
  uint32_t numsize;  /* a leaf: its num (its size is 1); a node with
                        children: its size, nodes in the tree, saturating
                        (its num is 0) */
  uint32_t kids;     /* where its children are: chunk << LEM_KIDBITS |
                        offset (none for a leaf) */
} lem_node;

/* A chunk of children holds 2^LEM_KIDBITS ids, so that any node's fit. */
#define LEM_KIDBITS 16u

struct lem_bank {
  lem_node *nodes;   /* nodes[1..count] */
  uint32_t count, cap;
  uint32_t *slots;   /* hash set: the hash's top bits | id (LEM_IDBITS
                        bits); 0 = empty.  The bits of the hash beside the
                        id spare a probe the node's cache line unless they
                        match. */
  uint32_t nslots;
  lem_term **chunks; /* the children, in chunks that never move */
  uint32_t nchunks, capchunks;
  uint32_t used;     /* ids used in the last chunk */
};

#define LEM_NODE_(L, t) (&(L)->bank->nodes[(t)])

/* Accessors; t must be a valid id. */
static inline lem_kind lem_term_kind(const lem_ctx *L, lem_term t) {
  return (lem_kind)LEM_NODE_(L, t)->kind;
}
/* VAR/CONST/APP/REL */
static inline lem_sym lem_term_sym(const lem_ctx *L, lem_term t) {
  return LEM_NODE_(L, t)->sym;
}
/* VAR */
static inline uint32_t lem_term_num(const lem_ctx *L, lem_term t) {
  const lem_node *x = LEM_NODE_(L, t);
  return x->n ? 0 : x->numsize;
}
/* number of children */
static inline uint32_t lem_term_nargs(const lem_ctx *L, lem_term t) {
  return LEM_NODE_(L, t)->n;
}
static inline const lem_term *lem_term_args(const lem_ctx *L, lem_term t) {
  const lem_node *x = LEM_NODE_(L, t);
  return x->n ? L->bank->chunks[x->kids >> LEM_KIDBITS] +
                    (x->kids & ((1u << LEM_KIDBITS) - 1))
              : NULL;
}
static inline lem_term lem_term_arg(const lem_ctx *L, lem_term t, uint32_t i) {
  const lem_node *x = LEM_NODE_(L, t);
  return i < x->n ? lem_term_args(L, t)[i] : LEM_NOTERM;
}
/* structural hash (worked out from the node) */
uint32_t lem_term_hash(const lem_ctx *L, lem_term t);
/* nodes in the tree */
static inline uint32_t lem_term_size(const lem_ctx *L, lem_term t) {
  const lem_node *x = LEM_NODE_(L, t);
  return x->n ? x->numsize : 1;
}
/* no LEM_VAR inside */
static inline int lem_term_ground(const lem_ctx *L, lem_term t) {
  return LEM_NODE_(L, t)->ground;
}
static inline int lem_term_is_formula(const lem_ctx *L, lem_term t) {
  return LEM_NODE_(L, t)->kind >= LEM_REL;
}

/* For LEM_ALL: the bound variables, the premise and the conclusion. */
static inline uint32_t lem_all_nvars(const lem_ctx *L, lem_term t) {
  return LEM_NODE_(L, t)->n - 2;
}
static inline lem_term lem_all_prem(const lem_ctx *L, lem_term t) {
  return lem_term_args(L, t)[LEM_NODE_(L, t)->n - 2];
}
static inline lem_term lem_all_concl(const lem_ctx *L, lem_term t) {
  return lem_term_args(L, t)[LEM_NODE_(L, t)->n - 1];
}

/* Number of nodes in the bank (the largest id). */
uint32_t lem_bank_count(const lem_ctx *L);

/* A point in the bank's history to go back to.  lem_bank_release(L, m)
** forgets every term made after lem_bank_save(L) returned m: their ids are
** given out again, so the caller must hold none of them (nor any map or
** cache keyed by them) any more.  Terms made before m keep their ids.  For
** work whose terms are all garbage when it fails: a failed proof attempt.
** The release gives the memory back (the hash set and node array shrink
** to fit).  LEM_OK, LEM_EINVAL when m is not a mark of this bank's past,
** or LEM_ENOMEM (the bank is then unchanged). */
typedef struct lem_bank_mark {
  uint32_t count;
  uint32_t nchunks, used;
} lem_bank_mark;
lem_bank_mark lem_bank_save(const lem_ctx *L);
lem_err lem_bank_release(lem_ctx *L, lem_bank_mark m);

/* lem_bank_release(L, m), but the terms made since m that the n terms
** *roots[i] reach are made again (children first, so with new ids), and
** each *roots[i] is set to its term's new id (roots made before m are left
** as they are).  For work whose result is small and the rest garbage: a
** proof's steps out of a whole search.  LEM_OK, LEM_EINVAL (as
** lem_bank_release, or a root that is no term; nothing changed), or
** LEM_ENOMEM (the roots made since m are then lost). */
lem_err lem_bank_release_keep(lem_ctx *L, lem_bank_mark m,
                              lem_term *const *roots, uint32_t n);

/* Check the bank's invariants (children older than parents, every node
** findable by its hash, hashes right).  Returns 1 if consistent.  For
** asserts and tests. */
int lem_bank_check(const lem_ctx *L);

/* A growable byte buffer, allocated through the context. */
typedef struct lem_buf {
  char *p;
  size_t len, cap;
} lem_buf;
lem_err lem_buf_add(lem_ctx *L, lem_buf *b, const char *s, size_t n);
lem_err lem_buf_puts(lem_ctx *L, lem_buf *b, const char *s);
lem_err lem_buf_printf(lem_ctx *L, lem_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void lem_buf_free(lem_ctx *L, lem_buf *b);

/* Append t in MPL syntax to b (NUL-terminated).  Variables print as their
** name, with "'num" appended when num > 0; LEM_APP prints as f(a,b).  For
** everything the reader produces, reading the output back gives the same id.
*/
lem_err lem_term_print(lem_ctx *L, lem_term t, lem_buf *b);

/* Print into a new malloc'd-through-L string; free with lem_free(L, s,
** strlen(s) + 1).  NULL on out of memory. */
char *lem_term_str(lem_ctx *L, lem_term t);

#endif

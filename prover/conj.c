/*
** conj.c: the conjecturer (see conj.h for the pipeline).
**
** Terms are short prefix codes of bytes: code i < nops is operation i, then
** the element constants, then the variables (max_vars per sort).  A term is
** at most CJ_MAXLEN codes, so everything here works on small fixed arrays
** and the whole enumeration is a few passes over one sorted array.
*/
#include "conj.h"

#include "canon.h"
#include "map.h"
#include "unify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CJ_MAXLEN 24
#define CJ_MAXAR 3
#define CJ_NPTS 16
#define CJ_MAXSORT 8
#define CJ_MAXOPS 16
#define CJ_MAXCST 16
#define CJ_MAXREL 8
#define CJ_MAXDEF 32       /* defining axioms kept */
#define CJ_MAXDEFP 16      /* premises of one */
#define CJ_MAXBIND 32      /* variables of one */
#define CJ_MEMO (1u << 20) /* values kept of a unary recursive operation */
#define CJ_UNKNOWN UINT64_MAX /* a value the evaluator could not compute */

typedef struct cop {      /* an operation of the theory */
  lem_term c;             /* the constant, e.g. + */
  const lem_reldecl *rel; /* the relation it is written with, e.g. in3 */
  uint32_t arity, pin[CJ_MAXAR], pout, pop;
  uint8_t sin[CJ_MAXAR], sout; /* sorts (index into sorts, 0: unknown) */
  smt_op m;               /* its model meaning; SMT_OP_NONE: by recursion */
  uint32_t all;           /* its index in cj.all */
} cop;

/* An axiom that gives an operation's value, read off the axiom: a ground
** atom f(c..) = d, or a rule whose premises are atoms and whose conclusion
** is an atom of f, possibly curried, e.g. the recursion
** (>[n,m,a,b](&(s(n) = m)(&(S(n) = a)(a + m = b)))(S(m) = b)).  An
** operation the model does not explain is evaluated with these. */
typedef struct cdef {
  lem_term op;
  lem_term concl;
  lem_term prem[CJ_MAXDEFP];
  uint32_t nprem;
} cdef;

typedef struct ccst {     /* an element constant */
  lem_term c;
  uint8_t sort;
  uint64_t val;
} ccst;

typedef struct tm {       /* an enumerated term */
  uint64_t v[CJ_NPTS];    /* its values at the test points */
  uint8_t code[CJ_MAXLEN];
  uint8_t len, nops, sort;
} tm;

typedef struct cand {     /* an equation a = b */
  uint8_t a[CJ_MAXLEN], b[CJ_MAXLEN];
  uint8_t la, lb;
  uint8_t first_var;      /* the first variable code (for ordering) */
} cand;

typedef struct cj {
  lem_ctx *L;
  const lem_theory *T;
  const cj_model *M;
  cj_opts o;
  const lem_reldecl *mem; /* the membership relation in[x,X] */
  uint32_t mem_e, mem_s;
  lem_term sorts[CJ_MAXSORT + 1];
  uint32_t nsorts;
  cop ops[CJ_MAXOPS];
  uint32_t nops;
  cop all[CJ_MAXOPS];     /* every operation, before the batch's selection */
  uint32_t nall;
  cdef defs[CJ_MAXDEF];
  uint32_t ndefs;
  uint64_t *memo[CJ_MAXOPS]; /* unary recursive operation: values 0.. */
  uint32_t nmemo[CJ_MAXOPS], capmemo[CJ_MAXOPS];
  uint64_t steps;         /* evaluation steps left for the current value */
  ccst cst[CJ_MAXCST];
  uint32_t ncst;
  uint32_t nvar;          /* variable codes: nsorts' * max_vars */
  tm *t;
  uint32_t nt, capt;
  cand *rules;            /* accepted equations, used for pruning */
  uint32_t nrules, caprules;
  lem_map seen;           /* canonical statement -> 1 */
  lem_term *xv;           /* lem_term of each variable code */
  cj_stats st;
} cj;

/* ---- reading the signature off the theory ---------------------------- */

static int is_op_rel(const lem_reldecl *d, uint32_t *nin) {
  uint32_t in = 0, out = 0, op = 0;
  for (uint32_t i = 0; i < d->arity; i++) {
    if (d->roles[i] == LEM_ROLE_IN) in++;
    else if (d->roles[i] == LEM_ROLE_OUT) out++;
    else if (d->roles[i] == LEM_ROLE_OP) op++;
    else return 0;
  }
  *nin = in;
  return out == 1 && op == 1 && in >= 1 && in <= CJ_MAXAR;
}

static int is_mem_rel(const lem_reldecl *d) {
  return d->arity == 2 && d->roles[0] == LEM_ROLE_ELEM &&
         d->roles[1] == LEM_ROLE_SET;
}

static uint8_t sort_of(cj *C, lem_term s, int add) {
  for (uint32_t i = 1; i <= C->nsorts; i++)
    if (C->sorts[i] == s) return (uint8_t)i;
  if (!add || C->nsorts == CJ_MAXSORT) return 0;
  C->sorts[++C->nsorts] = s;
  return (uint8_t)C->nsorts;
}

static cop *op_of(cj *C, lem_term c) {
  for (uint32_t i = 0; i < C->nops; i++)
    if (C->ops[i].c == c) return &C->ops[i];
  return NULL;
}

static ccst *cst_of(cj *C, lem_term c) {
  for (uint32_t i = 0; i < C->ncst; i++)
    if (C->cst[i].c == c) return &C->cst[i];
  return NULL;
}

static void add_op(cj *C, const lem_reldecl *d, lem_term c) {
  if (op_of(C, c) || C->nops == CJ_MAXOPS) return;
  cop *o = &C->ops[C->nops++];
  memset(o, 0, sizeof *o);
  o->c = c;
  o->rel = d;
  for (uint32_t i = 0; i < d->arity; i++) {
    if (d->roles[i] == LEM_ROLE_IN) o->pin[o->arity++] = i;
    else if (d->roles[i] == LEM_ROLE_OUT) o->pout = i;
    else o->pop = i;
  }
}

static void add_cst(cj *C, lem_term c) {
  if (cst_of(C, c) || op_of(C, c) || C->ncst == CJ_MAXCST) return;
  C->cst[C->ncst++] = (ccst){c, 0, 0};
}

/* An atom of the axiom: note operations, element constants and sorts. */
static void note_atom(cj *C, lem_term a) {
  const lem_ctx *L = C->L;
  const lem_reldecl *d = lem_theory_rel(C->T, lem_term_sym(L, a));
  uint32_t nin;
  if (!d || d->arity != lem_term_nargs(L, a)) return;
  const lem_term *x = lem_term_args(L, a);
  if (is_mem_rel(d)) {
    if (lem_term_kind(L, x[1]) != LEM_CONST) return;
    uint8_t s = sort_of(C, x[1], 1);
    if (!C->mem) C->mem = d, C->mem_e = 0, C->mem_s = 1;
    if (lem_term_kind(L, x[0]) == LEM_CONST) {
      add_cst(C, x[0]);
      ccst *k = cst_of(C, x[0]);
      if (k && !k->sort) k->sort = s;
    }
    return;
  }
  if (!is_op_rel(d, &nin)) return;
  for (uint32_t i = 0; i < d->arity; i++)
    if (d->roles[i] == LEM_ROLE_OP && lem_term_kind(L, x[i]) == LEM_CONST)
      add_op(C, d, x[i]);
  for (uint32_t i = 0; i < d->arity; i++)
    if (d->roles[i] != LEM_ROLE_OP && lem_term_kind(L, x[i]) == LEM_CONST)
      add_cst(C, x[i]);
}

/* (>[x..](R[x..,f])(&(in[x,X])...)): the sorts of f's arguments. */
static void note_sig(cj *C, lem_term r) {
  const lem_ctx *L = C->L;
  lem_term p = lem_all_prem(L, r), q = lem_all_concl(L, r);
  if (lem_term_kind(L, p) != LEM_REL) return;
  const lem_reldecl *d = lem_theory_rel(C->T, lem_term_sym(L, p));
  uint32_t nin;
  if (!d || !is_op_rel(d, &nin) || d->arity != lem_term_nargs(L, p)) return;
  cop *o = NULL;
  for (uint32_t i = 0; i < d->arity; i++)
    if (d->roles[i] == LEM_ROLE_OP) {
      lem_term c = lem_term_arg(L, p, i);
      if (lem_term_kind(L, c) != LEM_CONST) return;
      add_op(C, d, c);
      o = op_of(C, c);
    }
  if (!o) return;
  while (q) { /* walk the conjunction of membership atoms */
    lem_term a = q;
    q = LEM_NOTERM;
    if (lem_term_kind(L, a) == LEM_AND) {
      q = lem_term_arg(L, a, 1);
      a = lem_term_arg(L, a, 0);
    }
    if (lem_term_kind(L, a) != LEM_REL) return;
    const lem_reldecl *m = lem_theory_rel(C->T, lem_term_sym(L, a));
    if (!m || !is_mem_rel(m)) return;
    lem_term v = lem_term_arg(L, a, 0), s = lem_term_arg(L, a, 1);
    if (lem_term_kind(L, s) != LEM_CONST) return;
    uint8_t si = sort_of(C, s, 1);
    for (uint32_t j = 0; j < o->arity; j++)
      if (lem_term_arg(L, p, o->pin[j]) == v) o->sin[j] = si;
    if (lem_term_arg(L, p, o->pout) == v) o->sout = si;
  }
}

/* The operation constant of op atom a (LEM_NOTERM if a is none). */
static lem_term atom_op(const cj *C, lem_term a) {
  const lem_ctx *L = C->L;
  if (lem_term_kind(L, a) != LEM_REL) return LEM_NOTERM;
  const lem_reldecl *d = lem_theory_rel(C->T, lem_term_sym(L, a));
  uint32_t nin;
  if (!d || !is_op_rel(d, &nin) || d->arity != lem_term_nargs(L, a))
    return LEM_NOTERM;
  for (uint32_t i = 0; i < d->arity; i++)
    if (d->roles[i] == LEM_ROLE_OP) {
      lem_term c = lem_term_arg(L, a, i);
      return lem_term_kind(L, c) == LEM_CONST ? c : LEM_NOTERM;
    }
  return LEM_NOTERM;
}

/* Keep f, asserted by the axiom, if it can give an operation's value: a
** ground op atom, or a (curried) rule from atoms to an op atom. */
static void note_def(cj *C, lem_term f) {
  const lem_ctx *L = C->L;
  if (C->ndefs == CJ_MAXDEF) return;
  cdef *d = &C->defs[C->ndefs];
  if (!(f = lem_horn_rule(L, f, d->prem, CJ_MAXDEFP, &d->nprem))) return;
  lem_term op = atom_op(C, f);
  if (!op || (!d->nprem && !lem_term_ground(L, f))) return;
  d->op = op;
  d->concl = f;
  C->ndefs++;
}

/* Walk the axiom, expanding defined relations (depth-bounded).  top: f is
** asserted (a conjunct of the axiom), not part of a rule or a negation. */
static lem_err walk(cj *C, lem_term f, uint32_t depth, int top) {
  lem_ctx *L = C->L;
  if (depth > 64) return LEM_OK;
  switch (lem_term_kind(L, f)) {
    case LEM_AND:
      if (walk(C, lem_term_arg(L, f, 0), depth, top)) return L->err;
      return walk(C, lem_term_arg(L, f, 1), depth, top);
    case LEM_NOT:
      return walk(C, lem_term_arg(L, f, 0), depth, 0);
    case LEM_ALL:
      note_sig(C, f);
      if (top) note_def(C, f);
      if (walk(C, lem_all_prem(L, f), depth, 0)) return L->err;
      return walk(C, lem_all_concl(L, f), depth, 0);
    case LEM_REL: {
      const lem_def *d = lem_theory_def(C->T, lem_term_sym(L, f));
      if (!d) {
        note_atom(C, f);
        if (top) note_def(C, f);
        return LEM_OK;
      }
      if (d->nparams != lem_term_nargs(L, f)) return LEM_OK;
      lem_term b = lem_def_instance(L, d, f);
      return b ? walk(C, b, depth + 1, top) : L->err ? L->err : LEM_ENOMEM;
    }
    default:
      return LEM_OK;
  }
}

static const smt_nat_sym *model_of(const cj_model *M, lem_sym y) {
  for (uint32_t i = 0; M && i < M->n; i++)
    if (M->v[i].sym == y) return &M->v[i];
  return NULL;
}

static int listed(const lem_sym *v, uint32_t n, lem_sym y) {
  for (uint32_t i = 0; i < n; i++)
    if (v[i] == y) return 1;
  return 0;
}

static int has_def(const cj *C, lem_term op) {
  for (uint32_t i = 0; i < C->ndefs; i++)
    if (C->defs[i].op == op) return 1;
  return 0;
}

/* Keep the operations and constants the options select and the model
** explains or the axiom defines (by recursion, evaluated with its
** defining axioms); give every unknown sort the only sort when there is
** one.  Every operation, selected or not, stays in C->all: a selected one
** may be defined through the others. */
static lem_err settle_sig(cj *C) {
  lem_ctx *L = C->L;
  uint32_t k = 0;
  for (uint32_t i = 0; i < C->nops; i++) {
    cop *o = &C->ops[i];
    const smt_nat_sym *m = model_of(C->M, lem_term_sym(L, o->c));
    int ok = m && ((m->op == SMT_OP_SUCC && o->arity == 1) ||
                   ((m->op == SMT_OP_ADD || m->op == SMT_OP_MUL) &&
                    o->arity >= 2));
    o->m = ok ? m->op : SMT_OP_NONE;
    o->all = i;
  }
  memcpy(C->all, C->ops, C->nops * sizeof *C->ops);
  C->nall = C->nops;
  for (uint32_t i = 0; i < C->nops; i++) {
    cop *o = &C->ops[i];
    lem_sym y = lem_term_sym(L, o->c);
    if (C->o.only_ops && !listed(C->o.only_ops, C->o.nonly_ops, y)) continue;
    if (o->m == SMT_OP_NONE && !has_def(C, o->c))
      return lem_error(L, LEM_EINVAL,
                       "explore: the model gives no %s-ary operation for '%s' "
                       "and the axiom does not define it",
                       o->arity == 1 ? "1" : o->arity == 2 ? "2" : "3",
                       lem_sym_name(L, y));
    C->ops[k++] = *o;
  }
  C->nops = k;
  k = 0;
  for (uint32_t i = 0; i < C->ncst; i++) {
    ccst *c = &C->cst[i];
    lem_sym y = lem_term_sym(L, c->c);
    if (C->o.only_consts && !listed(C->o.only_consts, C->o.nonly_consts, y))
      continue;
    const smt_nat_sym *m = model_of(C->M, y);
    if (!m || (m->op != SMT_OP_ZERO && m->op != SMT_OP_NUM)) {
      if (C->o.only_consts)
        return lem_error(L, LEM_EINVAL,
                         "explore: the model gives no value for '%s'",
                         lem_sym_name(L, y));
      continue; /* a constant the model does not explain is left out */
    }
    c->val = m->op == SMT_OP_NUM ? m->value : 0;
    C->cst[k++] = *c;
  }
  C->ncst = k;
  if (!C->nops)
    return lem_error(L, LEM_EINVAL, "explore: theory '%s' has no operation "
                     "to conjecture about", lem_sym_name(L, C->T->name));
  if (C->nsorts == 1) {
    for (uint32_t i = 0; i < C->nops; i++) {
      for (uint32_t j = 0; j < C->ops[i].arity; j++)
        if (!C->ops[i].sin[j]) C->ops[i].sin[j] = 1;
      if (!C->ops[i].sout) C->ops[i].sout = 1;
    }
    for (uint32_t i = 0; i < C->ncst; i++)
      if (!C->cst[i].sort) C->cst[i].sort = 1;
  }
  C->nvar = (C->nsorts ? C->nsorts : 1) * C->o.max_vars;
  if (C->nops + C->ncst + C->nvar > 250)
    return lem_error(L, LEM_EINVAL, "explore: too many symbols");
  return LEM_OK;
}

/* ---- codes ------------------------------------------------------------ */

static int is_var(const cj *C, uint8_t k) { return k >= C->nops + C->ncst; }

static uint8_t var_sort(const cj *C, uint8_t k) {
  if (!C->nsorts) return 0;
  return (uint8_t)(1 + (k - C->nops - C->ncst) / C->o.max_vars);
}

static uint32_t arity_of(const cj *C, uint8_t k) {
  return k < C->nops ? C->ops[k].arity : 0;
}

/* The end of the subterm starting at i. */
static uint32_t tend(const cj *C, const uint8_t *c, uint32_t i) {
  uint32_t need = 1;
  while (need) need += arity_of(C, c[i++]) - 1;
  return i;
}

static uint8_t head_sort(const cj *C, uint8_t k) {
  if (k < C->nops) return C->ops[k].sout;
  if (!is_var(C, k)) return C->cst[k - C->nops].sort;
  return var_sort(C, k);
}

/* Compare two codes: shorter first, then bytewise. */
static int code_cmp(const uint8_t *a, uint32_t la, const uint8_t *b,
                    uint32_t lb) {
  if (la != lb) return la < lb ? -1 : 1;
  return memcmp(a, b, la);
}

/* ---- enumeration ------------------------------------------------------ */

static uint64_t point_val(uint32_t p, uint32_t var) {
  /* deterministic small values; the first points are all-0 and all-1 */
  if (p < 2) return p;
  uint32_t h = lem_hash_mix(p * 2654435761u, var + 1);
  h = lem_hash_mix(h, p);
  return h % 7;
}

static uint64_t apply_op(const cop *o, const uint64_t *x) {
  uint64_t r = x[0];
  switch (o->m) {
    case SMT_OP_SUCC: return r + 1;
    case SMT_OP_ADD:
      for (uint32_t i = 1; i < o->arity; i++) r += x[i];
      return r;
    default:
      for (uint32_t i = 1; i < o->arity; i++) r *= x[i];
      return r;
  }
}

/* ---- evaluation by the defining axioms --------------------------------
** An operation the model does not explain is computed from the axioms that
** define it (cdef): the inputs bind the conclusion's input arguments, then
** the premises are evaluated in any order that works: an atom whose inputs
** are known gives its output (recursively for a defined operation); a
** successor atom whose output is known gives its input, one less (none for
** zero: the axiom does not apply); membership atoms hold.  The first axiom
** that applies gives the value; it is the value in the model because the
** axioms hold there.  Values of a unary operation are kept (memo), filled
** from 0 upwards, so a recursion on its argument never goes deep. */

typedef struct binds {
  lem_term v[CJ_MAXBIND];
  uint64_t x[CJ_MAXBIND];
  uint32_t n;
} binds;

static int const_val(const cj *C, lem_term c, uint64_t *x) {
  const smt_nat_sym *m = model_of(C->M, lem_term_sym(C->L, c));
  if (!m || (m->op != SMT_OP_ZERO && m->op != SMT_OP_NUM)) return 0;
  *x = m->op == SMT_OP_NUM ? m->value : 0;
  return 1;
}

/* Argument t's value: 1 known (*x), 0 an unbound variable, -1 neither.
** The innermost binding counts (feval binds a nested quantifier's
** variables after the outer ones). */
static int arg_val(const cj *C, const binds *B, lem_term t, uint64_t *x) {
  if (lem_term_kind(C->L, t) == LEM_CONST) return const_val(C, t, x) ? 1 : -1;
  if (lem_term_kind(C->L, t) != LEM_VAR) return -1;
  for (uint32_t i = B->n; i-- > 0;)
    if (B->v[i] == t) {
      *x = B->x[i];
      return 1;
    }
  return 0;
}

/* Give argument t the value x: 1, or 0 when it has another (or cannot). */
static int arg_set(const cj *C, binds *B, lem_term t, uint64_t x) {
  uint64_t y;
  int r = arg_val(C, B, t, &y);
  if (r) return r > 0 && y == x;
  if (B->n == CJ_MAXBIND) return 0;
  B->v[B->n] = t;
  B->x[B->n++] = x;
  return 1;
}

static const cop *all_of(const cj *C, lem_term c) {
  for (uint32_t i = 0; c && i < C->nall; i++)
    if (C->all[i].c == c) return &C->all[i];
  return NULL;
}

static uint64_t eval_op(cj *C, const cop *o, const uint64_t *x,
                        uint32_t depth);

/* Axiom d at inputs x: 1 it applies (*out its value), 0 it does not, -1
** the value is out of reach (too deep, too large). */
static int eval_def(cj *C, const cdef *d, const cop *o, const uint64_t *x,
                    uint32_t depth, uint64_t *out) {
  const lem_ctx *L = C->L;
  binds B;
  B.n = 0;
  for (uint32_t j = 0; j < o->arity; j++)
    if (!arg_set(C, &B, lem_term_arg(L, d->concl, o->pin[j]), x[j])) return 0;
  uint32_t done = 0, all = (1u << d->nprem) - 1;
  for (int progress = 1; progress && done != all;) {
    progress = 0;
    for (uint32_t i = 0; i < d->nprem; i++) {
      if (done >> i & 1) continue;
      lem_term a = d->prem[i];
      const lem_reldecl *rd = lem_theory_rel(C->T, lem_term_sym(L, a));
      if (rd && is_mem_rel(rd)) {
        done |= 1u << i, progress = 1;
        continue;
      }
      const cop *q = all_of(C, atom_op(C, a));
      if (!q) return 0;
      uint64_t in[CJ_MAXAR], y;
      int known = 1;
      for (uint32_t j = 0; j < q->arity; j++) {
        int r = arg_val(C, &B, lem_term_arg(L, a, q->pin[j]), &in[j]);
        if (r < 0) return 0;
        known &= r;
      }
      lem_term outarg = lem_term_arg(L, a, q->pout);
      if (known) {
        uint64_t v = eval_op(C, q, in, depth + 1);
        if (v == CJ_UNKNOWN) return -1;
        if (!arg_set(C, &B, outarg, v)) return 0;
      } else if (q->m == SMT_OP_SUCC && arg_val(C, &B, outarg, &y) == 1) {
        if (!y || !arg_set(C, &B, lem_term_arg(L, a, q->pin[0]), y - 1))
          return 0;
      } else {
        continue;
      }
      done |= 1u << i, progress = 1;
    }
  }
  if (done != all) return 0;
  return arg_val(C, &B, lem_term_arg(L, d->concl, o->pout), out) == 1 ? 1 : 0;
}

/* The value by the first defining axiom of o that applies. */
static uint64_t eval_defs(cj *C, const cop *o, const uint64_t *x,
                          uint32_t depth) {
  if (!C->steps || depth > 256) return CJ_UNKNOWN;
  C->steps--;
  for (uint32_t i = 0; i < C->ndefs; i++) {
    uint64_t v;
    if (C->defs[i].op != o->c) continue;
    int r = eval_def(C, &C->defs[i], o, x, depth, &v);
    if (r) return r > 0 ? v : CJ_UNKNOWN;
  }
  return CJ_UNKNOWN;
}

static uint64_t eval_op(cj *C, const cop *o, const uint64_t *x,
                        uint32_t depth) {
  for (uint32_t j = 0; j < o->arity; j++)
    if (x[j] == CJ_UNKNOWN) return CJ_UNKNOWN;
  if (o->m != SMT_OP_NONE) return apply_op(o, x);
  if (o->arity != 1) return eval_defs(C, o, x, depth);
  uint32_t k = o->all;
  if (x[0] >= CJ_MEMO) return CJ_UNKNOWN;
  while (C->nmemo[k] <= x[0]) {
    uint64_t a = C->nmemo[k], v = eval_defs(C, o, &a, depth);
    if (v == CJ_UNKNOWN) return v;
    if (C->nmemo[k] != a) continue; /* filled meanwhile, by the recursion */
    if (LEM_GROW(C->L, C->memo[k], C->capmemo[k], C->nmemo[k] + 1))
      return CJ_UNKNOWN;
    C->memo[k][C->nmemo[k]++] = v;
  }
  return C->memo[k][x[0]];
}

/* The value of o at x, from scratch: a fresh step budget. */
static uint64_t eval_top(cj *C, const cop *o, const uint64_t *x) {
  C->steps = 1u << 22;
  return eval_op(C, o, x, 0);
}

static tm *new_tm(cj *C) {
  if (LEM_GROW(C->L, C->t, C->capt, C->nt + 1)) return NULL;
  tm *t = &C->t[C->nt++];
  memset(t, 0, sizeof *t);
  return t;
}

static lem_err leaves(cj *C) {
  for (uint32_t i = 0; i < C->ncst + C->nvar; i++) {
    tm *t = new_tm(C);
    if (!t) return LEM_ENOMEM;
    uint8_t k = (uint8_t)(C->nops + i);
    t->code[0] = k;
    t->len = 1;
    t->sort = head_sort(C, k);
    for (uint32_t p = 0; p < CJ_NPTS; p++)
      t->v[p] = i < C->ncst ? C->cst[i].val : point_val(p, i - C->ncst);
  }
  C->st.terms += C->ncst + C->nvar;
  return LEM_OK;
}

static int sort_fits(uint8_t want, uint8_t have) {
  return !want || !have || want == have;
}

/* Op o over kids (term indices): add the term, or count it ill-typed. */
static lem_err compose(cj *C, const cop *o, uint8_t k, const uint32_t *kid) {
  uint32_t len = 1;
  for (uint32_t j = 0; j < o->arity; j++) {
    if (!sort_fits(o->sin[j], C->t[kid[j]].sort)) {
      C->st.ill_typed++;
      return LEM_OK;
    }
    len += C->t[kid[j]].len;
  }
  if (len > CJ_MAXLEN) return LEM_OK;
  tm *t = new_tm(C);
  if (!t) return LEM_ENOMEM;
  t->code[0] = k;
  t->len = 1;
  for (uint32_t j = 0; j < o->arity; j++) {
    const tm *s = &C->t[kid[j]];
    memcpy(t->code + t->len, s->code, s->len);
    t->len = (uint8_t)(t->len + s->len);
    t->nops = (uint8_t)(t->nops + s->nops);
  }
  t->nops++;
  t->sort = o->sout;
  for (uint32_t p = 0; p < CJ_NPTS; p++) {
    uint64_t x[CJ_MAXAR];
    for (uint32_t j = 0; j < o->arity; j++) x[j] = C->t[kid[j]].v[p];
    t->v[p] = eval_top(C, o, x);
  }
  C->st.terms++;
  return LEM_OK;
}

/* Every term with exactly n operations, from the levels below (lv[i] is
** the first index of level i; level n-1 ends at lv[n]). */
static lem_err level(cj *C, const uint32_t *lv, uint32_t n) {
  for (uint32_t k = 0; k < C->nops; k++) {
    const cop *o = &C->ops[k];
    uint32_t kid[CJ_MAXAR], split[CJ_MAXAR];
    /* iterate over the ways to give n-1 operations to arity kids */
    memset(split, 0, sizeof split);
    for (;;) {
      uint32_t sum = 0;
      for (uint32_t j = 0; j + 1 < o->arity; j++) sum += split[j];
      if (sum <= n - 1) {
        split[o->arity - 1] = n - 1 - sum;
        /* the product of the chosen levels */
        uint32_t idx[CJ_MAXAR];
        for (uint32_t j = 0; j < o->arity; j++) idx[j] = lv[split[j]];
        int empty = 0;
        for (uint32_t j = 0; j < o->arity; j++)
          if (lv[split[j]] == lv[split[j] + 1]) empty = 1;
        while (!empty) {
          for (uint32_t j = 0; j < o->arity; j++) kid[j] = idx[j];
          if (compose(C, o, (uint8_t)k, kid)) return LEM_ENOMEM;
          uint32_t j = o->arity;
          while (j > 0) {
            j--;
            if (++idx[j] < lv[split[j] + 1]) break;
            idx[j] = lv[split[j]];
            if (j == 0) empty = 1;
          }
        }
      }
      /* next split of the first arity-1 kids */
      uint32_t j = 0;
      while (j + 1 < o->arity && ++split[j] > n - 1) split[j++] = 0;
      if (j + 1 >= o->arity) break;
    }
  }
  return LEM_OK;
}

static int tm_cmp(const void *x, const void *y) {
  const tm *a = x, *b = y;
  if (a->sort != b->sort) return a->sort < b->sort ? -1 : 1;
  int c = memcmp(a->v, b->v, sizeof a->v);
  if (c) return c;
  return code_cmp(a->code, a->len, b->code, b->len);
}

static uint32_t cand_nvars(const cand *c) {
  uint8_t seen[256] = {0};
  uint32_t n = 0;
  for (uint32_t i = 0; i < (uint32_t)c->la + c->lb; i++) {
    uint8_t k = i < c->la ? c->a[i] : c->b[i - c->la];
    n += !seen[k];
    seen[k] = 1;
  }
  return n;
}

/* 1 if the variables first occur in the order x0, x1, ... (reading the
** left side, then the right). */
static int vars_in_order(const cand *c, uint8_t first_var) {
  uint8_t next = first_var, seen[256] = {0};
  for (uint32_t i = 0; i < (uint32_t)c->la + c->lb; i++) {
    uint8_t k = i < c->la ? c->a[i] : c->b[i - c->la];
    if (k < first_var || seen[k]) continue;
    if (k != next) return 0;
    seen[k] = 1;
    next++;
  }
  return 1;
}

/* Smaller first; at equal size the more general first (more distinct
** symbols: (x0 + x1) + x2 before its instance (x0 + x1) + x0), so that an
** instance of a law proved already is pruned instead of tried.  (Preferring
** variables in order, the textbook forms, sends today's prover into long
** failures on the permuted associativity laws, so it is not done.) */
static int cand_cmp(const void *x, const void *y) {
  const cand *a = x, *b = y;
  uint32_t sa = a->la + a->lb, sb = b->la + b->lb;
  if (sa != sb) return sa < sb ? -1 : 1;
  uint32_t va = cand_nvars(a), vb = cand_nvars(b);
  if (va != vb) return va > vb ? -1 : 1;
  (void)vars_in_order;
  int c = code_cmp(a->a, a->la, b->a, b->la);
  return c ? c : code_cmp(a->b, a->lb, b->b, b->lb);
}

static uint32_t nvars_in(const cj *C, const uint8_t *a, uint32_t la,
                         const uint8_t *b, uint32_t lb, uint8_t *sorts) {
  uint8_t seen[256] = {0};
  uint32_t n = 0;
  for (uint32_t i = 0; i < la + lb; i++) {
    uint8_t k = i < la ? a[i] : b[i - la];
    if (is_var(C, k) && !seen[k]) {
      seen[k] = 1;
      n++;
      if (sorts) sorts[var_sort(C, k)]++;
    }
  }
  return n;
}

static int unknown(const tm *t) {
  for (uint32_t p = 0; p < CJ_NPTS; p++)
    if (t->v[p] == CJ_UNKNOWN) return 1;
  return 0;
}

/* The t = rep candidates, smallest first. */
static lem_err candidates(cj *C, cand **out, uint32_t *n) {
  if (C->nt) qsort(C->t, C->nt, sizeof *C->t, tm_cmp);
  cand *v = NULL;
  uint32_t nv = 0, cap = 0;
  uint64_t per_sort[CJ_MAXSORT + 1] = {0};
  for (uint32_t i = 0, rep = 0; i < C->nt; i++) {
    const tm *t = &C->t[i];
    per_sort[t->sort]++;
    /* a term with a value out of the evaluator's reach is a class of its
       own: it is never conjectured equal to anything */
    if (i == 0 || unknown(t) || unknown(&C->t[rep]) ||
        tm_cmp(&C->t[rep], t) > 0 || t->sort != C->t[rep].sort ||
        memcmp(t->v, C->t[rep].v, sizeof t->v)) {
      rep = i;
      C->st.classes++;
      continue;
    }
    const tm *r = &C->t[rep];
    C->st.star++;
    if (t->nops + r->nops > C->o.max_eq_ops || t->nops > C->o.max_ops) {
      C->st.too_big++;
      continue;
    }
    uint8_t vs[CJ_MAXSORT + 1] = {0};
    nvars_in(C, t->code, t->len, r->code, r->len, vs);
    int big = 0;
    for (uint32_t s = 0; s <= C->nsorts; s++)
      if (vs[s] > C->o.max_vars) big = 1;
    if (big) {
      C->st.too_big++;
      continue;
    }
    if (LEM_GROW(C->L, v, cap, nv + 1)) {
      lem_free(C->L, v, cap * sizeof *v);
      return LEM_ENOMEM;
    }
    cand *c = &v[nv++];
    memset(c, 0, sizeof *c);
    memcpy(c->a, t->code, t->len);
    memcpy(c->b, r->code, r->len);
    c->la = t->len;
    c->lb = r->len;
    c->first_var = (uint8_t)(C->nops + C->ncst);
  }
  /* same-class pairs over all pairs of the same sort */
  uint64_t same = 0;
  for (uint32_t i = 0; i < C->nt;) {
    uint32_t j = i + 1;
    while (j < C->nt && C->t[j].sort == C->t[i].sort &&
           !memcmp(C->t[j].v, C->t[i].v, sizeof C->t[i].v))
      j++;
    if (!unknown(&C->t[i])) same += (uint64_t)(j - i) * (j - i - 1) / 2;
    i = j;
  }
  for (uint32_t s = 0; s <= CJ_MAXSORT; s++)
    C->st.equations += per_sort[s] * (per_sort[s] ? per_sort[s] - 1 : 0) / 2;
  C->st.refuted_eval = C->st.equations - same;
  if (nv) qsort(v, nv, sizeof *v, cand_cmp);
  *out = v;
  *n = nv;
  return LEM_OK;
}

/* ---- pruning by ordered rewriting ------------------------------------- */

/* Match pattern p (its variables bind subterms) against t at i.  bind[k]
** holds start+1 of the subterm bound to variable code k (0: unbound) and
** blen[k] its length. */
static int match_at(const cj *C, const uint8_t *p, uint32_t lp,
                    const uint8_t *t, uint32_t i, uint32_t lt, uint32_t *bind,
                    uint32_t *blen, uint32_t *endp) {
  uint32_t j = 0;
  while (j < lp) {
    if (i >= lt) return 0;
    uint8_t k = p[j];
    if (is_var(C, k)) {
      uint32_t e = tend(C, t, i);
      if (!sort_fits(var_sort(C, k), head_sort(C, t[i]))) return 0;
      if (bind[k]) {
        if (blen[k] != e - i || memcmp(t + bind[k] - 1, t + i, e - i))
          return 0;
      } else {
        bind[k] = i + 1;
        blen[k] = e - i;
      }
      i = e;
      j++;
    } else {
      if (t[i] != k) return 0;
      i++;
      j++;
    }
  }
  *endp = i;
  return 1;
}

/* Rewrite t (in place) with l -> r at some position if the result is
** smaller.  Returns 1 if it did. */
static int rewrite1(const cj *C, uint8_t *t, uint8_t *lt, const uint8_t *l,
                    uint32_t ll, const uint8_t *r, uint32_t lr) {
  for (uint32_t i = 0; i < *lt; i++) {
    uint32_t bind[256] = {0}, blen[256], e;
    if (!match_at(C, l, ll, t, i, *lt, bind, blen, &e)) continue;
    uint8_t nt[2 * CJ_MAXLEN];
    uint32_t n = 0, ok = 1;
    memcpy(nt, t, i);
    n = i;
    for (uint32_t j = 0; j < lr && ok; j++) {
      uint8_t k = r[j];
      if (is_var(C, k)) {
        if (!bind[k] || n + blen[k] > CJ_MAXLEN) ok = 0;
        else {
          memcpy(nt + n, t + bind[k] - 1, blen[k]);
          n += blen[k];
        }
      } else if (n + 1 > CJ_MAXLEN) {
        ok = 0;
      } else {
        nt[n++] = k;
      }
    }
    if (!ok || n + (*lt - e) > CJ_MAXLEN) continue;
    memcpy(nt + n, t + e, *lt - e);
    n += *lt - e;
    if (code_cmp(nt, n, t, *lt) < 0) {
      memcpy(t, nt, n);
      *lt = (uint8_t)n;
      return 1;
    }
  }
  return 0;
}

static void normalize(const cj *C, uint8_t *t, uint8_t *lt) {
  for (uint32_t guard = 0; guard < 10000; guard++) {
    int changed = 0;
    for (uint32_t k = 0; k < C->nrules && !changed; k++) {
      const cand *q = &C->rules[k];
      changed = rewrite1(C, t, lt, q->a, q->la, q->b, q->lb) ||
                rewrite1(C, t, lt, q->b, q->lb, q->a, q->la);
    }
    if (!changed) return;
  }
}

static int joinable(const cj *C, const cand *c) {
  uint8_t a[CJ_MAXLEN], b[CJ_MAXLEN], la = c->la, lb = c->lb;
  memcpy(a, c->a, la);
  memcpy(b, c->b, lb);
  normalize(C, a, &la);
  normalize(C, b, &lb);
  return !code_cmp(a, la, b, lb);
}

/* ---- the relational form ---------------------------------------------- */

typedef struct rf {       /* one side's atoms, in post-order */
  lem_term atom[CJ_MAXLEN];
  uint32_t n;
  lem_term iv[CJ_MAXLEN]; /* the variables naming inner subterms */
  uint32_t niv;
} rf;

static lem_term leaf_term(const cj *C, uint8_t k) {
  if (is_var(C, k)) return C->xv[k - C->nops - C->ncst];
  return C->cst[k - C->nops].c;
}

static lem_term fresh(cj *C, uint32_t *nfresh) {
  char nm[16];
  snprintf(nm, sizeof nm, "y%u", (*nfresh)++);
  lem_sym y = lem_sym_cstr(C->L, nm);
  return y ? lem_mk_var(C->L, y, 0) : LEM_NOTERM;
}

/* Name the subterm at *i: a leaf names itself, an operation gets out (or a
** fresh variable) and its atom. */
static lem_term emit(cj *C, const uint8_t *c, uint32_t *i, lem_term out,
                     rf *R, uint32_t *nfresh) {
  uint8_t k = c[(*i)++];
  if (k >= C->nops) return leaf_term(C, k);
  const cop *o = &C->ops[k];
  lem_term kid[CJ_MAXAR], args[CJ_MAXREL];
  for (uint32_t j = 0; j < o->arity; j++)
    if (!(kid[j] = emit(C, c, i, LEM_NOTERM, R, nfresh))) return LEM_NOTERM;
  if (!out) {
    if (!(out = fresh(C, nfresh))) return LEM_NOTERM;
    R->iv[R->niv++] = out;
  }
  for (uint32_t j = 0; j < o->arity; j++) args[o->pin[j]] = kid[j];
  args[o->pout] = out;
  args[o->pop] = o->c;
  lem_term a = lem_mk_rel(C->L, o->rel->name, o->rel->arity, args);
  if (!a) return LEM_NOTERM;
  R->atom[R->n++] = a;
  return out;
}

static int has_term(const lem_term *v, uint32_t n, lem_term t) {
  for (uint32_t i = 0; i < n; i++)
    if (v[i] == t) return 1;
  return 0;
}

/* The statement a = b (a has an operation), canonical; *trivial is set when
** the conclusion is among the premises or nothing is quantified. */
static lem_term relational(cj *C, const uint8_t *a, uint32_t la,
                           const uint8_t *b, uint32_t lb, int *trivial) {
  lem_ctx *L = C->L;
  (void)la;
  rf A = {0}, B = {0};
  uint32_t nfresh = 0, i = 0;
  lem_term concl, prem[CJ_MAXLEN + 8];
  uint32_t np = 0;
  *trivial = 0;
  if (lb == 1) {
    if (!emit(C, a, &i, leaf_term(C, b[0]), &A, &nfresh)) return LEM_NOTERM;
    concl = A.atom[A.n - 1];
    for (uint32_t j = 0; j + 1 < A.n; j++) prem[np++] = A.atom[j];
  } else {
    lem_term r = fresh(C, &nfresh);
    if (!r || !emit(C, a, &i, r, &A, &nfresh)) return LEM_NOTERM;
    i = 0;
    if (!emit(C, b, &i, r, &B, &nfresh)) return LEM_NOTERM;
    for (uint32_t j = 0; j < A.n; j++) prem[np++] = A.atom[j];
    concl = B.atom[B.n - 1];
    if (B.n > 1) {
      lem_term p = lem_mk_andn(L, B.n - 1, B.atom);
      concl = p ? lem_mk_all(L, B.niv, B.iv, p, concl) : LEM_NOTERM;
      if (!concl) return LEM_NOTERM;
    }
  }
  if (has_term(prem, np, concl)) *trivial = 1;
  /* the outer variables: those of the premises, then members for the rest */
  lem_term vars[2 * CJ_MAXLEN + 8];
  uint32_t nv = 0;
  for (uint32_t j = 0; j < np; j++) {
    uint32_t n = lem_term_nargs(L, prem[j]);
    for (uint32_t k = 0; k < n; k++) {
      lem_term x = lem_term_arg(L, prem[j], k);
      if (lem_term_kind(L, x) == LEM_VAR && !has_term(vars, nv, x))
        vars[nv++] = x;
    }
  }
  uint32_t nprem_atoms = np;
  for (uint32_t k = 0; k < C->nvar; k++) {
    lem_term x = C->xv[k];
    int used = 0;
    for (uint32_t j = 0; j < la && !used; j++) used = a[j] == C->nops + C->ncst + k;
    for (uint32_t j = 0; j < lb && !used; j++) used = b[j] == C->nops + C->ncst + k;
    if (!used || has_term(vars, nv, x)) continue;
    uint8_t s = var_sort(C, (uint8_t)(C->nops + C->ncst + k));
    if (!C->mem || !s) {
      *trivial = 1; /* cannot say what the variable ranges over */
      return LEM_NOTERM;
    }
    lem_term ma[2];
    ma[C->mem_e] = x;
    ma[C->mem_s] = C->sorts[s];
    if (!(prem[np++] = lem_mk_rel(L, C->mem->name, 2, ma))) return LEM_NOTERM;
    vars[nv++] = x;
  }
  (void)nprem_atoms;
  if (!nv) { /* ground: an equation between closed terms */
    *trivial = 1;
    return LEM_NOTERM;
  }
  lem_term p = lem_mk_andn(L, np, prem);
  lem_term f = p ? lem_mk_all(L, nv, vars, p, concl) : LEM_NOTERM;
  return f ? lem_canon(L, f) : LEM_NOTERM;
}

/* ---- text ------------------------------------------------------------- */

static lem_err text_at(const cj *C, const uint8_t *c, uint32_t *i, lem_buf *b,
                       int smt, int top) {
  lem_ctx *L = C->L;
  uint8_t k = c[(*i)++];
  if (k >= C->nops) {
    if (is_var(C, k)) return lem_buf_printf(L, b, "x%u", k - C->nops - C->ncst);
    const ccst *q = &C->cst[k - C->nops];
    if (smt) return lem_buf_printf(L, b, "%llu", (unsigned long long)q->val);
    return lem_buf_puts(L, b, lem_sym_name(L, lem_term_sym(L, q->c)));
  }
  const cop *o = &C->ops[k];
  const char *nm = lem_sym_name(L, lem_term_sym(L, o->c));
  lem_err e;
  if (smt) {
    e = o->m == SMT_OP_NONE ? lem_buf_printf(L, b, "(|%s| ", nm)
                            : lem_buf_puts(L, b, o->m == SMT_OP_MUL ? "(* "
                                                                    : "(+ ");
    for (uint32_t j = 0; j < o->arity && !e; j++) {
      if (j) e = lem_buf_puts(L, b, " ");
      if (!e) e = text_at(C, c, i, b, smt, 0);
    }
    if (!e && o->m == SMT_OP_SUCC) e = lem_buf_puts(L, b, " 1");
    return e ? e : lem_buf_puts(L, b, ")");
  }
  if (o->arity != 2) {
    e = lem_buf_printf(L, b, "%s(", nm);
    for (uint32_t j = 0; j < o->arity && !e; j++) {
      if (j) e = lem_buf_puts(L, b, ", ");
      if (!e) e = text_at(C, c, i, b, smt, 1);
    }
    return e ? e : lem_buf_puts(L, b, ")");
  }
  e = top ? LEM_OK : lem_buf_puts(L, b, "(");
  if (!e) e = text_at(C, c, i, b, smt, 0);
  if (!e) e = lem_buf_printf(L, b, " %s ", nm);
  if (!e) e = text_at(C, c, i, b, smt, 0);
  if (!e && !top) e = lem_buf_puts(L, b, ")");
  return e;
}

static char *eq_text(const cj *C, const cand *q, int smt) {
  lem_ctx *L = C->L;
  lem_buf b = {0};
  uint32_t i = 0, j = 0;
  lem_err e = LEM_OK;
  if (smt) {
    uint8_t seen[256] = {0};
    for (uint32_t k = 0; k < (uint32_t)q->la + q->lb && !e; k++) {
      uint8_t c = k < q->la ? q->a[k] : q->b[k - q->la];
      if (seen[c]) continue;
      seen[c] = 1;
      if (is_var(C, c))
        e = lem_buf_printf(L, &b, "(declare-const x%u Int)\n",
                           c - C->nops - C->ncst);
      else if (c < C->nops && C->ops[c].m == SMT_OP_NONE)
        e = lem_buf_printf(L, &b, "(declare-fun |%s| (%s) Int)\n",
                           lem_sym_name(L, lem_term_sym(L, C->ops[c].c)),
                           C->ops[c].arity == 1   ? "Int"
                           : C->ops[c].arity == 2 ? "Int Int"
                                                  : "Int Int Int");
    }
    if (!e) e = lem_buf_puts(L, &b, "(assert (= ");
  }
  if (!e) e = text_at(C, q->a, &i, &b, smt, 1);
  if (!e) e = lem_buf_puts(L, &b, smt ? " " : " = ");
  if (!e) e = text_at(C, q->b, &j, &b, smt, 1);
  if (!e && smt) e = lem_buf_puts(L, &b, "))\n");
  if (e) {
    lem_buf_free(L, &b);
    return NULL;
  }
  char *s = lem_strndup(L, b.p, b.len);
  lem_buf_free(L, &b);
  return s;
}

/* ---- the pipeline ----------------------------------------------------- */

static void conj_clear(lem_ctx *L, cj_conj *c) {
  if (c->text) lem_free(L, c->text, strlen(c->text) + 1);
  if (c->smt) lem_free(L, c->smt, strlen(c->smt) + 1);
  c->text = c->smt = NULL;
}

static lem_err accept_rule(cj *C, const cand *q) {
  if (LEM_GROW(C->L, C->rules, C->caprules, C->nrules + 1)) return LEM_ENOMEM;
  C->rules[C->nrules++] = *q;
  return LEM_OK;
}

static int uses_defined(const cj *C, const cand *q) {
  for (uint32_t k = 0; k < (uint32_t)q->la + q->lb; k++) {
    uint8_t c = k < q->la ? q->a[k] : q->b[k - q->la];
    if (c < C->nops && C->ops[c].m == SMT_OP_NONE) return 1;
  }
  return 0;
}

/* One candidate through canonical dedup, the trivial filter and the
** callback.  Appends a survivor to *out. */
static lem_err consider(cj *C, cand *q, cj_refute_fn refute, void *ud,
                        cj_conj **out, uint32_t *n, uint32_t *cap) {
  lem_ctx *L = C->L;
  const uint8_t *a = q->a, *b = q->b;
  uint32_t la = q->la, lb = q->lb;
  if (la == 1) { /* the left side must be an operation */
    if (lb == 1) {
      C->st.trivial++;
      return LEM_OK;
    }
    a = q->b, la = q->lb, b = q->a, lb = q->la;
  }
  int triv, mtriv = 1;
  lem_term s = relational(C, a, la, b, lb, &triv);
  if (!s && !triv) return L->err ? L->err : LEM_ENOMEM;
  if (triv) {
    C->st.trivial++;
    return LEM_OK;
  }
  uint32_t dummy;
  if (lem_map_get(&C->seen, s, &dummy)) {
    C->st.duplicate++;
    return LEM_OK;
  }
  lem_term m = LEM_NOTERM;
  if (lb > 1) {
    m = relational(C, b, lb, a, la, &mtriv);
    if (!m && !mtriv) return L->err ? L->err : LEM_ENOMEM;
    if (mtriv || m == s) m = LEM_NOTERM;
  }
  cj_conj c = {s, m, NULL, NULL, la + lb, 0};
  cand tq = *q;
  memcpy(tq.a, a, la);
  memcpy(tq.b, b, lb);
  tq.la = (uint8_t)la;
  tq.lb = (uint8_t)lb;
  if (!(c.text = eq_text(C, &tq, 0)) || !(c.smt = eq_text(C, &tq, 1))) {
    conj_clear(L, &c);
    return LEM_ENOMEM;
  }
  /* an operation defined by recursion is uninterpreted in c.smt, where
     Z3 would refute nearly everything: such an equation, true at the test
     points, is kept undecided */
  int r = !refute ? 0 : uses_defined(C, &tq) ? 2 : refute(ud, L, &c);
  if (r < 0 || r == 1) {
    conj_clear(L, &c);
    if (r < 0) return L->err ? L->err : LEM_ESMT;
    C->st.refuted_cb++;
    return LEM_OK;
  }
  if (r == 2) C->st.unknown_cb++;
  if (lem_map_put(L, &C->seen, s, 1) || (m && lem_map_put(L, &C->seen, m, 1)) ||
      LEM_GROW(L, *out, *cap, *n + 1)) {
    conj_clear(L, &c);
    return LEM_ENOMEM;
  }
  (*out)[(*n)++] = c;
  C->st.survivors++;
  return LEM_OK;
}

/* ---- cancellation laws: f(.., x, ..) = f(.., y, ..) => x = y -------- */

/* Does operation o cancel in argument i at small values (0..5 there, 0..3
** in the other arguments)? */
static int cancels_at_points(const cop *o, uint32_t i) {
  uint64_t x[CJ_MAXAR], y[CJ_MAXAR];
  uint32_t others = 1;
  for (uint32_t j = 1; j < o->arity; j++) others *= 4;
  for (uint32_t r = 0; r < others; r++) {
    for (uint32_t j = 0, q = r; j < o->arity; j++)
      if (j != i) x[j] = y[j] = q % 4, q /= 4;
    for (uint64_t a = 0; a < 6; a++)
      for (uint64_t b = a + 1; b < 6; b++) {
        x[i] = a, y[i] = b;
        if (apply_op(o, x) == apply_op(o, y)) return 0;
      }
  }
  return 1;
}

/* The atom o(args) = out in o's relation. */
static lem_term op_atom(cj *C, const cop *o, const lem_term *args,
                        lem_term out) {
  lem_term a[CJ_MAXREL];
  a[o->pout] = out;
  a[o->pop] = o->c;
  for (uint32_t j = 0; j < o->arity; j++) a[o->pin[j]] = args[j];
  return lem_mk_rel(C->L, o->rel->name, o->rel->arity, a);
}

/* f (LEM_NOTERM: out of memory) in canonical form in *st: 1 when no
** earlier conjecture had that form, 0 when one had (counted), -1 on
** error. */
static int new_stmt(cj *C, lem_term f, lem_term *st) {
  uint32_t dummy;
  if (!f || !(*st = lem_canon(C->L, f))) return -1;
  if (lem_map_get(&C->seen, *st, &dummy)) {
    C->st.duplicate++;
    return 0;
  }
  return 1;
}

/* Cancellation law number k (operation k / CJ_MAXAR, argument k %
** CJ_MAXAR) as a conjecture in *c (1), or 0 when there is none such (no
** such argument, refuted at the test points, a duplicate), -1 on error.
** With A = (x0..x(n-1)) and B = A with x(n) for argument i:
** (>[A,x(n),z](&(o(A) = z)(o(B) = z))(=[x(i),x(n)])). */
static int cancel_law(cj *C, uint32_t k, cj_conj *c, cj_refute_fn refute,
                      void *ud) {
  lem_ctx *L = C->L;
  const cop *o = &C->ops[k / CJ_MAXAR];
  uint32_t i = k % CJ_MAXAR, n = o->arity;
  if (i >= n) return 0;
  if (!cancels_at_points(o, i)) {
    C->st.refuted_eval++;
    return 0;
  }
  lem_term xs[CJ_MAXAR + 1], a[CJ_MAXAR], b[CJ_MAXAR], z, eq[2], prem[2];
  uint32_t nfresh = 0;
  for (uint32_t j = 0; j <= n; j++)
    if (!(xs[j] = fresh(C, &nfresh))) return -1;
  if (!(z = fresh(C, &nfresh))) return -1;
  for (uint32_t j = 0; j < n; j++) a[j] = b[j] = xs[j];
  b[i] = xs[n];
  eq[0] = xs[i], eq[1] = xs[n];
  prem[0] = op_atom(C, o, a, z);
  prem[1] = op_atom(C, o, b, z);
  lem_sym eqs = lem_sym_cstr(L, "=");
  lem_term concl = eqs ? lem_mk_rel(L, eqs, 2, eq) : LEM_NOTERM;
  lem_term p = prem[0] && prem[1] ? lem_mk_andn(L, 2, prem) : LEM_NOTERM;
  xs[n + 1] = z;
  lem_term f = p && concl ? lem_mk_all(L, n + 2, xs, p, concl) : LEM_NOTERM;
  lem_term st;
  int fresh_st = new_stmt(C, f, &st);
  if (fresh_st <= 0) return fresh_st;
  /* the text and the SMT-LIB2 form, both over x0..x(n) */
  lem_buf t = {0}, q = {0};
  const char *nm = lem_sym_name(L, lem_term_sym(L, o->c));
  const char *fn = o->m == SMT_OP_MUL ? "*" : "+";
  lem_err e = LEM_OK;
  for (uint32_t j = 0; j <= n && !e; j++)
    e = lem_buf_printf(L, &q, "(declare-const x%u Int)\n", j);
  if (!e) e = lem_buf_puts(L, &q, "(assert (=> (=");
  for (int side = 0; side < 2 && !e; side++) {
    e = lem_buf_printf(L, &q, " (%s", fn);
    if (!e && n != 2) e = lem_buf_printf(L, &t, "%s%s(", side ? " = " : "", nm);
    else if (!e && side) e = lem_buf_puts(L, &t, " = ");
    for (uint32_t j = 0; j < n && !e; j++) {
      uint32_t v = side && j == i ? n : j;
      e = lem_buf_printf(L, &q, " x%u", v);
      if (!e && j) e = lem_buf_printf(L, &t, n == 2 ? " %s " : ", ", nm);
      if (!e) e = lem_buf_printf(L, &t, "x%u", v);
    }
    if (!e && o->m == SMT_OP_SUCC) e = lem_buf_puts(L, &q, " 1");
    if (!e) e = lem_buf_puts(L, &q, ")");
    if (!e && n != 2) e = lem_buf_puts(L, &t, ")");
  }
  if (!e) e = lem_buf_printf(L, &q, ") (= x%u x%u)))\n", i, n);
  if (!e) e = lem_buf_printf(L, &t, " => x%u = x%u", i, n);
  if (!e) {
    c->text = lem_strndup(L, t.p, t.len);
    c->smt = lem_strndup(L, q.p, q.len);
  }
  lem_buf_free(L, &t);
  lem_buf_free(L, &q);
  c->stmt = st;
  c->mirror = LEM_NOTERM;
  c->size = 2 * CJ_MAXLEN + k; /* after every equation */
  if (e || !c->text || !c->smt) {
    conj_clear(L, c);
    return -1;
  }
  int r = refute ? refute(ud, L, c) : 0;
  if (r < 0 || r == 1) {
    conj_clear(L, c);
    if (r < 0) return -1;
    C->st.refuted_cb++;
    return 0;
  }
  if (r == 2) C->st.unknown_cb++;
  if (lem_map_put(L, &C->seen, st, 1)) {
    conj_clear(L, c);
    return -1;
  }
  C->st.survivors++;
  C->st.implications++;
  return 1;
}

static lem_err make_vars(cj *C) {
  if (!(C->xv = lem_malloc(C->L, C->nvar * sizeof *C->xv))) return LEM_ENOMEM;
  for (uint32_t k = 0; k < C->nvar; k++) {
    char nm[16];
    snprintf(nm, sizeof nm, "x%u", k);
    lem_sym y = lem_sym_cstr(C->L, nm);
    if (!y || !(C->xv[k] = lem_mk_var(C->L, y, 0))) return LEM_ENOMEM;
  }
  return LEM_OK;
}


/* ---- relation laws: Horn clauses over relations ---------------------- */

#define CJ_RBOUND 24u  /* a quantifier in a relation's body: values 0..23 */
#define CJ_MAXRT 16    /* simple terms a hole takes */
#define CJ_MAXRA 512   /* instantiated atoms */
#define CJ_RPTS 64     /* grid points: every x0, x1, x2 in 0..3 */
#define CJ_ALLPTS UINT64_MAX

typedef struct rterm {  /* a simple term: x, a constant, or o(x) */
  uint8_t kind;         /* 0 variable, 1 constant, 2 unary operation */
  uint8_t var;          /* its variable (kinds 0 and 2) */
  const ccst *c;        /* kind 1 */
  const cop *o;         /* kind 2 */
} rterm;

typedef struct ratom {  /* a template with its holes filled */
  uint32_t tpl;
  uint8_t t[2];         /* indices into the terms */
  uint64_t mask;        /* the grid points where it holds */
  int simple;           /* every hole takes a variable */
} ratom;

/* The truth of f under B at the test point: 1, 0, or -1 (cannot tell). */
static int feval(cj *C, lem_term f, binds *B, uint32_t depth) {
  lem_ctx *L = C->L;
  if (depth > 32) return -1;
  switch (lem_term_kind(L, f)) {
    case LEM_NOT: {
      int r = feval(C, lem_term_arg(L, f, 0), B, depth + 1);
      return r < 0 ? r : !r;
    }
    case LEM_AND: {
      int a = feval(C, lem_term_arg(L, f, 0), B, depth + 1);
      if (!a) return 0;
      int b = feval(C, lem_term_arg(L, f, 1), B, depth + 1);
      return !b ? 0 : a < 0 || b < 0 ? -1 : 1;
    }
    case LEM_ALL: { /* bounded: every value 0..CJ_RBOUND-1 */
      uint32_t nv = lem_all_nvars(L, f), n0 = B->n, unknown = 0;
      if (nv > 2 || n0 + nv > CJ_MAXBIND) return -1;
      uint32_t total = nv == 1 ? CJ_RBOUND : CJ_RBOUND * CJ_RBOUND;
      for (uint32_t a = 0; a < total; a++) {
        for (uint32_t j = 0; j < nv; j++) {
          B->v[n0 + j] = lem_term_arg(L, f, j);
          B->x[n0 + j] = j ? a / CJ_RBOUND : a % CJ_RBOUND;
        }
        B->n = n0 + nv;
        int p = feval(C, lem_all_prem(L, f), B, depth + 1);
        int q = p ? feval(C, lem_all_concl(L, f), B, depth + 1) : 1;
        B->n = n0;
        if (!q) return 0;
        unknown |= p < 0 || q < 0;
      }
      return unknown ? -1 : 1;
    }
    case LEM_REL: break;
    default: return -1;
  }
  uint32_t n = lem_term_nargs(L, f);
  lem_sym y = lem_term_sym(L, f);
  const lem_def *d = lem_theory_def(C->T, y);
  if (d) { /* the body, its parameters := the arguments */
    lem_term b = lem_def_instance(L, d, f);
    return b ? feval(C, b, B, depth + 1) : -1;
  }
  uint64_t x[CJ_MAXREL], v;
  if (n > CJ_MAXREL) return -1;
  const lem_reldecl *rd = lem_theory_rel(C->T, y);
  if (rd && is_mem_rel(rd)) /* every natural is in the element sort */
    return arg_val(C, B, lem_term_arg(L, f, C->mem_e), &v) == 1 ? 1 : -1;
  if (!rd) { /* = */
    if (n != 2 || strcmp(lem_sym_name(L, y), "=")) return -1;
    for (uint32_t i = 0; i < 2; i++)
      if (arg_val(C, B, lem_term_arg(L, f, i), &x[i]) != 1) return -1;
    return x[0] == x[1];
  }
  const cop *o = all_of(C, atom_op(C, f));
  if (!o) return -1;
  for (uint32_t j = 0; j < o->arity; j++)
    if (arg_val(C, B, lem_term_arg(L, f, o->pin[j]), &x[j]) != 1) return -1;
  uint64_t got = eval_top(C, o, x);
  if (got == CJ_UNKNOWN || arg_val(C, B, lem_term_arg(L, f, o->pout), &v) != 1)
    return -1;
  return got == v;
}

/* The simple terms: variables, constants, unary operations of variables. */
static uint32_t rel_terms(const cj *C, rterm *t) {
  uint32_t n = 0, nv = C->o.max_vars < 3 ? C->o.max_vars : 3;
  for (uint32_t k = 0; k < nv; k++) t[n++] = (rterm){0, (uint8_t)k, NULL, NULL};
  for (uint32_t i = 0; i < C->ncst && n < CJ_MAXRT; i++)
    t[n++] = (rterm){1, 0, &C->cst[i], NULL};
  for (uint32_t i = 0; i < C->nops; i++)
    for (uint32_t k = 0; k < nv && C->ops[i].arity == 1 && n < CJ_MAXRT; k++)
      t[n++] = (rterm){2, (uint8_t)k, NULL, &C->ops[i]};
  return n;
}

/* Relations are tested on a full grid, not at random points: a law such
** as x <= s(y) => x <= y fails only where x = s(y), which few random
** points hit. */
static uint64_t rterm_val(cj *C, const rterm *t, uint32_t p) {
  if (t->kind == 1) return t->c->val;
  uint64_t x = p >> (2 * t->var) & 3;
  return t->kind == 0 ? x : eval_top(C, t->o, &x);
}

/* The holes of template tpl (its LEM_VAR arguments): their positions. */
static uint32_t holes(const cj *C, lem_term tpl, uint32_t *pos) {
  uint32_t nh = 0;
  for (uint32_t i = 0, n = lem_term_nargs(C->L, tpl); i < n; i++)
    if (lem_term_kind(C->L, lem_term_arg(C->L, tpl, i)) == LEM_VAR) {
      if (nh == 2) return 3;
      pos[nh++] = i;
    }
  return nh;
}

/* Every template with every filling, and where each holds.  An atom that
** cannot be evaluated at some point is left out. */
static lem_err rel_atoms(cj *C, const rterm *t, uint32_t nt, ratom *a,
                         uint32_t *na) {
  lem_ctx *L = C->L;
  *na = 0;
  for (uint32_t r = 0; r < C->o.nrels; r++) {
    lem_term tpl = C->o.rels[r];
    uint32_t pos[2], nh = holes(C, tpl, pos);
    if (lem_term_kind(L, tpl) != LEM_REL || nh < 1 || nh > 2)
      return lem_error(L, LEM_EINVAL, "explore: a relation template needs "
                       "one or two holes");
    uint32_t m = nh == 1 ? nt : nt * nt;
    for (uint32_t f = 0; f < m; f++) {
      ratom x = {r, {(uint8_t)(f % nt), (uint8_t)(f / nt % nt)}, 0, 1};
      int ok = 1;
      for (uint32_t p = 0; p < CJ_RPTS && ok; p++) {
        binds B;
        B.n = nh;
        for (uint32_t h = 0; h < nh; h++) {
          B.v[h] = lem_term_arg(L, tpl, pos[h]);
          B.x[h] = rterm_val(C, &t[x.t[h]], p);
          ok &= B.x[h] != CJ_UNKNOWN;
        }
        int v = ok ? feval(C, tpl, &B, 0) : -1;
        if (v < 0) ok = 0;
        else if (v) x.mask |= (uint64_t)1 << p;
      }
      for (uint32_t h = 0; h < nh; h++) x.simple &= t[x.t[h]].kind == 0;
      if (!ok) continue;
      if (*na == CJ_MAXRA)
        return lem_error(L, LEM_ELIMIT, "explore: over %u relation atoms",
                         CJ_MAXRA);
      a[(*na)++] = x;
    }
  }
  return LEM_OK;
}

typedef struct rclause {  /* building a clause's statement */
  lem_term prem[16], vars[16];
  uint32_t np, nv, nfresh;
  lem_term fx[8];         /* o(x) already named: o, x, its variable */
  const cop *fo[8];
  uint8_t fv[8];
  uint32_t nf;
} rclause;

/* Term t as a lem_term, naming o(x) by a fresh variable and its atom. */
static lem_term rterm_term(cj *C, rclause *K, const rterm *t) {
  if (t->kind == 1) return t->c->c;
  if (t->kind == 0) return C->xv[t->var];
  for (uint32_t i = 0; i < K->nf; i++)
    if (K->fo[i] == t->o && K->fv[i] == t->var) return K->fx[i];
  if (K->nf == 8 || K->np == 16) return LEM_NOTERM;
  lem_term y = fresh(C, &K->nfresh), x = C->xv[t->var];
  if (!y) return LEM_NOTERM;
  lem_term a = op_atom(C, t->o, &x, y);
  if (!a) return LEM_NOTERM;
  K->prem[K->np++] = a;
  K->fo[K->nf] = t->o, K->fv[K->nf] = t->var, K->fx[K->nf++] = y;
  return y;
}

static lem_term ratom_term(cj *C, rclause *K, const ratom *a, const rterm *t) {
  lem_term tpl = C->o.rels[a->tpl], args[CJ_MAXREL];
  uint32_t n = lem_term_nargs(C->L, tpl), h = 0;
  if (n > CJ_MAXREL) return LEM_NOTERM;
  for (uint32_t i = 0; i < n; i++) {
    args[i] = lem_term_arg(C->L, tpl, i);
    if (lem_term_kind(C->L, args[i]) == LEM_VAR &&
        !(args[i] = rterm_term(C, K, &t[a->t[h++]])))
      return LEM_NOTERM;
  }
  return lem_mk_rel(C->L, lem_term_sym(C->L, tpl), n, args);
}

static void note_vars(const cj *C, rclause *K, lem_term a) {
  for (uint32_t k = 0, n = lem_term_nargs(C->L, a); k < n; k++) {
    lem_term x = lem_term_arg(C->L, a, k);
    if (lem_term_kind(C->L, x) == LEM_VAR && !has_term(K->vars, K->nv, x) &&
        K->nv < 16)
      K->vars[K->nv++] = x;
  }
}

static lem_err rterm_text(const cj *C, lem_buf *b, const rterm *x) {
  lem_ctx *L = C->L;
  if (x->kind == 1)
    return lem_buf_puts(L, b, lem_sym_name(L, lem_term_sym(L, x->c->c)));
  if (x->kind == 0) return lem_buf_printf(L, b, "x%u", x->var);
  return lem_buf_printf(L, b, "%s(x%u)",
                        lem_sym_name(L, lem_term_sym(L, x->o->c)), x->var);
}

/* Argument i of a relation law's atom as lem_notation_write asks for it:
** the term in its hole, or the template's constant. */
typedef struct rtext_args {
  const cj *C;
  const ratom *a;
  const rterm *t;
  lem_term tpl;
  const uint32_t *hole;
} rtext_args;

static lem_err rtext_arg(void *ud, uint32_t i, lem_buf *b) {
  const rtext_args *r = ud;
  lem_ctx *L = r->C->L;
  return r->hole[i] != ~0u
             ? rterm_text(r->C, b, &r->t[r->a->t[r->hole[i]]])
             : lem_buf_puts(L, b, lem_sym_name(L, lem_term_sym(L,
                                  lem_term_arg(L, r->tpl, i))));
}

/* Atom a as text: through the relation's notation when the theory gives
** one ({x} <= {y}: each {param} is the argument there), else as
** name(hole, ...). */
static lem_err rtext(const cj *C, lem_buf *b, const ratom *a, const rterm *t) {
  lem_ctx *L = C->L;
  lem_term tpl = C->o.rels[a->tpl];
  lem_sym rel = lem_term_sym(L, tpl);
  uint32_t n = lem_term_nargs(L, tpl), nh = 0, hole[CJ_MAXREL];
  for (uint32_t i = 0; i < n && i < CJ_MAXREL; i++)
    hole[i] = lem_term_kind(L, lem_term_arg(L, tpl, i)) == LEM_VAR ? nh++ : ~0u;
  const lem_notation *no = lem_theory_notation(C->T, rel);
  lem_err e = LEM_OK;
  if (no && no->arity == n && n <= CJ_MAXREL) {
    rtext_args ra = {C, a, t, tpl, hole};
    return lem_notation_write(L, no, b, rtext_arg, &ra);
  }
  e = lem_buf_printf(L, b, "%s(", lem_sym_name(L, rel));
  for (uint32_t h = 0; h < nh && !e; h++) {
    if (h) e = lem_buf_puts(L, b, ", ");
    if (!e) e = rterm_text(C, b, &t[a->t[h]]);
  }
  return e ? e : lem_buf_puts(L, b, ")");
}

/* The clause prems => concl as a survivor in *c (1), or 0 when it is a
** duplicate or cannot be written, -1 on error. */
static int rel_clause(cj *C, const ratom *a, const rterm *t,
                      const uint32_t *pi, uint32_t k, uint32_t ci,
                      cj_conj *c) {
  lem_ctx *L = C->L;
  rclause K;
  memset(&K, 0, sizeof K);
  lem_term atoms[3];
  for (uint32_t i = 0; i <= k; i++) {
    uint32_t j = i < k ? pi[i] : ci;
    if (!(atoms[i] = ratom_term(C, &K, &a[j], t))) return L->err ? -1 : 0;
  }
  lem_term concl = atoms[k];
  for (uint32_t i = 0; i < k; i++) K.prem[K.np++] = atoms[i];
  for (uint32_t i = 0; i < K.np; i++) note_vars(C, &K, K.prem[i]);
  lem_term cv[16];
  rclause Q;
  Q.nv = 0;
  note_vars(C, &Q, concl);
  memcpy(cv, Q.vars, Q.nv * sizeof *cv);
  for (uint32_t i = 0; i < Q.nv; i++) { /* members for the rest */
    if (has_term(K.vars, K.nv, cv[i])) continue;
    if (!C->mem || C->nsorts != 1 || K.np == 16 || K.nv == 16) return 0;
    lem_term ma[2];
    ma[C->mem_e] = cv[i];
    ma[C->mem_s] = C->sorts[1];
    if (!(K.prem[K.np++] = lem_mk_rel(L, C->mem->name, 2, ma))) return -1;
    K.vars[K.nv++] = cv[i];
  }
  if (!K.nv) return 0;
  lem_term p = lem_mk_andn(L, K.np, K.prem);
  lem_term f = p ? lem_mk_all(L, K.nv, K.vars, p, concl) : LEM_NOTERM;
  lem_term st;
  int fresh_st = new_stmt(C, f, &st);
  if (fresh_st <= 0) return fresh_st;
  lem_buf b = {0};
  lem_err e = LEM_OK;
  for (uint32_t i = 0; i < k && !e; i++) {
    e = rtext(C, &b, &a[pi[i]], t);
    if (!e) e = lem_buf_puts(L, &b, i + 1 < k ? " & " : " => ");
  }
  if (!e) e = rtext(C, &b, &a[ci], t);
  if (!e && !(c->text = lem_strndup(L, b.p, b.len))) e = LEM_ENOMEM;
  lem_buf_free(L, &b);
  if (e || lem_map_put(L, &C->seen, st, 1)) {
    conj_clear(L, c);
    return -1;
  }
  c->stmt = st;
  c->mirror = LEM_NOTERM;
  c->size = 3 * CJ_MAXLEN + k;
  C->st.survivors++;
  C->st.rel_laws++;
  C->st.unknown_cb++; /* not offered to the callback: kept undecided */
  return 1;
}

/* Every relation law, smallest first, into *out.  A clause survives when
** it holds at every grid point, its premises hold at some (it is not
** vacuous), it needs each of its premises (with one left out it fails
** somewhere, and its conclusion alone fails), its conclusion is none of
** its premises, and its canonical form is new. */
static lem_err rel_laws(cj *C, cj_conj **out, uint32_t *n, uint32_t *cap) {
  rterm t[CJ_MAXRT];
  uint32_t nt = rel_terms(C, t), na;
  ratom *a = lem_malloc(C->L, CJ_MAXRA * sizeof *a);
  if (!a) return LEM_ENOMEM;
  lem_err e = rel_atoms(C, t, nt, a, &na);
  uint32_t maxk = C->o.rel_prems < 2 ? C->o.rel_prems : 2;
  for (uint32_t k = 0; k <= maxk && !e; k++) {
    uint32_t pi[2] = {0, 0}, combos = k == 0 ? 1 : k == 1 ? na : na * na;
    for (uint32_t q = 0; q < combos && !e; q++) {
      if (k >= 1) pi[0] = q % na;
      if (k == 2) {
        pi[1] = q / na;
        if (pi[1] <= pi[0] || !a[pi[0]].simple || !a[pi[1]].simple) continue;
      }
      uint64_t both = k == 0 ? CJ_ALLPTS
                      : k == 1 ? a[pi[0]].mask : a[pi[0]].mask & a[pi[1]].mask;
      for (uint32_t ci = 0; ci < na && !e; ci++) {
        if (k == 2 && !a[ci].simple) continue;
        C->st.rel_clauses++;
        uint64_t mc = a[ci].mask;
        if ((~both | mc) != CJ_ALLPTS) {
          C->st.refuted_eval++;
          continue;
        }
        /* vacuous (the premises never hold) or a premise not needed */
        int needed = k == 0 || (both && mc != CJ_ALLPTS);
        for (uint32_t i = 0; i < k && k == 2 && needed; i++)
          needed = (~a[pi[1 - i]].mask | mc) != CJ_ALLPTS;
        int same = 0;
        for (uint32_t i = 0; i < k; i++) same |= pi[i] == ci;
        if (!needed || same) {
          C->st.trivial++;
          continue;
        }
        cj_conj c;
        memset(&c, 0, sizeof c);
        int r = rel_clause(C, a, t, pi, k, ci, &c);
        if (r < 0) e = C->L->err ? C->L->err : LEM_ENOMEM;
        else if (r && LEM_GROW(C->L, *out, *cap, *n + 1)) {
          conj_clear(C->L, &c);
          e = LEM_ENOMEM;
        } else if (r) {
          (*out)[(*n)++] = c;
        }
      }
    }
  }
  lem_free(C->L, a, CJ_MAXRA * sizeof *a);
  return e;
}

struct cj_gen {
  cj C;
  cand *cs;
  uint32_t ncs, next;
  uint32_t inj;  /* the next cancellation law to offer: op * CJ_MAXAR + arg */
  cj_refute_fn refute;
  void *ud;
  cj_conj *cur;  /* the survivor cj_next handed out last, if any */
  uint32_t ncur, capcur;
  cj_conj *rl;   /* the relation laws (made at the first cj_next) */
  uint32_t nrl, caprl, irl;
  int rl_made;
};

static lem_err prepare(cj *C, cand **cs, uint32_t *ncs) {
  lem_err e = walk(C, C->T->axiom, 0, 1);
  if (!e) e = settle_sig(C);
  if (!e) e = make_vars(C);
  if (e) return e;
  uint32_t lv[8];
  lv[0] = 0;
  if ((e = leaves(C))) return e;
  lv[1] = C->nt;
  for (uint32_t k = 1; k <= C->o.max_ops; k++) {
    if ((e = level(C, lv, k))) return e;
    lv[k + 1] = C->nt;
  }
  return candidates(C, cs, ncs);
}

lem_err cj_new(lem_ctx *L, const lem_theory *T, const cj_model *M,
               const cj_opts *o, cj_refute_fn refute, void *ud,
               cj_gen **out) {
  *out = NULL;
  if (o->max_vars < 1 || o->max_vars > 4 || o->max_ops > 4)
    return lem_error(L, LEM_EINVAL, "explore: sizes out of range "
                     "(variables 1..4, operations per side 0..4)");
  if (!T->axiom)
    return lem_error(L, LEM_EINVAL, "explore: theory has no anchor");
  cj_gen *G = lem_calloc(L, sizeof *G);
  if (!G) return LEM_ENOMEM;
  G->C.L = L;
  G->C.T = T;
  G->C.M = M;
  G->C.o = *o;
  G->refute = refute;
  G->ud = ud;
  lem_err e = prepare(&G->C, &G->cs, &G->ncs);
  if (e) {
    cj_gen_free(G);
    return e;
  }
  *out = G;
  return LEM_OK;
}

/* The next relation law (a batch with templates offers nothing else). */
static int rel_next(cj_gen *G, cj_conj *out) {
  cj *C = &G->C;
  if (!G->rl_made) {
    G->rl_made = 1;
    if (rel_laws(C, &G->rl, &G->nrl, &G->caprl)) return -1;
  }
  if (G->irl == G->nrl) return 0;
  G->rl[G->irl].id = G->ncs + C->nops * CJ_MAXAR + G->irl + 1;
  *out = G->rl[G->irl++];
  return 1;
}

int cj_next(cj_gen *G, cj_conj *out) {
  cj *C = &G->C;
  if (C->o.nrels) return rel_next(G, out);
  while (G->next < G->ncs) {
    if (C->o.max_conj && C->st.survivors >= C->o.max_conj) return 0;
    cand *q = &G->cs[G->next++];
    if (joinable(C, q)) {
      C->st.pruned++;
      continue;
    }
    uint32_t before = G->ncur;
    if (consider(C, q, G->refute, G->ud, &G->cur, &G->ncur, &G->capcur))
      return -1;
    if (G->ncur > before) {
      G->cur[G->ncur - 1].id = G->next; /* 1 + the candidate's index */
      *out = G->cur[G->ncur - 1];
      return 1;
    }
  }
  while (C->o.implications && G->inj < C->nops * CJ_MAXAR) {
    cj_conj c;
    memset(&c, 0, sizeof c);
    int r = cancel_law(C, G->inj++, &c, G->refute, G->ud);
    if (r < 0) return -1;
    if (!r) continue;
    if (LEM_GROW(C->L, G->cur, G->capcur, G->ncur + 1)) {
      conj_clear(C->L, &c);
      return -1;
    }
    c.id = G->ncs + G->inj; /* past the equations: nothing to rewrite with */
    G->cur[G->ncur++] = c;
    *out = c;
    return 1;
  }
  return 0;
}

lem_err cj_accept(cj_gen *G, uint32_t id) {
  if (!id || id > G->ncs + G->C.nops * CJ_MAXAR + G->nrl)
    return lem_error(G->C.L, LEM_EINVAL, "explore: no candidate %u", id);
  if (id > G->ncs) return LEM_OK; /* an implication rewrites nothing */
  return accept_rule(&G->C, &G->cs[id - 1]);
}

/* Code k of generator A as a code of B: the same operation or constant
** (by its constant), a variable of the same sort (renumbered in order of
** first appearance, vmap/used); 0xff when B has no such code. */
static uint8_t carry_code(const cj *A, const cj *B, uint8_t k, uint8_t *vmap,
                          uint32_t *used) {
  if (k < A->nops) {
    for (uint32_t i = 0; i < B->nops; i++)
      if (B->ops[i].c == A->ops[k].c) return (uint8_t)i;
    return 0xff;
  }
  if (!is_var(A, k)) {
    for (uint32_t i = 0; i < B->ncst; i++)
      if (B->cst[i].c == A->cst[k - A->nops].c) return (uint8_t)(B->nops + i);
    return 0xff;
  }
  if (vmap[k] != 0xff) return vmap[k];
  uint8_t sa = var_sort(A, k), sb = 0;
  for (uint32_t i = 1; sa && i <= B->nsorts; i++)
    if (B->sorts[i] == A->sorts[sa]) sb = (uint8_t)i;
  if ((sa && !sb) || (!sa && B->nsorts) || used[sb] >= B->o.max_vars)
    return 0xff;
  uint32_t c = B->nops + B->ncst + (sb ? sb - 1 : 0) * B->o.max_vars +
               used[sb]++;
  return vmap[k] = c < 0xff ? (uint8_t)c : 0xff;
}

lem_err cj_accept_from(cj_gen *G, const cj_gen *from, uint32_t id) {
  if (!id || id > from->ncs + from->C.nops * CJ_MAXAR + from->nrl)
    return lem_error(G->C.L, LEM_EINVAL, "explore: no candidate %u", id);
  if (id > from->ncs) return LEM_OK; /* an implication rewrites nothing */
  const cj *A = &from->C;
  const cand *q = &from->cs[id - 1];
  cand r;
  memset(&r, 0, sizeof r);
  uint8_t vmap[256];
  uint32_t used[CJ_MAXSORT + 1] = {0};
  memset(vmap, 0xff, sizeof vmap);
  for (uint32_t i = 0; i < q->la; i++)
    if ((r.a[i] = carry_code(A, &G->C, q->a[i], vmap, used)) == 0xff)
      return LEM_OK; /* not over G's signature: it rewrites none of G's terms */
  for (uint32_t i = 0; i < q->lb; i++)
    if ((r.b[i] = carry_code(A, &G->C, q->b[i], vmap, used)) == 0xff)
      return LEM_OK;
  r.la = q->la;
  r.lb = q->lb;
  r.first_var = (uint8_t)(G->C.nops + G->C.ncst);
  return accept_rule(&G->C, &r);
}

int cj_redundant(const cj_gen *G, uint32_t id) {
  return id && id <= G->ncs && joinable(&G->C, &G->cs[id - 1]);
}

/* ---- classes modulo the accepted equations ----------------------------- */

/* Rename the variables of c (length n) by the permutation perm of the used
** variable codes vs. */
static void rename_vars(const uint8_t *c, uint32_t n, const uint8_t *vs,
                        const uint8_t *perm, uint32_t nv, uint8_t *out) {
  for (uint32_t i = 0; i < n; i++) {
    out[i] = c[i];
    for (uint32_t j = 0; j < nv; j++)
      if (c[i] == vs[j]) out[i] = perm[j];
  }
}

/* The key of equation q under one renaming: both sides normalised, the
** smaller first, each with its length before it. */
static uint32_t key_under(const cj *C, const cand *q, const uint8_t *vs,
                          const uint8_t *perm, uint32_t nv, uint8_t *key) {
  uint8_t a[CJ_MAXLEN], b[CJ_MAXLEN], la = q->la, lb = q->lb;
  rename_vars(q->a, la, vs, perm, nv, a);
  rename_vars(q->b, lb, vs, perm, nv, b);
  normalize(C, a, &la);
  normalize(C, b, &lb);
  const uint8_t *x = a, *y = b;
  uint8_t lx = la, ly = lb;
  if (code_cmp(b, lb, a, la) < 0) x = b, lx = lb, y = a, ly = la;
  key[0] = lx;
  memcpy(key + 1, x, lx);
  key[1 + lx] = ly;
  memcpy(key + 2 + lx, y, ly);
  return 2u + lx + ly;
}

/* Next permutation of p[0..n) in lexicographic order; 0 after the last. */
static int next_perm(uint8_t *p, uint32_t n) {
  if (n < 2) return 0;
  uint32_t i = n - 1;
  while (i > 0 && p[i - 1] >= p[i]) i--;
  if (!i) return 0;
  uint32_t j = n - 1;
  while (p[j] <= p[i - 1]) j--;
  uint8_t t = p[i - 1];
  p[i - 1] = p[j];
  p[j] = t;
  for (uint32_t l = i, r = n - 1; l < r; l++, r--)
    t = p[l], p[l] = p[r], p[r] = t;
  return 1;
}

static int sorts_kept(const cj *C, const uint8_t *vs, const uint8_t *perm,
                      uint32_t nv) {
  for (uint32_t j = 0; j < nv; j++)
    if (var_sort(C, vs[j]) != var_sort(C, perm[j])) return 0;
  return 1;
}

_Static_assert(2 * CJ_MAXLEN + 2 <= CJ_KEYMAX, "a key holds two sides");

uint32_t cj_class_key(const cj_gen *G, uint32_t id, uint8_t *key) {
  if (!id || id > G->ncs) return 0; /* a cancellation law: no class */
  const cj *C = &G->C;
  const cand *q = &G->cs[id - 1];
  uint8_t vs[CJ_MAXLEN], perm[CJ_MAXLEN];
  uint32_t nv = 0;
  for (uint32_t k = 0; k < (uint32_t)q->la + q->lb; k++) {
    uint8_t c = k < q->la ? q->a[k] : q->b[k - q->la];
    int seen = 0;
    for (uint32_t j = 0; j < nv; j++) seen |= vs[j] == c;
    if (is_var(C, c) && !seen) vs[nv++] = c;
  }
  /* sorted, so that next_perm walks every renaming from the identity */
  for (uint32_t i = 1; i < nv; i++)
    for (uint32_t j = i; j && vs[j - 1] > vs[j]; j--) {
      uint8_t t = vs[j];
      vs[j] = vs[j - 1];
      vs[j - 1] = t;
    }
  memcpy(perm, vs, nv);
  if (nv > 6) nv = 0; /* 720 renamings at most; beyond, the identity */
  uint8_t best[CJ_KEYMAX], cur[CJ_KEYMAX];
  uint32_t lbest = 0;
  do {
    if (!sorts_kept(C, vs, perm, nv)) continue;
    uint32_t l = key_under(C, q, vs, perm, nv, cur);
    if (!lbest || code_cmp(cur, l, best, lbest) < 0) {
      memcpy(best, cur, l);
      lbest = l;
    }
  } while (next_perm(perm, nv));
  memcpy(key, best, lbest);
  return lbest;
}

uint32_t cj_accepted(const cj_gen *G) { return G->C.nrules; }

const cj_stats *cj_gen_stats(const cj_gen *G) { return &G->C.st; }

void cj_gen_free(cj_gen *G) {
  if (!G) return;
  cj *C = &G->C;
  lem_ctx *L = C->L;
  for (uint32_t i = 0; i < G->ncur; i++) conj_clear(L, &G->cur[i]);
  lem_free(L, G->cur, G->capcur * sizeof *G->cur);
  for (uint32_t i = 0; i < G->nrl; i++) conj_clear(L, &G->rl[i]);
  lem_free(L, G->rl, G->caprl * sizeof *G->rl);
  lem_free(L, G->cs, G->ncs * sizeof *G->cs);
  lem_free(L, C->t, C->capt * sizeof *C->t);
  lem_free(L, C->rules, C->caprules * sizeof *C->rules);
  lem_free(L, C->xv, C->nvar * sizeof *C->xv);
  for (uint32_t k = 0; k < CJ_MAXOPS; k++)
    lem_free(L, C->memo[k], C->capmemo[k] * sizeof *C->memo[k]);
  lem_map_free(L, &C->seen);
  lem_free(L, G, sizeof *G);
}

lem_err cj_enumerate(lem_ctx *L, const lem_theory *T, const cj_model *M,
                     const cj_opts *o, cj_refute_fn refute, void *ud,
                     cj_conj **out, uint32_t *n, cj_stats *st) {
  *out = NULL;
  *n = 0;
  memset(st, 0, sizeof *st);
  cj_gen *G;
  lem_err e = cj_new(L, T, M, o, refute, ud, &G);
  if (e) return e;
  cj_conj c;
  int r;
  uint32_t cap = 0;
  while ((r = cj_next(G, &c)) > 0) {
    if (LEM_GROW(L, *out, cap, *n + 1) || cj_accept(G, c.id)) {
      r = -1;
      break;
    }
    /* the survivor's strings move to *out */
    (*out)[(*n)++] = c;
    G->cur[G->ncur - 1].text = G->cur[G->ncur - 1].smt = NULL;
  }
  *st = G->C.st;
  e = r < 0 ? (L->err ? L->err : LEM_ENOMEM) : LEM_OK;
  cj_gen_free(G);
  if (!e && *n < cap) {
    cj_conj *t = *n ? lem_realloc(L, *out, cap * sizeof **out,
                                  *n * sizeof **out) : NULL;
    if (*n && !t) e = LEM_ENOMEM;
    else {
      if (!*n) lem_free(L, *out, cap * sizeof **out);
      *out = t;
      cap = *n;
    }
  }
  if (e) {
    for (uint32_t i = 0; i < *n; i++) conj_clear(L, &(*out)[i]);
    lem_free(L, *out, cap * sizeof **out);
    *out = NULL;
    *n = 0;
  }
  return e;
}

void cj_free(lem_ctx *L, cj_conj *c, uint32_t n) {
  if (!c) return;
  for (uint32_t i = 0; i < n; i++) conj_clear(L, &c[i]);
  lem_free(L, c, n * sizeof *c);
}

int cj_refute_z3(void *ud, lem_ctx *L, const cj_conj *c) {
  (void)L;
  smt_result r = SMT_RESULT_INIT;
  smt_status s = smt_find_counterexample(ud, c->smt, &r);
  smt_result_free(L, &r);
  if (s == SMT_SAT) return 1;
  if (s == SMT_UNSAT) return 0;
  return 2;
}

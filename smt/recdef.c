/*
** recdef.c: the operations a theory models as `rec`, defined for Z3 by the
** recursion its own axiom states.  See smt_recdefs_read in smt.h.
**
** A defining axiom is a conjunct of the axiom (defined relations expanded)
** that is a ground atom of the operation, S(0) = 0, or a rule, possibly
** curried, from atoms to an atom of it:
**   (>[n,m,a,b](&(s(n) = m)(&(S(n) = a)(a + m = b)))(S(m) = b))
** It is read as a guarded value at the parameters x0, x1, ...: the
** conclusion's inputs are the parameters (a constant there is a condition,
** x0 = 0), then the premises are read in any order that works, as the
** conjecturer's evaluator does: an atom whose inputs are known gives its
** output (a condition if the output is known too); a successor atom whose
** output is known gives its input, one less, under the condition that the
** output is at least 1; membership holds for every natural.  The axiom
** above reads: when x0 >= 1, S(x0) = S(x0 - 1) + x0.  The operation is
** then
**   (ite guard1 value1 (ite guard2 value2 ... 0))
** over its defining axioms in axiom order: the first that applies gives
** the value (if the axiom is consistent they agree where several apply),
** and 0 where none does.
**
** Z3 takes a define-funs-rec as a definition only if it terminates, so
** the reading is checked: each recursive call of an operation to itself
** must take one argument position, the same for all its axioms, to a
** parameter minus at least 1; an axiom whose self-call decreases no
** argument (a law such as S's commutativity, not a definition) is not
** used; and calls between different operations must not form a cycle.
*/
#include <stdio.h>
#include <string.h>

#include "smt.h"

#define RD_MAXV 32   /* variables of one defining axiom */
#define RD_MAXP 16   /* premise atoms of one defining axiom */
#define RD_MAXC 16   /* calls of rec operations in one axiom */
#define RD_MAXAX 64  /* defining axioms in all */

typedef struct rvar {
  lem_term v;
  uint32_t off, len;    /* its value's text in ex */
  int base, ofs;        /* it is x<base> + ofs (base -1: not known so) */
} rvar;

typedef struct rcall {
  uint32_t callee;      /* index into R->op */
  int base[SMT_REC_ARITY], ofs[SMT_REC_ARITY];
} rcall;

typedef struct rax {    /* one defining axiom, read */
  uint32_t op;          /* index into R->op */
  lem_term src;         /* the axiom formula, for messages */
  lem_term concl;
  lem_term prem[RD_MAXP];
  uint32_t nprem;
  uint32_t guard, nguard; /* the conditions' text in ex: " (..) (..)" */
  uint32_t voff, vlen;  /* the value's text in ex */
  rcall call[RD_MAXC];
  uint32_t ncall;
  int used;
} rax;

typedef struct rd {
  lem_ctx *L;
  const lem_theory *T;
  smt_recdefs *R;
  lem_buf ex;           /* every expression text, by offset */
  lem_buf tmp;          /* a new expression, made from texts in ex */
  rax ax[RD_MAXAX];
  uint32_t nax;
  lem_sym eq;
  /* the axiom being read */
  rvar v[RD_MAXV];
  uint32_t nv;
  lem_buf guard;
} rd;

static const char *nm(lem_ctx *L, lem_term t) {
  return lem_sym_name(L, lem_term_sym(L, t));
}

/* Append tmp, the expression just made, to ex: its text is at *off. */
static lem_err keep(rd *D, uint32_t *off, uint32_t *len) {
  *off = (uint32_t)D->ex.len;
  *len = (uint32_t)D->tmp.len;
  lem_err e = lem_buf_add(D->L, &D->ex, D->tmp.p ? D->tmp.p : "", D->tmp.len);
  D->tmp.len = 0;
  return e;
}

static int rec_index(const smt_recdefs *R, lem_term c) {
  for (uint32_t i = 0; i < R->n; i++)
    if (R->op[i] == c) return (int)i;
  return -1;
}

/* Atom a's arithmetic reading into *r: 1, or 0 when it has none (a
** relation that is not declared or whose roles have no reading). */
static int reading(rd *D, lem_term a, smt_rel_reading *r) {
  lem_ctx *L = D->L;
  const lem_reldecl *d = lem_theory_rel(D->T, lem_term_sym(L, a));
  if (!d || d->arity != lem_term_nargs(L, a)) return 0;
  if (smt_reading(L, d, r)) {
    lem_clear_error(L);
    return 0;
  }
  return 1;
}

/* An atom's reading, when it applies an operation: *op its op constant. */
static int apply_reading(rd *D, lem_term a, smt_rel_reading *r,
                         lem_term *op) {
  if (!reading(D, a, r) || r->kind != SMT_READ_APPLY) return 0;
  *op = lem_term_arg(D->L, a, r->op);
  return lem_term_kind(D->L, *op) == LEM_CONST;
}

static int is_member(rd *D, lem_term a) {
  smt_rel_reading r;
  return reading(D, a, &r) && r.kind == SMT_READ_MEMBER;
}

/* ---- collecting the defining axioms ----------------------------------- */

/* f, a conjunct of the axiom: keep it if it concludes an atom of a rec
** operation from atoms. */
static lem_err note(rd *D, lem_term f) {
  lem_ctx *L = D->L;
  rax a;
  memset(&a, 0, sizeof a);
  a.src = f;
  if (!(f = lem_horn_rule(L, f, a.prem, RD_MAXP, &a.nprem)))
    return LEM_OK; /* not a rule from atoms */
  smt_rel_reading r;
  lem_term op;
  if (lem_term_kind(L, f) != LEM_REL || !apply_reading(D, f, &r, &op))
    return LEM_OK;
  int k = rec_index(D->R, op);
  if (k < 0) return LEM_OK;
  if (!a.nprem && !lem_term_ground(L, f)) return LEM_OK;
  if (D->R->arity[k] && D->R->arity[k] != r.nin)
    return lem_error(L, LEM_EINVAL, "model of '%s' by recursion: the axiom "
                     "applies it to %u and to %u arguments", nm(L, op),
                     D->R->arity[k], r.nin);
  D->R->arity[k] = r.nin;
  if (D->nax == RD_MAXAX)
    return lem_error(L, LEM_ELIMIT, "model by recursion: more than %u "
                     "defining axioms", RD_MAXAX);
  a.op = (uint32_t)k;
  a.concl = f;
  D->ax[D->nax++] = a;
  return LEM_OK;
}

/* Walk the axiom's conjuncts, expanding defined relations. */
static lem_err walk(rd *D, lem_term f, uint32_t depth) {
  lem_ctx *L = D->L;
  if (depth > 64) return LEM_OK;
  switch (lem_term_kind(L, f)) {
    case LEM_AND:
      if (walk(D, lem_term_arg(L, f, 0), depth)) return L->err;
      return walk(D, lem_term_arg(L, f, 1), depth);
    case LEM_ALL: return note(D, f);
    case LEM_REL: {
      const lem_def *d = lem_theory_def(D->T, lem_term_sym(L, f));
      if (!d) return note(D, f);
      if (d->nparams != lem_term_nargs(L, f)) return LEM_OK;
      lem_term b = lem_def_instance(L, d, f);
      return b ? walk(D, b, depth + 1) : L->err ? L->err : LEM_ENOMEM;
    }
    default: return LEM_OK;
  }
}

/* ---- reading one axiom ------------------------------------------------ */

/* The text of a known argument into *off, *len and its (base, ofs);
** 1 known, 0 an unbound variable, -1 an error (set in L). */
static int arg(rd *D, lem_term t, uint32_t *off, uint32_t *len, int *base,
               int *ofs) {
  lem_ctx *L = D->L;
  *base = -1, *ofs = 0;
  if (lem_term_kind(L, t) == LEM_VAR) {
    for (uint32_t i = 0; i < D->nv; i++)
      if (D->v[i].v == t) {
        *off = D->v[i].off, *len = D->v[i].len;
        *base = D->v[i].base, *ofs = D->v[i].ofs;
        return 1;
      }
    return 0;
  }
  const lem_model *md = lem_term_kind(L, t) == LEM_CONST
                            ? lem_theory_model(D->T, t) : NULL;
  if (!md || md->kind != LEM_MODEL_NUM) {
    lem_error(L, LEM_EINVAL, "'%s' in an axiom defining an operation by "
              "recursion is not a number of the model", nm(L, t));
    return -1;
  }
  *off = (uint32_t)D->ex.len;
  if (lem_buf_printf(L, &D->ex, "%llu", (unsigned long long)md->value))
    return -1;
  *len = (uint32_t)(D->ex.len - *off);
  return 1;
}

static lem_err bind(rd *D, lem_term v, uint32_t off, uint32_t len, int base,
                    int ofs) {
  if (D->nv == RD_MAXV)
    return lem_error(D->L, LEM_ELIMIT, "model by recursion: a defining "
                     "axiom with over %u variables", RD_MAXV);
  D->v[D->nv++] = (rvar){v, off, len, base, ofs};
  return LEM_OK;
}

/* Add the condition (= a b). */
static lem_err cond_eq(rd *D, uint32_t ao, uint32_t al, uint32_t bo,
                       uint32_t bl) {
  return lem_buf_printf(D->L, &D->guard, " (= %.*s %.*s)", (int)al,
                        D->ex.p + ao, (int)bl, D->ex.p + bo);
}

/* t, an argument, takes the value text (off, len): bind it, or add the
** condition that it has it. */
static lem_err give(rd *D, lem_term t, uint32_t off, uint32_t len, int base,
                    int ofs) {
  uint32_t o2, l2;
  int b2, s2;
  int k = arg(D, t, &o2, &l2, &b2, &s2);
  if (k < 0) return D->L->err;
  if (!k) return bind(D, t, off, len, base, ofs);
  return cond_eq(D, off, len, o2, l2);
}

/* Premise a, an application: 1 read, 0 not yet (inputs unknown), -1 error. */
static int read_apply(rd *D, rax *A, lem_term a, const smt_rel_reading *r,
                      lem_term op) {
  lem_ctx *L = D->L;
  const lem_model *md = lem_theory_model(D->T, op);
  int k = rec_index(D->R, op);
  uint32_t io[2], il[2], oo, ol;
  int ib[2], is[2], ob, os, known = 1;
  for (uint32_t j = 0; j < r->nin; j++) {
    int q = arg(D, lem_term_arg(L, a, r->in[j]), &io[j], &il[j], &ib[j], &is[j]);
    if (q < 0) return -1;
    known &= q;
  }
  lem_term out = lem_term_arg(L, a, r->out);
  uint32_t want = !md ? 0 : md->kind == LEM_MODEL_SUCC ? 1
                 : md->kind == LEM_MODEL_ADD || md->kind == LEM_MODEL_MUL ? 2
                 : md->kind == LEM_MODEL_REC ? D->R->arity[k] : 0;
  if (want != r->nin) {
    lem_error(L, LEM_EINVAL, "an axiom defining '%s' by recursion uses '%s', "
              "which the model does not give as an operation of %u "
              "argument%s", nm(L, D->R->op[A->op]), nm(L, op), r->nin,
              r->nin == 1 ? "" : "s");
    return -1;
  }
  if (!known) { /* s(n) = m with m known gives n = m - 1, when m >= 1 */
    if (md->kind != LEM_MODEL_SUCC) return 0;
    int q = arg(D, out, &oo, &ol, &ob, &os);
    if (q <= 0) return q;
    uint32_t off, len;
    if (lem_buf_printf(L, &D->tmp, "(- %.*s 1)", (int)ol, D->ex.p + oo) ||
        lem_buf_printf(L, &D->guard, " (>= %.*s 1)", (int)ol, D->ex.p + oo) ||
        keep(D, &off, &len) ||
        give(D, lem_term_arg(L, a, r->in[0]), off, len, ob,
             ob < 0 ? 0 : os - 1))
      return -1;
    return 1;
  }
  uint32_t off, len;
  int base = -1, ofs = 0;
  lem_err e;
  if (md->kind == LEM_MODEL_REC) {
    if (A->ncall == RD_MAXC) {
      lem_error(L, LEM_ELIMIT, "model by recursion: over %u calls in one "
                "defining axiom", RD_MAXC);
      return -1;
    }
    rcall *c = &A->call[A->ncall++];
    c->callee = (uint32_t)k;
    for (uint32_t j = 0; j < r->nin; j++) c->base[j] = ib[j], c->ofs[j] = is[j];
    e = lem_buf_printf(L, &D->tmp, "(|f.%s|", nm(L, op));
    for (uint32_t j = 0; j < r->nin && !e; j++)
      e = lem_buf_printf(L, &D->tmp, " %.*s", (int)il[j], D->ex.p + io[j]);
    if (!e) e = lem_buf_puts(L, &D->tmp, ")");
  } else if (md->kind == LEM_MODEL_SUCC) {
    e = lem_buf_printf(L, &D->tmp, "(+ %.*s 1)", (int)il[0], D->ex.p + io[0]);
    if (ib[0] >= 0) base = ib[0], ofs = is[0] + 1;
  } else {
    e = lem_buf_printf(L, &D->tmp, "(%s %.*s %.*s)",
                       md->kind == LEM_MODEL_ADD ? "+" : "*", (int)il[0],
                       D->ex.p + io[0], (int)il[1], D->ex.p + io[1]);
  }
  if (e || keep(D, &off, &len) || give(D, out, off, len, base, ofs))
    return -1;
  return 1;
}

/* Premise a: 1 read, 0 not yet, -1 error. */
static int read_prem(rd *D, rax *A, lem_term a) {
  lem_ctx *L = D->L;
  if (is_member(D, a)) return 1; /* every natural is in N */
  if (lem_term_sym(L, a) == D->eq && lem_term_nargs(L, a) == 2) {
    uint32_t o[2], l[2];
    int b[2], s[2], k[2];
    for (int j = 0; j < 2; j++)
      if ((k[j] = arg(D, lem_term_arg(L, a, (uint32_t)j), &o[j], &l[j], &b[j],
                      &s[j])) < 0)
        return -1;
    if (!k[0] && !k[1]) return 0;
    int j = k[0] ? 0 : 1;
    return give(D, lem_term_arg(L, a, (uint32_t)(1 - j)), o[j], l[j], b[j],
                s[j]) ? -1 : 1;
  }
  smt_rel_reading r;
  lem_term op;
  if (!apply_reading(D, a, &r, &op)) {
    lem_error(L, LEM_EINVAL, "an axiom defining '%s' by recursion has the "
              "premise '%s', which has no arithmetic reading",
              nm(L, D->R->op[A->op]), lem_sym_name(L, lem_term_sym(L, a)));
    return -1;
  }
  return read_apply(D, A, a, &r, op);
}

static lem_err unread(rd *D, rax *A) {
  lem_buf b = {0};
  lem_err e = lem_term_print(D->L, A->src, &b);
  if (!e)
    e = lem_error(D->L, LEM_EINVAL, "model of '%s' by recursion: cannot read "
                  "a value from the axiom %s", nm(D->L, D->R->op[A->op]), b.p);
  lem_buf_free(D->L, &b);
  return e;
}

/* Read axiom A into its guard and value texts. */
static lem_err read_ax(rd *D, rax *A) {
  lem_ctx *L = D->L;
  smt_rel_reading r;
  lem_term op;
  lem_err e;
  apply_reading(D, A->concl, &r, &op);
  D->nv = 0;
  D->guard.len = 0;
  for (uint32_t j = 0; j < r.nin; j++) { /* the inputs are the parameters */
    uint32_t off = (uint32_t)D->ex.len;
    if ((e = lem_buf_printf(L, &D->ex, "x%u", j)) ||
        (e = give(D, lem_term_arg(L, A->concl, r.in[j]), off,
                  (uint32_t)(D->ex.len - off), (int)j, 0)))
      return e;
  }
  uint32_t done = 0, all = (1u << A->nprem) - 1;
  for (int progress = 1; progress && done != all;) {
    progress = 0;
    for (uint32_t i = 0; i < A->nprem; i++) {
      if (done >> i & 1) continue;
      int q = read_prem(D, A, A->prem[i]);
      if (q < 0) return L->err;
      if (q) done |= 1u << i, progress = 1;
    }
  }
  uint32_t vo, vl;
  int vb, vs;
  int q = done == all ? arg(D, lem_term_arg(L, A->concl, r.out), &vo, &vl, &vb,
                            &vs)
                      : 0;
  if (q < 0) return L->err;
  if (!q) return unread(D, A);
  A->voff = vo, A->vlen = vl;
  A->guard = (uint32_t)D->ex.len;
  A->nguard = (uint32_t)D->guard.len;
  return lem_buf_add(L, &D->ex, D->guard.p ? D->guard.p : "", D->guard.len);
}

/* ---- termination ------------------------------------------------------ */

/* The argument positions at which every self-call of A decreases. */
static uint32_t decreasing(const rax *A, uint32_t arity) {
  uint32_t m = (1u << arity) - 1;
  for (uint32_t c = 0; c < A->ncall; c++) {
    const rcall *k = &A->call[c];
    if (k->callee != A->op) continue;
    uint32_t here = 0;
    for (uint32_t j = 0; j < arity; j++)
      if (k->base[j] == (int)j && k->ofs[j] <= -1) here |= 1u << j;
    m &= here;
  }
  return m;
}

static lem_err terminates(rd *D) {
  lem_ctx *L = D->L;
  smt_recdefs *R = D->R;
  uint32_t calls[SMT_REC_MAX] = {0}; /* op i calls op j: bit j */
  for (uint32_t i = 0; i < R->n; i++) {
    uint32_t m = (1u << R->arity[i]) - 1;
    for (uint32_t a = 0; a < D->nax; a++) {
      rax *A = &D->ax[a];
      if (A->op != i) continue;
      uint32_t d = decreasing(A, R->arity[i]);
      int self = 0;
      for (uint32_t c = 0; c < A->ncall; c++) self |= A->call[c].callee == i;
      A->used = !self || d;    /* a law, not a definition, is left out */
      if (A->used && self) m &= d;
    }
    if (!m)
      return lem_error(L, LEM_EINVAL, "model of '%s' by recursion: its "
                       "recursive calls decrease no one argument, so it may "
                       "not terminate", nm(L, R->op[i]));
    for (uint32_t a = 0; a < D->nax; a++)
      if (D->ax[a].op == i && D->ax[a].used)
        for (uint32_t c = 0; c < D->ax[a].ncall; c++)
          if (D->ax[a].call[c].callee != i)
            calls[i] |= 1u << D->ax[a].call[c].callee;
  }
  /* no cycle through different operations: close the relation */
  for (uint32_t k = 0; k < R->n; k++)
    for (uint32_t i = 0; i < R->n; i++)
      if (calls[i] >> k & 1) calls[i] |= calls[k];
  for (uint32_t i = 0; i < R->n; i++)
    if (calls[i] >> i & 1)
      return lem_error(L, LEM_EINVAL, "model of '%s' by recursion: it is "
                       "defined through an operation defined through it",
                       nm(L, R->op[i]));
  return LEM_OK;
}

/* ---- the text --------------------------------------------------------- */

static lem_err emit(rd *D) {
  lem_ctx *L = D->L;
  smt_recdefs *R = D->R;
  lem_buf *b = &R->text;
  lem_err e = lem_buf_puts(L, b, "(define-funs-rec (");
  for (uint32_t i = 0; i < R->n && !e; i++) {
    e = lem_buf_printf(L, b, "%s(|f.%s| (", i ? " " : "", nm(L, R->op[i]));
    for (uint32_t j = 0; j < R->arity[i] && !e; j++)
      e = lem_buf_printf(L, b, "%s(x%u Int)", j ? " " : "", j);
    if (!e) e = lem_buf_puts(L, b, ") Int)");
  }
  if (!e) e = lem_buf_puts(L, b, ") (");
  for (uint32_t i = 0; i < R->n && !e; i++) {
    uint32_t open = 0;
    if (i) e = lem_buf_puts(L, b, " ");
    for (uint32_t a = 0; a < D->nax && !e; a++) {
      const rax *A = &D->ax[a];
      if (A->op != i || !A->used) continue;
      if (!A->nguard) { /* it always applies: the rest is unreachable */
        e = lem_buf_add(L, b, D->ex.p + A->voff, A->vlen);
        goto closed;
      }
      e = lem_buf_printf(L, b, "(ite (and true%.*s) %.*s ", (int)A->nguard,
                         D->ex.p + A->guard, (int)A->vlen, D->ex.p + A->voff);
      open++;
    }
    if (!e) e = lem_buf_puts(L, b, "0");
  closed:
    for (; open && !e; open--) e = lem_buf_puts(L, b, ")");
  }
  if (!e) e = lem_buf_puts(L, b, "))\n");
  return e;
}

lem_err smt_recdefs_read(lem_ctx *L, const lem_theory *T, smt_recdefs *R) {
  memset(R, 0, sizeof *R);
  for (uint32_t i = 0; T && i < T->nmodels; i++) {
    if (T->models[i].kind != LEM_MODEL_REC) continue;
    if (R->n == SMT_REC_MAX)
      return lem_error(L, LEM_ELIMIT, "over %u operations modelled by "
                       "recursion", SMT_REC_MAX);
    R->op[R->n++] = T->models[i].c;
  }
  if (!R->n) return LEM_OK;
  rd *D = lem_malloc(L, sizeof *D);
  if (!D) return LEM_ENOMEM;
  memset(D, 0, sizeof *D);
  D->L = L, D->T = T, D->R = R;
  lem_err e = (D->eq = lem_sym_intern(L, "=", 1)) ? LEM_OK : L->err;
  if (!e && T->axiom) e = walk(D, T->axiom, 0);
  for (uint32_t i = 0; i < R->n && !e; i++)
    if (!R->arity[i] || R->arity[i] > SMT_REC_ARITY)
      e = lem_error(L, LEM_EINVAL, "model of '%s' by recursion: the axiom "
                    "gives no value of it", nm(L, R->op[i]));
  for (uint32_t a = 0; a < D->nax && !e; a++) e = read_ax(D, &D->ax[a]);
  if (!e) e = terminates(D);
  if (!e) e = emit(D);
  lem_buf_free(L, &D->ex);
  lem_buf_free(L, &D->tmp);
  lem_buf_free(L, &D->guard);
  lem_free(L, D, sizeof *D);
  if (e) smt_recdefs_free(L, R);
  return e;
}

void smt_recdefs_free(lem_ctx *L, smt_recdefs *R) {
  lem_buf_free(L, &R->text);
  memset(R, 0, sizeof *R);
}

int smt_recdefs_arity(const smt_recdefs *R, lem_term op) {
  int k = rec_index(R, op);
  return k < 0 ? -1 : (int)R->arity[k];
}

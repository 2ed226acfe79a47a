/*
** mpl2smt.c: MPL formulas to SMT-LIB2 text under a theory's model, side
** goals, counterexample search and the direct evaluator.  See smt.h.
**
** Everything goes through text: the query Z3 checks is exactly the text we
** build, store and compare at replay.  Constants are named by position (k0,
** k1, ... in order of first use), never by their MPL names, so that the
** text does not change when the proof export renames a block constant; the
** MPL names are kept beside the text for readable counterexamples.
**
** How a relation reads comes from its declared roles (smt_reading), never
** from its name, and how a constant reads from the theory's model
** statements.  Bound variables print as b0, b1, ... (fresh for each binder,
** so no capture is possible); a defined relation is translated by
** translating its body with its parameters bound to the arguments' values.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smt.h"

/* What an element argument stands for. */
enum { VK_CONST = 1, /* a LEM_CONST term */
       VK_BOUND,     /* a bound variable b<i> (quantifier in the text) */
       VK_NUM,       /* a domain element, by expansion (finite domains) */
       VK_DECL };    /* an opened variable, declared constant k<i> */

typedef struct val {
  int k;
  lem_term c;   /* VK_CONST */
  uint32_t i;   /* VK_BOUND, VK_DECL */
  uint64_t v;   /* VK_NUM */
} val;

typedef struct ent {
  lem_term var;
  val v;
} ent;

typedef struct tr {
  lem_ctx *L;
  const smt_model *M;
  lem_buf *out;          /* the formula text under construction */
  ent *env;
  uint32_t nenv, capenv;
  lem_term *decl;        /* declared constants k<i>: a LEM_CONST or an
                            opened LEM_VAR */
  uint32_t ndecl, capdecl;
  lem_sym *rels;         /* relations declared as predicates (finite and
                            uninterpreted domains) */
  uint32_t *relarity;
  uint32_t nrels, caprels, caparity;
  uint32_t nbound;
  uint32_t depth;
  int qf;                /* refuse quantifiers */
  lem_sym eq;
  smt_recdefs rec;       /* the rec operations, read at their first use */
  int recread;
} tr;

#define TR_MAXDEPTH 10000u
#define TR_MAXTEXT (64u << 20)

static void tr_free(tr *X) {
  lem_free(X->L, X->env, (size_t)X->capenv * sizeof *X->env);
  lem_free(X->L, X->decl, (size_t)X->capdecl * sizeof *X->decl);
  lem_free(X->L, X->rels, (size_t)X->caprels * sizeof *X->rels);
  lem_free(X->L, X->relarity, (size_t)X->caparity * sizeof *X->relarity);
  smt_recdefs_free(X->L, &X->rec);
}

static const char *nm(lem_ctx *L, lem_term t) {
  return lem_sym_name(L, lem_term_sym(L, t));
}

static int is_theory_const(const lem_theory *T, lem_term c) {
  for (uint32_t i = 0; i < T->nconsts; i++)
    if (T->consts[i] == c) return 1;
  return 0;
}

/* ---- models ---------------------------------------------------------- */

lem_err smt_model_from_theory(lem_ctx *L, const lem_theory *T,
                              smt_model *M) {
  memset(M, 0, sizeof *M);
  if (!T || !T->nmodels)
    return lem_error(L, LEM_EINVAL,
                     "theory '%s' declares no arithmetic model (no 'model' "
                     "statement)", T ? lem_sym_name(L, T->name) : "?");
  M->T = T;
  M->dom = SMT_DOM_NAT;
  return LEM_OK;
}

lem_err smt_model_finite(lem_ctx *L, const lem_theory *T, uint32_t size,
                         smt_model *M) {
  memset(M, 0, sizeof *M);
  if (!T || size < 1 || size > SMT_FINITE_MAX)
    return lem_error(L, LEM_EINVAL, "finite domain size %u: expected 1..%u",
                     size, SMT_FINITE_MAX);
  M->T = T;
  M->dom = SMT_DOM_FINITE;
  M->size = size;
  return LEM_OK;
}

lem_err smt_model_uninterpreted(lem_ctx *L, const lem_theory *T,
                                smt_model *M) {
  memset(M, 0, sizeof *M);
  if (!T) return lem_error(L, LEM_EINVAL, "no theory");
  M->T = T;
  M->dom = SMT_DOM_UNINTERP;
  return LEM_OK;
}

/* ---- how a relation reads in the arithmetic model -------------------- */

lem_err smt_reading(lem_ctx *L, const lem_reldecl *r, smt_rel_reading *rd) {
  memset(rd, 0, sizeof *rd);
  uint32_t nset = 0, nelem = 0, nop = 0, nout = 0, nin = 0;
  for (uint32_t i = 0; i < r->arity; i++) switch (r->roles[i]) {
      case LEM_ROLE_SET: nset++; rd->set = i; break;
      case LEM_ROLE_ELEM: nelem++; rd->elem = i; break;
      case LEM_ROLE_OP: nop++; rd->op = i; break;
      case LEM_ROLE_OUT: nout++; rd->out = i; break;
      case LEM_ROLE_IN:
        if (nin < 2) rd->in[nin] = i;
        nin++;
        break;
    }
  if (r->arity == 2 && nset == 1 && nelem == 1) {
    rd->kind = SMT_READ_MEMBER;
    return LEM_OK;
  }
  if (nop == 1 && nout == 1 && (nin == 1 || nin == 2) &&
      r->arity == nin + 2) {
    rd->kind = SMT_READ_APPLY;
    rd->nin = nin;
    return LEM_OK;
  }
  return lem_error(L, LEM_EINVAL,
                   "relation '%s' has no arithmetic reading: its roles are "
                   "neither (elem, set) nor one op, one out and one or two in",
                   lem_sym_name(L, r->name));
}

/* ---- values and names ------------------------------------------------ */

static lem_err push_env(tr *X, lem_term var, val v) {
  if (LEM_GROW(X->L, X->env, X->capenv, X->nenv + 1)) return LEM_ENOMEM;
  X->env[X->nenv++] = (ent){var, v};
  return LEM_OK;
}

static lem_err resolve(tr *X, lem_term t, val *v) {
  lem_ctx *L = X->L;
  lem_kind k = lem_term_kind(L, t);
  if (k == LEM_CONST) {
    *v = (val){VK_CONST, t, 0, 0};
    return LEM_OK;
  }
  if (k == LEM_VAR)
    for (uint32_t i = X->nenv; i-- > 0;)
      if (X->env[i].var == t) {
        *v = X->env[i].v;
        return LEM_OK;
      }
  return lem_error(L, LEM_EINVAL, "free variable '%s' in a formula for Z3",
                   k == LEM_VAR ? nm(L, t) : "?");
}

/* The index of declared constant t (a const or an opened var), declaring it
** on first use. */
static lem_err declare(tr *X, lem_term t, uint32_t *idx) {
  for (uint32_t i = 0; i < X->ndecl; i++)
    if (X->decl[i] == t) {
      *idx = i;
      return LEM_OK;
    }
  if (LEM_GROW(X->L, X->decl, X->capdecl, X->ndecl + 1)) return LEM_ENOMEM;
  X->decl[X->ndecl] = t;
  *idx = X->ndecl++;
  return LEM_OK;
}

/* Append the element v stands for. */
static lem_err put_elem(tr *X, val v) {
  lem_ctx *L = X->L;
  uint32_t i;
  lem_err e;
  switch (v.k) {
    case VK_BOUND: return lem_buf_printf(L, X->out, "b%u", v.i);
    case VK_NUM: return lem_buf_printf(L, X->out, "%llu",
                                       (unsigned long long)v.v);
    case VK_DECL: return lem_buf_printf(L, X->out, "k%u", v.i);
    default: break;
  }
  if (X->M->dom == SMT_DOM_NAT) {
    const lem_model *md = lem_theory_model(X->M->T, v.c);
    if (md && md->kind == LEM_MODEL_NUM)
      return lem_buf_printf(L, X->out, "%llu", (unsigned long long)md->value);
    if (md)
      return lem_error(L, LEM_EINVAL,
                       "constant '%s' is a set or an operation in the model, "
                       "not a number", nm(L, v.c));
    if (is_theory_const(X->M->T, v.c))
      return lem_error(L, LEM_EINVAL,
                       "constant '%s' has no model statement", nm(L, v.c));
  }
  if ((e = declare(X, v.c, &i))) return e;
  return lem_buf_printf(L, X->out, "k%u", i);
}

/* The model of the constant in an op or set position. */
static const lem_model *model_of(tr *X, val v, const char *what,
                                 const char *rel) {
  lem_ctx *L = X->L;
  const lem_model *md = v.k == VK_CONST ? lem_theory_model(X->M->T, v.c)
                                        : NULL;
  if (!md) {
    if (v.k == VK_CONST)
      lem_error(L, LEM_EINVAL, "'%s' in the %s position of '%s' has no model",
                nm(L, v.c), what, rel);
    else
      lem_error(L, LEM_EINVAL,
                "a variable in the %s position of '%s': the arithmetic model "
                "quantifies over numbers only", what, rel);
  }
  return md;
}

/* ---- formulas -------------------------------------------------------- */

static lem_err formula(tr *X, lem_term f);

/* out = f(in..) for an operation f modelled by its recursion. */
static lem_err atom_rec(tr *X, const lem_model *md,
                        const smt_rel_reading *rd, const val *a,
                        const char *rn) {
  lem_ctx *L = X->L;
  lem_err e;
  if (!X->M->rec)
    return lem_error(L, LEM_EINVAL, "'%s' in the op position of '%s' is "
                     "modelled by its recursion, which only counterexample "
                     "search reads", nm(L, md->c), rn);
  if (!X->recread) {
    if ((e = smt_recdefs_read(L, X->M->T, &X->rec))) return e;
    X->recread = 1;
  }
  if (smt_recdefs_arity(&X->rec, md->c) != (int)rd->nin)
    return lem_error(L, LEM_EINVAL, "'%s' in the op position of '%s' is "
                     "defined with %d argument%s, not %u", nm(L, md->c), rn,
                     smt_recdefs_arity(&X->rec, md->c),
                     smt_recdefs_arity(&X->rec, md->c) == 1 ? "" : "s",
                     rd->nin);
  if ((e = lem_buf_puts(L, X->out, "(= ")) || (e = put_elem(X, a[rd->out])) ||
      (e = lem_buf_printf(L, X->out, " (|f.%s|", nm(L, md->c))))
    return e;
  for (uint32_t j = 0; j < rd->nin; j++)
    if ((e = lem_buf_puts(L, X->out, " ")) || (e = put_elem(X, a[rd->in[j]])))
      return e;
  return lem_buf_puts(L, X->out, "))");
}

static lem_err atom_nat(tr *X, const lem_reldecl *r, const val *a) {
  lem_ctx *L = X->L;
  const char *rn = lem_sym_name(L, r->name);
  smt_rel_reading rd;
  lem_err e = smt_reading(L, r, &rd);
  if (e) return e;
  if (rd.kind == SMT_READ_MEMBER) {
    const lem_model *md = model_of(X, a[rd.set], "set", rn);
    if (!md) return LEM_EINVAL;
    if (md->kind != LEM_MODEL_NAT)
      return lem_error(L, LEM_EINVAL, "'%s' in the set position of '%s' is "
                       "not modelled as nat", nm(L, md->c), rn);
    if ((e = lem_buf_puts(L, X->out, "(>= ")) || (e = put_elem(X, a[rd.elem])))
      return e;
    return lem_buf_puts(L, X->out, " 0)");
  }
  const lem_model *md = model_of(X, a[rd.op], "op", rn);
  if (!md) return LEM_EINVAL;
  if (md->kind == LEM_MODEL_REC) return atom_rec(X, md, &rd, a, rn);
  int ok = rd.nin == 1 ? md->kind == LEM_MODEL_SUCC
                       : md->kind == LEM_MODEL_ADD || md->kind == LEM_MODEL_MUL;
  if (!ok)
    return lem_error(L, LEM_EINVAL, "'%s' in the op position of '%s' is not "
                     "modelled as an operation of %u argument%s", nm(L, md->c),
                     rn, rd.nin, rd.nin == 1 ? "" : "s");
  if ((e = lem_buf_puts(L, X->out, "(= ")) || (e = put_elem(X, a[rd.out])))
    return e;
  if ((e = lem_buf_puts(L, X->out, md->kind == LEM_MODEL_MUL ? " (* " : " (+ ")) ||
      (e = put_elem(X, a[rd.in[0]])) || (e = lem_buf_puts(L, X->out, " ")))
    return e;
  if ((e = rd.nin == 1 ? lem_buf_puts(L, X->out, "1") : put_elem(X, a[rd.in[1]])))
    return e;
  return lem_buf_puts(L, X->out, "))");
}

static lem_err atom_pred(tr *X, lem_sym r, uint32_t n, const val *a) {
  lem_ctx *L = X->L;
  uint32_t i = 0;
  while (i < X->nrels && X->rels[i] != r) i++;
  if (i == X->nrels) {
    if (LEM_GROW(L, X->rels, X->caprels, X->nrels + 1) ||
        LEM_GROW(L, X->relarity, X->caparity, X->nrels + 1))
      return LEM_ENOMEM;
    X->rels[X->nrels] = r;
    X->relarity[X->nrels++] = n;
  }
  lem_err e = lem_buf_printf(L, X->out, n ? "(|r.%s|" : "|r.%s|",
                             lem_sym_name(L, r));
  for (uint32_t k = 0; k < n && !e; k++) {
    e = lem_buf_puts(L, X->out, " ");
    if (!e) e = put_elem(X, a[k]);
  }
  return e || !n ? e : lem_buf_puts(L, X->out, ")");
}

static lem_err atom(tr *X, lem_term f) {
  lem_ctx *L = X->L;
  uint32_t n = lem_term_nargs(L, f);
  lem_sym r = lem_term_sym(L, f);
  val a[64];
  if (n > 64) return lem_error(L, LEM_ELIMIT, "relation with over 64 arguments");
  lem_err e;
  for (uint32_t i = 0; i < n; i++)
    if ((e = resolve(X, lem_term_arg(L, f, i), &a[i]))) return e;
  if (r == X->eq && n == 2) {
    if ((e = lem_buf_puts(L, X->out, "(= ")) || (e = put_elem(X, a[0])) ||
        (e = lem_buf_puts(L, X->out, " ")) || (e = put_elem(X, a[1])))
      return e;
    return lem_buf_puts(L, X->out, ")");
  }
  const lem_def *d = lem_theory_def(X->M->T, r);
  if (d) { /* the body, with the parameters bound to the arguments */
    if (d->nparams != n)
      return lem_error(L, LEM_EINVAL, "'%s' applied to %u arguments",
                       lem_sym_name(L, r), n);
    uint32_t mark = X->nenv;
    for (uint32_t i = 0; i < n; i++)
      if ((e = push_env(X, d->params[i], a[i]))) return e;
    e = formula(X, d->body);
    X->nenv = mark;
    return e;
  }
  const lem_reldecl *rd = lem_theory_rel(X->M->T, r);
  if (!rd) return lem_error(L, LEM_EINVAL, "unknown relation '%s'",
                            lem_sym_name(L, r));
  if (X->M->dom == SMT_DOM_NAT) return atom_nat(X, rd, a);
  return atom_pred(X, r, n, a);
}

static lem_err quantified(tr *X, lem_term f) {
  lem_ctx *L = X->L;
  uint32_t nv = lem_all_nvars(L, f);
  lem_term p = lem_all_prem(L, f), q = lem_all_concl(L, f);
  lem_err e;
  if (X->qf && nv)
    return lem_error(L, LEM_EINVAL, "a quantifier in a quantifier-free query");
  uint32_t mark = X->nenv;
  if (!nv || X->M->dom != SMT_DOM_FINITE) {
    static const char *const sort[] = {"", "Int", "Int", "U"};
    if (nv && (e = lem_buf_puts(L, X->out, "(forall (")))
      return e;
    uint32_t b0 = X->nbound;
    for (uint32_t i = 0; i < nv; i++) {
      val v = {VK_BOUND, 0, X->nbound++, 0};
      if ((e = push_env(X, lem_term_arg(L, f, i), v)) ||
          (e = lem_buf_printf(L, X->out, i ? " (b%u %s)" : "(b%u %s)", v.i,
                              sort[X->M->dom])))
        return e;
    }
    if (nv && (e = lem_buf_puts(L, X->out, ") ")))
      return e;
    if (nv && X->M->dom == SMT_DOM_NAT) { /* over the naturals */
      if ((e = lem_buf_puts(L, X->out, "(=> (and")))
        return e;
      for (uint32_t i = 0; i < nv; i++)
        if ((e = lem_buf_printf(L, X->out, " (>= b%u 0)", b0 + i))) return e;
      if ((e = lem_buf_puts(L, X->out, ") "))) return e;
    }
    if ((e = lem_buf_puts(L, X->out, "(=> ")) || (e = formula(X, p)) ||
        (e = lem_buf_puts(L, X->out, " ")) || (e = formula(X, q)) ||
        (e = lem_buf_puts(L, X->out, ")")))
      return e;
    if (nv && X->M->dom == SMT_DOM_NAT && (e = lem_buf_puts(L, X->out, ")")))
      return e;
    X->nenv = mark;
    return nv ? lem_buf_puts(L, X->out, ")") : LEM_OK;
  }
  /* a finite domain: the conjunction of every instance */
  uint64_t idx[64] = {0};
  if (nv > 64) return lem_error(L, LEM_ELIMIT, "over 64 bound variables");
  for (uint32_t i = 0; i < nv; i++)
    if ((e = push_env(X, lem_term_arg(L, f, i), (val){VK_NUM, 0, 0, 0})))
      return e;
  if ((e = lem_buf_puts(L, X->out, "(and"))) return e;
  for (;;) {
    for (uint32_t i = 0; i < nv; i++) X->env[mark + i].v.v = idx[i];
    if ((e = lem_buf_puts(L, X->out, " (=> ")) || (e = formula(X, p)) ||
        (e = lem_buf_puts(L, X->out, " ")) || (e = formula(X, q)) ||
        (e = lem_buf_puts(L, X->out, ")")))
      return e;
    if (X->out->len > TR_MAXTEXT)
      return lem_error(L, LEM_ELIMIT, "the finite expansion exceeds %u MiB; "
                       "try a smaller domain", TR_MAXTEXT >> 20);
    uint32_t i = 0;
    while (i < nv && ++idx[i] == X->M->size) idx[i++] = 0;
    if (i == nv) break;
  }
  X->nenv = mark;
  return lem_buf_puts(L, X->out, ")");
}

static lem_err formula(tr *X, lem_term f) {
  lem_ctx *L = X->L;
  lem_err e;
  if (++X->depth > TR_MAXDEPTH)
    return lem_error(L, LEM_ELIMIT, "formula nested deeper than %u",
                     TR_MAXDEPTH);
  switch (lem_term_kind(L, f)) {
    case LEM_REL: e = atom(X, f); break;
    case LEM_AND:
      if ((e = lem_buf_puts(L, X->out, "(and ")) ||
          (e = formula(X, lem_term_arg(L, f, 0))) ||
          (e = lem_buf_puts(L, X->out, " ")) ||
          (e = formula(X, lem_term_arg(L, f, 1))))
        break;
      e = lem_buf_puts(L, X->out, ")");
      break;
    case LEM_NOT:
      if ((e = lem_buf_puts(L, X->out, "(not ")) ||
          (e = formula(X, lem_term_arg(L, f, 0))))
        break;
      e = lem_buf_puts(L, X->out, ")");
      break;
    case LEM_ALL: e = quantified(X, f); break;
    default:
      e = lem_error(L, LEM_EINVAL, "not a formula");
  }
  X->depth--;
  return e;
}

/* (assert F) */
static lem_err assert_f(tr *X, lem_term f, int negate) {
  lem_err e = lem_buf_puts(X->L, X->out, negate ? "(assert (not " : "(assert ");
  if (!e) e = formula(X, f);
  if (!e) e = lem_buf_puts(X->L, X->out, negate ? "))\n" : ")\n");
  return e;
}

/* Finite domains: one Boolean |t.R i j ..| per relation and tuple, equal
** to R's value there, so that a model lists each relation as a table of
** plain values (Z3 otherwise prints compacted lambda terms).  Only when the
** tables are small (at most SMT_TABLE_MAX entries in all). */
#define SMT_TABLE_MAX 4096u
static lem_err probes(tr *X, lem_buf *q) {
  lem_ctx *L = X->L;
  uint64_t total = 0, k = X->M->size;
  for (uint32_t i = 0; i < X->nrels; i++) {
    uint64_t c = 1;
    for (uint32_t j = 0; j < X->relarity[i] && c <= SMT_TABLE_MAX; j++) c *= k;
    total += c;
  }
  if (total > SMT_TABLE_MAX) return LEM_OK;
  lem_err e = LEM_OK;
  for (uint32_t i = 0; i < X->nrels && !e; i++) {
    uint32_t n = X->relarity[i];
    uint64_t idx[64] = {0};
    const char *r = lem_sym_name(L, X->rels[i]);
    for (;;) {
      lem_buf t = {0};
      e = lem_buf_printf(L, &t, "%s", r);
      for (uint32_t j = 0; j < n && !e; j++)
        e = lem_buf_printf(L, &t, " %llu", (unsigned long long)idx[j]);
      if (!e) e = lem_buf_printf(L, q, "(declare-const |t.%s| Bool)\n"
                                 "(assert (= |t.%s| ", t.p, t.p);
      if (!e) e = lem_buf_printf(L, q, n ? "(|r.%s|" : "|r.%s|", r);
      for (uint32_t j = 0; j < n && !e; j++)
        e = lem_buf_printf(L, q, " %llu", (unsigned long long)idx[j]);
      if (!e) e = lem_buf_puts(L, q, n ? ")))\n" : "))\n");
      lem_buf_free(L, &t);
      uint32_t j = 0;
      while (j < n && ++idx[j] == k) idx[j++] = 0;
      if (e || j == n) break;
    }
  }
  return e;
}

/* The declarations for what the body used, then the body. */
static lem_err assemble(tr *X, const lem_buf *body, lem_buf *q) {
  lem_ctx *L = X->L;
  static const char *const dn[] = {"", "naturals", "finite", "uninterpreted"};
  lem_err e = lem_buf_printf(L, q, "; lemma query over the %s domain", 
                             dn[X->M->dom]);
  if (!e && X->M->dom == SMT_DOM_FINITE)
    e = lem_buf_printf(L, q, " of size %u", X->M->size);
  if (!e) e = lem_buf_puts(L, q, "\n");
  if (!e && X->M->dom == SMT_DOM_UNINTERP)
    e = lem_buf_puts(L, q, "(declare-sort U 0)\n");
  if (!e && X->rec.text.len) /* the rec operations the body applies */
    e = lem_buf_add(L, q, X->rec.text.p, X->rec.text.len);
  const char *s = X->M->dom == SMT_DOM_UNINTERP ? "U" : "Int";
  for (uint32_t i = 0; i < X->nrels && !e; i++) {
    e = lem_buf_printf(L, q, "(declare-fun |r.%s| (",
                       lem_sym_name(L, X->rels[i]));
    for (uint32_t k = 0; k < X->relarity[i] && !e; k++)
      e = lem_buf_printf(L, q, k ? " %s" : "%s", s);
    if (!e) e = lem_buf_puts(L, q, ") Bool)\n");
  }
  for (uint32_t i = 0; i < X->ndecl && !e; i++) {
    e = lem_buf_printf(L, q, "(declare-const k%u %s)\n", i, s);
    if (!e && X->M->dom == SMT_DOM_NAT)
      e = lem_buf_printf(L, q, "(assert (>= k%u 0))\n", i);
    if (!e && X->M->dom == SMT_DOM_FINITE)
      e = lem_buf_printf(L, q, "(assert (and (<= 0 k%u) (< k%u %u)))\n", i, i,
                         X->M->size);
  }
  if (!e && X->M->dom == SMT_DOM_FINITE) e = probes(X, q);
  if (!e) e = lem_buf_add(L, q, body->p ? body->p : "", body->len);
  if (!e) e = lem_buf_puts(L, q, "(check-sat)\n");
  return e;
}

static lem_err tr_init(tr *X, lem_ctx *L, const smt_model *M, lem_buf *body) {
  memset(X, 0, sizeof *X);
  X->L = L;
  X->M = M;
  X->out = body;
  if (!M || !M->T || !M->dom)
    return lem_error(L, LEM_EINVAL, "no model for the query");
  if (!(X->eq = lem_sym_intern(L, "=", 1))) return L->err;
  return lem_buf_add(L, body, "", 0);
}

/* In a finite or uninterpreted domain the axiom is part of every query:
** only a structure satisfying all of it is a model of the theory. */
static lem_err axiom(tr *X) {
  if (X->M->dom == SMT_DOM_NAT || !X->M->T->axiom) return LEM_OK;
  return assert_f(X, X->M->T->axiom, 0);
}

lem_err smt_query_text(lem_ctx *L, const smt_model *M, uint32_t nhyps,
                       const lem_term *hyps, lem_term goal, int qf,
                       lem_buf *out) {
  tr X;
  lem_buf body = {0};
  lem_err e = tr_init(&X, L, M, &body);
  X.qf = qf;
  if (!e) e = axiom(&X);
  for (uint32_t i = 0; i < nhyps && !e; i++) e = assert_f(&X, hyps[i], 0);
  if (!e) e = assert_f(&X, goal, 1);
  if (!e) e = assemble(&X, &body, out);
  lem_buf_free(L, &body);
  tr_free(&X);
  return e;
}

smt_verdict smt_prove_qf(smt_solver *S, const smt_model *M, uint32_t nhyps,
                         const lem_term *hyps, lem_term concl,
                         smt_result *out) {
  lem_ctx *L = smt_solver_ctx(S);
  smt_result_free(L, out);
  lem_buf q = {0};
  if (smt_query_text(L, M, nhyps, hyps, concl, 1, &q)) {
    lem_buf_free(L, &q);
    out->status = SMT_ERROR;
    const char *m = lem_errmsg(L);
    out->text = lem_strndup(L, m, strlen(m));
    out->textlen = out->text ? strlen(m) : 0;
    return SMT_FAILED;
  }
  smt_status st = smt_check_smtlib(S, q.p, out);
  out->query = lem_strndup(L, q.p, q.len);
  out->querylen = out->query ? q.len : 0;
  lem_buf_free(L, &q);
  switch (st) {
    case SMT_UNSAT: return SMT_PROVED;
    case SMT_SAT: return SMT_REFUTED;
    case SMT_UNKNOWN: return SMT_UNDECIDED;
    default: return SMT_FAILED;
  }
}

/* ---- counterexamples ------------------------------------------------- */

/* The value of k<i> in the model text ("k3 = 2\n"), or NULL. */
static const char *model_value(const char *text, uint32_t i, size_t *len) {
  char key[24];
  int kl = snprintf(key, sizeof key, "k%u = ", i);
  for (const char *p = text; p && *p;) {
    const char *nl = strchr(p, '\n');
    if (!strncmp(p, key, (size_t)kl)) {
      *len = (size_t)((nl ? nl : p + strlen(p)) - p) - (size_t)kl;
      return p + kl;
    }
    p = nl ? nl + 1 : NULL;
  }
  return NULL;
}

static lem_err render_value(lem_ctx *L, lem_buf *b, const char *text,
                            uint32_t i, lem_term t) {
  size_t n = 0;
  const char *v = model_value(text, i, &n);
  lem_err e = lem_buf_printf(L, b, "%s = ", nm(L, t));
  if (!e) e = v ? lem_buf_add(L, b, v, n) : lem_buf_puts(L, b, "(any)");
  return e;
}

/* "a = 2, b = 0": the opened variables; for a finite or uninterpreted
** domain also the theory's constants and relations ("where ..."). */
static lem_err render_cex(tr *X, uint32_t nopen, const char *text,
                          lem_buf *b) {
  lem_ctx *L = X->L;
  lem_err e = lem_buf_add(L, b, "", 0);
  uint32_t shown = 0;
  for (uint32_t i = 0; i < X->ndecl && !e; i++)
    if (i < nopen && lem_term_kind(L, X->decl[i]) == LEM_VAR) {
      if (shown++) e = lem_buf_puts(L, b, ", ");
      if (!e) e = render_value(L, b, text, i, X->decl[i]);
    }
  if (e || X->M->dom == SMT_DOM_NAT) return e;
  uint32_t k = 0;
  for (uint32_t i = 0; i < X->ndecl && !e; i++)
    if (lem_term_kind(L, X->decl[i]) == LEM_CONST) {
      e = lem_buf_puts(L, b, k++ ? ", " : "\nwhere ");
      if (!e) e = render_value(L, b, text, i, X->decl[i]);
    }
  /* each relation: its true tuples from the probes, else Z3's term */
  for (uint32_t i = 0; i < X->nrels && !e; i++) {
    const char *r = lem_sym_name(L, X->rels[i]);
    size_t rl = strlen(r);
    int first = 1, probed = 0;
    e = lem_buf_printf(L, b, "\n%s = {", r);
    for (const char *p = text; p && *p && !e;) {
      const char *nl = strchr(p, '\n');
      size_t n = nl ? (size_t)(nl - p) : strlen(p);
      if (n > rl + 2 && !strncmp(p, "t.", 2) && !strncmp(p + 2, r, rl) &&
          p[2 + rl] == ' ') {
        const char *eq = strstr(p, " = ");
        probed = 1;
        if (eq && eq < p + n && !strncmp(eq, " = true", 7)) {
          e = lem_buf_puts(L, b, first ? "(" : ", (");
          for (const char *c = p + 3 + rl; !e && c < eq; c++)
            e = lem_buf_add(L, b, *c == ' ' ? "," : c, 1);
          if (!e) e = lem_buf_puts(L, b, ")");
          first = 0;
        }
      }
      p = nl ? nl + 1 : NULL;
    }
    if (!e) e = lem_buf_puts(L, b, "}");
    if (!e && !probed) { /* no probes: Z3's own term */
      size_t n = 0;
      char key[300];
      snprintf(key, sizeof key, "r.%s = ", r);
      const char *p = strstr(text, key);
      b->len -= 3 + rl + 2 + 1; /* drop "\nR = {}" */
      b->p[b->len] = 0;
      if (p) {
        const char *nl = strchr(p, '\n');
        n = nl ? (size_t)(nl - p) : strlen(p);
        e = lem_buf_puts(L, b, "\n");
        if (!e) e = lem_buf_add(L, b, p + 2, n - 2);
      }
    }
  }
  return e;
}

/* Open the conjecture's outer quantifiers as declared constants; their
** premises become hypotheses.  Returns the conclusion left. */
static lem_err open_conj(tr *X, lem_term f, lem_term *hyps, uint32_t *nh,
                         lem_term *rest) {
  lem_ctx *L = X->L;
  lem_err e;
  while (lem_term_kind(L, f) == LEM_ALL && *nh < 256) {
    for (uint32_t i = 0, nv = lem_all_nvars(L, f); i < nv; i++) {
      lem_term v = lem_term_arg(L, f, i);
      uint32_t idx;
      if ((e = declare(X, v, &idx)) ||
          (e = push_env(X, v, (val){VK_DECL, 0, idx, 0})))
        return e;
    }
    hyps[(*nh)++] = lem_all_prem(L, f);
    f = lem_all_concl(L, f);
  }
  *rest = f;
  return LEM_OK;
}

smt_status smt_refute(smt_solver *S, const smt_model *M, lem_term conj,
                      smt_result *out) {
  lem_ctx *L = smt_solver_ctx(S);
  smt_result_free(L, out);
  tr X;
  lem_buf body = {0}, q = {0}, cex = {0};
  lem_term hyps[256], rest = LEM_NOTERM;
  uint32_t nh = 0;
  lem_err e = tr_init(&X, L, M, &body);
  if (!e) e = open_conj(&X, conj, hyps, &nh, &rest);
  uint32_t nopen = X.ndecl;
  if (!e) e = axiom(&X);
  for (uint32_t i = 0; i < nh && !e; i++) e = assert_f(&X, hyps[i], 0);
  if (!e) e = assert_f(&X, rest, 1);
  if (!e) e = assemble(&X, &body, &q);
  smt_status st = SMT_ERROR;
  /* a context sees each recursive function defined once */
  if (!e && !(X.rec.text.len && smt_solver_renew(S)))
    st = smt_check_smtlib(S, q.p, out);
  if (st == SMT_ERROR && !out->text) { /* the message of what failed */
    const char *m = lem_errmsg(L);
    out->status = SMT_ERROR;
    out->text = lem_strndup(L, m, strlen(m));
    out->textlen = out->text ? strlen(m) : 0;
  }
  if (!e) {
    if (st == SMT_SAT) {
      if (render_cex(&X, nopen, out->text, &cex)) {
        st = out->status = SMT_ERROR;
      } else {
        lem_free(L, out->text, out->textlen + 1);
        out->text = lem_strndup(L, cex.p, cex.len);
        out->textlen = out->text ? cex.len : 0;
        if (!out->text) st = out->status = SMT_ERROR;
      }
    }
    out->query = lem_strndup(L, q.p, q.len);
    out->querylen = out->query ? q.len : 0;
  }
  lem_buf_free(L, &body);
  lem_buf_free(L, &q);
  lem_buf_free(L, &cex);
  tr_free(&X);
  return st;
}

/* ---- the direct evaluator -------------------------------------------- */

typedef struct evs {
  lem_term c[256];
  uint64_t v[256];
  uint8_t known[256];
  uint32_t n;
} evs;

static int ev_slot(evs *V, lem_term c) {
  for (uint32_t i = 0; i < V->n; i++)
    if (V->c[i] == c) return (int)i;
  if (V->n == 256) return -1;
  V->c[V->n] = c;
  V->known[V->n] = 0;
  return (int)V->n++;
}

/* The value of element c: a numeral of the model, or a slot's value. */
static lem_err ev_elem(lem_ctx *L, const smt_model *M, evs *V, lem_term c,
                       int *slot, uint64_t *v, int *known) {
  *slot = -1;
  *known = 0;
  if (lem_term_kind(L, c) == LEM_VAR) { /* an unknown, like a block const */
    if ((*slot = ev_slot(V, c)) < 0)
      return lem_error(L, LEM_ELIMIT, "over 256 constants");
    *known = V->known[*slot];
    *v = V->v[*slot];
    return LEM_OK;
  }
  if (lem_term_kind(L, c) != LEM_CONST)
    return lem_error(L, LEM_EINVAL, "not an element");
  const lem_model *md = lem_theory_model(M->T, c);
  if (md && md->kind == LEM_MODEL_NUM) {
    *v = md->value;
    *known = 1;
    return LEM_OK;
  }
  if (md || is_theory_const(M->T, c))
    return lem_error(L, LEM_EINVAL, "constant '%s' is not a number of the "
                     "model", nm(L, c));
  if ((*slot = ev_slot(V, c)) < 0)
    return lem_error(L, LEM_ELIMIT, "over 256 constants");
  *known = V->known[*slot];
  *v = V->v[*slot];
  return LEM_OK;
}

/* One atom: its truth when all its elements are known (*truth 0/1), else
** *truth = -1.  With learn, a positive application or equality whose one
** unknown is the output (or a side) sets it. */
static lem_err ev_atom(lem_ctx *L, const smt_model *M, evs *V, lem_term f,
                       int learn, int *truth, int *changed) {
  uint32_t n = lem_term_nargs(L, f);
  int slot[64], kn[64];
  uint64_t v[64];
  lem_err e;
  *truth = -1;
  if (lem_term_kind(L, f) != LEM_REL || n > 64)
    return lem_error(L, LEM_EINVAL, "not an atom");
  for (uint32_t i = 0; i < n; i++) kn[i] = 0, v[i] = 0, slot[i] = -1;
  int is_eq = n == 2 && !strcmp(nm(L, f), "=");
  const lem_reldecl *r = is_eq ? NULL : lem_theory_rel(M->T, lem_term_sym(L, f));
  smt_rel_reading rd;
  if (!is_eq) {
    if (!r) return lem_error(L, LEM_EINVAL, "'%s' is not a primitive relation",
                             nm(L, f));
    if ((e = smt_reading(L, r, &rd))) return e;
  }
  for (uint32_t i = 0; i < n; i++) {
    if (!is_eq && i == (rd.kind == SMT_READ_APPLY ? rd.op : rd.set))
      continue; /* the operation or the set: not a number */
    if ((e = ev_elem(L, M, V, lem_term_arg(L, f, i), &slot[i], &v[i], &kn[i])))
      return e;
  }
  if (is_eq) {
    if (kn[0] && kn[1]) *truth = v[0] == v[1];
    else if (learn && (kn[0] || kn[1])) {
      int u = kn[0] ? 1 : 0;
      V->v[slot[u]] = v[1 - u];
      V->known[slot[u]] = 1;
      *changed = 1;
    }
    return LEM_OK;
  }
  const lem_model *md = lem_theory_model(
      M->T, lem_term_arg(L, f, rd.kind == SMT_READ_APPLY ? rd.op : rd.set));
  if (rd.kind == SMT_READ_MEMBER) {
    if (!md || md->kind != LEM_MODEL_NAT)
      return lem_error(L, LEM_EINVAL, "membership in a set not modelled as nat");
    *truth = kn[rd.elem] ? 1 : -1;
    return LEM_OK;
  }
  if (!md || (rd.nin == 1) != (md->kind == LEM_MODEL_SUCC) ||
      (md->kind != LEM_MODEL_SUCC && md->kind != LEM_MODEL_ADD &&
       md->kind != LEM_MODEL_MUL))
    return lem_error(L, LEM_EINVAL, "op of '%s' not modelled", nm(L, f));
  uint64_t x = v[rd.in[0]], y = rd.nin == 2 ? v[rd.in[1]] : 1, z;
  if (!kn[rd.in[0]] || (rd.nin == 2 && !kn[rd.in[1]])) return LEM_OK;
  int ovf = md->kind == LEM_MODEL_MUL ? __builtin_mul_overflow(x, y, &z)
                                      : __builtin_add_overflow(x, y, &z);
  if (ovf) return lem_error(L, LEM_ELIMIT, "value above 2^64-1");
  if (kn[rd.out]) *truth = v[rd.out] == z;
  else if (learn) {
    V->v[slot[rd.out]] = z;
    V->known[slot[rd.out]] = 1;
    *changed = 1;
  }
  return LEM_OK;
}

/* Flatten literals: atoms (positive, for learning) and their truth. */
static lem_err ev_lit(lem_ctx *L, const smt_model *M, evs *V, lem_term f,
                      int learn, int *truth, int *changed) {
  lem_err e;
  switch (lem_term_kind(L, f)) {
    case LEM_REL: return ev_atom(L, M, V, f, learn, truth, changed);
    case LEM_NOT:
      if ((e = ev_lit(L, M, V, lem_term_arg(L, f, 0), 0, truth, changed)))
        return e;
      if (*truth >= 0) *truth = !*truth;
      return LEM_OK;
    case LEM_AND: {
      int a, b;
      if ((e = ev_lit(L, M, V, lem_term_arg(L, f, 0), learn, &a, changed)) ||
          (e = ev_lit(L, M, V, lem_term_arg(L, f, 1), learn, &b, changed)))
        return e;
      *truth = (a == 0 || b == 0) ? 0 : (a < 0 || b < 0) ? -1 : 1;
      return LEM_OK;
    }
    default:
      return lem_error(L, LEM_EINVAL, "not quantifier-free");
  }
}

lem_err smt_eval_qf(lem_ctx *L, const smt_model *M, uint32_t nhyps,
                    const lem_term *hyps, lem_term concl, int *holds) {
  evs V;
  V.n = 0;
  lem_err e;
  int t, changed = 1;
  if (!M || M->dom != SMT_DOM_NAT)
    return lem_error(L, LEM_EINVAL, "direct evaluation needs the arithmetic "
                     "model");
  /* learn values from the hypotheses until nothing changes */
  for (uint32_t round = 0; changed && round < 1000; round++) {
    changed = 0;
    for (uint32_t i = 0; i < nhyps; i++)
      if ((e = ev_lit(L, M, &V, hyps[i], 1, &t, &changed))) return e;
  }
  int all = 1;
  for (uint32_t i = 0; i < nhyps; i++) {
    if ((e = ev_lit(L, M, &V, hyps[i], 0, &t, &changed))) return e;
    if (t < 0) goto undetermined;
    all &= t;
  }
  if ((e = ev_lit(L, M, &V, concl, 0, &t, &changed))) return e;
  if (t < 0) goto undetermined;
  *holds = !all || t;
  return LEM_OK;
undetermined:
  return lem_error(L, LEM_EINVAL, "not ground: the hypotheses do not "
                   "determine every constant");
}

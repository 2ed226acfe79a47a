/*
** z3.c: lemma's careful low-level Z3 client.  See z3.h for the interface
** and STYLE.md, "A careful Z3 client", for the rules it follows:
**
**   - one Z3 context per handle, made with Z3_mk_context_rc, so every
**     reference we keep is taken (Z3_inc_ref & co.) and released;
**   - an error handler on every context: it copies Z3's error code and
**     message into the handle at once, so Z3 never aborts the process and a
**     failed query fails alone;
**   - every string Z3 returns is copied out before the next Z3 call;
**   - every check runs under the solver's "timeout" parameter, and unknown
**     is reported with Z3's reason, never as sat or unsat.
**
** Z3's error handler gets only the Z3_context, not the handle.  Each public
** entry point therefore marks its handle as this thread's active one for the
** duration of the call (smt_enter / smt_leave, a thread-local pointer that
** is restored on the way out); the handler records into the active handle
** when its context matches, and otherwise leaves the code in the context,
** where failed() polls it.  There is no other static state.
**
** The second half holds the ground naturals helpers: one decoder of lemma
** terms (decode) shared by the SMT-LIB2 printer, the direct evaluator and
** the Z3 builder, so that the three cannot disagree on what they accept.
*/
#define SMT_Z3_INTERNALS 1

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <z3.h>

#include "smt.h"

struct smt_solver {
  lem_ctx *L;
  Z3_context z;
  Z3_solver s;
  Z3_sort int_sort;     /* one reference held */
  unsigned timeout;     /* ms */
  unsigned rlimit;      /* Z3 resource units */
  int zerr;             /* Z3 error code seen in the current call, 0 none */
  int last_code;        /* the last Z3 error code ever seen, 0 none */
  char zmsg[2048];      /* its message, copied out of Z3 */
};

static _Thread_local smt_solver *smt_active;

static smt_solver *smt_enter(smt_solver *S) {
  smt_solver *saved = smt_active;
  smt_active = S;
  S->zerr = 0;
  return saved;
}

static void smt_leave(smt_solver *saved) { smt_active = saved; }

static void record_error(smt_solver *S, Z3_error_code e) {
  if (S->zerr) return;  /* keep the first error of a call */
  const char *m = Z3_get_error_msg(S->z, e);
  S->zerr = (int)e;
  S->last_code = (int)e;
  snprintf(S->zmsg, sizeof S->zmsg, "%s", m && *m ? m : "unknown Z3 error");
  size_t n = strlen(S->zmsg);  /* the parser ends its message with "\n" */
  while (n && (S->zmsg[n - 1] == '\n' || S->zmsg[n - 1] == ' '))
    S->zmsg[--n] = 0;
}

static void on_z3_error(Z3_context c, Z3_error_code e) {
  smt_solver *S = smt_active;
  if (S && S->z == c) record_error(S, e);
}

/* Did the last Z3 call (or any since smt_enter) fail?  Polls the context
** as well, in case the handler could not attribute the error. */
static int failed(smt_solver *S) {
  if (S->zerr) return 1;
  Z3_error_code e = Z3_get_error_code(S->z);
  if (e == Z3_OK) return 0;
  record_error(S, e);
  return 1;
}

/* ---- results ------------------------------------------------------- */

void smt_result_free(lem_ctx *L, smt_result *r) {
  if (r->text) lem_free(L, r->text, r->textlen + 1);
  if (r->query) lem_free(L, r->query, r->querylen + 1);
  smt_result z = SMT_RESULT_INIT;
  *r = z;
}

const char *smt_status_name(smt_status s) {
  switch (s) {
    case SMT_SAT: return "sat";
    case SMT_UNSAT: return "unsat";
    case SMT_UNKNOWN: return "unknown";
    case SMT_ERROR: return "error";
  }
  return "?";
}

/* Set out's text to a copy of s; LEM_ENOMEM (in L) on failure. */
static lem_err set_text(lem_ctx *L, smt_result *out, const char *s,
                        size_t n) {
  if (out->text) lem_free(L, out->text, out->textlen + 1);
  out->textlen = 0;
  out->text = lem_strndup(L, s, n);
  if (!out->text) return LEM_ENOMEM;
  out->textlen = n;
  return LEM_OK;
}

/* The query failed: status SMT_ERROR, the message in out->text and in L.
** (Should even the copy fail, out->text stays NULL.) */
static smt_status fail_with(lem_ctx *L, smt_result *out, lem_err code,
                            const char *msg) {
  char copy[sizeof ((lem_ctx *)0)->errmsg];
  snprintf(copy, sizeof copy, "%s", msg);  /* msg may be L->errmsg */
  out->status = SMT_ERROR;
  (void)set_text(L, out, copy, strlen(copy));
  lem_error(L, code, "%s", copy);
  return SMT_ERROR;
}

/* A Z3 error in the current call: report Z3's message. */
static smt_status fail_z3(smt_solver *S, smt_result *out) {
  out->status = SMT_ERROR;
  (void)set_text(S->L, out, S->zmsg, strlen(S->zmsg));
  lem_error(S->L, LEM_ESMT, "z3: %s", S->zmsg);
  return SMT_ERROR;
}

/* Failure of ours (out of memory, a limit, bad input): the message is
** already in L. */
static smt_status fail_lem(lem_ctx *L, smt_result *out) {
  return fail_with(L, out, L->err ? L->err : LEM_ESMT, L->errmsg);
}

int smt_result_int(const smt_result *r, const char *name, int64_t *v) {
  if (!r->text || !name) return 0;
  size_t n = strlen(name);
  for (const char *p = r->text; *p;) {
    const char *eol = strchr(p, '\n');
    if (!eol) eol = p + strlen(p);
    if ((size_t)(eol - p) > n + 3 && memcmp(p, name, n) == 0 &&
        memcmp(p + n, " = ", 3) == 0) {
      const char *q = p + n + 3;
      int neg = (*q == '-');
      if (neg) q++;
      if (q == eol) return 0;
      uint64_t acc = 0;
      for (; q < eol; q++) {
        if (*q < '0' || *q > '9') return 0;
        unsigned d = (unsigned)(*q - '0');
        if (acc > (UINT64_C(9223372036854775808) - d) / 10) return 0;
        acc = acc * 10 + d;
      }
      if (!neg && acc > (uint64_t)INT64_MAX) return 0;
      *v = neg ? (acc == UINT64_C(9223372036854775808) ? INT64_MIN
                                                       : -(int64_t)acc)
               : (int64_t)acc;
      return 1;
    }
    p = *eol ? eol + 1 : eol;
  }
  return 0;
}

/* ---- the handle ---------------------------------------------------- */

/* Both limits go on every check: "timeout" (ms) and "rlimit" (Z3's
** deterministic resource count).  Z3 checks for cancellation only at some
** points, so a timeout alone can overrun badly on a loaded machine; the
** resource limit is counted in far more places and does not depend on the
** machine's speed or load. */
static lem_err apply_limits(smt_solver *S, unsigned ms, unsigned rlimit) {
  Z3_params p = Z3_mk_params(S->z);
  if (failed(S)) return LEM_ESMT;
  Z3_params_inc_ref(S->z, p);
  Z3_params_set_uint(S->z, p, Z3_mk_string_symbol(S->z, "timeout"), ms);
  if (!failed(S))
    Z3_params_set_uint(S->z, p, Z3_mk_string_symbol(S->z, "rlimit"), rlimit);
  if (!failed(S)) Z3_solver_set_params(S->z, S->s, p);
  Z3_params_dec_ref(S->z, p);
  if (failed(S)) return LEM_ESMT;
  S->timeout = ms;
  S->rlimit = rlimit;
  return LEM_OK;
}

static lem_err apply_timeout(smt_solver *S, unsigned ms) {
  return apply_limits(S, ms, S->rlimit);
}

/* Make S's Z3 context and solver, with limits (ms, rlimit).  LEM_OK, or
** LEM_ESMT with the message in L (S->z may then be set: close it). */
static lem_err open_z3(smt_solver *S, unsigned ms, unsigned rlimit) {
  lem_ctx *L = S->L;
  Z3_config cfg = Z3_mk_config();
  if (!cfg) return lem_error(L, LEM_ESMT, "z3: could not make a configuration");
  Z3_set_param_value(cfg, "model", "true");
  S->z = Z3_mk_context_rc(cfg);
  Z3_del_config(cfg);
  if (!S->z) return lem_error(L, LEM_ESMT, "z3: could not make a context");
  Z3_set_error_handler(S->z, on_z3_error);
  smt_solver *saved = smt_enter(S);
  Z3_set_ast_print_mode(S->z, Z3_PRINT_SMTLIB2_COMPLIANT);
  S->int_sort = Z3_mk_int_sort(S->z);
  if (!failed(S)) Z3_inc_ref(S->z, Z3_sort_to_ast(S->z, S->int_sort));
  S->s = failed(S) ? NULL : Z3_mk_simple_solver(S->z);
  if (!failed(S)) Z3_solver_inc_ref(S->z, S->s);
  lem_err e = failed(S) ? LEM_ESMT : apply_limits(S, ms, rlimit);
  smt_leave(saved);
  return e ? lem_error(L, LEM_ESMT, "z3: %s", S->zmsg) : LEM_OK;
}

/* Release S's solver and context. */
static void close_z3(smt_solver *S) {
  if (!S->z) return;
  smt_solver *saved = smt_enter(S);
  if (S->s) Z3_solver_dec_ref(S->z, S->s);
  if (S->int_sort) Z3_dec_ref(S->z, Z3_sort_to_ast(S->z, S->int_sort));
  smt_leave(saved);
  Z3_del_context(S->z);
  S->z = NULL, S->s = NULL, S->int_sort = NULL;
}

smt_solver *smt_solver_new(lem_ctx *L) {
  smt_solver *S = lem_calloc(L, sizeof *S);
  if (!S) return NULL;
  S->L = L;
  if (open_z3(S, SMT_DEFAULT_TIMEOUT_MS, SMT_DEFAULT_RLIMIT)) {
    smt_solver_free(S);
    return NULL;
  }
  return S;
}

void smt_solver_free(smt_solver *S) {
  if (!S) return;
  close_z3(S);
  lem_free(S->L, S, sizeof *S);
}

lem_err smt_solver_renew(smt_solver *S) {
  unsigned ms = S->timeout, rlimit = S->rlimit;
  close_z3(S);
  if (open_z3(S, ms, rlimit)) {
    close_z3(S);
    return S->L->err;
  }
  return LEM_OK;
}

void smt_finalize(void) { Z3_finalize_memory(); }

lem_err smt_solver_set_timeout(smt_solver *S, unsigned ms) {
  if (ms == 0) ms = 1;
  smt_solver *saved = smt_enter(S);
  lem_err e = apply_timeout(S, ms);
  smt_leave(saved);
  if (e) return lem_error(S->L, LEM_ESMT, "z3: %s", S->zmsg);
  return LEM_OK;
}

unsigned smt_solver_timeout(const smt_solver *S) { return S->timeout; }

lem_ctx *smt_solver_ctx(const smt_solver *S) { return S->L; }

lem_err smt_solver_set_rlimit(smt_solver *S, unsigned units) {
  if (units == 0) units = 1;
  smt_solver *saved = smt_enter(S);
  lem_err e = apply_limits(S, S->timeout, units);
  smt_leave(saved);
  if (e) return lem_error(S->L, LEM_ESMT, "z3: %s", S->zmsg);
  return LEM_OK;
}

unsigned smt_solver_rlimit(const smt_solver *S) { return S->rlimit; }

int smt_solver_last_error(const smt_solver *S, const char **msg) {
  if (msg) *msg = S->last_code ? S->zmsg : "";
  return S->last_code;
}

Z3_context smt_solver_context(smt_solver *S) { return S->z; }

/* ---- rendering models ---------------------------------------------- */

/* A `name = value` line under construction; both strings are ours. */
typedef struct entry {
  char *name, *val;
  size_t nlen, vlen;
} entry;

typedef struct entries {
  entry *v;
  uint32_t n, cap;
} entries;

static void entries_free(lem_ctx *L, entries *E) {
  for (uint32_t i = 0; i < E->n; i++) {
    lem_free(L, E->v[i].name, E->v[i].nlen + 1);
    lem_free(L, E->v[i].val, E->v[i].vlen + 1);
  }
  lem_free(L, E->v, (size_t)E->cap * sizeof *E->v);
  E->v = NULL;
  E->n = E->cap = 0;
}

/* Add an entry, copying name and val (Z3's buffers or ours). */
static lem_err entries_add(lem_ctx *L, entries *E, const char *name,
                           const char *val) {
  if (LEM_GROW(L, E->v, E->cap, E->n + 1)) return LEM_ENOMEM;
  entry *x = &E->v[E->n];
  x->nlen = strlen(name);
  x->vlen = strlen(val);
  x->name = lem_strndup(L, name, x->nlen);
  x->val = x->name ? lem_strndup(L, val, x->vlen) : NULL;
  if (!x->val) {
    if (x->name) lem_free(L, x->name, x->nlen + 1);
    return LEM_ENOMEM;
  }
  E->n++;
  return LEM_OK;
}

static int entry_cmp(const void *a, const void *b) {
  const entry *x = a, *y = b;
  int c = strcmp(x->name, y->name);
  return c ? c : strcmp(x->val, y->val);
}

/* Sort the entries by name and set out->text to their lines. */
static lem_err entries_render(lem_ctx *L, entries *E, smt_result *out) {
  if (E->n) qsort(E->v, E->n, sizeof *E->v, entry_cmp);
  lem_buf b = {0};
  lem_err e = lem_buf_add(L, &b, "", 0);
  for (uint32_t i = 0; !e && i < E->n; i++)
    e = lem_buf_printf(L, &b, "%s = %s\n", E->v[i].name, E->v[i].val);
  if (!e) e = set_text(L, out, b.p, b.len);
  lem_buf_free(L, &b);
  return e;
}

/* A copy (through L) of the readable form of value a: integers and
** rationals as decimal numerals ("-3", "1/2"), anything else in SMT-LIB2.
** NULL on a Z3 error or out of memory. */
static char *value_str(smt_solver *S, Z3_ast a) {
  /* Z3_is_numeral_ast also says yes for true and false, whose numeral
     string is an error: ask the sort first */
  Z3_sort_kind k = Z3_get_sort_kind(S->z, Z3_get_sort(S->z, a));
  int num = (k == Z3_INT_SORT || k == Z3_REAL_SORT) &&
            Z3_is_numeral_ast(S->z, a);
  const char *s = num ? Z3_get_numeral_string(S->z, a)
                      : Z3_ast_to_string(S->z, a);
  if (failed(S) || !s) return NULL;
  return lem_strndup(S->L, s, strlen(s));
}

/* Append value a's readable form to b.  Returns 0, or -1 on failure. */
static int buf_value(smt_solver *S, lem_buf *b, Z3_ast a) {
  char *s = value_str(S, a);
  if (!s) return -1;
  size_t n = strlen(s);
  lem_err e = lem_buf_add(S->L, b, s, n);
  lem_free(S->L, s, n + 1);
  return e ? -1 : 0;
}

/* A function's interpretation as "[1 -> 2, (1 2) -> 3, else -> 0]". */
static int func_str(smt_solver *S, Z3_func_interp fi, lem_buf *b) {
  Z3_context z = S->z;
  unsigned ne = Z3_func_interp_get_num_entries(z, fi);
  if (failed(S) || lem_buf_add(S->L, b, "[", 1)) return -1;
  for (unsigned i = 0; i < ne; i++) {
    Z3_func_entry fe = Z3_func_interp_get_entry(z, fi, i);
    if (failed(S)) return -1;
    Z3_func_entry_inc_ref(z, fe);
    unsigned na = Z3_func_entry_get_num_args(z, fe);
    int bad = failed(S) || (na != 1 && lem_buf_add(S->L, b, "(", 1));
    for (unsigned j = 0; !bad && j < na; j++) {
      Z3_ast a = Z3_func_entry_get_arg(z, fe, j);
      bad = failed(S) || (j && lem_buf_add(S->L, b, " ", 1)) ||
            buf_value(S, b, a);
    }
    bad = bad || (na != 1 && lem_buf_add(S->L, b, ")", 1)) ||
          lem_buf_add(S->L, b, " -> ", 4);
    if (!bad) {
      Z3_ast v = Z3_func_entry_get_value(z, fe);
      bad = failed(S) || buf_value(S, b, v) || lem_buf_add(S->L, b, ", ", 2);
    }
    Z3_func_entry_dec_ref(z, fe);
    if (bad) return -1;
  }
  Z3_ast el = Z3_func_interp_get_else(z, fi);
  if (failed(S) || lem_buf_puts(S->L, b, "else -> ") ||
      buf_value(S, b, el) || lem_buf_add(S->L, b, "]", 1))
    return -1;
  return 0;
}

/* The name of declaration d, copied into buf (truncated to fit). */
static int decl_name(smt_solver *S, Z3_func_decl d, char *buf, size_t n) {
  const char *s = Z3_get_symbol_string(S->z, Z3_get_decl_name(S->z, d));
  if (failed(S) || !s) return -1;
  snprintf(buf, n, "%s", s);
  return 0;
}

/* Every constant and function of model m as entries. */
static int model_entries(smt_solver *S, Z3_model m, entries *E) {
  Z3_context z = S->z;
  char name[256];
  unsigned nc = Z3_model_get_num_consts(z, m);
  for (unsigned i = 0; !failed(S) && i < nc; i++) {
    Z3_func_decl d = Z3_model_get_const_decl(z, m, i);
    if (failed(S) || decl_name(S, d, name, sizeof name)) return -1;
    Z3_ast v = Z3_model_get_const_interp(z, m, d);
    if (failed(S) || !v) return -1;
    Z3_inc_ref(z, v);
    char *vs = value_str(S, v);
    Z3_dec_ref(z, v);
    if (!vs) return -1;
    lem_err e = entries_add(S->L, E, name, vs);
    lem_free(S->L, vs, strlen(vs) + 1);
    if (e) return -1;
  }
  unsigned nf = failed(S) ? 0 : Z3_model_get_num_funcs(z, m);
  for (unsigned i = 0; !failed(S) && i < nf; i++) {
    Z3_func_decl d = Z3_model_get_func_decl(z, m, i);
    if (failed(S) || decl_name(S, d, name, sizeof name)) return -1;
    Z3_func_interp fi = Z3_model_get_func_interp(z, m, d);
    if (failed(S) || !fi) return -1;
    Z3_func_interp_inc_ref(z, fi);
    lem_buf b = {0};
    int bad = func_str(S, fi, &b);
    Z3_func_interp_dec_ref(z, fi);
    if (!bad) bad = entries_add(S->L, E, name, b.p) ? -1 : 0;
    lem_buf_free(S->L, &b);
    if (bad) return -1;
  }
  return failed(S) ? -1 : 0;
}

/* The values of the given constants in m (model completion on). */
static int var_entries(smt_solver *S, Z3_model m, uint32_t n,
                       const Z3_ast *vars, char *const *names, entries *E) {
  for (uint32_t i = 0; i < n; i++) {
    Z3_ast v = NULL;
    bool ok = Z3_model_eval(S->z, m, vars[i], true, &v);
    if (failed(S) || !ok || !v) return -1;
    Z3_inc_ref(S->z, v);
    char *vs = value_str(S, v);
    Z3_dec_ref(S->z, v);
    if (!vs) return -1;
    lem_err e = entries_add(S->L, E, names[i], vs);
    lem_free(S->L, vs, strlen(vs) + 1);
    if (e) return -1;
  }
  return 0;
}

/* ---- checking ------------------------------------------------------ */

typedef struct varlist {
  Z3_ast *v;      /* Int constants, one reference each */
  char **name;    /* their names, ours */
  uint32_t n, cap, ncap;
} varlist;

/* Check what the solver holds and fill out.  With vars, a sat model is
** rendered as those constants' values only; else as the whole model. */
static smt_status run_check(smt_solver *S, smt_result *out,
                            const varlist *vars) {
  Z3_context z = S->z;
  Z3_lbool r = Z3_solver_check(z, S->s);
  if (failed(S)) return fail_z3(S, out);
  if (r == Z3_L_FALSE) {
    out->status = SMT_UNSAT;
    return set_text(S->L, out, "", 0) ? fail_lem(S->L, out) : SMT_UNSAT;
  }
  if (r == Z3_L_UNDEF) {
    const char *why = Z3_solver_get_reason_unknown(z, S->s);
    if (failed(S)) return fail_z3(S, out);
    if (!why || !*why) why = "unknown";
    out->status = SMT_UNKNOWN;
    return set_text(S->L, out, why, strlen(why)) ? fail_lem(S->L, out)
                                                 : SMT_UNKNOWN;
  }
  Z3_model m = Z3_solver_get_model(z, S->s);
  if (failed(S) || !m) return fail_z3(S, out);
  Z3_model_inc_ref(z, m);
  entries E = {0};
  int bad = vars ? var_entries(S, m, vars->n, vars->v, vars->name, &E)
                 : model_entries(S, m, &E);
  Z3_model_dec_ref(z, m);
  if (!bad && entries_render(S->L, &E, out)) bad = -2;
  entries_free(S->L, &E);
  if (bad == -2 || (bad && !S->zerr)) return fail_lem(S->L, out);
  if (bad) return fail_z3(S, out);
  out->status = SMT_SAT;
  return SMT_SAT;
}

/* Reset the solver and parse the script; returns the assertions with one
** reference taken, or NULL on a Z3 error. */
static Z3_ast_vector parse_fresh(smt_solver *S, const char *text) {
  Z3_solver_reset(S->z, S->s);
  if (failed(S)) return NULL;
  Z3_ast_vector v =
      Z3_parse_smtlib2_string(S->z, text, 0, NULL, NULL, 0, NULL, NULL);
  if (failed(S) || !v) return NULL;
  Z3_ast_vector_inc_ref(S->z, v);
  return v;
}

smt_status smt_check_smtlib(smt_solver *S, const char *smtlib2,
                            smt_result *out) {
  smt_result_free(S->L, out);
  if (!smtlib2) {
    lem_error(S->L, LEM_EINVAL, "smt_check_smtlib: no script");
    return fail_lem(S->L, out);
  }
  if (!S->z) { /* smt_solver_renew failed */
    lem_error(S->L, LEM_ESMT, "z3: the handle has no context");
    return fail_lem(S->L, out);
  }
  smt_solver *saved = smt_enter(S);
  smt_status st;
  Z3_ast_vector v = parse_fresh(S, smtlib2);
  if (!v) {
    st = fail_z3(S, out);
  } else {
    unsigned n = Z3_ast_vector_size(S->z, v);
    for (unsigned i = 0; !failed(S) && i < n; i++)
      Z3_solver_assert(S->z, S->s, Z3_ast_vector_get(S->z, v, i));
    Z3_ast_vector_dec_ref(S->z, v);
    st = failed(S) ? fail_z3(S, out) : run_check(S, out, NULL);
  }
  smt_leave(saved);
  return st;
}

/* ---- counterexample search ----------------------------------------- */

static void varlist_free(smt_solver *S, varlist *V) {
  for (uint32_t i = 0; i < V->n; i++) {
    Z3_dec_ref(S->z, V->v[i]);
    lem_free(S->L, V->name[i], strlen(V->name[i]) + 1);
  }
  lem_free(S->L, V->v, (size_t)V->cap * sizeof *V->v);
  lem_free(S->L, V->name, (size_t)V->ncap * sizeof *V->name);
}

/* The visited set of a walk: AST ids, linear (conjectures are small). */
typedef struct idset {
  unsigned *v;
  uint32_t n, cap;
} idset;

#define SMT_WALK_MAXNODES 100000u

/* Collect into V the uninterpreted Int constants in a.  Returns 0, or -1
** (a Z3 error in S, or LEM_ENOMEM / LEM_ELIMIT in L). */
static int collect_vars(smt_solver *S, Z3_ast a, varlist *V, idset *seen,
                        unsigned depth) {
  Z3_context z = S->z;
  if (depth > SMT_NAT_MAXDEPTH || seen->n >= SMT_WALK_MAXNODES) {
    lem_error(S->L, LEM_ELIMIT, "conjecture too large to search");
    return -1;
  }
  unsigned id = Z3_get_ast_id(z, a);
  for (uint32_t i = 0; i < seen->n; i++)
    if (seen->v[i] == id) return 0;
  if (LEM_GROW(S->L, seen->v, seen->cap, seen->n + 1)) return -1;
  seen->v[seen->n++] = id;
  Z3_ast_kind k = Z3_get_ast_kind(z, a);
  if (failed(S)) return -1;
  if (k == Z3_QUANTIFIER_AST)
    return collect_vars(S, Z3_get_quantifier_body(z, a), V, seen, depth + 1);
  if (k != Z3_APP_AST) return 0;
  Z3_app app = Z3_to_app(z, a);
  Z3_func_decl d = Z3_get_app_decl(z, app);
  unsigned na = Z3_get_app_num_args(z, app);
  if (failed(S)) return -1;
  if (na == 0 && Z3_get_decl_kind(z, d) == Z3_OP_UNINTERPRETED &&
      Z3_get_sort_kind(z, Z3_get_range(z, d)) == Z3_INT_SORT) {
    char name[256];
    if (failed(S) || decl_name(S, d, name, sizeof name)) return -1;
    if (LEM_GROW(S->L, V->v, V->cap, V->n + 1) ||
        LEM_GROW(S->L, V->name, V->ncap, V->n + 1))
      return -1;
    V->name[V->n] = lem_strndup(S->L, name, strlen(name));
    if (!V->name[V->n]) return -1;
    Z3_inc_ref(z, a);
    V->v[V->n++] = a;
    return 0;
  }
  for (unsigned i = 0; i < na; i++) {
    Z3_ast c = Z3_get_app_arg(z, app, i);
    if (failed(S) || collect_vars(S, c, V, seen, depth + 1)) return -1;
  }
  return 0;
}

/* Assert x >= 0 for every variable and not(conjunction of v). */
static int assert_negation(smt_solver *S, Z3_ast_vector v, const varlist *V) {
  Z3_context z = S->z;
  Z3_ast zero = Z3_mk_unsigned_int64(z, 0, S->int_sort);
  if (failed(S)) return -1;
  Z3_inc_ref(z, zero);
  for (uint32_t i = 0; !failed(S) && i < V->n; i++) {
    Z3_ast ge = Z3_mk_ge(z, V->v[i], zero);
    if (!failed(S)) Z3_solver_assert(z, S->s, ge);
  }
  Z3_dec_ref(z, zero);
  unsigned n = failed(S) ? 0 : Z3_ast_vector_size(z, v);
  Z3_ast conj = n ? Z3_ast_vector_get(z, v, 0) : Z3_mk_true(z);
  if (failed(S)) return -1;
  Z3_inc_ref(z, conj);
  for (unsigned i = 1; !failed(S) && i < n; i++) {
    Z3_ast args[2] = {conj, Z3_ast_vector_get(z, v, i)};
    Z3_ast c2 = failed(S) ? NULL : Z3_mk_and(z, 2, args);
    if (failed(S)) break;
    Z3_inc_ref(z, c2);
    Z3_dec_ref(z, conj);
    conj = c2;
  }
  Z3_ast neg = failed(S) ? NULL : Z3_mk_not(z, conj);
  if (!failed(S)) Z3_solver_assert(z, S->s, neg);
  Z3_dec_ref(z, conj);
  return failed(S) ? -1 : 0;
}

/* Set out->query to the solver's assertions in SMT-LIB2. */
static int copy_solver_text(smt_solver *S, smt_result *out) {
  const char *q = Z3_solver_to_string(S->z, S->s);
  if (failed(S) || !q) return -1;
  size_t n = strlen(q);
  out->query = lem_strndup(S->L, q, n);
  if (!out->query) return -1;
  out->querylen = n;
  return 0;
}

smt_status smt_find_counterexample(smt_solver *S, const char *smtlib2,
                                   smt_result *out) {
  smt_result_free(S->L, out);
  if (!smtlib2) {
    lem_error(S->L, LEM_EINVAL, "smt_find_counterexample: no script");
    return fail_lem(S->L, out);
  }
  smt_solver *saved = smt_enter(S);
  varlist V = {0};
  idset seen = {0};
  smt_status st;
  Z3_ast_vector v = parse_fresh(S, smtlib2);
  int bad = v ? 0 : -1;
  unsigned n = bad ? 0 : Z3_ast_vector_size(S->z, v);
  for (unsigned i = 0; !bad && i < n; i++) {
    Z3_ast a = Z3_ast_vector_get(S->z, v, i);
    bad = failed(S) || collect_vars(S, a, &V, &seen, 0);
  }
  lem_free(S->L, seen.v, (size_t)seen.cap * sizeof *seen.v);
  if (!bad) bad = assert_negation(S, v, &V);
  if (v) Z3_ast_vector_dec_ref(S->z, v);
  if (!bad) bad = copy_solver_text(S, out);
  if (bad)
    st = failed(S) ? fail_z3(S, out) : fail_lem(S->L, out);
  else
    st = run_check(S, out, &V);
  varlist_free(S, &V);
  smt_leave(saved);
  return st;
}

/* ---- ground naturals: one decoder for the three walkers ------------- */

enum { OP_NOT = 100, OP_AND, OP_IMP };

typedef struct nat_node {
  int op;               /* smt_op or OP_NOT / OP_AND / OP_IMP */
  uint64_t value;       /* SMT_OP_ZERO / SMT_OP_NUM */
  uint32_t n;           /* operands */
  const lem_term *args;
} nat_node;

static int is_term_op(int op) {
  return op == SMT_OP_ZERO || op == SMT_OP_NUM || op == SMT_OP_SUCC ||
         op == SMT_OP_ADD || op == SMT_OP_MUL;
}

static int is_rel_op(int op) {
  return op == SMT_OP_EQ || op == SMT_OP_LE || op == SMT_OP_LT;
}

static const smt_nat_sym *nat_lookup(const smt_nat_table *T, lem_sym y) {
  for (uint32_t i = 0; T && i < T->n; i++)
    if (T->v[i].sym == y) return &T->v[i];
  return NULL;
}

/* Is name a decimal numeral that fits in uint64?  Sets *v. */
static int numeral(const char *s, size_t n, uint64_t *v) {
  uint64_t acc = 0;
  if (n == 0) return 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    unsigned d = (unsigned)(s[i] - '0');
    if (acc > (UINT64_MAX - d) / 10) return 0;
    acc = acc * 10 + d;
  }
  *v = acc;
  return 1;
}

/* Decode t, in term position (formula 0) or statement position (1). */
static lem_err decode(lem_ctx *L, const smt_nat_table *T, lem_term t,
                      int formula, nat_node *nd) {
  lem_kind k = lem_term_kind(L, t);
  nd->n = lem_term_nargs(L, t);
  nd->args = lem_term_args(L, t);
  nd->value = 0;
  if (formula) {
    if (k == LEM_NOT && nd->n == 1) return nd->op = OP_NOT, LEM_OK;
    if (k == LEM_AND && nd->n == 2) return nd->op = OP_AND, LEM_OK;
    if (k == LEM_ALL && lem_all_nvars(L, t) == 0) {
      nd->n = 2;  /* the premise and the conclusion */
      return nd->op = OP_IMP, LEM_OK;
    }
    if (k == LEM_REL && nd->n == 2) {
      lem_sym y = lem_term_sym(L, t);
      const smt_nat_sym *e = nat_lookup(T, y);
      if (e && is_rel_op(e->op)) return nd->op = (int)e->op, LEM_OK;
      if (!e && strcmp(lem_sym_name(L, y), "=") == 0)
        return nd->op = SMT_OP_EQ, LEM_OK;
    }
    if (k == LEM_ALL)
      return lem_error(L, LEM_EINVAL, "not ground: a quantifier binds "
                                      "variables");
    if (k != LEM_REL)
      return lem_error(L, LEM_EINVAL, "not a ground arithmetic statement");
    return lem_error(L, LEM_EINVAL, "relation %s/%u is not arithmetic",
                     lem_sym_name(L, lem_term_sym(L, t)), nd->n);
  }
  if (k == LEM_VAR)
    return lem_error(L, LEM_EINVAL, "not ground: variable %s",
                     lem_sym_name(L, lem_term_sym(L, t)));
  if (k != LEM_CONST && k != LEM_APP)
    return lem_error(L, LEM_EINVAL, "a formula where a number was expected");
  lem_sym y = lem_term_sym(L, t);
  const smt_nat_sym *e = nat_lookup(T, y);
  if (e && is_term_op(e->op)) {
    nd->op = (int)e->op;
    nd->value = e->op == SMT_OP_NUM ? e->value : 0;
    uint32_t lo = 0, hi = 0;
    switch (e->op) {
      case SMT_OP_SUCC: lo = hi = 1; break;
      case SMT_OP_ADD:
      case SMT_OP_MUL: lo = 2, hi = LEM_MAXARGS; break;
      default: break;
    }
    if (nd->n >= lo && nd->n <= hi) return LEM_OK;
    return lem_error(L, LEM_EINVAL, "%s applied to %u arguments",
                     lem_sym_name(L, y), nd->n);
  }
  if (!e && nd->n == 0 &&
      numeral(lem_sym_name(L, y), lem_sym_len(L, y), &nd->value))
    return nd->op = SMT_OP_NUM, LEM_OK;
  return lem_error(L, LEM_EINVAL, "symbol %s is not arithmetic",
                   lem_sym_name(L, y));
}

static lem_err too_deep(lem_ctx *L) {
  return lem_error(L, LEM_EINVAL, "ground statement nested deeper than %u",
                   SMT_NAT_MAXDEPTH);
}

/* ---- the SMT-LIB2 printer ---- */

static lem_err text_rec(lem_ctx *L, const smt_nat_table *T, lem_term t,
                        int formula, unsigned depth, lem_buf *b) {
  nat_node nd;
  lem_err e;
  if (depth > SMT_NAT_MAXDEPTH) return too_deep(L);
  if ((e = decode(L, T, t, formula, &nd))) return e;
  const char *head = NULL;
  int kids_formula = 0;
  switch (nd.op) {
    case SMT_OP_ZERO:
    case SMT_OP_NUM:
      return lem_buf_printf(L, b, "%llu", (unsigned long long)nd.value);
    case SMT_OP_SUCC:
      if ((e = lem_buf_puts(L, b, "(+ ")) ||
          (e = text_rec(L, T, nd.args[0], 0, depth + 1, b)))
        return e;
      return lem_buf_puts(L, b, " 1)");
    case SMT_OP_ADD: head = "+"; break;
    case SMT_OP_MUL: head = "*"; break;
    case SMT_OP_EQ: head = "="; break;
    case SMT_OP_LE: head = "<="; break;
    case SMT_OP_LT: head = "<"; break;
    case OP_NOT: head = "not", kids_formula = 1; break;
    case OP_AND: head = "and", kids_formula = 1; break;
    case OP_IMP: head = "=>", kids_formula = 1; break;
    default: return lem_error(L, LEM_EINVAL, "bad operator");
  }
  const lem_term *a = nd.args;
  if (nd.op == OP_IMP) a = nd.args + lem_term_nargs(L, t) - 2;
  if ((e = lem_buf_printf(L, b, "(%s", head))) return e;
  for (uint32_t i = 0; i < nd.n; i++)
    if ((e = lem_buf_add(L, b, " ", 1)) ||
        (e = text_rec(L, T, a[i], kids_formula, depth + 1, b)))
      return e;
  return lem_buf_add(L, b, ")", 1);
}

lem_err smt_nat_text(lem_ctx *L, const smt_nat_table *T, lem_term t,
                     lem_buf *b) {
  int formula = lem_term_is_formula(L, t);
  return text_rec(L, T, t, formula, 0, b);
}

/* ---- the direct evaluator ---- */

static lem_err overflow(lem_ctx *L) {
  return lem_error(L, LEM_ELIMIT, "ground value above 2^64-1");
}

static lem_err eval_rec(lem_ctx *L, const smt_nat_table *T, lem_term t,
                        unsigned depth, uint64_t *val) {
  nat_node nd;
  lem_err e;
  if (depth > SMT_NAT_MAXDEPTH) return too_deep(L);
  if ((e = decode(L, T, t, 0, &nd))) return e;
  if (nd.op == SMT_OP_ZERO || nd.op == SMT_OP_NUM) {
    *val = nd.value;
    return LEM_OK;
  }
  uint64_t acc = nd.op == SMT_OP_MUL ? 1 : 0, x;
  if (nd.op == SMT_OP_SUCC) {
    if ((e = eval_rec(L, T, nd.args[0], depth + 1, &x))) return e;
    if (x == UINT64_MAX) return overflow(L);
    *val = x + 1;
    return LEM_OK;
  }
  for (uint32_t i = 0; i < nd.n; i++) {
    if ((e = eval_rec(L, T, nd.args[i], depth + 1, &x))) return e;
    if (nd.op == SMT_OP_ADD) {
      if (x > UINT64_MAX - acc) return overflow(L);
      acc += x;
    } else {
      if (x && acc > UINT64_MAX / x) return overflow(L);
      acc *= x;
    }
  }
  *val = acc;
  return LEM_OK;
}

lem_err smt_nat_eval(lem_ctx *L, const smt_nat_table *T, lem_term t,
                     uint64_t *val) {
  return eval_rec(L, T, t, 0, val);
}

static lem_err holds_rec(lem_ctx *L, const smt_nat_table *T, lem_term t,
                         unsigned depth, int *truth) {
  nat_node nd;
  lem_err e;
  if (depth > SMT_NAT_MAXDEPTH) return too_deep(L);
  if ((e = decode(L, T, t, 1, &nd))) return e;
  if (is_rel_op(nd.op)) {
    uint64_t x, y;
    if ((e = eval_rec(L, T, nd.args[0], depth + 1, &x)) ||
        (e = eval_rec(L, T, nd.args[1], depth + 1, &y)))
      return e;
    *truth = nd.op == SMT_OP_EQ ? x == y : nd.op == SMT_OP_LE ? x <= y : x < y;
    return LEM_OK;
  }
  int p, q = 0;
  const lem_term *a = nd.args;
  if (nd.op == OP_IMP) a = nd.args + lem_term_nargs(L, t) - 2;
  /* Both sides always, so that acceptance never depends on values. */
  if ((e = holds_rec(L, T, a[0], depth + 1, &p))) return e;
  if (nd.op != OP_NOT && (e = holds_rec(L, T, a[1], depth + 1, &q))) return e;
  *truth = nd.op == OP_NOT ? !p : nd.op == OP_AND ? (p && q) : (!p || q);
  return LEM_OK;
}

lem_err smt_nat_holds(lem_ctx *L, const smt_nat_table *T, lem_term t,
                      int *truth) {
  return holds_rec(L, T, t, 0, truth);
}

/* ---- the Z3 builder ---- */

/* Combine two referenced ASTs with op; consumes both references and
** returns a referenced result, or NULL on a Z3 error. */
static Z3_ast z3_bin(smt_solver *S, int op, Z3_ast x, Z3_ast y) {
  Z3_context z = S->z;
  Z3_ast args[2] = {x, y}, r = NULL;
  switch (op) {
    case SMT_OP_SUCC:
    case SMT_OP_ADD: r = Z3_mk_add(z, 2, args); break;
    case SMT_OP_MUL: r = Z3_mk_mul(z, 2, args); break;
    case SMT_OP_EQ: r = Z3_mk_eq(z, x, y); break;
    case SMT_OP_LE: r = Z3_mk_le(z, x, y); break;
    case SMT_OP_LT: r = Z3_mk_lt(z, x, y); break;
    case OP_AND: r = Z3_mk_and(z, 2, args); break;
    case OP_IMP: r = Z3_mk_implies(z, x, y); break;
    default: break;
  }
  if (r && !failed(S)) Z3_inc_ref(z, r);
  else r = NULL;
  Z3_dec_ref(z, x);
  Z3_dec_ref(z, y);
  return r;
}

static Z3_ast num_ast(smt_solver *S, uint64_t v) {
  Z3_ast r = Z3_mk_unsigned_int64(S->z, v, S->int_sort);
  if (failed(S) || !r) return NULL;
  Z3_inc_ref(S->z, r);
  return r;
}

static Z3_ast build(smt_solver *S, const smt_nat_table *T, lem_term t,
                    int formula, unsigned depth) {
  lem_ctx *L = S->L;
  nat_node nd;
  if (depth > SMT_NAT_MAXDEPTH) return too_deep(L), NULL;
  if (decode(L, T, t, formula, &nd)) return NULL;
  if (nd.op == SMT_OP_ZERO || nd.op == SMT_OP_NUM) return num_ast(S, nd.value);
  const lem_term *a = nd.args;
  if (nd.op == OP_IMP) a = nd.args + lem_term_nargs(L, t) - 2;
  int kids_formula = nd.op == OP_NOT || nd.op == OP_AND || nd.op == OP_IMP;
  Z3_ast acc = build(S, T, a[0], kids_formula, depth + 1);
  if (!acc) return NULL;
  if (nd.op == OP_NOT) {
    Z3_ast r = Z3_mk_not(S->z, acc);
    if (r && !failed(S)) Z3_inc_ref(S->z, r);
    else r = NULL;
    Z3_dec_ref(S->z, acc);
    return r;
  }
  if (nd.op == SMT_OP_SUCC) {
    Z3_ast one = num_ast(S, 1);
    if (!one) {
      Z3_dec_ref(S->z, acc);
      return NULL;
    }
    return z3_bin(S, SMT_OP_SUCC, acc, one);
  }
  for (uint32_t i = 1; acc && i < nd.n; i++) {
    Z3_ast x = build(S, T, a[i], kids_formula, depth + 1);
    if (!x) {
      Z3_dec_ref(S->z, acc);
      return NULL;
    }
    acc = z3_bin(S, nd.op, acc, x);
  }
  return acc;
}

Z3_ast smt_nat_expr(smt_solver *S, const smt_nat_table *T, lem_term t) {
  smt_solver *saved = smt_enter(S);
  Z3_ast r = build(S, T, t, lem_term_is_formula(S->L, t), 0);
  if (!r && S->zerr) lem_error(S->L, LEM_ESMT, "z3: %s", S->zmsg);
  smt_leave(saved);
  return r;
}

/* ---- proving ground statements ---- */

static smt_verdict verdict_of(smt_status st) {
  switch (st) {
    case SMT_UNSAT: return SMT_PROVED;
    case SMT_SAT: return SMT_REFUTED;
    case SMT_UNKNOWN: return SMT_UNDECIDED;
    default: return SMT_FAILED;
  }
}

smt_verdict smt_prove_ground(smt_solver *S, const smt_nat_table *T,
                             lem_term t, smt_result *out) {
  lem_ctx *L = S->L;
  smt_result_free(L, out);
  if (!lem_term_is_formula(L, t)) {
    lem_error(L, LEM_EINVAL, "smt_prove_ground: not a statement");
    return fail_lem(L, out), SMT_FAILED;
  }
  lem_buf b = {0};
  if (lem_buf_puts(L, &b, "(assert (not ") || smt_nat_text(L, T, t, &b) ||
      lem_buf_puts(L, &b, "))\n(check-sat)\n")) {
    lem_buf_free(L, &b);
    return fail_lem(L, out), SMT_FAILED;
  }
  smt_solver *saved = smt_enter(S);
  smt_status st;
  Z3_solver_reset(S->z, S->s);
  Z3_ast p = failed(S) ? NULL : build(S, T, t, 1, 0);
  Z3_ast np = p ? Z3_mk_not(S->z, p) : NULL;
  if (np && !failed(S)) Z3_solver_assert(S->z, S->s, np);
  if (p) Z3_dec_ref(S->z, p);
  if (failed(S)) st = fail_z3(S, out);
  else if (!p) st = fail_lem(L, out);
  else st = run_check(S, out, NULL);
  smt_leave(saved);
  if (st != SMT_ERROR) {
    out->query = lem_strndup(L, b.p, b.len);
    if (!out->query) st = fail_lem(L, out);
    else out->querylen = b.len;
  }
  lem_buf_free(L, &b);
  return verdict_of(st);
}

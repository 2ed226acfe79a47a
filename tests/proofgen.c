/*
** proofgen.c: hand-built proofs for the tests (see proofgen.h).
**
** Every conclusion below is written out as MPL text by hand, not computed,
** so the checker is tested against an independent statement of each rule.
*/
#include "proofgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TOY "(&(p[a])(&(>[x](p[x])(q[x]))(&(>[x](p[x])!(>[y](r[x,y])!(p[y])))" \
            "(&(>[x,y](&(r[x,y])(p[y]))(t[x]))(=[a,b])))))"
#define NAT "(&(in[i0,N])(&(ev[i0])(>[x,y](&(in2[x,y,s])(ev[x]))(ev[y]))))"

const char pg_theory_text[] =
    "relation p[x] : (elem);\n"
    "relation q[x] : (elem);\n"
    "relation r[x,y] : (elem, elem);\n"
    "relation t[x] : (elem);\n"
    "relation in[x,N] : (elem, set);\n"
    "relation in2[x,y,f] : (in, out, op);\n"
    "relation ev[x] : (elem);\n"
    "define pq[x] := (&(p[x])(q[x]));\n"
    "anchor Toy[a,b,N,i0,s] := (&" TOY NAT ");\n";

lem_term pg_expr(pg_world *w, const char *text) {
  lem_term t = lem_read_expr(w->L, text, strlen(text), "proofgen");
  if (!t) {
    fprintf(stderr, "proofgen: %s in %s\n", lem_errmsg(w->L), text);
    abort();
  }
  return t;
}

int pg_theory(lem_ctx *L, lem_theory **T, lem_induction *ind) {
  if (lem_theory_load_text(L, pg_theory_text, strlen(pg_theory_text),
                           "toy.mpl", T))
    return -1;
  ind->x = lem_mk_var(L, lem_sym_cstr(L, "x"), 0);
  ind->y = lem_mk_var(L, lem_sym_cstr(L, "y"), 0);
  static const char m[] = "(>[x](in[x,N])(in[x,N]))";
  static const char s[] = "(>[x,y](in2[x,y,s])(in2[x,y,s]))";
  ind->member = lem_read_expr(L, m, sizeof m - 1, "induction");
  ind->succ = lem_read_expr(L, s, sizeof s - 1, "induction");
  if (!ind->member || !ind->succ) return -1;
  ind->member = lem_all_prem(L, ind->member); /* in[x,N] with x a VAR */
  ind->succ = lem_all_prem(L, ind->succ);
  ind->zero = lem_mk_const(L, lem_sym_cstr(L, "i0"));
  return ind->zero ? 0 : -1;
}

/* ---- step helpers ---- */

static uint32_t mk(pg_world *w, uint32_t b, lem_rule r, const char *concl,
                   uint32_t np, const uint32_t *prem, lem_step_spec *x) {
  lem_step_spec sp = x ? *x : (lem_step_spec){0};
  sp.block = b;
  sp.rule = r;
  sp.concl = pg_expr(w, concl);
  sp.nprem = np;
  sp.prem = prem;
  uint32_t id = lem_proof_add_step(w->P, &sp);
  if (!id) abort();
  return id;
}
#define S0(b, r, c) mk(w, (b), (r), (c), 0, NULL, NULL)
#define SN(b, r, c, x, ...)                                         \
  mk(w, (b), (r), (c),                                              \
     (uint32_t)(sizeof((uint32_t[]){__VA_ARGS__}) / sizeof(uint32_t)), \
     (uint32_t[]){__VA_ARGS__}, (x))

static lem_term C(pg_world *w, const char *n) {
  return lem_mk_const(w->L, lem_sym_cstr(w->L, n));
}
static lem_term V(pg_world *w, const char *n) {
  return lem_mk_var(w->L, lem_sym_cstr(w->L, n), 0);
}

/* mp with substitution vars := vals (names). */
static lem_step_spec *subst(pg_world *w, lem_step_spec *x, uint32_t n,
                            const char *const *vars, const char *const *vals,
                            lem_term *tv, lem_term *tc) {
  for (uint32_t i = 0; i < n; i++) tv[i] = V(w, vars[i]), tc[i] = C(w, vals[i]);
  *x = (lem_step_spec){.nsubst = n, .svar = tv, .sval = tc};
  return x;
}

static uint32_t thm(pg_world *w, const char *name, const char *stmt) {
  uint32_t t = lem_proof_add_theorem(w->P, name, pg_expr(w, stmt),
                                     LEM_TK_GOAL, LEM_TS_PROVED);
  if (!t || !lem_proof_add_block(w->P, t, 0, LEM_BK_ROOT, 0, NULL, 0, NULL))
    abort();
  return t;
}
static uint32_t root(pg_world *w, uint32_t t) { return w->P->thms[t - 1].root; }

/* T1: q[a] by axiom, and_l, and_r, mp.  Returns the theorem id. */
static uint32_t t_q_a(pg_world *w) {
  uint32_t t = thm(w, "q_a", "(q[a])"), b = root(w, t);
  lem_step_spec x;
  lem_term tv[2], tc[2];
  uint32_t ax = S0(b, LEM_R_AXIOM, "(&" TOY NAT ")");
  uint32_t toy = SN(b, LEM_R_AND_L, TOY, NULL, ax);
  uint32_t pa = SN(b, LEM_R_AND_L, "(p[a])", NULL, toy);
  uint32_t r1 = SN(b, LEM_R_AND_R, "(&(>[x](p[x])(q[x]))(&(>[x](p[x])!(>[y](r[x,y])!(p[y])))"
                   "(&(>[x,y](&(r[x,y])(p[y]))(t[x]))(=[a,b]))))", NULL, toy);
  uint32_t rule = SN(b, LEM_R_AND_L, "(>[x](p[x])(q[x]))", NULL, r1);
  uint32_t qa = SN(b, LEM_R_MP, "(q[a])",
                   subst(w, &x, 1, (const char *[]){"x"},
                         (const char *[]){"a"}, tv, tc), rule, pa);
  lem_proof_set_final(w->P, t, qa);
  return t;
}

/* T2: pq[a] by theorem, and_i, fold, expand, fold. */
static void t_pq_a(pg_world *w, uint32_t t1) {
  uint32_t t = thm(w, "pq_a", "(pq[a])"), b = root(w, t);
  lem_step_spec x = {.thmref = t1};
  lem_term tv[1], tc[1];
  uint32_t qa = mk(w, b, LEM_R_THEOREM, "(q[a])", 0, NULL, &x);
  uint32_t ax = S0(b, LEM_R_AXIOM, "(&" TOY NAT ")");
  uint32_t toy = SN(b, LEM_R_AND_L, TOY, NULL, ax);
  uint32_t pa = SN(b, LEM_R_AND_L, "(p[a])", NULL, toy);
  uint32_t both = SN(b, LEM_R_AND_I, "(&(p[a])(q[a]))", NULL, pa, qa);
  subst(w, &x, 1, (const char *[]){"x"}, (const char *[]){"a"}, tv, tc);
  x.def = lem_sym_cstr(w->L, "pq");
  uint32_t f1 = SN(b, LEM_R_FOLD, "(pq[a])", &x, both);
  uint32_t ex = SN(b, LEM_R_EXPAND, "(&(p[a])(q[a]))", &x, f1);
  uint32_t f2 = SN(b, LEM_R_FOLD, "(pq[a])", &x, ex);
  lem_proof_set_final(w->P, t, f2);
}

/* T3: (>[x](p[x])(t[x])) by intro over exists and mp. */
static void t_p_t(pg_world *w) {
  uint32_t t = thm(w, "p_implies_t", "(>[x](p[x])(t[x]))"), b = root(w, t);
  lem_term c = C(w, "_c1"), h = pg_expr(w, "(p[_c1])"), wit = C(w, "_w1");
  uint32_t cb = lem_proof_add_block(w->P, t, b, LEM_BK_INTRO, 1, &c, 1, &h);
  lem_step_spec x;
  lem_term tv[2], tc[2];
  uint32_t hp = S0(cb, LEM_R_HYP, "(p[_c1])");
  uint32_t ax0 = S0(b, LEM_R_AXIOM, "(&" TOY NAT ")");
  uint32_t ax = SN(cb, LEM_R_REIT, "(&" TOY NAT ")", NULL, ax0);
  uint32_t toy = SN(cb, LEM_R_AND_L, TOY, NULL, ax);
  uint32_t r1 = SN(cb, LEM_R_AND_R, "(&(>[x](p[x])(q[x]))(&(>[x](p[x])!(>[y](r[x,y])!(p[y])))"
                   "(&(>[x,y](&(r[x,y])(p[y]))(t[x]))(=[a,b]))))", NULL, toy);
  uint32_t r2 = SN(cb, LEM_R_AND_R, "(&(>[x](p[x])!(>[y](r[x,y])!(p[y])))"
                   "(&(>[x,y](&(r[x,y])(p[y]))(t[x]))(=[a,b])))", NULL, r1);
  uint32_t rex = SN(cb, LEM_R_AND_L, "(>[x](p[x])!(>[y](r[x,y])!(p[y])))", NULL, r2);
  uint32_t r3 = SN(cb, LEM_R_AND_R, "(&(>[x,y](&(r[x,y])(p[y]))(t[x]))(=[a,b]))",
                   NULL, r2);
  uint32_t rt = SN(cb, LEM_R_AND_L, "(>[x,y](&(r[x,y])(p[y]))(t[x]))", NULL, r3);
  uint32_t e = SN(cb, LEM_R_MP, "!(>[y](r[_c1,y])!(p[y]))",
                  subst(w, &x, 1, (const char *[]){"x"},
                        (const char *[]){"_c1"}, tv, tc), rex, hp);
  lem_step_spec xw = {.nwit = 1, .wit = &wit};
  uint32_t rp = SN(cb, LEM_R_EXISTS, "(&(r[_c1,_w1])(p[_w1]))", &xw, e);
  uint32_t r = SN(cb, LEM_R_AND_L, "(r[_c1,_w1])", NULL, rp);
  uint32_t p = SN(cb, LEM_R_AND_R, "(p[_w1])", NULL, rp);
  uint32_t tt = SN(cb, LEM_R_MP, "(t[_c1])",
                   subst(w, &x, 2, (const char *[]){"x", "y"},
                         (const char *[]){"_c1", "_w1"}, tv, tc), rt, r, p);
  lem_step_spec xi = {.nkids = 1, .kids = {cb}};
  uint32_t in = SN(b, LEM_R_INTRO, "(>[x](p[x])(t[x]))", &xi, tt);
  lem_proof_set_final(w->P, t, in);
}

/* T4: q[b] by theorem, eq_subst; then eq_refl and a (trivial) eq_subst. */
static void t_q_b(pg_world *w, uint32_t t1) {
  uint32_t t = thm(w, "q_b", "(q[b])"), b = root(w, t);
  lem_step_spec x = {.thmref = t1};
  uint32_t qa = mk(w, b, LEM_R_THEOREM, "(q[a])", 0, NULL, &x);
  uint32_t refl = S0(b, LEM_R_EQ_REFL, "(=[b,b])");
  uint32_t ax = S0(b, LEM_R_AXIOM, "(&" TOY NAT ")");
  uint32_t toy = SN(b, LEM_R_AND_L, TOY, NULL, ax);
  uint32_t r = toy;
  static const char *const rest[] = {
      "(&(>[x](p[x])(q[x]))(&(>[x](p[x])!(>[y](r[x,y])!(p[y])))"
      "(&(>[x,y](&(r[x,y])(p[y]))(t[x]))(=[a,b]))))",
      "(&(>[x](p[x])!(>[y](r[x,y])!(p[y])))"
      "(&(>[x,y](&(r[x,y])(p[y]))(t[x]))(=[a,b])))",
      "(&(>[x,y](&(r[x,y])(p[y]))(t[x]))(=[a,b]))", "(=[a,b])"};
  for (int i = 0; i < 4; i++) r = SN(b, LEM_R_AND_R, rest[i], NULL, r);
  uint32_t qb = SN(b, LEM_R_EQ_SUBST, "(q[b])", NULL, r, qa);
  uint32_t qb2 = SN(b, LEM_R_EQ_SUBST, "(q[b])", NULL, refl, qb);
  lem_proof_set_final(w->P, t, qb2);
}

/* T5: (>[x](&(p[x])!(p[x]))(q[x])) by intro over contra. */
static void t_contra(pg_world *w) {
  uint32_t t = thm(w, "ex_falso", "(>[x](&(p[x])!(p[x]))(q[x]))"),
           b = root(w, t);
  lem_term c = C(w, "_c2"), h[2] = {pg_expr(w, "(p[_c2])"),
                                    pg_expr(w, "!(p[_c2])")};
  uint32_t cb = lem_proof_add_block(w->P, t, b, LEM_BK_INTRO, 1, &c, 2, h);
  uint32_t h1 = S0(cb, LEM_R_HYP, "(p[_c2])");
  uint32_t h2 = S0(cb, LEM_R_HYP, "!(p[_c2])");
  uint32_t q = SN(cb, LEM_R_CONTRA, "(q[_c2])", NULL, h1, h2);
  lem_step_spec xi = {.nkids = 1, .kids = {cb}};
  uint32_t in = SN(b, LEM_R_INTRO, "(>[x](&(p[x])!(p[x]))(q[x]))", &xi, q);
  lem_proof_set_final(w->P, t, in);
}

/* T8: !(&(p[a])!(p[a])) by neg_intro over contra. */
static void t_neg(pg_world *w) {
  uint32_t t = thm(w, "no_p_and_not_p", "!(&(p[a])!(p[a]))"), b = root(w, t);
  lem_term h[2] = {pg_expr(w, "(p[a])"), pg_expr(w, "!(p[a])")};
  uint32_t cb = lem_proof_add_block(w->P, t, b, LEM_BK_INTRO, 0, NULL, 2, h);
  uint32_t h1 = S0(cb, LEM_R_HYP, "(p[a])");
  uint32_t h2 = S0(cb, LEM_R_HYP, "!(p[a])");
  uint32_t q = SN(cb, LEM_R_CONTRA, "!(&(p[a])!(p[a]))", NULL, h1, h2);
  lem_step_spec xi = {.nkids = 1, .kids = {cb}};
  uint32_t ni = SN(b, LEM_R_NEG_INTRO, "!(&(p[a])!(p[a]))", &xi, q);
  lem_proof_set_final(w->P, t, ni);
}

/* T6: (>[n](in[n,N])(ev[n])) by induction. */
static void t_induct(pg_world *w) {
  uint32_t t = thm(w, "all_ev", "(>[n](in[n,N])(ev[n]))"), b = root(w, t);
  lem_term cs[2] = {C(w, "_n1"), C(w, "_m1")};
  lem_term hs[3] = {pg_expr(w, "(in[_n1,N])"), pg_expr(w, "(in2[_n1,_m1,s])"),
                    pg_expr(w, "(ev[_n1])")};
  uint32_t bb = lem_proof_add_block(w->P, t, b, LEM_BK_BASE, 0, NULL, 0, NULL);
  uint32_t sb = lem_proof_add_block(w->P, t, b, LEM_BK_STEP, 2, cs, 3, hs);
  uint32_t ax = S0(b, LEM_R_AXIOM, "(&" TOY NAT ")");
  uint32_t nat = SN(b, LEM_R_AND_R, NAT, NULL, ax);
  uint32_t n2 = SN(b, LEM_R_AND_R, "(&(ev[i0])(>[x,y](&(in2[x,y,s])(ev[x]))(ev[y])))",
                   NULL, nat);
  uint32_t ev0 = SN(bb, LEM_R_AND_L, "(ev[i0])", NULL, n2);
  uint32_t rule = SN(sb, LEM_R_AND_R, "(>[x,y](&(in2[x,y,s])(ev[x]))(ev[y]))",
                     NULL, n2);
  uint32_t h2 = S0(sb, LEM_R_HYP, "(in2[_n1,_m1,s])");
  uint32_t h3 = S0(sb, LEM_R_HYP, "(ev[_n1])");
  lem_step_spec x;
  lem_term tv[2], tc[2];
  uint32_t evm = SN(sb, LEM_R_MP, "(ev[_m1])",
                    subst(w, &x, 2, (const char *[]){"x", "y"},
                          (const char *[]){"_n1", "_m1"}, tv, tc),
                    rule, h2, h3);
  lem_step_spec xi = {.nkids = 2, .kids = {bb, sb}};
  uint32_t in = SN(b, LEM_R_INDUCT, "(>[n](in[n,N])(ev[n]))", &xi, ev0, evm);
  lem_proof_set_final(w->P, t, in);
}

/* T7: q[a] by an smt step from p[a] (the query is not re-run). */
static void t_smt(pg_world *w) {
  uint32_t t = thm(w, "q_a_smt", "(q[a])"), b = root(w, t);
  uint32_t ax = S0(b, LEM_R_AXIOM, "(&" TOY NAT ")");
  uint32_t toy = SN(b, LEM_R_AND_L, TOY, NULL, ax);
  uint32_t pa = SN(b, LEM_R_AND_L, "(p[a])", NULL, toy);
  lem_step_spec x = {.query = "(declare-const a U)(assert (p a))"
                              "(assert (not (q a)))(check-sat)",
                     .answer = "unsat"};
  uint32_t qa = SN(b, LEM_R_SMT, "(q[a])", &x, pa);
  uint32_t both = SN(b, LEM_R_AND_I, "(&(p[a])(q[a]))", NULL, pa, qa);
  uint32_t q = SN(b, LEM_R_AND_R, "(q[a])", NULL, both);
  lem_proof_set_final(w->P, t, q);
}

int pg_build(pg_world *w) {
  memset(w, 0, sizeof *w);
  if (!(w->L = lem_ctx_new(NULL, NULL, 0))) return -1;
  if (pg_theory(w->L, &w->T, &w->ind) || !(w->P = lem_proof_new(w->L))) {
    pg_free(w);
    return -1;
  }
  uint32_t t1 = t_q_a(w);
  t_pq_a(w, t1);
  t_p_t(w);
  t_q_b(w, t1);
  t_contra(w);
  t_induct(w);
  t_smt(w);
  t_neg(w);
  return 0;
}

void pg_free(pg_world *w) {
  if (!w->L) return;
  lem_proof_free(w->P);
  lem_theory_free(w->L, w->T);
  lem_ctx_free(w->L);
  memset(w, 0, sizeof *w);
}

int pg_write_db(pg_world *w, const char *path) {
  unlink(path);
  lem_store *S = NULL;
  if (lem_store_open(w->L, path, LEM_STORE_WRITE, &S)) return -1;
  int rc = lem_store_begin_run(S, "test", "", "toy") ||
           lem_store_write_theory(S, "toy", pg_theory_text,
                                  strlen(pg_theory_text));
  for (uint32_t t = 1; !rc && t <= w->P->nthms; t++)
    rc = lem_store_write_theorem(S, w->P, t) != LEM_OK;
  lem_store_close(S);
  return rc ? -1 : 0;
}

/*
** test_mpl.c: the MPL reader, the manifest reader and its checks.
**
** Covers: the peano corpus (theory structure, every goal), print -> read
** round trips (definition bodies, the axiom, goals, and random generated
** formulas), one test per error class with its exact "file:line:col:"
** prefix, robustness (truncations, seeded byte mutations, deep nesting, the
** size limit), and out-of-memory at many allocator limits with no leak.
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"
#include "mpl.h"
#include "sym.h"
#include "term.h"

#define PEANO TOP_SRCDIR "/corpus/peano"

static lem_ctx *L;
static void setup(void) { L = lem_ctx_new(NULL, NULL, 0); }
static void teardown(void) { lem_ctx_free(L); }
TestSuite(mpl, .init = setup, .fini = teardown);

/* ---- helpers ---- */

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  cr_assert_not_null(f, "cannot open %s", path);
  size_t cap = 1 << 16, n = 0;
  char *b = malloc(cap);
  size_t got;
  while ((got = fread(b + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (n + 1 >= cap) b = realloc(b, cap *= 2);
  }
  fclose(f);
  b[n] = 0;
  if (len) *len = n;
  return b;
}

/* The peano manifest with NaturalNumbers.mpl inlined, as one text. */
static char *peano_text(size_t *len) {
  char *man = slurp(PEANO "/theory.mpl", NULL);
  char *nn = slurp(PEANO "/NaturalNumbers.mpl", NULL);
  const char *from = "from \"NaturalNumbers.mpl\"";
  char *at = strstr(man, from);
  cr_assert_not_null(at);
  size_t n = strlen(man) + strlen(nn) + 8;
  char *out = malloc(n);
  snprintf(out, n, "%.*s:= %s%s", (int)(at - man), man, nn,
           at + strlen(from));
  free(man);
  free(nn);
  if (len) *len = strlen(out);
  return out;
}

static lem_theory *load_peano(void) {
  lem_theory *T = NULL;
  lem_err e = lem_theory_load(L, PEANO, &T);
  cr_assert_eq(e, LEM_OK, "%s", lem_errmsg(L));
  cr_assert_not_null(T);
  return T;
}

static lem_sym S(const char *s) { return lem_sym_cstr(L, s); }
static const char *name_of(lem_term t) {
  return lem_sym_name(L, lem_term_sym(L, t));
}

/* Load text as "t.mpl"; it must fail with code, a message starting with
** prefix and holding each keyword. */
static void expect_err(const char *text, lem_err code, const char *prefix,
                       const char *kw1, const char *kw2) {
  lem_theory *T = (lem_theory *)1;
  lem_err e = lem_theory_load_text(L, text, strlen(text), "t.mpl", &T);
  const char *m = lem_errmsg(L);
  cr_assert_eq(e, code, "code %d (%s) for:\n%s", e, m, text);
  cr_assert_null(T);
  cr_assert_eq(strncmp(m, prefix, strlen(prefix)), 0,
               "message '%s' does not start with '%s'", m, prefix);
  if (kw1) cr_assert_not_null(strstr(m, kw1), "'%s' lacks '%s'", m, kw1);
  if (kw2) cr_assert_not_null(strstr(m, kw2), "'%s' lacks '%s'", m, kw2);
}

static const char *PRE = "relation in[x,X] : (elem, set);\n";

static void expect_err2(const char *body, lem_err code, const char *prefix,
                        const char *kw1, const char *kw2) {
  char buf[4096];
  snprintf(buf, sizeof buf, "%s%s", PRE, body);
  expect_err(buf, code, prefix, kw1, kw2);
}

/* Read a goal against T, expecting failure with prefix and keyword. */
static void expect_goal_err(const lem_theory *T, const char *text,
                            const char *prefix, const char *kw) {
  lem_term g = lem_read_formula(L, T, text, strlen(text), "g", 3, 5);
  const char *m = lem_errmsg(L);
  cr_assert_eq(g, LEM_NOTERM);
  cr_assert_eq(strncmp(m, prefix, strlen(prefix)), 0, "'%s' vs '%s'", m,
               prefix);
  cr_assert_not_null(strstr(m, kw), "'%s' lacks '%s'", m, kw);
}

/* ---- the corpus ---- */

Test(mpl, peano_structure) {
  lem_theory *T = load_peano();
  cr_assert_str_eq(lem_sym_name(L, T->name), "peano");
  cr_assert_eq(T->nrels, 3);
  const lem_reldecl *in3 = lem_theory_rel(T, S("in3"));
  cr_assert_not_null(in3);
  cr_assert_eq(in3->arity, 4);
  cr_assert_eq(in3->roles[0], LEM_ROLE_IN);
  cr_assert_eq(in3->roles[1], LEM_ROLE_IN);
  cr_assert_eq(in3->roles[2], LEM_ROLE_OUT);
  cr_assert_eq(in3->roles[3], LEM_ROLE_OP);
  cr_assert_eq(lem_theory_rel(T, S("in"))->roles[1], LEM_ROLE_SET);
  cr_assert_eq(in3->params[3], S("f"));

  /* dependency order: fXY, fXYZ before NaturalNumbers before Peano */
  cr_assert_eq(T->ndefs, 4);
  int pos[4] = {-1, -1, -1, -1};
  const char *order[4] = {"fXY", "fXYZ", "NaturalNumbers", "Peano"};
  for (uint32_t i = 0; i < T->ndefs; i++)
    for (int k = 0; k < 4; k++)
      if (T->defs[i].name == S(order[k])) pos[k] = (int)i;
  for (int k = 0; k < 4; k++) cr_assert_geq(pos[k], 0, "%s", order[k]);
  cr_assert_lt(pos[0], pos[2]);
  cr_assert_lt(pos[1], pos[2]);
  cr_assert_lt(pos[2], pos[3]);

  /* NaturalNumbers came from its own file; its location is the statement */
  const lem_def *nn = lem_theory_def(T, S("NaturalNumbers"));
  cr_assert_eq(nn->nparams, 5);
  cr_assert_eq(lem_term_kind(L, nn->params[3]), LEM_VAR);
  cr_assert_str_eq(name_of(nn->params[3]), "+");
  cr_assert_eq(lem_term_kind(L, nn->body), LEM_AND);
  lem_term first = lem_term_arg(L, nn->body, 0); /* in[i0,N] */
  cr_assert_eq(lem_term_kind(L, first), LEM_REL);
  cr_assert_str_eq(name_of(first), "in");
  cr_assert_eq(lem_term_arg(L, first, 0), nn->params[1]);
  cr_assert_eq(lem_term_arg(L, first, 1), nn->params[0]);
  cr_assert_not_null(strstr(nn->loc.file, "theory.mpl"));
  int seen_nn = 0;
  for (uint32_t i = 0; i < T->nfiles; i++)
    seen_nn |= strstr(T->files[i], "NaturalNumbers.mpl") != NULL;
  cr_assert(seen_nn);

  /* fXY: three conjuncts, the second an existence claim !(>[y]...!(...)) */
  const lem_def *fxy = lem_theory_def(T, S("fXY"));
  lem_term tot = lem_term_arg(L, lem_term_arg(L, fxy->body, 1), 0);
  cr_assert_eq(lem_term_kind(L, tot), LEM_ALL);
  cr_assert_eq(lem_all_nvars(L, tot), 1);
  cr_assert_eq(lem_term_kind(L, lem_all_concl(L, tot)), LEM_NOT);

  /* the anchor, constants and axiom */
  cr_assert_not_null(T->anchor);
  cr_assert_eq(T->anchor, lem_theory_def(T, S("Peano")));
  cr_assert_eq(T->nconsts, 6);
  const char *cn[6] = {"N", "i0", "s", "+", "*", "i1"};
  for (int i = 0; i < 6; i++) {
    cr_assert_eq(lem_term_kind(L, T->consts[i]), LEM_CONST);
    cr_assert_str_eq(name_of(T->consts[i]), cn[i]);
  }
  cr_assert(lem_term_ground(L, T->axiom));
  cr_assert_eq(lem_term_kind(L, T->axiom), LEM_AND);
  lem_term nnat = lem_term_arg(L, T->axiom, 0);
  cr_assert_eq(lem_term_sym(L, nnat), S("NaturalNumbers"));
  for (uint32_t i = 0; i < 5; i++)
    cr_assert_eq(lem_term_arg(L, nnat, i), T->consts[i]);
  lem_term one = lem_term_arg(L, T->axiom, 1);
  lem_term want[3] = {T->consts[1], T->consts[5], T->consts[2]};
  cr_assert_eq(one, lem_mk_rel(L, S("in2"), 3, want));

  /* notations */
  cr_assert_eq(T->nnotations, 3);
  const lem_notation *n2 = lem_theory_notation(T, S("in2"));
  cr_assert_str_eq(n2->tmpl, "{f}({x}) = {y}");
  cr_assert_str_eq(lem_theory_notation(T, S("in"))->tmpl, "{x} ∈ {X}");
  cr_assert(lem_bank_check(L));
  lem_theory_free(L, T);
}

Test(mpl, load_by_manifest_path_and_text) {
  lem_theory *T = NULL;
  cr_assert_eq(lem_theory_load(L, PEANO "/theory.mpl", &T), LEM_OK, "%s",
               lem_errmsg(L));
  lem_term ax = T->axiom;
  cr_assert_str_eq(lem_sym_name(L, T->name), "peano");
  lem_theory_free(L, T);
  size_t n;
  char *text = peano_text(&n);
  cr_assert_eq(lem_theory_load_text(L, text, n, "peano.mpl", &T), LEM_OK,
               "%s", lem_errmsg(L));
  cr_assert_eq(T->axiom, ax); /* the same theory, the same axiom id */
  cr_assert_str_eq(lem_sym_name(L, T->name), "peano");
  lem_theory_free(L, T);
  free(text);
}

/* The goal lines of corpus/peano/goals (comments and blanks skipped). */
static int goal_lines(char ***out, int **lineno) {
  char *all = slurp(PEANO "/goals", NULL);
  char **v = calloc(64, sizeof *v);
  int *ln = calloc(64, sizeof *ln), n = 0, line = 0;
  for (char *s = strtok(all, "\n"); s; s = strtok(NULL, "\n")) {
    line++;
    if (*s == '#' || *s == 0) continue;
    ln[n] = line;
    v[n++] = strdup(s);
  }
  free(all);
  *out = v;
  *lineno = ln;
  return n;
}

Test(mpl, every_goal_reads) {
  lem_theory *T = load_peano();
  char **g;
  int *ln;
  int n = goal_lines(&g, &ln);
  cr_assert_eq(n, 10);
  lem_term ids[10];
  for (int i = 0; i < n; i++) {
    ids[i] = lem_read_formula(L, T, g[i], strlen(g[i]), "goals",
                              (uint32_t)ln[i], 1);
    cr_assert_neq(ids[i], LEM_NOTERM, "goal %d: %s", i, lem_errmsg(L));
    cr_assert_eq(lem_term_kind(L, ids[i]), LEM_ALL);
    cr_assert(lem_term_ground(L, ids[i]) == 0 || 1);
    char *s = lem_term_str(L, ids[i]);
    cr_assert_eq(lem_read_formula(L, T, s, strlen(s), "p", 1, 1), ids[i]);
    lem_free(L, s, strlen(s) + 1);
  }
  /* goal 3 is a+b=b+a: (>[a,b,c](in3[a,b,c,+])(in3[b,a,c,+])) */
  cr_assert_eq(lem_all_nvars(L, ids[2]), 3);
  lem_term prem = lem_all_prem(L, ids[2]);
  cr_assert_eq(lem_term_sym(L, prem), S("in3"));
  cr_assert_eq(lem_term_kind(L, lem_term_arg(L, prem, 0)), LEM_VAR);
  cr_assert_eq(lem_term_arg(L, prem, 3), T->consts[3]);
  /* goal 1 mentions i0 as a constant */
  lem_term c1 = lem_all_concl(L, ids[0]);
  cr_assert_eq(lem_term_arg(L, c1, 0), T->consts[1]);
  /* all ten are different */
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++) cr_assert_neq(ids[i], ids[j]);
  /* a trailing comment is fine */
  const char *c = "(>[a](in[a,N])(in3[i0,a,a,+]))  # 0+a=a";
  cr_assert_eq(lem_read_formula(L, T, c, strlen(c), "g", 1, 1), ids[0]);
  for (int i = 0; i < n; i++) free(g[i]);
  free(g);
  free(ln);
  lem_theory_free(L, T);
}

Test(mpl, goals_file_reader) {
  lem_theory *T = load_peano();
  lem_term *g;
  uint32_t n;
  cr_assert_eq(lem_read_goals(L, T, PEANO "/goals", &g, &n), LEM_OK, "%s",
               lem_errmsg(L));
  cr_assert_eq(n, 10);
  const char *c = "(>[a,b,c](in3[a,b,c,+])(in3[b,a,c,+]))";
  cr_assert_eq(g[2], lem_read_formula(L, T, c, strlen(c), "c", 1, 1));
  lem_free(L, g, n * sizeof *g);
  /* the first bad line's error, with its line and column */
  const char *t = "# c\n\n  (in[i0,N]) # ok\n\t (in[q,N])\n(in[N,N])\n";
  cr_assert_eq(lem_read_goals_text(L, T, t, strlen(t), "gl", &g, &n),
               LEM_ESEMANTIC);
  cr_assert_null(g);
  cr_assert_eq(n, 0);
  cr_assert_eq(strncmp(lem_errmsg(L), "gl:4:7: unbound variable 'q'", 28), 0,
               "%s", lem_errmsg(L));
  cr_assert_eq(lem_read_goals_text(L, T, "", 0, "gl", &g, &n), LEM_OK);
  cr_assert_eq(n, 0);
  cr_assert_eq(lem_read_goals(L, T, "/nonexistent/goals", &g, &n), LEM_EIO);
  lem_theory_free(L, T);
}

/* ---- round trips ---- */

Test(mpl, roundtrip_definitions_and_axiom) {
  lem_theory *T = load_peano();
  for (uint32_t i = 0; i < T->ndefs; i++) {
    const lem_def *d = &T->defs[i];
    char *s = lem_term_str(L, d->body);
    cr_assert_not_null(s);
    lem_term b = lem_read_body(L, T, d->nparams, d->params, s, strlen(s),
                               "body", 1, 1);
    cr_assert_eq(b, d->body, "%s: %s", lem_sym_name(L, d->name),
                 lem_errmsg(L));
    lem_free(L, s, strlen(s) + 1);
  }
  char *s = lem_term_str(L, T->axiom);
  cr_assert_eq(lem_read_formula(L, T, s, strlen(s), "ax", 1, 1), T->axiom,
               "%s", lem_errmsg(L));
  lem_free(L, s, strlen(s) + 1);
  /* a body is not a closed formula: params are not constants */
  const lem_def *fxy = lem_theory_def(T, S("fXY"));
  s = lem_term_str(L, fxy->body);
  cr_assert_eq(lem_read_formula(L, T, s, strlen(s), "b", 1, 1), LEM_NOTERM);
  cr_assert_not_null(strstr(lem_errmsg(L), "unbound"));
  lem_free(L, s, strlen(s) + 1);
  /* bad params are refused */
  lem_term notvar = T->consts[0];
  cr_assert_eq(lem_read_body(L, T, 1, &notvar, "(in[N,N])", 9, "b", 1, 1),
               LEM_NOTERM);
  cr_assert_eq(L->err, LEM_EINVAL);
  lem_theory_free(L, T);
}

/* A theory with operator-character names, a relation named ">", a 0-ary
** relation and a definition, for the random round trip. */
static const char *RT_THEORY =
    "relation p[x] : (elem);\n"
    "relation q[x,y] : (elem, elem);\n"
    "relation >[x,y] : (elem, elem);\n"
    "relation <=[x,y,z] : (in, in, out);\n"
    "relation z0[] : ();\n"
    "define D[a,b] := (&(q[a,b])!(>[a,b]));\n"
    "anchor Top[c1,+,N] := (&(p[c1])(>[](p[+])(z0[])));\n";

static const char *POOL[] = {"x",  "y",  "z",   "w",   "v1", "v_2",  "x'",
                             "a.b", "%t", "<",   ">",   "=",  "?q",   "|u|",
                             "~",  "-",  "::",  "$0",  "^",  "x>y", ":="};
#define NPOOL (sizeof POOL / sizeof POOL[0])

typedef struct rng {
  uint64_t s;
} rng;
static uint32_t rnd(rng *r, uint32_t n) {
  r->s = r->s * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)((r->s >> 33) % n);
}

static lem_term gen(rng *r, int depth, const char **scope, int ns,
                    const lem_theory *T) {
  uint32_t c = depth <= 0 ? 0 : rnd(r, 5);
  if (c <= 1) {
    static const struct {
      const char *n;
      uint32_t a;
    } rels[] = {{"p", 1}, {"q", 2}, {">", 2}, {"<=", 3}, {"z0", 0},
                {"=", 2}, {"D", 2}, {"Top", 3}};
    uint32_t k = rnd(r, 8);
    lem_term args[3];
    for (uint32_t i = 0; i < rels[k].a; i++) {
      uint32_t j = rnd(r, (uint32_t)ns + T->nconsts);
      args[i] = j < (uint32_t)ns ? lem_mk_var(L, S(scope[j]), 0)
                                 : T->consts[j - (uint32_t)ns];
    }
    return lem_mk_rel(L, S(rels[k].n), rels[k].a, args);
  }
  if (c == 2)
    return lem_mk_and(L, gen(r, depth - 1, scope, ns, T),
                      gen(r, depth - 1, scope, ns, T));
  if (c == 3) return lem_mk_not(L, gen(r, depth - 1, scope, ns, T));
  /* a quantifier over 0..3 names not yet in scope */
  const char *sc[64];
  if (ns) memcpy(sc, scope, (size_t)ns * sizeof *sc);
  int n2 = ns;
  lem_term vars[3];
  uint32_t nv = rnd(r, 4);
  for (uint32_t i = 0; i < nv && n2 < 60; i++) {
    const char *nm = POOL[rnd(r, NPOOL)];
    int clash = 0;
    for (int j = 0; j < n2; j++) clash |= strcmp(sc[j], nm) == 0;
    if (clash) {
      nv = i;
      break;
    }
    sc[n2++] = nm;
    vars[i] = lem_mk_var(L, S(nm), 0);
  }
  lem_term a = gen(r, depth - 1, sc, n2, T);
  lem_term b = gen(r, depth - 1, sc, n2, T);
  return lem_mk_all(L, nv, vars, a, b);
}

Test(mpl, roundtrip_random_formulas) {
  lem_theory *T = NULL;
  cr_assert_eq(lem_theory_load_text(L, RT_THEORY, strlen(RT_THEORY), "rt",
                                    &T),
               LEM_OK, "%s", lem_errmsg(L));
  rng r = {12345};
  for (int i = 0; i < 2000; i++) {
    lem_term t = gen(&r, 1 + (int)rnd(&r, 7), NULL, 0, T);
    cr_assert_neq(t, LEM_NOTERM);
    char *s = lem_term_str(L, t);
    lem_term u = lem_read_formula(L, T, s, strlen(s), "rnd", 1, 1);
    cr_assert_eq(u, t, "case %d: %s: %s", i, s, lem_errmsg(L));
    lem_free(L, s, strlen(s) + 1);
  }
  lem_theory_free(L, T);
}

Test(mpl, whitespace_and_gl_layout) {
  lem_theory *T = load_peano();
  const char *a = "(>[a,b,c](in3[a,b,c,+])(in3[b,a,c,+]))";
  const char *b = " ( >\n[ a ,b,\tc ]\n\t(in3 [a,b,c,+] )\r\n(in3[b,a,c,+])\n)";
  lem_term x = lem_read_formula(L, T, a, strlen(a), "a", 1, 1);
  cr_assert_neq(x, LEM_NOTERM, "%s", lem_errmsg(L));
  cr_assert_eq(lem_read_formula(L, T, b, strlen(b), "b", 1, 1), x, "%s",
               lem_errmsg(L));
  /* "=" is built in; #| block |# comments are blanks */
  const char *c = "(>[a,b]#| c |#(=[a,b])(=[b,a]))";
  cr_assert_neq(lem_read_formula(L, T, c, strlen(c), "c", 1, 1), LEM_NOTERM,
                "%s", lem_errmsg(L));
  lem_theory_free(L, T);
}

/* ---- one test per error class ---- */

Test(mpl, err_unknown_relation) {
  expect_err2("define A[x] := (foo[x]);", LEM_ESEMANTIC,
              "t.mpl:2:17: ", "unknown relation", "'foo'");
}

Test(mpl, err_arity_mismatch) {
  expect_err2("define A[x] := (in[x]);", LEM_ESEMANTIC, "t.mpl:2:17: ",
              "arity mismatch", "takes 2 arguments, found 1");
  /* a defined name's arity is its parameter count; "=" takes 2 */
  expect_err2("define A[x] := (in[x,x]);\ndefine B[y] := (A[y,y]);",
              LEM_ESEMANTIC, "t.mpl:3:17: ", "arity mismatch", "'A'");
  expect_err2("define A[x] := (=[x]);", LEM_ESEMANTIC, "t.mpl:2:17: ",
              "arity mismatch", "'='");
  /* roles must match the parameters */
  expect_err("relation r[x,y] : (elem);", LEM_ESEMANTIC, "t.mpl:1:19: ",
             "arity mismatch", "2 parameters but 1 role");
}

Test(mpl, err_unbound_variable) {
  expect_err2("define A[x] := (in[x,y]);", LEM_ESEMANTIC, "t.mpl:2:22: ",
              "unbound variable 'y'", "parameter");
  /* bound names go out of scope after their quantifier */
  expect_err2("define A[x] := (&(>[y](in[y,x])(in[x,y]))(in[y,x]));",
              LEM_ESEMANTIC, "t.mpl:2:46: ", "unbound variable 'y'", NULL);
}

Test(mpl, err_unbound_in_formula) {
  lem_theory *T = load_peano();
  /* Q is no constant; the text starts at g:3:5 */
  expect_goal_err(T, "(>[a](in[a,Q])(in[a,N]))", "g:3:16: ",
                  "unbound variable 'Q'");
  expect_goal_err(T, "(>[a](in[a,N])\n  (in[b,N]))", "g:4:7: ",
                  "theory constant");
  lem_theory_free(L, T);
}

Test(mpl, err_bound_twice_same_list) {
  expect_err2("define A[x] := (>[y,y](in[x,y])(in[y,x]));", LEM_ESEMANTIC,
              "t.mpl:2:21: ", "bound twice", "one list");
}

Test(mpl, err_bound_twice_shadows_parameter) {
  expect_err2("define A[x] := (>[x](in[x,x])(in[x,x]));", LEM_ESEMANTIC,
              "t.mpl:2:19: ", "bound twice", "parameter");
}

Test(mpl, err_bound_twice_shadows_enclosing) {
  expect_err2("define A[x] := (>[y](in[x,y])\n  (>[z,y](in[z,y])(in[y,x])));",
              LEM_ESEMANTIC, "t.mpl:3:8: ", "bound twice", "enclosing");
}

Test(mpl, err_bound_twice_shadows_constant) {
  lem_theory *T = load_peano();
  expect_goal_err(T, "(>[N](in[N,N])(in[N,N]))", "g:3:8: ",
                  "bound twice");
  lem_theory_free(L, T);
}

Test(mpl, err_parameter_listed_twice) {
  expect_err2("define A[x,y,x] := (in[x,y]);", LEM_ESEMANTIC, "t.mpl:2:14: ",
              "parameter 'x' listed twice", "2:10");
  expect_err("relation r[a,a] : (elem, elem);", LEM_ESEMANTIC, "t.mpl:1:14: ",
             "listed twice", NULL);
}

Test(mpl, err_declared_twice) {
  expect_err2("relation in[y,Y] : (elem, set);", LEM_ESEMANTIC, "t.mpl:2:1: ",
              "'in' declared twice", "1:1");
  expect_err2("define in[x,y] := (in[x,y]);", LEM_ESEMANTIC, "t.mpl:2:1: ",
              "declared twice", NULL);
  expect_err2("define A[x] := (in[x,x]);\ndefine A[y] := (in[y,y]);",
              LEM_ESEMANTIC, "t.mpl:3:1: ", "'A' declared twice", NULL);
  expect_err("relation =[a,b] : (elem, elem);", LEM_ESEMANTIC, "t.mpl:1:1: ",
             "declared twice", "built in");
  expect_err2("notation in[x,X] \"{x}\";\nnotation in[a,b] \"{b}\";",
              LEM_ESEMANTIC, "t.mpl:3:1: ", "declared twice", NULL);
  expect_err2("anchor A[x] := (in[x,x]);\nanchor B[y] := (in[y,y]);",
              LEM_ESEMANTIC, "t.mpl:3:1: ", "anchor declared twice", "'A'");
}

Test(mpl, err_cycle) {
  expect_err2("define A[x] := (B[x]);\ndefine B[x] := (&(in[x,x])(A[x]));",
              LEM_ESEMANTIC, "t.mpl:2:1: ", "cycle", "A -> B -> A");
  expect_err2("define C[x] := (in[x,x]);\ndefine A[x] := (&(C[x])(A[x]));",
              LEM_ESEMANTIC, "t.mpl:3:1: ", "cycle", "A -> A");
}

Test(mpl, err_unknown_statement) {
  expect_err2("\n  lemma X[x] := (in[x,x]);", LEM_ESYNTAX, "t.mpl:3:3: ",
              "unknown statement 'lemma'", NULL);
  expect_err("(in[x,X])", LEM_ESYNTAX, "t.mpl:1:1: ", "expected a statement",
             "found '('");
}

Test(mpl, err_unterminated_string) {
  expect_err2("notation in[x,X] \"{x} in {X};\n", LEM_ESYNTAX, "t.mpl:2:18: ",
              "unterminated string", "end of line");
  expect_err2("notation in[x,X] \"{x}", LEM_ESYNTAX, "t.mpl:2:18: ",
              "unterminated string", "end of file");
}

Test(mpl, err_unterminated_comment) {
  expect_err2("# fine\n  #| not closed\n", LEM_ESYNTAX, "t.mpl:3:3: ",
              "unterminated comment", "'|#'");
}

Test(mpl, err_bad_character) {
  expect_err2("define A[x] := (in[x,x]) @;", LEM_ESYNTAX, "t.mpl:2:26: ",
              "bad character '@'", NULL);
  expect_err2("define A[x] := (in[x,\xc3\xa9]);", LEM_ESYNTAX, "t.mpl:2:22: ",
              "bad character '\\xc3'", NULL);
  const char nul[] = "relation r[x] : (elem);\0";
  lem_theory *T;
  cr_assert_eq(lem_theory_load_text(L, nul, sizeof nul - 1, "t.mpl", &T),
               LEM_ESYNTAX);
  cr_assert_str_eq(lem_errmsg(L), "t.mpl:1:24: bad character '\\x00'");
}

Test(mpl, err_eof) {
  expect_err2("define A[x] := (&(in[x,x])\n", LEM_ESYNTAX, "t.mpl:3:1: ",
              "expected '(' or '!'", "found end of file");
  expect_err2("define A[x] := (in[x,x])", LEM_ESYNTAX, "t.mpl:2:25: ",
              "expected ';'", "end of file");
  expect_err2("relation r[x", LEM_ESYNTAX, "t.mpl:2:13: ",
              "expected ',' or ']'", "end of file");
}

Test(mpl, err_other_syntax) {
  expect_err2("define A[x] = (in[x,x]);", LEM_ESYNTAX, "t.mpl:2:13: ",
              "expected ':=' or 'from'", "found '='");
  expect_err2("relation r[x,y] : (elem, sets);", LEM_ESYNTAX, "t.mpl:2:26: ",
              "expected a role", "'sets'");
  expect_err2("define A[x] := (in[x,x]));", LEM_ESYNTAX, "t.mpl:2:25: ",
              "expected ';'", "found ')'");
  expect_err2("define A[x] := (&(in[x,x])(in[x,x])(in[x,x]));", LEM_ESYNTAX,
              "t.mpl:2:36: ", "expected ')'", NULL);
  expect_err2("define A[x] := ([x]);", LEM_ESYNTAX, "t.mpl:2:17: ",
              "expected '&', '>' or a relation name", NULL);
  expect_err2("notation in[x,X] \"{x} {Y}\";", LEM_ESEMANTIC, "t.mpl:2:18: ",
              "unbound variable 'Y'", "template");
  lem_theory *T = load_peano();
  expect_goal_err(T, "(in[i0,N]) (in[i0,N])", "g:3:16: ",
                  "expected end of input");
  lem_theory_free(L, T);
}

Test(mpl, err_from_files) {
  expect_err2("define A[x] from \"a.mpl\";", LEM_EIO, "t.mpl:2:18: ",
              "cannot read \"a.mpl\"", "loaded from text");
  lem_theory *T = (lem_theory *)1;
  cr_assert_eq(lem_theory_load(L, "/nonexistent/dir/theory.mpl", &T), LEM_EIO);
  cr_assert_null(T);
  cr_assert_eq(strncmp(lem_errmsg(L), "/nonexistent/dir/theory.mpl:1:1: ",
                       33), 0, "%s", lem_errmsg(L));
  /* a missing and a broken included file, in a temporary theory */
  char dir[] = "/tmp/lemma-mpl-XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  char p[256];
  snprintf(p, sizeof p, "%s/theory.mpl", dir);
  FILE *f = fopen(p, "w");
  fputs("relation in[x,X] : (elem, set);\ndefine B[x] from \"b.mpl\";\n", f);
  fclose(f);
  cr_assert_eq(lem_theory_load(L, dir, &T), LEM_EIO);
  char want[300];
  snprintf(want, sizeof want, "%s/theory.mpl:2:18: cannot read \"%s/b.mpl\"",
           dir, dir);
  cr_assert_eq(strncmp(lem_errmsg(L), want, strlen(want)), 0, "%s",
               lem_errmsg(L));
  snprintf(p, sizeof p, "%s/b.mpl", dir);
  f = fopen(p, "w");
  fputs("(&(in[x,x])\n  (in[x,y]))\n", f);
  fclose(f);
  cr_assert_eq(lem_theory_load(L, dir, &T), LEM_ESEMANTIC);
  snprintf(want, sizeof want, "%s/b.mpl:2:9: unbound variable 'y'", dir);
  cr_assert_eq(strncmp(lem_errmsg(L), want, strlen(want)), 0, "%s",
               lem_errmsg(L));
  f = fopen(p, "w");
  fputs("(in[x,x]) extra", f);
  fclose(f);
  cr_assert_eq(lem_theory_load(L, dir, &T), LEM_ESYNTAX);
  snprintf(want, sizeof want, "%s/b.mpl:1:11: expected end of file", dir);
  cr_assert_eq(strncmp(lem_errmsg(L), want, strlen(want)), 0, "%s",
               lem_errmsg(L));
  f = fopen(p, "w");
  fputs("(in[x,x])", f);
  fclose(f);
  cr_assert_eq(lem_theory_load(L, dir, &T), LEM_OK, "%s", lem_errmsg(L));
  cr_assert_eq(T->ndefs, 1);
  lem_theory_free(L, T);
  remove(p);
  snprintf(p, sizeof p, "%s/theory.mpl", dir);
  remove(p);
  rmdir(dir);
}

Test(mpl, err_size_limit) {
  size_t n = (16u << 20) + 1;
  char *big = malloc(n);
  memset(big, ' ', n);
  lem_theory *T;
  cr_assert_eq(lem_theory_load_text(L, big, n, "big.mpl", &T), LEM_ELIMIT);
  cr_assert_eq(strncmp(lem_errmsg(L), "big.mpl:1:1: ", 13), 0);
  lem_theory *P = load_peano();
  cr_assert_eq(lem_read_formula(L, P, big, n, "big", 1, 1), LEM_NOTERM);
  cr_assert_eq(L->err, LEM_ELIMIT);
  lem_theory_free(L, P);
  free(big);
}

Test(mpl, deep_nesting_is_a_clean_error) {
  size_t levels = 100000, n = levels * 2 + 64;
  char *s = malloc(n), *o = s;
  o += sprintf(o, "%s", "relation p[] : ();\ndefine A[] := ");
  for (size_t i = 0; i < levels; i++) *o++ = '(', *o++ = '&';
  *o = 0;
  lem_theory *T;
  cr_assert_eq(lem_theory_load_text(L, s, strlen(s), "deep.mpl", &T),
               LEM_ELIMIT);
  cr_assert_eq(strncmp(lem_errmsg(L), "deep.mpl:2:", 11), 0, "%s",
               lem_errmsg(L));
  cr_assert_not_null(strstr(lem_errmsg(L), "nested deeper than"));
  /* the same with negations, through lem_read_formula */
  lem_theory *P = load_peano();
  char *g = malloc(levels + 16);
  memset(g, '!', levels);
  strcpy(g + levels, "(in[i0,N])");
  cr_assert_eq(lem_read_formula(L, P, g, strlen(g), "g", 1, 1), LEM_NOTERM);
  cr_assert_eq(L->err, LEM_ELIMIT);
  /* 9,000 levels are fine */
  strcpy(g + 9000, "(in[i0,N])");
  lem_term t = lem_read_formula(L, P, g + 0, strlen(g), "g", 1, 1);
  cr_assert_neq(t, LEM_NOTERM, "%s", lem_errmsg(L));
  cr_assert_eq(lem_term_size(L, t), 9000 + 3);
  lem_theory_free(L, P);
  free(g);
  free(s);
}

/* ---- robustness ---- */

/* Either a theory or an error with a "fname:" message; never a crash. */
static void load_any(const char *text, size_t n, const char *fname) {
  lem_theory *T = (lem_theory *)1;
  lem_err e = lem_theory_load_text(L, text, n, fname, &T);
  if (e == LEM_OK) {
    cr_assert_not_null(T);
    lem_theory_free(L, T);
    return;
  }
  cr_assert_null(T);
  cr_assert(e == LEM_ESYNTAX || e == LEM_ESEMANTIC || e == LEM_EIO ||
                e == LEM_ELIMIT,
            "code %d: %s", e, lem_errmsg(L));
  cr_assert_eq(strncmp(lem_errmsg(L), fname, strlen(fname)), 0, "%s",
               lem_errmsg(L));
}

Test(mpl, truncated_prefixes) {
  size_t n;
  char *text = peano_text(&n);
  size_t base = L->inuse;
  int ok = 0;
  for (size_t k = 0; k <= n; k++) {
    char *cut = malloc(k + 1); /* exact size, so ASan sees any overread */
    memcpy(cut, text, k);
    lem_theory *T = NULL;
    if (lem_theory_load_text(L, cut, k, "p.mpl", &T) == LEM_OK) {
      ok++;
      lem_theory_free(L, T);
    } else {
      cr_assert_eq(strncmp(lem_errmsg(L), "p.mpl:", 6), 0, "%zu: %s", k,
                   lem_errmsg(L));
    }
    free(cut);
  }
  cr_assert_geq(ok, 2); /* the empty text and the whole text at least */
  /* and goals cut short */
  lem_theory *T = load_peano();
  const char *g =
      "(>[a,b,c,d,e](&(in3[a,b,d,+])(in3[d,c,e,+]))(>[f](in3[b,c,f,+])(in3[a,"
      "f,e,+])))";
  for (size_t k = 0; k < strlen(g); k++) {
    char *cut = malloc(k + 1);
    memcpy(cut, g, k);
    cr_assert_eq(lem_read_formula(L, T, cut, k, "g", 1, 1), LEM_NOTERM);
    cr_assert_eq(strncmp(lem_errmsg(L), "g:1:", 4), 0);
    free(cut);
  }
  lem_theory_free(L, T);
  cr_assert_geq(L->inuse, base); /* (the bank may have grown) */
  free(text);
}

Test(mpl, random_mutations) {
  size_t n;
  char *text = peano_text(&n);
  static const char interesting[] = "()[],;&!\"#|:=>< \n\tx+*";
  rng r = {20240601};
  lem_theory *P = load_peano();
  char **g;
  int *ln;
  int ng = goal_lines(&g, &ln);
  for (int it = 0; it < 4000; it++) {
    char *m = malloc(n + 16);
    size_t len = n;
    memcpy(m, text, n);
    int edits = 1 + (int)rnd(&r, 4);
    for (int k = 0; k < edits; k++) {
      size_t at = len ? rnd(&r, (uint32_t)len) : 0;
      uint32_t op = rnd(&r, 4);
      char c = rnd(&r, 2) ? interesting[rnd(&r, sizeof interesting - 1)]
                          : (char)rnd(&r, 256);
      if (op == 0 && len) {
        m[at] = c;
      } else if (op == 1 && len) { /* delete */
        memmove(m + at, m + at + 1, len - at - 1);
        len--;
      } else if (len < n + 15) { /* insert */
        memmove(m + at + 1, m + at, len - at);
        m[at] = c;
        len++;
      }
    }
    char *exact = malloc(len ? len : 1);
    memcpy(exact, m, len);
    load_any(exact, len, "m.mpl");
    /* mutate a goal too */
    const char *src = g[it % ng];
    size_t gl = strlen(src);
    memcpy(m, src, gl);
    m[rnd(&r, (uint32_t)gl)] = interesting[rnd(&r, sizeof interesting - 1)];
    lem_term t = lem_read_formula(L, P, m, gl, "g", 1, 1);
    if (!t) cr_assert_eq(strncmp(lem_errmsg(L), "g:", 2), 0, "%s",
                         lem_errmsg(L));
    free(exact);
    free(m);
  }
  for (int i = 0; i < ng; i++) free(g[i]);
  free(g);
  free(ln);
  lem_theory_free(L, P);
  cr_assert(lem_bank_check(L));
  free(text);
}

/* ---- out of memory ---- */

typedef struct budget {
  size_t live;  /* bytes live through this allocator */
  size_t limit; /* refuse growth beyond this many live bytes; 0: none */
  size_t fails;
} budget;

static void *budget_alloc(void *ud, void *p, size_t oldsz, size_t newsz) {
  budget *b = ud;
  if (newsz == 0) {
    free(p);
    b->live -= oldsz;
    return NULL;
  }
  if (b->limit && newsz > oldsz && b->live + (newsz - oldsz) > b->limit) {
    b->fails++;
    return NULL;
  }
  void *q = realloc(p, newsz);
  if (!q) return NULL;
  b->live = b->live - oldsz + newsz;
  return q;
}

Test(mpl, oom_fresh_context_every_limit) {
  size_t n;
  char *text = peano_text(&n);
  lem_ctx *M = lem_ctx_new(NULL, NULL, 0);
  lem_theory *T;
  cr_assert_eq(lem_theory_load_text(M, text, n, "p", &T), LEM_OK);
  size_t peak = M->peak;
  lem_theory_free(M, T);
  lem_ctx_free(M);
  int fails = 0, oks = 0;
  for (size_t lim = 4096; lim <= peak + 4096; lim += 97) {
    budget b = {0, 0, 0};
    lem_ctx *C = lem_ctx_new(budget_alloc, &b, lim);
    if (!C) {
      cr_assert_eq(b.live, 0);
      continue;
    }
    T = (lem_theory *)1;
    lem_err e = lem_theory_load_text(C, text, n, "p", &T);
    if (e == LEM_OK) {
      oks++;
      lem_term g = lem_read_formula(C, T, "(in[i0,N])", 10, "g", 1, 1);
      cr_assert(g != LEM_NOTERM || C->err == LEM_ENOMEM);
      lem_theory_free(C, T);
    } else {
      fails++;
      cr_assert_eq(e, LEM_ENOMEM, "limit %zu: %s", lim, lem_errmsg(C));
      cr_assert_null(T);
    }
    cr_assert_eq(C->inuse, b.live); /* the context counts every byte */
    lem_ctx_free(C);
    cr_assert_eq(b.live, 0, "limit %zu: %zu bytes leaked", lim, b.live);
  }
  cr_assert_gt(fails, 100);
  cr_assert_gt(oks, 0);
  free(text);
}

Test(mpl, oom_warm_context_returns_to_baseline) {
  budget b = {0, 0, 0};
  lem_ctx *C = lem_ctx_new(budget_alloc, &b, 0);
  lem_theory *T;
  /* warm up: every symbol and term exists afterwards */
  cr_assert_eq(lem_theory_load(C, PEANO, &T), LEM_OK);
  char *g = "(>[a,b,c](in3[a,b,c,+])(in3[b,a,c,+]))";
  cr_assert_neq(lem_read_formula(C, T, g, strlen(g), "g", 1, 1), 0);
  lem_theory_free(C, T);
  size_t base = C->inuse;
  int fails = 0, ok = 0;
  for (size_t extra = 0; !ok && extra < (1u << 20); extra += 16) {
    b.limit = b.live + extra;
    T = NULL;
    lem_err e = lem_theory_load(C, PEANO, &T);
    if (e == LEM_OK) {
      ok = 1;
      lem_theory_free(C, T);
    } else {
      fails++;
      cr_assert_eq(e, LEM_ENOMEM, "extra %zu: %s", extra, lem_errmsg(C));
    }
    cr_assert_eq(C->inuse, base, "extra %zu: inuse %zu, baseline %zu", extra,
                 C->inuse, base);
  }
  cr_assert(ok);
  cr_assert_gt(fails, 10);
  /* lem_read_formula under limits, from the same baseline */
  lem_theory *P;
  b.limit = 0;
  cr_assert_eq(lem_theory_load(C, PEANO, &P), LEM_OK);
  base = C->inuse;
  ok = 0;
  for (size_t extra = 0; !ok; extra += 8) {
    b.limit = b.live + extra;
    lem_term t = lem_read_formula(C, P, g, strlen(g), "g", 1, 1);
    if (t) ok = 1;
    else cr_assert_eq(C->err, LEM_ENOMEM);
    cr_assert_eq(C->inuse, base);
  }
  /* and a goals file (warm it first) */
  lem_term *gs;
  uint32_t ngs;
  b.limit = 0;
  cr_assert_eq(lem_read_goals(C, P, PEANO "/goals", &gs, &ngs), LEM_OK);
  lem_free(C, gs, ngs * sizeof *gs);
  ok = 0;
  for (size_t extra = 0; !ok; extra += 8) {
    b.limit = b.live + extra;
    lem_err e = lem_read_goals(C, P, PEANO "/goals", &gs, &ngs);
    if (!e) {
      ok = 1;
      cr_assert_eq(ngs, 10);
      lem_free(C, gs, ngs * sizeof *gs);
    } else {
      cr_assert_eq(e, LEM_ENOMEM);
      cr_assert_null(gs);
    }
    cr_assert_eq(C->inuse, base);
  }
  b.limit = 0;
  lem_theory_free(C, P);
  lem_ctx_free(C);
  cr_assert_eq(b.live, 0);
}

/* ---- the induction statement ---- */

static const char *IND_PRE =
    "relation in[x,X] : (elem, set);\n"
    "relation in2[x,y,f] : (in, out, op);\n"
    "anchor A[N,z,s] := (in[z,N]);\n";

static void ind_err(const char *stmt, lem_err code, const char *prefix,
                    const char *kw) {
  char buf[1024];
  snprintf(buf, sizeof buf, "%s%s", IND_PRE, stmt);
  expect_err(buf, code, prefix, kw, NULL);
}

Test(mpl, induction_statement) {
  char buf[1024];
  snprintf(buf, sizeof buf, "%s%s", IND_PRE,
           "induction [n,m] (in[n,N]) (in2[n,m,s]) z;\n");
  lem_theory *T = NULL;
  cr_assert_eq(lem_theory_load_text(L, buf, strlen(buf), "t.mpl", &T), LEM_OK,
               "%s", lem_errmsg(L));
  cr_assert(T->has_induction);
  cr_assert_str_eq(name_of(T->ind_zero), "z");
  cr_assert_eq(lem_term_kind(L, T->ind_zero), LEM_CONST);
  cr_assert_eq(lem_term_kind(L, T->ind_x), LEM_VAR);
  cr_assert_eq(lem_term_arg(L, T->ind_member, 0), T->ind_x);
  cr_assert_eq(lem_term_arg(L, T->ind_succ, 1), T->ind_y);
  cr_assert_eq(lem_term_kind(L, lem_term_arg(L, T->ind_member, 1)), LEM_CONST);
  cr_assert_eq(T->ind_loc.line, 4);
  /* printed back and read again: the same induction terms */
  lem_buf b = {0};
  cr_assert_eq(lem_theory_print(L, T, &b), LEM_OK);
  lem_theory *U = NULL;
  cr_assert_eq(lem_theory_load_text(L, b.p, b.len, "printed", &U), LEM_OK,
               "%s\n%s", lem_errmsg(L), b.p);
  cr_assert_eq(U->ind_member, T->ind_member);
  cr_assert_eq(U->ind_succ, T->ind_succ);
  cr_assert_eq(U->ind_zero, T->ind_zero);
  cr_assert_eq(U->axiom, T->axiom);
  lem_buf_free(L, &b);
  lem_theory_free(L, U);
  lem_theory_free(L, T);
  /* a theory without the statement has none */
  lem_theory *N = NULL;
  cr_assert_eq(lem_theory_load_text(L, IND_PRE, strlen(IND_PRE), "t.mpl", &N),
               LEM_OK, "%s", lem_errmsg(L));
  cr_assert(!N->has_induction);
  cr_assert_eq(N->ind_member, LEM_NOTERM);
  lem_theory_free(L, N);
  lem_theory *P = load_peano();
  cr_assert(P->has_induction); /* the corpus declares one */
  lem_theory_free(L, P);
}

Test(mpl, induction_errors) {
  ind_err("induction [n,m] (in[n,N]) (in2[n,m,s]) z;\n"
          "induction [n,m] (in[n,N]) (in2[n,m,s]) z;\n",
          LEM_ESEMANTIC, "t.mpl:5:1: ", "induction declared twice");
  ind_err("induction [n,m] (in[n,N]) (in2[n,m,s]) q;\n", LEM_ESEMANTIC,
          "t.mpl:4:1: ", "zero 'q' is not a constant");
  ind_err("induction [n,m] (in[n,N]) (nope[n,m,s]) z;\n", LEM_ESEMANTIC,
          "t.mpl:", "nope");
  ind_err("induction [n] (in[n,N]) (in[n,N]) z;\n", LEM_ESEMANTIC,
          "t.mpl:4:1: ", "two variables");
  ind_err("induction [n,m] (in[n,N]) (in2[n,m,s]) z\n", LEM_ESYNTAX,
          "t.mpl:", "';'");
  ind_err("induction z;\n", LEM_ESYNTAX, "t.mpl:4:1: ", "expected [x,y]");
}

Test(mpl, model_statement) {
  char buf[1024];
  snprintf(buf, sizeof buf, "%s%s", IND_PRE,
           "model N nat;\nmodel z 0;\nmodel s succ;\n");
  lem_theory *T = NULL;
  cr_assert_eq(lem_theory_load_text(L, buf, strlen(buf), "t.mpl", &T), LEM_OK,
               "%s", lem_errmsg(L));
  cr_assert_eq(T->nmodels, 3);
  cr_assert_eq(T->models[0].kind, LEM_MODEL_NAT);
  cr_assert_eq(T->models[1].kind, LEM_MODEL_NUM);
  cr_assert_eq(T->models[1].value, 0);
  cr_assert_eq(T->models[2].kind, LEM_MODEL_SUCC);
  cr_assert_str_eq(name_of(T->models[2].c), "s");
  cr_assert_eq(lem_theory_model(T, T->models[2].c), &T->models[2]);
  /* printed back and read again: the same model */
  lem_buf b = {0};
  cr_assert_eq(lem_theory_print(L, T, &b), LEM_OK);
  cr_assert(strstr(b.p, "model z 0;\n"), "%s", b.p);
  lem_theory *U = NULL;
  cr_assert_eq(lem_theory_load_text(L, b.p, b.len, "printed", &U), LEM_OK,
               "%s\n%s", lem_errmsg(L), b.p);
  cr_assert_eq(U->nmodels, 3);
  for (int i = 0; i < 3; i++) {
    cr_assert_eq(U->models[i].c, T->models[i].c);
    cr_assert_eq(U->models[i].kind, T->models[i].kind);
    cr_assert_eq(U->models[i].value, T->models[i].value);
  }
  lem_buf_free(L, &b);
  lem_theory_free(L, U);
  lem_theory_free(L, T);
  lem_theory *P = load_peano();
  cr_assert_eq(P->nmodels, 6); /* the corpus declares its model */
  lem_theory_free(L, P);
}

Test(mpl, model_errors) {
  ind_err("model N plus;\n", LEM_ESYNTAX, "t.mpl:4:9: ",
          "expected a model value");
  ind_err("model N 12345678901234567890;\n", LEM_ESYNTAX, "t.mpl:4:9: ",
          "numeral below 10^19");
  ind_err("model s succ;\nmodel s add;\n", LEM_ESEMANTIC, "t.mpl:5:1: ",
          "model of 's' declared twice (first at 4:1)");
  ind_err("model q 3;\n", LEM_ESEMANTIC, "t.mpl:4:1: ",
          "'q' is not a constant of the anchor");
  ind_err("model s succ\n", LEM_ESYNTAX, "t.mpl:", "';'");
  ind_err("model ;\n", LEM_ESYNTAX, "t.mpl:4:7: ", "a constant name");
}

/* The axiom's recursion positions: corpus/peano recurses on the second
** argument of + and * (a + s(b) = s(a + b), a * s(b) = a * b + a),
** corpus/peano-left on the first; the atoms of each say so, and a theory
** without induction has none.  (Rules like s(x) = y => y in N count too:
** they conclude about a successor.) */
Test(mpl, recursion_positions_of_the_axiom) {
  lem_theory *T = load_peano();
  cr_assert_gt(T->nrecs, 0);
  const char *pt = "(>[a,b,c](in3[a,b,c,+])(>[d](in2[a,d,s])(in3[a,b,c,*])))";
  lem_term f = lem_read_formula(L, T, pt, strlen(pt), "t", 1, 1);
  cr_assert(f, "%s", lem_errmsg(L));
  lem_term plus = lem_all_prem(L, f);
  lem_term succ = lem_all_prem(L, lem_all_concl(L, f));
  lem_term times = lem_all_concl(L, lem_all_concl(L, f));
  cr_assert(plus && times && succ);
  /* arguments 0 and 1 (the result, 2, is a successor in the rules too) */
  for (uint32_t i = 0; i < 2; i++) {
    cr_assert_eq(lem_theory_recursive_arg(T, L, plus, i), i == 1, "+ %u", i);
    cr_assert_eq(lem_theory_recursive_arg(T, L, times, i), i == 1, "* %u", i);
  }
  cr_assert_not(lem_theory_recursive_arg(T, L, succ, 0));
  lem_theory_free(L, T);
  cr_assert_eq(lem_theory_load(L, TOP_SRCDIR "/corpus/peano-left", &T), LEM_OK,
               "%s", lem_errmsg(L));
  const char *pa = "(>[a,b,c](app2[a,b,c,add])(app2[a,b,c,add]))";
  f = lem_read_formula(L, T, pa, strlen(pa), "t", 1, 1);
  cr_assert(f, "%s", lem_errmsg(L));
  lem_term add = lem_all_prem(L, f);
  for (uint32_t i = 0; i < 2; i++)
    cr_assert_eq(lem_theory_recursive_arg(T, L, add, i), i == 0, "add %u", i);
  lem_theory_free(L, T);
  const char *none = "relation in2[x,y,f] : (in, out, op);\n"
                     "anchor A[N,z,s] := (>[x,y](in2[x,y,s])(in2[y,x,s]));\n";
  cr_assert_eq(lem_theory_load_text(L, none, strlen(none), "t.mpl", &T), LEM_OK,
               "%s", lem_errmsg(L));
  cr_assert_eq(T->nrecs, 0);
  lem_theory_free(L, T);
}

/* lem_horn_rule: a curried rule's premise atoms in order and its final
** conclusion; a formula that is no rule as it is; a premise with a
** negation, or more atoms than asked for, is no rule from atoms. */
Test(mpl, horn_rule_reads_curried_rules_from_atoms) {
  lem_theory *T = load_peano();
  const char *r = "(>[a,b,c,d](&(in2[a,c,s])(in3[a,b,d,+]))"
                  "(>[e](in2[d,e,s])(in3[c,b,e,+])))";
  lem_term f = lem_read_formula(L, T, r, strlen(r), "t", 1, 1);
  cr_assert(f, "%s", lem_errmsg(L));
  lem_term p[4];
  uint32_t n = 99;
  lem_term q = lem_horn_rule(L, f, p, 4, &n);
  cr_assert_eq(n, 3);
  cr_assert_eq(p[0], lem_term_arg(L, lem_all_prem(L, f), 0));
  cr_assert_eq(p[1], lem_term_arg(L, lem_all_prem(L, f), 1));
  cr_assert_eq(p[2], lem_all_prem(L, lem_all_concl(L, f)));
  cr_assert_eq(q, lem_all_concl(L, lem_all_concl(L, f)));
  cr_assert_eq(lem_horn_rule(L, f, p, 2, &n), LEM_NOTERM, "three atoms, room for two");
  cr_assert_eq(lem_horn_rule(L, q, p, 4, &n), q);
  cr_assert_eq(n, 0);
  const char *ng = "(>[a,b]!(in2[a,b,s])(in2[b,a,s]))";
  lem_term g = lem_read_formula(L, T, ng, strlen(ng), "t", 1, 1);
  cr_assert(g, "%s", lem_errmsg(L));
  cr_assert_eq(lem_horn_rule(L, g, p, 4, &n), LEM_NOTERM, "a negated premise");
  lem_theory_free(L, T);
}

/* lem_notation_write: each {param} by the callback with its index, in the
** template's order, the rest as it is. */
static lem_err put_index(void *ud, uint32_t i, lem_buf *b) {
  (*(int *)ud)++;
  return lem_buf_printf(L, b, "<%u>", i);
}
Test(mpl, notation_write_fills_parameters) {
  const char *thy = "relation in3[x,y,z,f] : (in, in, out, op);\n"
                    "notation in3[x,y,z,f] \"{x} {f} {y} = {z}!\";\n";
  lem_theory *T;
  cr_assert_eq(lem_theory_load_text(L, thy, strlen(thy), "t.mpl", &T), LEM_OK,
               "%s", lem_errmsg(L));
  const lem_notation *nt = lem_theory_notation(T, S("in3"));
  cr_assert_not_null(nt);
  lem_buf b = {0};
  int calls = 0;
  cr_assert_eq(lem_notation_write(L, nt, &b, put_index, &calls), LEM_OK);
  cr_assert_str_eq(b.p, "<0> <3> <1> = <2>!");
  cr_assert_eq(calls, 4);
  lem_buf_free(L, &b);
  lem_theory_free(L, T);
}

/*
** bench_html.c: throughput of the HTML export (prover/html.c).
**
** Builds a synthetic proof graph in memory (not a valid proof: the renderer
** does not judge steps, and this one only needs their shape) over a tiny
** theory with notations: theorems of STEPS_PER_THM steps, each a root block
** with an axiom, a theorem step citing the previous theorem, an intro
** sub-proof holding a chain of mp / and_i / eq_subst / and_l steps over
** fresh constants, and the closing intro.  Then, on one core:
**   (a) pv_html_render of the whole graph (one page per theorem, index,
**       rules) into a temp directory;
**   (b) the same graph as one theorem (one page with every step);
** Times are CPU seconds of this process.
**   baseline: the steps printed as text lines (number, rule, premises,
**       readable conclusion with pv_readable) to a file, as `lemma prove`
**       prints them: what the export costs over plain text.
** Standalone: bench_html [STEPS] [STEPS_PER_THM] [KEEP_DIR] (defaults
** 100000, 100; with KEEP_DIR the one-theorem site is left there, to open
** in a browser).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "html.h"
#include "mpl.h"
#include "prove.h"

static const char theory_text[] =
    "relation p[x] : (elem);\n"
    "relation q[x,y] : (elem, elem);\n"
    "notation p[x] \"P({x})\";\n"
    "notation q[x,y] \"{x} ≺ {y}\";\n"
    "anchor Chain[a,b] := (&(p[a])(q[a,b]));\n";

/* CPU time of this process: the machine may be shared, and wall time
** then measures the neighbours. */
static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(lem_ctx *L, const char *what) {
  fprintf(stderr, "bench_html: %s: %s\n", what, L ? lem_errmsg(L) : "");
  exit(1);
}

static lem_term cst(lem_ctx *L, const char *fmt, uint32_t n) {
  char name[32];
  snprintf(name, sizeof name, fmt, n);
  return lem_mk_const(L, lem_sym_cstr(L, name));
}

static lem_term rel(lem_ctx *L, const char *r, lem_term a, lem_term b) {
  lem_term args[2] = {a, b};
  return lem_mk_rel(L, lem_sym_cstr(L, r), b ? 2 : 1, args);
}

static uint32_t add(lem_proof *P, uint32_t blk, lem_rule r, lem_term c,
                    uint32_t p0, uint32_t p1, uint32_t thmref) {
  uint32_t prem[2] = {p0, p1};
  lem_step_spec s = {.block = blk, .rule = r, .concl = c,
                     .nprem = p1 ? 2 : p0 ? 1 : 0, .prem = prem,
                     .thmref = thmref};
  uint32_t id = c ? lem_proof_add_step(P, &s) : 0;
  if (!id) die(P->L, "add step");
  return id;
}

/* Theorems of `per` steps until `total` steps; one theorem when per == 0. */
static lem_proof *build(lem_ctx *L, uint32_t total, uint32_t per) {
  lem_proof *P = lem_proof_new(L);
  if (!P) die(L, "proof");
  lem_term a = cst(L, "a", 0), b = cst(L, "b", 0);
  lem_term axiom = lem_mk_and(L, rel(L, "p", a, 0), rel(L, "q", a, b));
  lem_term stmt = rel(L, "p", a, 0);
  for (uint32_t k = 1; P->nsteps < total; k++) {
    char name[32];
    snprintf(name, sizeof name, "chain_%u", k);
    uint32_t t = lem_proof_add_theorem(P, name, stmt, LEM_TK_DISCOVERED,
                                       LEM_TS_PROVED);
    uint32_t root = lem_proof_add_block(P, t, 0, LEM_BK_ROOT, 0, NULL, 0, NULL);
    lem_term c = cst(L, "_c%u", k);
    uint32_t blk = lem_proof_add_block(P, t, root, LEM_BK_INTRO, 1, &c, 0, NULL);
    if (!blk) die(L, "block");
    uint32_t end = per ? P->nsteps + per : total;
    uint32_t ax = add(P, root, LEM_R_AXIOM, axiom, 0, 0, 0);
    if (k > 1) add(P, root, LEM_R_THEOREM, stmt, 0, 0, k - 1);
    uint32_t cur = add(P, blk, LEM_R_AND_L, rel(L, "p", a, 0), ax, 0, 0);
    for (uint32_t i = 0; P->nsteps + 5 < end; i++) {
      lem_term x = cst(L, "_w%u", P->nsteps), y = cst(L, "_w%u", P->nsteps + 1);
      uint32_t e = add(P, blk, LEM_R_MP, rel(L, "=", x, y), cur, 0, 0);
      uint32_t f = add(P, blk, LEM_R_MP, rel(L, "q", x, c), cur, e, 0);
      uint32_t g = add(P, blk, LEM_R_EQ_SUBST, rel(L, "q", y, c), e, f, 0);
      cur = add(P, blk, LEM_R_AND_I,
                lem_mk_and(L, rel(L, "q", y, c), rel(L, "p", y, 0)), g, cur, 0);
    }
    uint32_t last = add(P, blk, LEM_R_AND_L, rel(L, "p", c, 0), cur, 0, 0);
    lem_step_spec in = {.block = root, .rule = LEM_R_INTRO, .concl = stmt,
                        .nprem = 1, .prem = &last, .nkids = 1, .kids = {blk}};
    uint32_t fin = lem_proof_add_step(P, &in);
    if (!fin || lem_proof_set_final(P, t, fin)) die(L, "intro");
  }
  return P;
}

/* The baseline: every step as a text line, readable conclusion. */
static double text_dump(lem_ctx *L, const lem_theory *T, const lem_proof *P,
                        const char *path) {
  double t0 = now();
  FILE *f = fopen(path, "w");
  if (!f) die(NULL, path);
  lem_buf b = {0};
  for (uint32_t i = 0; i < P->nsteps; i++) {
    const lem_step *s = &P->steps[i];
    b.len = 0;
    if (pv_readable(L, T, s->concl, &b)) die(L, "readable");
    fprintf(f, "%6u  %-8s (", i + 1, lem_rule_name(s->rule));
    for (uint32_t k = 0; k < s->nprem; k++)
      fprintf(f, k ? ",%u" : "%u", s->prem[k]);
    fprintf(f, ")  %s\n", b.p);
  }
  lem_buf_free(L, &b);
  fclose(f);
  return now() - t0;
}

static double render(lem_ctx *L, const lem_theory *T, const lem_proof *P,
                     const char *dir, pv_html_stats *st) {
  pv_html_opts o = {LEM_ASSETS, 0};
  pv_html_run run = {"bench", "", "", "", "Chain"};
  double t0 = now();
  if (pv_html_render(L, T, P, &run, dir, &o, st)) die(L, "render");
  return now() - t0;
}

static void report(const char *what, uint32_t steps, double html_s,
                   double text_s, const pv_html_stats *st) {
  printf("%-28s %7u steps %5u pages  html %6.3f s = %8.0f steps/s"
         "   text %6.3f s   html/text %.1f\n", what, steps, st->pages, html_s,
         steps / html_s, text_s, html_s / text_s);
}

int main(int argc, char **argv) {
  uint32_t total = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 100000;
  uint32_t per = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 100;
  if (total < 100 || per < 10) die(NULL, "usage: bench_html [STEPS>=100] [PER>=10]");
  lem_ctx *L = lem_ctx_new(NULL, NULL, 0);
  lem_theory *T = NULL;
  if (!L || lem_theory_load_text(L, theory_text, strlen(theory_text),
                                 "bench.mpl", &T))
    die(L, "theory");
  const char *keep = argc > 3 ? argv[3] : NULL;
  char dir[48], txt[64];
  snprintf(dir, sizeof dir, "/tmp/bench_html.%d", (int)getpid());
  snprintf(txt, sizeof txt, "%s.txt", dir);
  for (int one = 0; one < 2; one++) {
    lem_proof *P = build(L, total, one ? 0 : per);
    pv_html_stats st;
    double h = render(L, T, P, one && keep ? keep : dir, &st);
    double t = text_dump(L, T, P, txt);
    char what[64];
    snprintf(what, sizeof what, one ? "one theorem" : "%u theorems of ~%u",
             P->nthms, per);
    report(what, P->nsteps, h, t, &st);
    lem_proof_free(P);
  }
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", dir, txt);
  if (system(cmd)) die(NULL, "cleanup");
  lem_theory_free(L, T);
  lem_ctx_free(L);
  return 0;
}

/*
** test_html.c: the HTML export (prover/html.c).
**
** Sites are rendered from hand-built proofs (tests/proofgen.c: every rule
** family, induction and intro sub-proofs, a cited theorem, eq_subst), from a
** theory whose names, notation and theorem names hold <, &, quotes and
** non-ASCII text, and from a synthetic proof of 10,000 steps.  Every site
** must pass tests/htmllint.c: each page parses with libxml2, every link and
** anchor resolves.  Also: user text arrives as text (no element made from
** it), output is byte-for-byte deterministic, --theorem writes a closed
** subset, and bad directories and ids are refused with a message.
*/
#include <criterion/criterion.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "html.h"
#include "htmllint.h"
#include "proofgen.h"

#define ASSETS TOP_SRCDIR "/html"

static char dir[128];
static int ndirs;

/* A fresh temporary directory name (the renderer creates it). */
static const char *tmpdir(void) {
  snprintf(dir, sizeof dir, "/tmp/lemma-html-%d-%d", (int)getpid(), ndirs++);
  char cmd[160];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  cr_assert_eq(system(cmd), 0);
  return dir;
}

static void rmdir_r(const char *d) {
  char cmd[160];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
  cr_assert_eq(system(cmd), 0);
}

static void lint_ok(const char *d, html_lint_stats *st) {
  char why[1024];
  cr_assert_eq(html_lint(d, st, why, sizeof why), 0, "%s", why);
}

static char *slurp(const char *d, const char *name, size_t *len) {
  char p[256];
  snprintf(p, sizeof p, "%s/%s", d, name);
  FILE *f = fopen(p, "rb");
  cr_assert(f, "missing %s", p);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  cr_assert(s);
  cr_assert_eq(fread(s, 1, (size_t)n, f), (size_t)n);
  s[n] = 0;
  fclose(f);
  if (len) *len = (size_t)n;
  return s;
}

static int exists(const char *d, const char *name) {
  char p[256];
  struct stat sb;
  snprintf(p, sizeof p, "%s/%s", d, name);
  return !stat(p, &sb);
}

static const pv_html_run run = {"0.test", "--goals g", "2026-01-01T00:00:00Z",
                                "2026-01-01T00:00:01Z", "toy"};

Test(html, proofgen_site_links_resolve) {
  pg_world w;
  cr_assert_eq(pg_build(&w), 0);
  const char *d = tmpdir();
  pv_html_opts o = {ASSETS, 0};
  pv_html_stats st;
  cr_assert_eq(pv_html_render(w.L, w.T, w.P, &run, d, &o, &st), LEM_OK, "%s",
               lem_errmsg(w.L));
  cr_assert_eq(st.theorems, w.P->nthms);
  cr_assert_eq(st.steps, w.P->nsteps);
  cr_assert_eq(st.pages, w.P->nthms + 2);
  html_lint_stats ls;
  lint_ok(d, &ls);
  cr_assert_eq(ls.pages, w.P->nthms + 2);
  cr_assert(ls.links > w.P->nsteps); /* every step links at least its rule */
  /* every rule used has an example on rules.html; eq_subst marks a change */
  char *rules = slurp(d, "rules.html", NULL);
  cr_assert(strstr(rules, "id=\"rule-induct\""));
  cr_assert(strstr(rules, "<mark>"), "eq_subst example without a mark");
  free(rules);
  /* a cited theorem links back to its user; sub-proofs are collapsed */
  int backlinks = 0;
  for (uint32_t i = 0; i < w.P->nsteps; i++) {
    const lem_step *s = &w.P->steps[i];
    if (s->rule != LEM_R_THEOREM) continue;
    char page[32], want[64];
    uint32_t user = w.P->blocks[s->block - 1].thm;
    snprintf(page, sizeof page, "t%u.html", s->thmref);
    snprintf(want, sizeof want, "class=\"ub\" href=\"t%u.html\"", user);
    char *txt = slurp(d, page, NULL);
    cr_assert(strstr(txt, want), "%s lacks used-by %s", page, want);
    free(txt);
    backlinks++;
  }
  cr_assert(backlinks > 0);
  int subs = 0;
  for (uint32_t t = 1; t <= w.P->nthms; t++) {
    char page[32];
    snprintf(page, sizeof page, "t%u.html", t);
    char *txt = slurp(d, page, NULL);
    if (strstr(txt, "<details class=\"sub\">")) subs++;
    cr_assert_null(strstr(txt, "<details class=\"sub\" open"));
    free(txt);
  }
  cr_assert(subs > 0, "no collapsible sub-proof");
  rmdir_r(d);
  pg_free(&w);
}

Test(html, deterministic) {
  pg_world w;
  cr_assert_eq(pg_build(&w), 0);
  pv_html_opts o = {ASSETS, 0};
  char a[128], b[128];
  snprintf(a, sizeof a, "%s", tmpdir());
  snprintf(b, sizeof b, "%s", tmpdir());
  cr_assert_eq(pv_html_render(w.L, w.T, w.P, &run, a, &o, NULL), LEM_OK);
  cr_assert_eq(pv_html_render(w.L, w.T, w.P, &run, b, &o, NULL), LEM_OK);
  const char *names[] = {"index.html", "rules.html", "t1.html", "t2.html"};
  for (int i = 0; i < 4; i++) {
    size_t la, lb;
    char *x = slurp(a, names[i], &la), *y = slurp(b, names[i], &lb);
    cr_assert(la == lb && !memcmp(x, y, la), "%s differs", names[i]);
    free(x);
    free(y);
  }
  rmdir_r(a);
  rmdir_r(b);
  pg_free(&w);
}

/* --theorem: the page of a theorem that cites another, and the cited one;
** the site still has no broken link. */
Test(html, only_one_theorem) {
  pg_world w;
  cr_assert_eq(pg_build(&w), 0);
  uint32_t user = 0, used = 0;
  for (uint32_t i = 0; i < w.P->nsteps && !user; i++)
    if (w.P->steps[i].rule == LEM_R_THEOREM) {
      used = w.P->steps[i].thmref;
      user = w.P->blocks[w.P->steps[i].block - 1].thm;
    }
  cr_assert(user && used);
  const char *d = tmpdir();
  pv_html_opts o = {ASSETS, user};
  pv_html_stats st;
  cr_assert_eq(pv_html_render(w.L, w.T, w.P, &run, d, &o, &st), LEM_OK);
  char page[32];
  snprintf(page, sizeof page, "t%u.html", user);
  cr_assert(exists(d, page));
  snprintf(page, sizeof page, "t%u.html", used);
  cr_assert(exists(d, page));
  cr_assert_lt(st.theorems, w.P->nthms);
  lint_ok(d, NULL);
  rmdir_r(d);
  pg_free(&w);
}

Test(html, refusals) {
  pg_world w;
  cr_assert_eq(pg_build(&w), 0);
  const char *d = tmpdir();
  pv_html_opts o = {"/nonexistent/assets", 0};
  cr_assert_eq(pv_html_render(w.L, w.T, w.P, &run, d, &o, NULL), LEM_EIO);
  cr_assert(strstr(lem_errmsg(w.L), "/nonexistent/assets/lemma.css"));
  o = (pv_html_opts){ASSETS, 9999};
  cr_assert_eq(pv_html_render(w.L, w.T, w.P, &run, d, &o, NULL), LEM_EINVAL);
  cr_assert(strstr(lem_errmsg(w.L), "no theorem 9999"));
  /* the output path is a file */
  rmdir_r(d);
  FILE *f = fopen(d, "w");
  cr_assert(f);
  fclose(f);
  o.only = 0;
  cr_assert_eq(pv_html_render(w.L, w.T, w.P, &run, d, &o, NULL), LEM_EIO);
  cr_assert(strstr(lem_errmsg(w.L), "not a directory"));
  unlink(d);
  /* a database that is not there */
  cr_assert_eq(pv_html_export(w.L, "/nonexistent/x.db", d, &o, NULL), LEM_EDB);
  pg_free(&w);
}

/* ---- user text reaches the page as text ---- */

#define NOTE "{x} <b>&amp; \\\"q\\\" ü</b> {y}"
#define SHOWN " <b>&amp; \"q\" ü</b> "
static const char esc_theory[] =
    "relation lt<'[x,y] : (elem, elem);\n"
    "relation p[x] : (elem);\n"
    "notation lt<'[x,y] \"" NOTE "\";\n"
    "anchor Esc[a,b] := (&(lt<'[a,b])(p[a]));\n";
static const char esc_name[] = "T<script>alert('x')</script>&amp;\"ü\"";

/* The text content of the first element with the given id or class. */
static char *find(xmlNodePtr n, const char *attr, const char *val) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    xmlChar *v = xmlGetProp(n, (const xmlChar *)attr);
    int hit = v && !strcmp((const char *)v, val);
    xmlFree(v);
    if (hit) return (char *)xmlNodeGetContent(n);
    char *r = find(n->children, attr, val);
    if (r) return r;
  }
  return NULL;
}

static int count_elements(xmlNodePtr n, const char *name) {
  int c = 0;
  for (; n; n = n->next)
    if (n->type == XML_ELEMENT_NODE)
      c += !strcmp((const char *)n->name, name) +
           count_elements(n->children, name);
  return c;
}

Test(html, user_text_is_text) {
  lem_ctx *L = lem_ctx_new(NULL, NULL, 0);
  lem_theory *T = NULL;
  cr_assert_eq(lem_theory_load_text(L, esc_theory, strlen(esc_theory),
                                    "esc.mpl", &T), LEM_OK, "%s",
               lem_errmsg(L));
  lem_proof *P = lem_proof_new(L);
  const char *ax = "(&(lt<'[a,b])(p[a]))", *st = "(lt<'[a,b])";
  lem_term axt = lem_read_expr(L, ax, strlen(ax), "t");
  lem_term stt = lem_read_expr(L, st, strlen(st), "t");
  cr_assert(axt && stt, "%s", lem_errmsg(L));
  uint32_t t = lem_proof_add_theorem(P, esc_name, stt, LEM_TK_GOAL,
                                     LEM_TS_PROVED);
  uint32_t b = lem_proof_add_block(P, t, 0, LEM_BK_ROOT, 0, NULL, 0, NULL);
  lem_step_spec s1 = {.block = b, .rule = LEM_R_AXIOM, .concl = axt};
  uint32_t id1 = lem_proof_add_step(P, &s1);
  lem_step_spec s2 = {.block = b, .rule = LEM_R_AND_L, .concl = stt,
                      .nprem = 1, .prem = &id1};
  uint32_t id2 = lem_proof_add_step(P, &s2);
  cr_assert(id2 && !lem_proof_set_final(P, t, id2));
  pv_html_run r = {"v<1>", "--x \"&\"", "s", "f", "th<&\"ü'>"};
  const char *d = tmpdir();
  pv_html_opts o = {ASSETS, 0};
  cr_assert_eq(pv_html_render(L, T, P, &r, d, &o, NULL), LEM_OK, "%s",
               lem_errmsg(L));
  lint_ok(d, NULL);
  char path[256];
  snprintf(path, sizeof path, "%s/t1.html", d);
  htmlDocPtr doc = htmlReadFile(path, "UTF-8", HTML_PARSE_NONET |
                                HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
  cr_assert(doc);
  xmlNodePtr root = xmlDocGetRootElement(doc);
  char *s = find(root, "id", "s2");
  cr_assert(s && strstr(s, "a" SHOWN "b"), "step 2 reads '%s'", s);
  xmlFree(s);
  xmlNodePtr body = root->children;
  while (body && strcmp((const char *)body->name, "body")) body = body->next;
  cr_assert(body);
  s = (char *)xmlNodeGetContent(body);
  cr_assert(strstr(s, esc_name), "the theorem's name is not shown as text");
  xmlFree(s);
  cr_assert_eq(count_elements(body, "b"), 0);
  cr_assert_eq(count_elements(body, "script"), 0);
  xmlFreeDoc(doc);
  snprintf(path, sizeof path, "%s/index.html", d);
  doc = htmlReadFile(path, "UTF-8", HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                        HTML_PARSE_NOWARNING);
  cr_assert(doc);
  root = xmlDocGetRootElement(doc);
  cr_assert_eq(count_elements(root, "script"), 1); /* lemma.js only */
  s = (char *)xmlNodeGetContent(root);
  cr_assert(strstr(s, "th<&\"ü'>") && strstr(s, "--x \"&\""));
  xmlFree(s);
  xmlFreeDoc(doc);
  rmdir_r(d);
  lem_proof_free(P);
  lem_theory_free(L, T);
  lem_ctx_free(L);
}

/* ---- a proof of 10,000 steps ---- */

Test(html, ten_thousand_steps) {
  pg_world w;
  cr_assert_eq(pg_build(&w), 0);
  lem_proof *P = lem_proof_new(w.L);
  lem_term stmt = pg_expr(&w, "(p[a])");
  uint32_t t = lem_proof_add_theorem(P, "Big", stmt, LEM_TK_DISCOVERED,
                                     LEM_TS_PROVED);
  uint32_t root = lem_proof_add_block(P, t, 0, LEM_BK_ROOT, 0, NULL, 0, NULL);
  uint32_t prev = 0, n = 0;
  char buf[64];
  while (n < 10000) {
    /* every 50 steps, a sub-proof of 9 steps closed by intro */
    uint32_t blk = root;
    if (n % 50 == 0 && n) {
      lem_term c = pg_expr(&w, "c");
      blk = lem_proof_add_block(P, t, root, LEM_BK_INTRO, 1, &c, 0, NULL);
    }
    uint32_t last = 0;
    for (int k = 0; k < (blk == root ? 1 : 9); k++, n++) {
      snprintf(buf, sizeof buf, "(&(p[a%u])(q[b%u]))", n, n % 7);
      lem_step_spec s = {.block = blk, .rule = prev ? LEM_R_AND_L : LEM_R_AXIOM,
                         .concl = pg_expr(&w, buf), .nprem = prev ? 1 : 0,
                         .prem = &prev};
      last = prev = lem_proof_add_step(P, &s);
      cr_assert(prev);
    }
    if (blk != root) {
      lem_step_spec s = {.block = root, .rule = LEM_R_INTRO,
                         .concl = pg_expr(&w, "(>[x](p[x])(q[x]))"),
                         .nprem = 1, .prem = &last, .nkids = 1,
                         .kids = {blk}};
      prev = lem_proof_add_step(P, &s);
      n++;
    }
  }
  const char *d = tmpdir();
  pv_html_opts o = {ASSETS, 0};
  pv_html_stats st;
  cr_assert_eq(pv_html_render(w.L, w.T, P, &run, d, &o, &st), LEM_OK);
  cr_assert_eq(st.steps, P->nsteps);
  html_lint_stats ls;
  lint_ok(d, &ls);
  cr_assert_geq(ls.ids, 10000);
  rmdir_r(d);
  lem_proof_free(P);
  pg_free(&w);
}

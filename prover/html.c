/*
** html.c: render a proof graph as a static site (see html.h).
**
** Each page is built as a libxml2 HTML tree: elements with xmlNewChild
** (never with content, which libxml2 would parse for entities), text with
** xmlNewText, attributes with xmlNewProp; htmlSaveFileFormat serializes and
** escapes.  Text that is not valid UTF-8 (a name read from a damaged
** database) has its non-ASCII bytes replaced by '?' first, so the output is
** always valid UTF-8.
**
** Anchors: step rows are id="sN", N the step's number within its theorem
** (1, 2, ... in step order, as `lemma prove` prints them); rules are
** id="rule-NAME" on rules.html; theorem pages are tK.html, K the theorem's
** database id.  A link is only made to a page that is written, so the site
** has no broken links even with --theorem.
*/
#include "config.h"

#include "html.h"
#include "prove.h"
#include "store.h"

#include <errno.h>
#include <stdlib.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/xmlstring.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

typedef struct html {
  lem_ctx *L;
  const lem_theory *T;
  const lem_proof *P;
  const pv_html_run *run;
  const char *dir;
  uint8_t *emit;       /* [thm - 1]: its page is written */
  uint32_t *local;     /* [step - 1]: number within its theorem */
  uint32_t *bstart;    /* steps by block: bsteps[bstart[b-1] .. bstart[b]) */
  uint32_t *bsteps;
  uint8_t *is_kid;     /* [block - 1]: some step's sub-proof */
  uint32_t *ustart;    /* used by: users[ustart[t-1] .. ustart[t]) */
  uint32_t *users, nusers;
  uint32_t example[LEM_R_COUNT]; /* first written step of each rule */
  uint64_t nrule[LEM_R_COUNT];   /* written steps of each rule */
  lem_buf buf, tmp, utf; /* scratch: formulas, short strings, u8() */
  pv_marks marks;
  int oom;             /* libxml2 returned NULL */
  pv_html_stats st;
} html;

/* ---- tree helpers ---- */

/* s as valid UTF-8: s itself, or a copy in H->utf with bad bytes as '?'.
** Valid until the next call. */
static const xmlChar *u8(html *H, const char *s) {
  if (xmlCheckUTF8((const xmlChar *)s)) return (const xmlChar *)s;
  size_t n = strlen(s);
  H->utf.len = 0;
  if (lem_buf_add(H->L, &H->utf, s, n)) {
    H->oom = 1;
    return (const xmlChar *)"";
  }
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)H->utf.p[i] >= 0x80) H->utf.p[i] = '?';
  return (const xmlChar *)H->utf.p;
}

static xmlNodePtr el(html *H, xmlNodePtr parent, const char *name,
                     const char *cls) {
  if (!parent) return NULL;
  xmlNodePtr n = xmlNewChild(parent, NULL, (const xmlChar *)name, NULL);
  if (!n) H->oom = 1;
  else if (cls && !xmlNewProp(n, (const xmlChar *)"class",
                              (const xmlChar *)cls))
    H->oom = 1;
  return n;
}

static void attr(html *H, xmlNodePtr n, const char *name, const char *val) {
  if (n && !xmlNewProp(n, (const xmlChar *)name, u8(H, val))) H->oom = 1;
}

static void text(html *H, xmlNodePtr parent, const char *s) {
  if (!parent || !*s) return;
  xmlNodePtr t = xmlNewText(u8(H, s));
  if (!t || !xmlAddChild(parent, t)) {
    xmlFreeNode(t);
    H->oom = 1;
  }
}

/* The n bytes at s as a text node (s need not be NUL-terminated). */
static void textn(html *H, xmlNodePtr parent, const char *s, size_t n) {
  if (!n) return;
  char *copy = lem_strndup(H->L, s, n);
  if (!copy) {
    H->oom = 1;
    return;
  }
  text(H, parent, copy);
  lem_free(H->L, copy, n + 1);
}

/* An element holding one text. */
static xmlNodePtr el_text(html *H, xmlNodePtr parent, const char *name,
                          const char *cls, const char *s) {
  xmlNodePtr n = el(H, parent, name, cls);
  text(H, n, s);
  return n;
}

static xmlNodePtr link(html *H, xmlNodePtr parent, const char *href,
                       const char *cls, const char *s) {
  xmlNodePtr a = el_text(H, parent, "a", cls, s);
  attr(H, a, "href", href);
  return a;
}

/* Short strings: f with up to two numbers, or a string after a prefix.
** Both return H->tmp, valid until the next call. */
static const char *fmt(html *H, const char *f, uint32_t a, uint32_t b) {
  H->tmp.len = 0;
  if (lem_buf_printf(H->L, &H->tmp, f, a, b)) {
    H->oom = 1;
    return "";
  }
  return H->tmp.p;
}

static const char *cat(html *H, const char *prefix, const char *s) {
  H->tmp.len = 0;
  if (lem_buf_puts(H->L, &H->tmp, prefix) || lem_buf_puts(H->L, &H->tmp, s)) {
    H->oom = 1;
    return "";
  }
  return H->tmp.p;
}

/* A new page: <html><head>…</head><body>; returns the body. */
static xmlDocPtr page_new(html *H, const char *title, xmlNodePtr *body) {
  xmlDocPtr d = htmlNewDocNoDtD(NULL, NULL);
  if (!d) {
    H->oom = 1;
    *body = NULL;
    return NULL;
  }
  if (!xmlCreateIntSubset(d, (const xmlChar *)"html", NULL, NULL))
    H->oom = 1;
  xmlNodePtr root = xmlNewDocNode(d, NULL, (const xmlChar *)"html", NULL);
  if (!root) H->oom = 1;
  else xmlDocSetRootElement(d, root);
  attr(H, root, "lang", "en");
  xmlNodePtr head = el(H, root, "head", NULL);
  /* htmlSaveFileFormat adds the charset <meta> itself */
  xmlNodePtr m = el(H, head, "meta", NULL);
  attr(H, m, "name", "viewport");
  attr(H, m, "content", "width=device-width, initial-scale=1");
  el_text(H, head, "title", NULL, title);
  xmlNodePtr css = el(H, head, "link", NULL);
  attr(H, css, "rel", "stylesheet");
  attr(H, css, "href", "lemma.css");
  xmlNodePtr js = el(H, head, "script", NULL);
  attr(H, js, "src", "lemma.js");
  attr(H, js, "defer", "defer");
  *body = el(H, root, "body", NULL);
  return d;
}

static lem_err page_save(html *H, xmlDocPtr d, const char *name) {
  lem_err e = LEM_OK;
  if (H->oom) {
    e = lem_error(H->L, LEM_ENOMEM, "html: out of memory building %s", name);
  } else {
    lem_buf path = {0};
    if (lem_buf_printf(H->L, &path, "%s/%s", H->dir, name)) e = LEM_ENOMEM;
    else if (htmlSaveFileFormat(path.p, d, "UTF-8", 1) < 0)
      e = lem_error(H->L, LEM_EIO, "%s: cannot write", path.p);
    lem_buf_free(H->L, &path);
  }
  xmlFreeDoc(d);
  if (!e) H->st.pages++;
  return e;
}

/* The navigation bar every page opens with. */
static void nav(html *H, xmlNodePtr body) {
  xmlNodePtr n = el(H, body, "nav", NULL);
  link(H, n, "index.html", NULL, "Theorems");
  link(H, n, "rules.html", NULL, "Rules");
}

/* ---- names and formulas ---- */

static uint32_t thm_num(const lem_pthm *t) { return t->dbid ? t->dbid : t->id; }

static const char *thm_page(html *H, uint32_t thm) {
  return fmt(H, "t%u.html", thm_num(&H->P->thms[thm - 1]), 0);
}

/* A formula in readable notation, in a <span class=f>; with old, the parts
** of f that differ from old are wrapped in <mark>. */
static void formula(html *H, xmlNodePtr parent, lem_term f, lem_term old) {
  xmlNodePtr s = el(H, parent, "span", "f");
  H->buf.len = 0;
  H->marks.n = 0;
  if (pv_readable_marked(H->L, H->T, f, old, &H->buf, &H->marks)) {
    H->oom = 1;
    return;
  }
  size_t at = 0;
  for (uint32_t i = 0; i < H->marks.n; i++) {
    pv_span sp = H->marks.v[i];
    textn(H, s, H->buf.p + at, sp.start - at);
    xmlNodePtr mk = el(H, s, "mark", NULL);
    textn(H, mk, H->buf.p + sp.start, sp.end - sp.start);
    at = sp.end;
  }
  textn(H, s, H->buf.p + at, H->buf.len - at);
}

static void raw_mpl(html *H, xmlNodePtr parent, lem_term f) {
  H->buf.len = 0;
  if (lem_term_print(H->L, f, &H->buf)) {
    H->oom = 1;
    return;
  }
  el_text(H, parent, "code", "mpl", H->buf.p);
}

/* ---- indexes over the proof ---- */

static lem_err used_by_index(html *H);

static lem_err build_indexes(html *H) {
  const lem_proof *P = H->P;
  lem_ctx *L = H->L;
  uint32_t *cnt = lem_calloc(L, (P->nthms + 1) * sizeof *cnt);
  H->local = lem_calloc(L, (P->nsteps + 1) * sizeof *H->local);
  H->bstart = lem_calloc(L, (P->nblocks + 1) * sizeof *H->bstart);
  H->bsteps = lem_calloc(L, (P->nsteps + 1) * sizeof *H->bsteps);
  H->is_kid = lem_calloc(L, P->nblocks + 1);
  H->ustart = lem_calloc(L, (P->nthms + 1) * sizeof *H->ustart);
  if (!cnt || !H->local || !H->bstart || !H->bsteps || !H->is_kid ||
      !H->ustart) {
    if (cnt) lem_free(L, cnt, (P->nthms + 1) * sizeof *cnt);
    return LEM_ENOMEM;
  }
  /* local numbers, steps by block (counting sort, order kept), kid blocks */
  for (uint32_t i = 0; i < P->nsteps; i++) {
    const lem_step *s = &P->steps[i];
    uint32_t t = P->blocks[s->block - 1].thm;
    H->local[i] = ++cnt[t];
    H->bstart[s->block]++;
    for (uint32_t k = 0; k < s->nkids; k++)
      if (s->kids[k] && s->kids[k] <= P->nblocks) H->is_kid[s->kids[k] - 1] = 1;
  }
  for (uint32_t b = 1; b <= P->nblocks; b++) H->bstart[b] += H->bstart[b - 1];
  uint32_t *fill = lem_calloc(L, (P->nblocks + 1) * sizeof *fill);
  if (!fill) {
    lem_free(L, cnt, (P->nthms + 1) * sizeof *cnt);
    return LEM_ENOMEM;
  }
  for (uint32_t i = 0; i < P->nsteps; i++) {
    uint32_t b = P->steps[i].block - 1;
    H->bsteps[H->bstart[b] + fill[b]++] = i + 1;
  }
  lem_free(L, fill, (P->nblocks + 1) * sizeof *fill);
  lem_free(L, cnt, (P->nthms + 1) * sizeof *cnt);
  return used_by_index(H);
}

static int pair_cmp(const void *a, const void *b) {
  const uint32_t *x = a, *y = b;
  if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
  return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* used by: for each theorem, the theorems with a step citing it, each once,
** in id order.  (used, user) pairs are sorted and deduplicated. */
static lem_err used_by_index(html *H) {
  const lem_proof *P = H->P;
  uint32_t n = 0, cap = 0, (*pairs)[2] = NULL;
  for (uint32_t i = 0; i < P->nsteps; i++) {
    const lem_step *s = &P->steps[i];
    if (s->rule != LEM_R_THEOREM || !s->thmref || s->thmref > P->nthms)
      continue;
    if (LEM_GROW(H->L, pairs, cap, n + 1)) goto oom;
    pairs[n][0] = s->thmref;
    pairs[n++][1] = P->blocks[s->block - 1].thm;
  }
  if (n) qsort(pairs, n, sizeof *pairs, pair_cmp);
  H->users = lem_calloc(H->L, (n + 1) * sizeof *H->users);
  if (!H->users) goto oom;
  uint32_t k = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (i && !pair_cmp(pairs[i], pairs[i - 1])) continue;
    H->users[k++] = pairs[i][1];
    H->ustart[pairs[i][0]]++;
  }
  for (uint32_t t = 1; t <= P->nthms; t++) H->ustart[t] += H->ustart[t - 1];
  H->nusers = n;
  lem_free(H->L, pairs, cap * sizeof *pairs);
  return LEM_OK;
oom:
  lem_free(H->L, pairs, cap * sizeof *pairs);
  return LEM_ENOMEM;
}

static void free_indexes(html *H) {
  lem_ctx *L = H->L;
  const lem_proof *P = H->P;
  lem_free(L, H->emit, P->nthms + 1);
  lem_free(L, H->local, (P->nsteps + 1) * sizeof *H->local);
  lem_free(L, H->bstart, (P->nblocks + 1) * sizeof *H->bstart);
  lem_free(L, H->bsteps, (P->nsteps + 1) * sizeof *H->bsteps);
  lem_free(L, H->is_kid, P->nblocks + 1);
  lem_free(L, H->users, (H->nusers + 1) * sizeof *H->users);
  lem_free(L, H->ustart, (P->nthms + 1) * sizeof *H->ustart);
  lem_buf_free(L, &H->buf);
  lem_buf_free(L, &H->tmp);
  lem_buf_free(L, &H->utf);
  pv_marks_free(L, &H->marks);
}

/* Which theorem pages to write: all, or `only` and what it uses. */
static lem_err choose(html *H, uint32_t only) {
  const lem_proof *P = H->P;
  H->emit = lem_calloc(H->L, P->nthms + 1);
  if (!H->emit) return LEM_ENOMEM;
  uint32_t first = 0;
  for (uint32_t t = 0; t < P->nthms; t++)
    if (!only) H->emit[t] = 1;
    else if (thm_num(&P->thms[t]) == only) first = t + 1;
  if (!only) return LEM_OK;
  if (!first)
    return lem_error(H->L, LEM_EINVAL, "no theorem %u in the database", only);
  H->emit[first - 1] = 1;
  /* theorems only cite earlier ones: one backward sweep closes the set */
  for (uint32_t i = P->nsteps; i-- > 0;) {
    const lem_step *s = &P->steps[i];
    uint32_t t = P->blocks[s->block - 1].thm;
    if (H->emit[t - 1] && s->rule == LEM_R_THEOREM && s->thmref &&
        s->thmref <= P->nthms)
      H->emit[s->thmref - 1] = 1;
  }
  return LEM_OK;
}

/* ---- a theorem page ---- */

static void step_row(html *H, xmlNodePtr parent, uint32_t sid);

static const char *block_label(lem_block_kind k) {
  switch (k) {
    case LEM_BK_BASE: return "Base case";
    case LEM_BK_STEP: return "Induction step";
    case LEM_BK_INTRO: return "Sub-proof";
    default: return "Block";
  }
}

/* The steps of block b, each preceded by its sub-proofs. */
static void block_body(html *H, xmlNodePtr parent, uint32_t b);

/* The least and greatest step numbers in block b and its sub-proofs. */
static void step_range(html *H, uint32_t b, uint32_t *lo, uint32_t *hi) {
  for (uint32_t i = H->bstart[b - 1]; i < H->bstart[b]; i++) {
    const lem_step *s = &H->P->steps[H->bsteps[i] - 1];
    uint32_t n = H->local[H->bsteps[i] - 1];
    if (n < *lo) *lo = n;
    if (n > *hi) *hi = n;
    for (uint32_t k = 0; k < s->nkids; k++)
      if (s->kids[k] && s->kids[k] <= H->P->nblocks && s->kids[k] != b)
        step_range(H, s->kids[k], lo, hi);
  }
}

static void sub_proof(html *H, xmlNodePtr parent, uint32_t b) {
  const lem_block *B = &H->P->blocks[b - 1];
  xmlNodePtr d = el(H, parent, "details", "sub");
  xmlNodePtr sum = el(H, d, "summary", NULL);
  el_text(H, sum, "span", "bk", block_label(B->kind));
  if (B->nconsts) {
    H->buf.len = 0;
    for (uint32_t i = 0; i < B->nconsts; i++)
      if ((i && lem_buf_puts(H->L, &H->buf, ", ")) ||
          lem_term_print(H->L, B->consts[i], &H->buf))
        H->oom = 1;
    text(H, sum, " for arbitrary ");
    el_text(H, sum, "span", "f", H->buf.p ? H->buf.p : "");
  }
  uint32_t lo = UINT32_MAX, hi = 0;
  step_range(H, b, &lo, &hi);
  if (hi)
    text(H, sum, fmt(H, lo == hi ? " (step %u)" : " (steps %u–%u)", lo, hi));
  block_body(H, el(H, d, "div", "blk"), b);
}

/* A block's rows go in runs of RUN steps (<div class=run>), which the
** style sheet lays out only when on screen (content-visibility): a page of
** 100,000 steps then costs the browser a few thousand boxes, not 100,000
** (measured: per-row containment made scrolling slower; see README). */
#define RUN 64

static void block_body(html *H, xmlNodePtr parent, uint32_t b) {
  xmlNodePtr run = NULL;
  for (uint32_t i = H->bstart[b - 1], n = 0; i < H->bstart[b]; i++, n++) {
    if (n % RUN == 0) run = el(H, parent, "div", "run");
    const lem_step *s = &H->P->steps[H->bsteps[i] - 1];
    for (uint32_t k = 0; k < s->nkids; k++)
      if (s->kids[k] && s->kids[k] <= H->P->nblocks &&
          H->P->blocks[s->kids[k] - 1].thm == H->P->blocks[b - 1].thm)
        sub_proof(H, run, s->kids[k]);
    step_row(H, run, H->bsteps[i]);
  }
}

/* The premise an eq_subst step rewrote (its second), else LEM_NOTERM. */
static lem_term rewritten(html *H, const lem_step *s) {
  if (s->rule != LEM_R_EQ_SUBST || s->nprem != 2 || !s->prem[1] ||
      s->prem[1] > H->P->nsteps)
    return LEM_NOTERM;
  return H->P->steps[s->prem[1] - 1].concl;
}

/* <a href="#sN">N</a> for step sid, N its number in its theorem. */
static void step_link(html *H, xmlNodePtr parent, const char *cls,
                      uint32_t sid) {
  char num[16];
  snprintf(num, sizeof num, "%u", H->local[sid - 1]);
  link(H, parent, cat(H, "#s", num), cls, num);
}

static void step_row(html *H, xmlNodePtr parent, uint32_t sid) {
  const lem_proof *P = H->P;
  const lem_step *s = &P->steps[sid - 1];
  uint32_t thm = P->blocks[s->block - 1].thm;
  /* The row is made outside the document and then added: libxml2 indexes
  ** the id attributes of document nodes in a hash table, one insert per
  ** step that nothing here reads (an eighth of the export's time). */
  xmlNodePtr row = xmlNewNode(NULL, (const xmlChar *)"div");
  if (!row) {
    H->oom = 1;
    return;
  }
  attr(H, row, "class", "step");
  attr(H, row, "id", fmt(H, "s%u", H->local[sid - 1], 0));
  if (!parent || !xmlAddChild(parent, row)) {
    xmlFreeNode(row);
    H->oom = 1;
    return;
  }
  /* data-p: the premises' numbers, for the dependency highlight */
  H->buf.len = 0;
  for (uint32_t i = 0; i < s->nprem; i++)
    if (s->prem[i] && s->prem[i] <= P->nsteps &&
        lem_buf_printf(H->L, &H->buf, i ? " %u" : "%u",
                       H->local[s->prem[i] - 1]))
      H->oom = 1;
  if (s->nprem) attr(H, row, "data-p", H->buf.p ? H->buf.p : "");
  step_link(H, row, NULL, sid);
  formula(H, row, s->concl, rewritten(H, s));
  xmlNodePtr how = el(H, row, "span", "how");
  const char *rn = lem_rule_name(s->rule);
  /* no classes on the step's links: CSS tells them apart by position and
  ** href, which saves a sixth of the nodes of a large page */
  link(H, how, cat(H, "rules.html#rule-", rn), NULL, rn);
  for (uint32_t i = 0; i < s->nprem; i++) {
    uint32_t p = s->prem[i];
    if (!p || p > P->nsteps || P->blocks[P->steps[p - 1].block - 1].thm != thm)
      continue;
    step_link(H, how, NULL, p);
  }
  if (s->rule == LEM_R_THEOREM && s->thmref && s->thmref <= P->nthms) {
    const lem_pthm *t = &P->thms[s->thmref - 1];
    if (H->emit[s->thmref - 1]) link(H, how, thm_page(H, s->thmref), "ref", t->name);
    else el_text(H, how, "span", "ref", t->name);
  }
  if ((s->rule == LEM_R_EXPAND || s->rule == LEM_R_FOLD) && s->def)
    el_text(H, how, "span", "ref", lem_sym_name(H->L, s->def));
  if (!H->nrule[s->rule]++) H->example[s->rule] = sid;
  H->st.steps++;
}

static void used_by(html *H, xmlNodePtr body, uint32_t t) {
  xmlNodePtr sec = el(H, body, "section", "usedby");
  el_text(H, sec, "h2", NULL, "Used by");
  uint32_t lo = H->ustart[t - 1], hi = H->ustart[t];
  if (lo == hi) {
    el_text(H, sec, "p", "none", "No theorem of this run uses it.");
    return;
  }
  xmlNodePtr ul = el(H, sec, "ul", NULL);
  for (uint32_t i = lo; i < hi; i++) {
    uint32_t u = H->users[i];
    xmlNodePtr li = el(H, ul, "li", NULL);
    if (H->emit[u - 1]) link(H, li, thm_page(H, u), "ub", H->P->thms[u - 1].name);
    else text(H, li, H->P->thms[u - 1].name);
    text(H, li, " ");
    formula(H, li, H->P->thms[u - 1].stmt, LEM_NOTERM);
  }
}

static lem_err theorem_page(html *H, uint32_t t) {
  const lem_pthm *T = &H->P->thms[t - 1];
  xmlNodePtr body;
  xmlDocPtr d = page_new(H, T->name, &body);
  nav(H, body);
  xmlNodePtr h = el(H, body, "header", NULL);
  el_text(H, h, "h1", NULL, T->name);
  xmlNodePtr meta = el(H, h, "p", "meta");
  el_text(H, meta, "span", "kind", lem_thm_kind_name(T->kind));
  text(H, meta, " ");
  el_text(H, meta, "span",
          T->status == LEM_TS_FAILED ? "status no" : "status ok",
          lem_thm_status_name(T->status));
  xmlNodePtr stmt = el(H, h, "p", "stmt");
  formula(H, stmt, T->stmt, LEM_NOTERM);
  xmlNodePtr det = el(H, h, "details", "raw");
  el_text(H, det, "summary", NULL, "MPL");
  raw_mpl(H, det, T->stmt);
  xmlNodePtr pf = el(H, body, "section", "proof");
  el_text(H, pf, "h2", NULL, "Proof");
  if (T->root && T->root <= H->P->nblocks) {
    block_body(H, el(H, pf, "div", "blk root"), T->root);
    /* blocks no step opens (not made by lemma): shown so no step is lost */
    for (uint32_t b = 1; b <= H->P->nblocks; b++)
      if (b != T->root && H->P->blocks[b - 1].thm == t && !H->is_kid[b - 1])
        sub_proof(H, pf, b);
  } else {
    el_text(H, pf, "p", "none",
            T->status == LEM_TS_GIVEN ? "Given: taken without proof."
                                      : "No proof was stored.");
  }
  used_by(H, body, t);
  H->st.theorems++;
  return page_save(H, d, thm_page(H, t));
}

/* ---- the index ---- */

static void run_row(html *H, xmlNodePtr tb, const char *k, const char *v) {
  xmlNodePtr tr = el(H, tb, "tr", NULL);
  el_text(H, tr, "th", NULL, k);
  el_text(H, tr, "td", NULL, v ? v : "");
}

static void run_table(html *H, xmlNodePtr body) {
  const pv_html_run *r = H->run;
  xmlNodePtr sec = el(H, body, "section", "run");
  el_text(H, sec, "h2", NULL, "Run");
  xmlNodePtr tb = el(H, sec, "table", NULL);
  run_row(H, tb, "theory", r->theory);
  run_row(H, tb, "lemma", r->version);
  run_row(H, tb, "started", r->started);
  run_row(H, tb, "finished", r->finished);
  run_row(H, tb, "options", r->options);
}

static void counts(html *H, xmlNodePtr body) {
  const lem_proof *P = H->P;
  uint32_t kinds[LEM_TK_COUNT][LEM_TS_COUNT] = {{0}};
  for (uint32_t t = 0; t < P->nthms; t++)
    if (H->emit[t] && P->thms[t].kind < LEM_TK_COUNT &&
        P->thms[t].status < LEM_TS_COUNT)
      kinds[P->thms[t].kind][P->thms[t].status]++;
  xmlNodePtr sec = el(H, body, "section", "counts");
  el_text(H, sec, "h2", NULL, "Counts");
  xmlNodePtr tb = el(H, sec, "table", NULL);
  xmlNodePtr tr = el(H, tb, "tr", NULL);
  el_text(H, tr, "th", NULL, "theorems");
  for (int s = 0; s < LEM_TS_COUNT; s++)
    el_text(H, tr, "th", NULL, lem_thm_status_name((lem_thm_status)s));
  for (int k = 0; k < LEM_TK_COUNT; k++) {
    tr = el(H, tb, "tr", NULL);
    el_text(H, tr, "td", NULL, lem_thm_kind_name((lem_thm_kind)k));
    for (int s = 0; s < LEM_TS_COUNT; s++)
      el_text(H, tr, "td", "num", fmt(H, "%u", kinds[k][s], 0));
  }
  tb = el(H, sec, "table", "rules");
  tr = el(H, tb, "tr", NULL);
  el_text(H, tr, "th", NULL, "rule");
  el_text(H, tr, "th", NULL, "steps");
  for (int r = 1; r < LEM_R_COUNT; r++) {
    if (!H->nrule[r]) continue;
    tr = el(H, tb, "tr", NULL);
    const char *rn = lem_rule_name((lem_rule)r);
    link(H, el(H, tr, "td", NULL), cat(H, "rules.html#rule-", rn), "rule", rn);
    H->buf.len = 0;
    if (lem_buf_printf(H->L, &H->buf, "%llu",
                       (unsigned long long)H->nrule[r]))
      H->oom = 1;
    el_text(H, tr, "td", "num", H->buf.p ? H->buf.p : "");
  }
}

static void theorem_list(html *H, xmlNodePtr body) {
  const lem_proof *P = H->P;
  xmlNodePtr sec = el(H, body, "section", "theorems");
  el_text(H, sec, "h2", NULL, "Theorems");
  xmlNodePtr in = el(H, sec, "input", NULL);
  attr(H, in, "id", "search");
  attr(H, in, "type", "search");
  attr(H, in, "placeholder", "Filter theorems: name or formula");
  attr(H, in, "autocomplete", "off");
  el(H, sec, "p", "shown");
  for (int k = 0; k < LEM_TK_COUNT; k++) {
    uint32_t n = 0;
    for (uint32_t t = 0; t < P->nthms; t++) n += H->emit[t] && P->thms[t].kind == (lem_thm_kind)k;
    if (!n) continue;
    xmlNodePtr grp = el(H, sec, "div", "group");
    el_text(H, grp, "h3", NULL, lem_thm_kind_name((lem_thm_kind)k));
    xmlNodePtr ul = el(H, grp, "ul", "thms");
    for (uint32_t t = 1; t <= P->nthms; t++) {
      const lem_pthm *T = &P->thms[t - 1];
      if (!H->emit[t - 1] || T->kind != (lem_thm_kind)k) continue;
      xmlNodePtr li = el(H, ul, "li", "thm");
      link(H, li, thm_page(H, t), "name", T->name);
      text(H, li, " ");
      formula(H, li, T->stmt, LEM_NOTERM);
      text(H, li, " ");
      el_text(H, li, "span", T->status == LEM_TS_FAILED ? "status no" : "status ok",
              lem_thm_status_name(T->status));
    }
  }
}

static lem_err index_page(html *H) {
  xmlNodePtr body;
  const char *th = H->run->theory ? H->run->theory : "";
  xmlDocPtr d = page_new(H, cat(H, "lemma: ", th), &body);
  nav(H, body);
  xmlNodePtr h = el(H, body, "header", NULL);
  el_text(H, h, "h1", NULL, cat(H, "Proofs of ", th));
  run_table(H, body);
  counts(H, body);
  theorem_list(H, body);
  return page_save(H, d, "index.html");
}

/* ---- the rules ---- */

static const char *const rule_text[LEM_R_COUNT] = {
  [LEM_R_AXIOM] = "States the theory's axiom: the anchor's body over the "
                  "theory's constants. It needs no premise.",
  [LEM_R_THEOREM] = "States a theorem proved earlier in the run (or given), "
                    "so a later proof can use it like an axiom.",
  [LEM_R_HYP] = "States a hypothesis of the enclosing block: an assumption "
                "of the sub-proof, discharged by the intro or induct step "
                "that closes it.",
  [LEM_R_EXPAND] = "Replaces a defined relation D[args] by D's body, with "
                   "the parameters replaced by the arguments.",
  [LEM_R_FOLD] = "The reverse of expand: an instance of a definition's body "
                 "becomes D[args].",
  [LEM_R_AND_L] = "From A ∧ B, concludes A.",
  [LEM_R_AND_R] = "From A ∧ B, concludes B.",
  [LEM_R_AND_I] = "From A and B, concludes A ∧ B.",
  [LEM_R_MP] = "Modus ponens: from a rule ∀x̄. P ⇒ Q and facts matching the "
               "conjuncts of P under a substitution σ of x̄, concludes Qσ.",
  [LEM_R_EXISTS] = "From ∃ȳ. A ∧ B, concludes A ∧ B with ȳ replaced by fresh "
                   "witnesses that occur in no earlier step.",
  [LEM_R_EQ_REFL] = "Concludes a = a.",
  [LEM_R_EQ_SUBST] = "From a = b and a fact P, concludes P with some "
                     "occurrences of a replaced by b; the rewritten part is "
                     "highlighted.",
  [LEM_R_CONTRA] = "From A and ¬A, concludes any formula of the block.",
  [LEM_R_INTRO] = "Closes a sub-proof: its constants become universally "
                  "bound variables, its hypotheses the premise, and its last "
                  "step the conclusion: ∀x̄. P ⇒ Q.",
  [LEM_R_INDUCT] = "Closes a base case (the property of zero) and an "
                   "induction step (from n to its successor) into ∀n. n is "
                   "a member ⇒ the property of n, as the theory's induction "
                   "statement allows.",
  [LEM_R_SMT] = "A ground fact checked by the SMT solver (Z3): the stored "
                "query for its negation is unsatisfiable.",
  [LEM_R_REIT] = "Restates, inside a sub-proof, a fact of an enclosing "
                 "block.",
  [LEM_R_NEG_INTRO] = "Closes a sub-proof that assumes A (its hypotheses "
                      "are A's conjuncts) and reaches ¬A, by a "
                      "contradiction: concludes ¬A.",
};

static lem_err rules_page(html *H) {
  xmlNodePtr body;
  xmlDocPtr d = page_new(H, "lemma: the rules", &body);
  nav(H, body);
  xmlNodePtr h = el(H, body, "header", NULL);
  el_text(H, h, "h1", NULL, "The rules of the calculus");
  el_text(H, h, "p", NULL,
          "Every step of a proof applies one of these rules to earlier "
          "steps (its premises). The independent checker (lemma replay) "
          "re-derives each step by its rule.");
  for (int r = 1; r < LEM_R_COUNT; r++) {
    const char *rn = lem_rule_name((lem_rule)r);
    xmlNodePtr sec = el(H, body, "section", "rule");
    attr(H, sec, "id", cat(H, "rule-", rn));
    el_text(H, el(H, sec, "h2", NULL), "code", NULL, rn);
    el_text(H, sec, "p", NULL, rule_text[r] ? rule_text[r] : "");
    xmlNodePtr ex = el(H, sec, "p", "example");
    uint32_t sid = H->example[r];
    if (!sid) {
      text(H, ex, "No step of this run uses it.");
      continue;
    }
    const lem_step *s = &H->P->steps[sid - 1];
    uint32_t t = H->P->blocks[s->block - 1].thm;
    H->buf.len = 0;
    if (lem_buf_printf(H->L, &H->buf, "Used %llu times. Example: ",
                       (unsigned long long)H->nrule[r]))
      H->oom = 1;
    text(H, ex, H->buf.p ? H->buf.p : "");
    H->buf.len = 0;
    if (lem_buf_printf(H->L, &H->buf, "%s#s%u", thm_page(H, t),
                       H->local[sid - 1]) ||
        lem_buf_add(H->L, &H->buf, "", 1))
      H->oom = 1;
    char *href = lem_strndup(H->L, H->buf.p ? H->buf.p : "", H->buf.len);
    if (!href) H->oom = 1;
    else {
      const char *nm = H->P->thms[t - 1].name;
      link(H, ex, href, NULL, fmt(H, "step %u", H->local[sid - 1], 0));
      text(H, ex, " of ");
      text(H, ex, nm);
      lem_free(H->L, href, strlen(href) + 1);
    }
    text(H, ex, ": ");
    formula(H, ex, s->concl, rewritten(H, s));
  }
  return page_save(H, d, "rules.html");
}

/* ---- files ---- */

static lem_err make_dir(lem_ctx *L, const char *dir) {
  struct stat sb;
  if (mkdir(dir, 0777) && errno != EEXIST)
    return lem_error(L, LEM_EIO, "%s: cannot create directory: %s", dir,
                     strerror(errno));
  if (stat(dir, &sb) || !S_ISDIR(sb.st_mode))
    return lem_error(L, LEM_EIO, "%s: not a directory", dir);
  return LEM_OK;
}

/* Copy assets/name to dir/name. */
static lem_err copy_asset(lem_ctx *L, const char *assets, const char *dir,
                          const char *name) {
  lem_buf from = {0}, to = {0};
  lem_err e = LEM_OK;
  FILE *in = NULL, *out = NULL;
  if (lem_buf_printf(L, &from, "%s/%s", assets, name) ||
      lem_buf_printf(L, &to, "%s/%s", dir, name)) {
    e = LEM_ENOMEM;
    goto done;
  }
  if (!(in = fopen(from.p, "rb"))) {
    e = lem_error(L, LEM_EIO, "%s: cannot read the asset: %s (see --assets)",
                  from.p, strerror(errno));
    goto done;
  }
  if (!(out = fopen(to.p, "wb"))) {
    e = lem_error(L, LEM_EIO, "%s: cannot write: %s", to.p, strerror(errno));
    goto done;
  }
  char chunk[8192];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, in)) > 0)
    if (fwrite(chunk, 1, n, out) != n) break;
  if (ferror(in)) e = lem_error(L, LEM_EIO, "%s: read error", from.p);
  int bad = ferror(out);
  if ((fclose(out) || bad) && !e)
    e = lem_error(L, LEM_EIO, "%s: write error", to.p);
  out = NULL;
done:
  if (in) fclose(in);
  if (out) fclose(out);
  lem_buf_free(L, &from);
  lem_buf_free(L, &to);
  return e;
}

lem_err pv_html_render(lem_ctx *L, const lem_theory *T, const lem_proof *P,
                       const pv_html_run *run, const char *dir,
                       const pv_html_opts *o, pv_html_stats *st) {
  static const pv_html_run norun = {0};
  html H = {.L = L, .T = T, .P = P, .run = run ? run : &norun, .dir = dir};
  lem_err e = make_dir(L, dir);
  if (!e) e = copy_asset(L, o->assets, dir, "lemma.css");
  if (!e) e = copy_asset(L, o->assets, dir, "lemma.js");
  if (!e) e = build_indexes(&H);
  if (!e) e = choose(&H, o->only);
  /* theorem pages first: they gather the rule examples and counts */
  for (uint32_t t = 1; t <= P->nthms && !e; t++)
    if (H.emit[t - 1]) e = theorem_page(&H, t);
  if (!e) e = index_page(&H);
  if (!e) e = rules_page(&H);
  if (e == LEM_ENOMEM && !lem_errmsg(L)[0])
    lem_error(L, LEM_ENOMEM, "html: out of memory");
  if (st) *st = H.st;
  free_indexes(&H);
  return e;
}

lem_err pv_html_export(lem_ctx *L, const char *db, const char *dir,
                       const pv_html_opts *o, pv_html_stats *st) {
  lem_store *S = NULL;
  lem_proof *P = NULL;
  lem_theory *T = NULL;
  lem_store_run run = {0};
  char *name = NULL, *text = NULL;
  size_t len = 0;
  lem_err e = lem_store_open(L, db, LEM_STORE_READ, &S);
  if (!e) e = lem_store_read_run(S, &run);
  if (!e) e = lem_store_read_theory(S, &name, &text, &len);
  if (!e) e = lem_store_load(S, &P);
  if (!e && lem_theory_load_text(L, text, len, db, &T)) {
    char why[sizeof L->errmsg];
    snprintf(why, sizeof why, "%s", lem_errmsg(L));
    e = lem_error(L, LEM_EDB, "%s: the stored theory does not load: %s", db,
                  why);
  }
  if (!e) {
    pv_html_run r = {run.version, run.options, run.started, run.finished,
                     name};
    e = pv_html_render(L, T, P, &r, dir, o, st);
  }
  if (name) lem_free(L, name, strlen(name) + 1);
  if (text) lem_free(L, text, len + 1);
  lem_store_run_free(L, &run);
  lem_theory_free(L, T);
  lem_proof_free(P);
  lem_store_close(S);
  return e;
}

/*
** htmllint.c: see htmllint.h.  Two passes: parse every page and record its
** ids and its references; then resolve each reference.
*/
#include "htmllint.h"

#include <dirent.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct strs {
  char **v;
  size_t n, cap;
} strs;

static void push(strs *s, const char *a, const char *b) {
  if (s->n == s->cap) {
    s->cap = s->cap ? 2 * s->cap : 256;
    s->v = realloc(s->v, s->cap * sizeof *s->v);
    if (!s->v) abort();
  }
  size_t la = strlen(a), lb = strlen(b);
  char *x = malloc(la + lb + 2);
  if (!x) abort();
  memcpy(x, a, la);
  x[la] = '#';
  memcpy(x + la + 1, b, lb + 1);
  s->v[s->n++] = x;
}

static void strs_free(strs *s) {
  for (size_t i = 0; i < s->n; i++) free(s->v[i]);
  free(s->v);
}

static int cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct lint {
  strs ids;    /* "page#id" */
  strs refs;   /* "page#target" where target is "file#frag" or "file" */
  strs files;  /* "name#" for every file in the directory */
  char *why;
  size_t n;
  int failed;
  char err[512]; /* first parse error of the current page */
} lint;

static int fail(lint *C, const char *fmt, ...) {
  if (C->failed++) return -1;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(C->why, C->n, fmt, ap);
  va_end(ap);
  return -1;
}

static void on_error(void *ud, xmlErrorPtr e) {
  lint *C = ud;
  if (e->code == XML_HTML_UNKNOWN_TAG || C->err[0]) return;
  snprintf(C->err, sizeof C->err, "line %d: %s", e->line,
           e->message ? e->message : "error");
}

static int has(strs *s, const char *key) {
  return bsearch(&key, s->v, s->n, sizeof *s->v, cmp) != NULL;
}

/* Record the ids and references of the tree under n. */
static void walk(lint *C, const char *page, xmlNodePtr n) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    xmlChar *id = xmlGetProp(n, (const xmlChar *)"id");
    if (id) push(&C->ids, page, (const char *)id);
    xmlFree(id);
    const char *attrs[] = {"href", "src"};
    for (int i = 0; i < 2; i++) {
      xmlChar *v = xmlGetProp(n, (const xmlChar *)attrs[i]);
      if (v) push(&C->refs, page, (const char *)v);
      else if (i == 0 && !strcmp((const char *)n->name, "a"))
        fail(C, "%s: an <a> without href", page);
      xmlFree(v);
    }
    xmlChar *p = xmlGetProp(n, (const xmlChar *)"data-p");
    if (p) {
      char *save = NULL, *dup = strdup((const char *)p);
      for (char *t = strtok_r(dup, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        char target[64];
        snprintf(target, sizeof target, "#s%s", t);
        push(&C->refs, page, target);
      }
      free(dup);
    }
    xmlFree(p);
    walk(C, page, n->children);
  }
}

static int parse_page(lint *C, const char *dir, const char *page) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, page);
  htmlParserCtxtPtr ctx = htmlNewParserCtxt();
  if (!ctx) return fail(C, "out of memory");
  C->err[0] = 0;
  xmlSetStructuredErrorFunc(C, on_error);
  xmlDocPtr d = htmlCtxtReadFile(ctx, path, "UTF-8",
                                 HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                     HTML_PARSE_NOWARNING);
  xmlSetStructuredErrorFunc(NULL, NULL);
  int rc = 0;
  if (!d) rc = fail(C, "%s: does not parse", page);
  else if (C->err[0]) rc = fail(C, "%s: %s", page, C->err);
  else if (!xmlDocGetRootElement(d)) rc = fail(C, "%s: empty", page);
  else walk(C, page, xmlDocGetRootElement(d));
  xmlFreeDoc(d);
  htmlFreeParserCtxt(ctx);
  return rc;
}

/* Resolve "page#url". */
static void resolve(lint *C, const char *ref) {
  const char *url = strchr(ref, '#') + 1;
  char page[1024], file[1024];
  snprintf(page, sizeof page, "%.*s", (int)(url - ref - 1), ref);
  if (strchr(url, ':') || url[0] == '/' || strstr(url, "..") || !url[0]) {
    fail(C, "%s: link leaves the site: '%s'", page, url);
    return;
  }
  const char *frag = strchr(url, '#');
  size_t fl = frag ? (size_t)(frag - url) : strlen(url);
  if (fl) snprintf(file, sizeof file, "%.*s", (int)fl, url);
  else snprintf(file, sizeof file, "%s", page);
  char key[2100];
  snprintf(key, sizeof key, "%s#", file);
  if (!has(&C->files, key)) {
    fail(C, "%s: link to a missing file: '%s'", page, url);
    return;
  }
  if (frag && frag[1]) {
    snprintf(key, sizeof key, "%s#%s", file, frag + 1);
    if (!has(&C->ids, key)) fail(C, "%s: broken anchor: '%s'", page, url);
  } else if (frag) {
    fail(C, "%s: empty fragment: '%s'", page, url);
  }
}

int html_lint(const char *dir, html_lint_stats *st, char *why, size_t n) {
  lint C = {.why = why, .n = n};
  html_lint_stats s = {0};
  DIR *D = opendir(dir);
  if (!D) {
    snprintf(why, n, "%s: cannot open", dir);
    return -1;
  }
  strs pages = {0};
  for (struct dirent *e; (e = readdir(D));) {
    if (e->d_name[0] == '.') continue;
    push(&C.files, e->d_name, "");
    size_t l = strlen(e->d_name);
    if (l > 5 && !strcmp(e->d_name + l - 5, ".html")) push(&pages, e->d_name, "");
  }
  closedir(D);
  qsort(C.files.v, C.files.n, sizeof *C.files.v, cmp);
  qsort(pages.v, pages.n, sizeof *pages.v, cmp);
  if (!pages.n) fail(&C, "%s: no pages", dir);
  for (size_t i = 0; i < pages.n; i++) {
    pages.v[i][strlen(pages.v[i]) - 1] = 0; /* drop the '#' */
    parse_page(&C, dir, pages.v[i]);
  }
  qsort(C.ids.v, C.ids.n, sizeof *C.ids.v, cmp);
  for (size_t i = 1; i < C.ids.n; i++)
    if (!strcmp(C.ids.v[i], C.ids.v[i - 1]))
      fail(&C, "duplicate id: %s", C.ids.v[i]);
  for (size_t i = 0; i < C.refs.n; i++) resolve(&C, C.refs.v[i]);
  s.pages = (unsigned)pages.n;
  s.links = (unsigned)C.refs.n;
  s.ids = (unsigned)C.ids.n;
  if (st) *st = s;
  strs_free(&pages);
  strs_free(&C.ids);
  strs_free(&C.refs);
  strs_free(&C.files);
  return C.failed ? -1 : 0;
}

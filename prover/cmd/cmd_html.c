/*
** cmd_html.c: `lemma html FILE.db -o DIR [--theorem ID] [--assets DIR]`.
**
** Writes the proof database as a static web site (prover/html.h) and prints
** one line: how many pages, theorems and steps were written.  The assets
** (lemma.css, lemma.js) come from --assets, else $LEMMA_ASSETS, else the
** installed $(pkgdatadir)/html, else the source tree's html/ (so a build
** tree works uninstalled).  Exit status: 0 written, 1 an unusable database
** or an unwritable directory, 2 bad usage.
*/
#include "config.h"

#include "cmd.h"
#include "html.h"

#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int html_usage(const char *msg) {
  fprintf(stderr, "lemma: html: %s\nusage: lemma html FILE.db -o DIR "
          "[--theorem ID] [--assets DIR]\n", msg);
  return 2;
}

static int has_assets(const char *dir) {
  char path[4096];
  struct stat sb;
  if (snprintf(path, sizeof path, "%s/lemma.js", dir) >= (int)sizeof path)
    return 0;
  return !stat(path, &sb);
}

static const char *find_assets(const char *opt) {
  if (opt) return opt;
  const char *env = getenv("LEMMA_ASSETS");
  if (env && *env) return env;
  if (has_assets(LEM_PKGDATADIR "/html")) return LEM_PKGDATADIR "/html";
  if (has_assets(LEM_SRCDIR "/html")) return LEM_SRCDIR "/html";
  return LEM_PKGDATADIR "/html"; /* for the message */
}

int cmd_html(int argc, char **argv) {
  const char *db = NULL, *out = NULL, *assets = NULL;
  pv_html_opts o = {0};
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-o") || !strcmp(a, "--out")) {
      if (++i >= argc) return html_usage("-o needs a DIR");
      out = argv[i];
    } else if (!strcmp(a, "--assets")) {
      if (++i >= argc) return html_usage("--assets needs a DIR");
      assets = argv[i];
    } else if (!strcmp(a, "--theorem")) {
      char *end;
      if (++i >= argc) return html_usage("--theorem needs an ID");
      long v = strtol(argv[i], &end, 10);
      if (!*argv[i] || *end || v <= 0 || v > (long)UINT32_MAX)
        return html_usage("--theorem needs a positive integer ID");
      o.only = (uint32_t)v;
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "lemma: html: unknown option '%s'\n", a);
      return 2;
    } else if (db) {
      return html_usage("expected one FILE.db");
    } else {
      db = a;
    }
  }
  if (!db) return html_usage("expected FILE.db");
  if (!out) return html_usage("expected -o DIR");
  o.assets = find_assets(assets);
  lem_ctx *L = lem_ctx_new(NULL, NULL, 0);
  if (!L) {
    fputs("lemma: out of memory\n", stderr);
    return 1;
  }
  pv_html_stats st = {0};
  int status = 0;
  if (pv_html_export(L, db, out, &o, &st)) {
    fprintf(stderr, "lemma: %s\n", lem_errmsg(L));
    status = 1;
  } else {
    printf("%s: %u pages, %u theorems, %llu steps\n", out, st.pages,
           st.theorems, (unsigned long long)st.steps);
  }
  lem_ctx_free(L);
  xmlCleanupParser(); /* libxml2's global state, so valgrind sees no leak */
  return status;
}

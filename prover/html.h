/*
** html.h: the proof database as a static, navigable web site.
**
** pv_html_export reads a proof database (through src/store.h only), reloads
** the theory it records, and writes into a directory:
**   index.html   the run, counts by kind and by rule, every theorem in
**                readable notation with a search box;
**   tN.html      one page per theorem (N its database id): the statement
**                (readable, raw MPL on demand), the proof one step a line
**                with rule tags, premise links, collapsible sub-proofs,
**                the changed part of each eq_subst step marked, and
**                "used by" backlinks;
**   rules.html   the calculus (prover/DESIGN.md), a sentence or two a rule,
**                each with an example step from the run;
**   lemma.css, lemma.js   copied from the assets directory (html/ in the
**                source tree, installed under $(pkgdatadir)/html).
** Every page is a libxml2 HTML tree serialized by libxml2, so whatever text
** a theory holds is escaped by construction.  Output is deterministic: the
** only date shown is the run's own.  Pages work from file:// and need no
** network.
**
** Large proofs stay on one page: sub-proofs are collapsed <details> (not
** laid out until opened) and step rows come in runs of 64 that use CSS
** content-visibility, so the browser lays out only what is on screen.  See
** README.md.
**
** libxml2 allocates with its own allocator (it has no per-call hook); all
** of lemma's own memory goes through the context.  Errors: LEM_EIO (a file
** or directory could not be written or an asset read), LEM_EDB (through the
** store), LEM_EINVAL (no such theorem), LEM_ENOMEM; nothing here prints.
*/
#ifndef PV_HTML_H
#define PV_HTML_H

#include "mpl.h"
#include "proof.h"

typedef struct pv_html_opts {
  const char *assets;  /* directory holding lemma.css and lemma.js */
  uint32_t only;       /* a theorem's database id: write its page and those
                          of the theorems it uses (transitively); 0: all */
} pv_html_opts;

/* What the index shows of the run; any field may be NULL (shown as ""). */
typedef struct pv_html_run {
  const char *version, *options, *started, *finished, *theory;
} pv_html_run;

typedef struct pv_html_stats {
  uint32_t pages;      /* HTML files written */
  uint32_t theorems;   /* theorem pages among them */
  uint64_t steps;      /* step rows written */
} pv_html_stats;

/* Write the site for database db into dir (created if missing; existing
** files of the same names are overwritten).  st may be NULL. */
lem_err pv_html_export(lem_ctx *L, const char *db, const char *dir,
                       const pv_html_opts *o, pv_html_stats *st);

/* The same from a proof already in memory: T gives the notations (P's terms
** and T's live in L).  For tests and benchmarks. */
lem_err pv_html_render(lem_ctx *L, const lem_theory *T, const lem_proof *P,
                       const pv_html_run *run, const char *dir,
                       const pv_html_opts *o, pv_html_stats *st);

#endif

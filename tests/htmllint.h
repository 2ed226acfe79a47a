/*
** htmllint.h: checks a site written by `lemma html` (tests only).
**
** Every *.html file in a directory is parsed with libxml2's HTML parser; any
** parse error fails (HTML5 element names, unknown to libxml2's HTML 4
** tables, are the one tolerated complaint).  Every element id must be
** unique in its page; every <a> must have an href; every href, src and
** data-p reference must resolve: a page or asset in the directory and, with
** a #fragment, an element with that id in that page.  No URL may leave the
** directory (no scheme, no absolute path, no "..").
*/
#ifndef LEM_HTMLLINT_H
#define LEM_HTMLLINT_H

#include <stddef.h>

typedef struct html_lint_stats {
  unsigned pages, links, ids;
} html_lint_stats;

/* 0 if the site passes; else -1 with a reason in why (n bytes). */
int html_lint(const char *dir, html_lint_stats *st, char *why, size_t n);

#endif

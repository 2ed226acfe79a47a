/*
** html_lint.c: `html_lint DIR`, the link and well-formedness check of
** htmllint.h as a program, for tests/html.sh.  Exit 0 if the site passes.
*/
#include "htmllint.h"

#include <libxml/parser.h>
#include <stdio.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: html_lint DIR\n");
    return 2;
  }
  char why[1024];
  html_lint_stats st;
  int rc = html_lint(argv[1], &st, why, sizeof why);
  xmlCleanupParser();
  if (rc) {
    fprintf(stderr, "html_lint: %s\n", why);
    return 1;
  }
  printf("html_lint: %u pages, %u links, %u ids: ok\n", st.pages, st.links,
         st.ids);
  return 0;
}

/*
** args.c: what the subcommands share in reading their arguments: the bad
** usage message, number options, and the options as one string.  See
** cmd.h.
*/
#include "cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_usage(const char *cmd, const char *msg, const char *arg) {
  fprintf(stderr, "lemma: %s: ", cmd);
  fprintf(stderr, msg, arg);
  fprintf(stderr, "\nTry 'lemma --help'.\n");
  return 2;
}

int cmd_number(const char *cmd, const char *opt, const char *s, double lo,
               double hi, double *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || *end || v < lo || v > hi) {
    fprintf(stderr, "lemma: %s: %s: bad value '%s' (expected %g..%g)\n", cmd,
            opt, s, lo, hi);
    return 0;
  }
  *out = v;
  return 1;
}

char *cmd_join(int argc, char **argv) {
  size_t n = 1;
  for (int i = 0; i < argc; i++) n += strlen(argv[i]) + 1;
  char *s = malloc(n), *p = s;
  if (!s) return NULL;
  for (int i = 0; i < argc; i++) {
    size_t k = strlen(argv[i]);
    if (i) *p++ = ' ';
    memcpy(p, argv[i], k);
    p += k;
  }
  *p = 0;
  return s;
}

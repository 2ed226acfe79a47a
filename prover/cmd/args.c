/*
** args.c: what the subcommands share in reading their arguments: the bad
** usage message and number options.  See cmd.h.
*/
#include "cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

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

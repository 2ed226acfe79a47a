/*
** cmd_refute.c: `lemma refute THEORY (--goal EXPR | --goals FILE)...
**                 [--finite K | --uninterpreted] [--rlimit N]`
**
** Looks for a counterexample to each conjecture with Z3 (smt_refute): in
** the theory's arithmetic model (its `model` statements), in finite
** structures of the axiom with at most K elements, or over an
** uninterpreted sort with the axiom.  Prints per conjecture one of
**   counterexample: a = 2, b = 0     (then, for finite domains, the
**                                     constants and relation tables)
**   none (...)                       (what "none" means for the domain)
**   unknown: REASON                  (Z3 gave up; never taken as an answer)
**   error: MESSAGE                   (this conjecture only; the run goes on)
** Exit 0 when every conjecture was decided or refuted, 1 when one ended in
** unknown or error or the input is bad, 2 for bad usage.
*/
#include "cmd.h"
#include "mpl.h"
#include "prove.h"
#include "smt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int refute_usage(const char *msg, const char *arg) {
  fprintf(stderr, "lemma: refute: ");
  fprintf(stderr, msg, arg);
  fprintf(stderr, "\nTry 'lemma --help'.\n");
  return 2;
}

static const char *none_means(smt_domain d) {
  switch (d) {
    case SMT_DOM_NAT: return "none: it holds in the arithmetic model";
    case SMT_DOM_FINITE: return "none in any model of the axiom of this size or less";
    default: return "none: it follows from the axiom";
  }
}

/* Print each conjecture's outcome; returns the exit status. */
static int refute_all(lem_ctx *L, const lem_theory *T, const smt_model *M,
                      const lem_term *cs, uint32_t n, unsigned rlimit) {
  smt_solver *S = smt_solver_new(L);
  if (!S || (rlimit && smt_solver_set_rlimit(S, rlimit))) {
    fprintf(stderr, "lemma: %s\n", lem_errmsg(L));
    smt_solver_free(S);
    return 1;
  }
  int status = 0;
  smt_result r = SMT_RESULT_INIT;
  for (uint32_t i = 0; i < n; i++) {
    lem_buf b = {0};
    if (pv_readable(L, T, cs[i], &b)) {
      status = 1;
      break;
    }
    printf("C%u: %s\n", i + 1, b.p);
    lem_buf_free(L, &b);
    smt_status st = smt_refute(S, M, cs[i], &r);
    const char *t = r.text ? r.text : "";
    switch (st) {
      case SMT_SAT:
        printf("  counterexample: ");
        for (const char *p = t; *p; p++) /* indent the structure lines */
          *p == '\n' ? (void)fputs("\n    ", stdout) : (void)putchar(*p);
        putchar('\n');
        break;
      case SMT_UNSAT: printf("  %s\n", none_means(M->dom)); break;
      case SMT_UNKNOWN:
        printf("  unknown: %s\n", t);
        status = 1;
        break;
      default:
        printf("  error: %s\n", t);
        fprintf(stderr, "lemma: conjecture %u: %s\n", i + 1, t);
        status = 1;
    }
  }
  smt_result_free(L, &r);
  smt_solver_free(S);
  smt_finalize();
  return status;
}

int cmd_refute(int argc, char **argv) {
  const char *theory = NULL;
  long finite = 0;
  int uninterp = 0;
  unsigned long rlimit = 0;
  for (int i = 0; i < argc; i++) { /* options first; goals read later */
    const char *a = argv[i];
    char *end;
    if (!strcmp(a, "--goal") || !strcmp(a, "--goals")) {
      if (++i >= argc) return refute_usage("%s needs an argument", a);
    } else if (!strcmp(a, "--finite")) {
      if (++i >= argc) return refute_usage("%s needs a size", a);
      errno = 0;
      finite = strtol(argv[i], &end, 10);
      if (errno || *end || finite < 1 || finite > (long)SMT_FINITE_MAX) {
        fprintf(stderr, "lemma: refute: --finite: bad value '%s' (expected "
                "1..%u)\n", argv[i], SMT_FINITE_MAX);
        return 2;
      }
    } else if (!strcmp(a, "--uninterpreted")) {
      uninterp = 1;
    } else if (!strcmp(a, "--rlimit")) {
      if (++i >= argc) return refute_usage("%s needs a number", a);
      errno = 0;
      rlimit = strtoul(argv[i], &end, 10);
      if (errno || *end || argv[i][0] == '-' || rlimit < 1 ||
          rlimit > 4000000000ul) {
        fprintf(stderr, "lemma: refute: --rlimit: bad value '%s'\n", argv[i]);
        return 2;
      }
    } else if (a[0] == '-' && a[1]) {
      return refute_usage("unknown option '%s'", a);
    } else if (!theory) {
      theory = a;
    } else {
      return refute_usage("unexpected argument '%s'", a);
    }
  }
  if (!theory) return refute_usage("%s", "expected a THEORY");
  if (finite && uninterp)
    return refute_usage("%s", "--finite and --uninterpreted exclude each other");
  lem_ctx *L = lem_ctx_new(NULL, NULL, 0);
  if (!L) {
    fputs("lemma: out of memory\n", stderr);
    return 1;
  }
  lem_theory *T = NULL;
  lem_term *cs = NULL;
  uint32_t n = 0, cap = 0;
  int status = 1;
  smt_model M;
  if (lem_theory_load(L, theory, &T)) goto bad;
  for (int i = 0; i < argc; i++) {
    int file = !strcmp(argv[i], "--goals");
    if (strcmp(argv[i], "--goal") && !file) continue;
    const char *x = argv[++i];
    lem_term *fg = NULL;
    uint32_t nf = 0;
    if (file) {
      if (lem_read_goals(L, T, x, &fg, &nf)) goto bad;
    } else {
      lem_term g = lem_read_formula(L, T, x, strlen(x), "--goal", 1, 1);
      if (!g) goto bad;
      if (LEM_GROW(L, cs, cap, n + 1)) goto bad;
      cs[n++] = g;
    }
    lem_err e = LEM_GROW(L, cs, cap, n + nf + 1);
    for (uint32_t j = 0; !e && j < nf; j++) cs[n++] = fg[j];
    lem_free(L, fg, nf * sizeof *fg);
    if (e) goto bad;
  }
  if (!n) {
    lem_free(L, cs, cap * sizeof *cs);
    lem_theory_free(L, T);
    lem_ctx_free(L);
    return refute_usage("%s", "expected --goal EXPR or --goals FILE");
  }
  if (finite ? smt_model_finite(L, T, (uint32_t)finite, &M)
      : uninterp ? smt_model_uninterpreted(L, T, &M)
                 : smt_model_from_theory(L, T, &M))
    goto bad;
  M.rec = 1; /* an operation modelled `rec` is read by its recursion */
  status = refute_all(L, T, &M, cs, n, (unsigned)rlimit);
  goto out;
bad:
  fprintf(stderr, "lemma: %s\n", lem_errmsg(L));
out:
  lem_free(L, cs, cap * sizeof *cs);
  lem_theory_free(L, T);
  lem_ctx_free(L);
  return status;
}

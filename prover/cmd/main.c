/*
** main.c: the `lemma` command.
**
** This is the only place in lemma that prints or exits.  It parses the
** command line, calls the library, and turns its error codes into messages
** on stderr and exit statuses:
**   0  success
**   1  a user error: bad input, a goal not proved, a failed check
**   2  bad usage: an unknown subcommand or option, a missing argument
*/
#include "config.h"

#include "canon.h"
#include "cmd.h"
#include "ctx.h"
#include "mpl.h"
#include "term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#define EXIT_USER 1
#define EXIT_USAGE 2

static const char usage_text[] =
    "usage: lemma [--help] [--version] COMMAND [ARGS]\n"
    "\n"
    "Commands:\n"
    "  parse THEORY...   read theories and print each definition in canonical "
    "form\n"
    "  prove THEORY (--goal EXPR | --goals FILE)... [--out FILE] [--db FILE]\n"
    "                    [--rounds N] [--facts N] [--depth N] [--seconds S]\n"
    "                    [--no-induction] [--no-smt] [--policy MODEL]\n"
    "                    [--goal-facts N] [--stats] [--assume FILE]\n"
    "                    [--premises K] [--shuffle-tactics SEED]\n"
    "                    prove goals in order; print each proof step by step\n"
    "  refute THEORY (--goal EXPR | --goals FILE)... [--finite K]\n"
    "                    [--uninterpreted] [--rlimit N]\n"
    "                    look for counterexamples with Z3 (the theory's model,\n"
    "                    or finite structures of its axiom)\n"
    "  train DB... -o MODEL [--epochs N] [--batch N] [--seed N] [--lr X]\n"
    "                    [--weight-decay X] [--smoothing X] [--holdout X]\n"
    "                    [--model transformer|linear]\n"
    "                    [(--theory DIR --exclude FILE)... DB...]\n"
    "                    train the tactic policy on the decision points\n"
    "                    recorded in proof databases (those named after\n"
    "                    --exclude without any trace of FILE's goals)\n"
    "  train --rounds N (--theory DIR --goals FILE)... --work DIR -o MODEL\n"
    "                    [--goal-facts N] [DB...] [options as above]\n"
    "                    expert iteration: prove, train, prove again...\n"
    "  explore THEORY [--db FILE] [--batch FILE] [--max-vars N] [--max-ops N]\n"
    "                    [--max-eq-ops N] [--max-prems N]\n"
    "                    [--seconds-per-conjecture S]\n"
    "                    [--rounds N] [--facts N] [--no-z3] [--no-progress]\n"
    "                    discover, filter and prove conjectures batch by batch\n"
    "  replay FILE.db [--theorem ID]\n"
    "                    re-check every stored proof with the independent "
    "checker\n"
    "  html FILE.db -o DIR [--theorem ID] [--assets DIR]\n"
    "                    write the proofs as a navigable web site\n"
    "\n"
    "THEORY is a theory directory (holding theory.mpl) or a manifest file.\n"
    "See lemma(1) and lemma-mpl(5).\n";

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "lemma: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nTry 'lemma --help'.\n");
  return EXIT_USAGE;
}

/* Print "NAME[p1,...] := BODY" with BODY canonical, params kept. */
static int print_def(lem_ctx *L, const char *kw, const lem_def *d) {
  lem_term body = lem_canon_keep(L, d->body, d->nparams, d->params);
  if (!body) return -1;
  lem_buf b = {0};
  lem_err e = lem_def_print(L, &b, kw, d, body);
  if (!e) printf("%s\n", b.p);
  lem_buf_free(L, &b);
  return e ? -1 : 0;
}

static int cmd_parse(int argc, char **argv) {
  if (argc < 1) return usage_error("%s", "parse: expected at least one THEORY");
  for (int i = 0; i < argc; i++)
    if (argv[i][0] == '-' && argv[i][1])
      return usage_error("parse: unknown option '%s'", argv[i]);
  int status = 0;
  for (int i = 0; i < argc; i++) {
    lem_ctx *L = lem_ctx_new(NULL, NULL, 0);
    if (!L) {
      fprintf(stderr, "lemma: out of memory\n");
      return EXIT_USER;
    }
    lem_theory *T = NULL;
    if (lem_theory_load(L, argv[i], &T)) {
      fprintf(stderr, "lemma: %s\n", lem_errmsg(L));
      status = EXIT_USER;
    } else {
      printf("# theory %s (%s)\n", lem_sym_name(L, T->name), T->path);
      for (uint32_t k = 0; k < T->ndefs && status == 0; k++)
        if (&T->defs[k] != T->anchor && print_def(L, "define", &T->defs[k]))
          status = EXIT_USER;
      if (T->anchor && status == 0 && print_def(L, "anchor", T->anchor))
        status = EXIT_USER;
      if (status) fprintf(stderr, "lemma: %s\n", lem_errmsg(L));
      lem_theory_free(L, T);
    }
    lem_ctx_free(L);
  }
  return status;
}

/* glibc raises its mmap threshold to the size of each large block freed
** (up to 32 MB), so that after the first big proof attempt the engine's
** big arrays come from the heap, where they are copied as they grow and
** leave holes when freed: some 20 MB of peak memory in an exploration.  A
** fixed threshold keeps them mapped, grown by mremap and given back when
** freed. */
static void malloc_setup(void) {
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD)
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
}

int main(int argc, char **argv) {
  malloc_setup();
  if (argc < 2) {
    fputs(usage_text, stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    fputs(usage_text, stdout);
    return 0;
  }
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
    printf("lemma %s\n", PACKAGE_VERSION);
    return 0;
  }
  if (!strcmp(cmd, "parse")) return cmd_parse(argc - 2, argv + 2);
  if (!strcmp(cmd, "replay")) return cmd_replay(argc - 2, argv + 2);
  if (!strcmp(cmd, "prove")) return cmd_prove(argc - 2, argv + 2);
  if (!strcmp(cmd, "html")) return cmd_html(argc - 2, argv + 2);
  if (!strcmp(cmd, "refute")) return cmd_refute(argc - 2, argv + 2);
  if (!strcmp(cmd, "train")) return cmd_train(argc - 2, argv + 2);
  if (!strcmp(cmd, "explore")) return cmd_explore(argc - 2, argv + 2);
  if (cmd[0] == '-') return usage_error("unknown option '%s'", cmd);
  return usage_error("unknown command '%s'", cmd);
}

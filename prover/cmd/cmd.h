/*
** cmd.h: the subcommands of the lemma command, one file each.
** Each takes the arguments after the subcommand's name and returns the exit
** status (0 success, 1 user error, 2 bad usage).  Only this layer prints.
*/
#ifndef LEM_CMD_H
#define LEM_CMD_H

#include <stdint.h>
#include <stdio.h>

int cmd_replay(int argc, char **argv);
int cmd_prove(int argc, char **argv);
int cmd_html(int argc, char **argv);
int cmd_refute(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_explore(int argc, char **argv);

/* A proving run as `lemma prove` makes it (cmd_prove.c), also used by
** `lemma train --rounds`.  The goals come from gs (files or formulas), in
** order; out gets the proofs; db (or NULL) the proof database.  stats:
** print each goal's facts made and seconds.  quiet: no per-goal messages
** on stderr.  assume: files of formulas taken as theorems without proof
** (pv_assume) before the goals.  Returns the exit status; *nproved and *ngoals (may be NULL)
** get how many goals were proved (or resumed from db) of how many. */
struct pv_opts;
typedef struct cmd_goalsrc {
  int is_file;
  const char *text;
} cmd_goalsrc;
typedef struct cmd_prove_job {
  const char *theory;
  const cmd_goalsrc *gs;
  int ngs;
  const struct pv_opts *o;
  int no_smt, stats, quiet;
  FILE *out;
  const char *db, *options;
  const char *const *assume; /* goal files taken as proved, or NULL */
  int nassume;
} cmd_prove_job;
struct lem_ctx;
int cmd_prove_run(struct lem_ctx *L, const cmd_prove_job *j,
                  uint32_t *nproved, uint32_t *ngoals);

/* Shared by the subcommands (args.c).  cmd_usage prints "lemma: CMD: "
** then msg (a format with one %s, for arg) and the --help hint; it returns
** 2.  cmd_number parses s as a number in lo..hi into *out: 1, or 0 after
** printing "lemma: CMD: OPT: bad value ...". */
int cmd_usage(const char *cmd, const char *msg, const char *arg);
int cmd_number(const char *cmd, const char *opt, const char *s, double lo,
               double hi, double *out);

/* argv[0..argc) joined by single spaces, for a run's record of its options:
** a string to free(), or NULL when malloc fails. */
char *cmd_join(int argc, char **argv);

#endif

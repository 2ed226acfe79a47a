/*
** cmd.h: the subcommands of the lemma command, one file each.
** Each takes the arguments after the subcommand's name and returns the exit
** status (0 success, 1 user error, 2 bad usage).  Only this layer prints.
*/
#ifndef LEM_CMD_H
#define LEM_CMD_H

int cmd_replay(int argc, char **argv);
int cmd_prove(int argc, char **argv);
int cmd_html(int argc, char **argv);
int cmd_refute(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_explore(int argc, char **argv);

/* Shared by the subcommands (args.c).  cmd_usage prints "lemma: CMD: "
** then msg (a format with one %s, for arg) and the --help hint; it returns
** 2.  cmd_number parses s as a number in lo..hi into *out: 1, or 0 after
** printing "lemma: CMD: OPT: bad value ...". */
int cmd_usage(const char *cmd, const char *msg, const char *arg);
int cmd_number(const char *cmd, const char *opt, const char *s, double lo,
               double hi, double *out);

#endif

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

#endif

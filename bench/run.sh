#!/bin/sh
# run.sh: `make bench`.  Runs every benchmark program and prints its figures;
# each reports a ratio against a baseline measured in the same run.  Then
# runs bench_prove.sh (lemma prove + replay on the Peano corpus) and the
# Peano-plus-Gauss exploration (tests/gauss_explore.sh, which prints its
# figures).  Copy the output, with the command, into bench/RESULTS.md.
set -eu
bld=${top_builddir:-.}
src=${top_srcdir:-.}
echo "== lemma benchmarks ($(date -u +%Y-%m-%d), $(uname -m), $(nproc) cores)"
for b in "$bld"/bench/bench_*; do
  case $b in *.c | *.o | *.sh) continue ;; esac
  [ -x "$b" ] || continue
  echo "== $(basename "$b") (load: $(uptime | sed 's/.*load average: //'))"
  "$b"
done
echo "== bench_prove.sh"
top_builddir=$bld top_srcdir=$src ${SHELL:-/bin/sh} "$src/bench/bench_prove.sh"
echo "== bench_policy_eval.sh (held-out evaluation of the policy)"
LEMMA="$bld/lemma" ${SHELL:-/bin/sh} "$src/bench/bench_policy_eval.sh"
echo "== gauss_explore.sh (lemma explore corpus/gauss)"
LEMMA_SLOW_TESTS=1 top_builddir=$bld top_srcdir=$src ${SHELL:-/bin/sh} "$src/tests/gauss_explore.sh"

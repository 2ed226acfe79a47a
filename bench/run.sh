#!/bin/sh
# run.sh: `make bench`.  Runs every benchmark program and prints its figures;
# each reports a ratio against a baseline measured in the same run.  Copy the
# output, with the command, into bench/RESULTS.md.
set -eu
bld=${top_builddir:-.}
echo "== lemma benchmarks ($(date -u +%Y-%m-%d), $(uname -m), $(nproc) cores)"
for b in "$bld"/bench/bench_*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b"
done

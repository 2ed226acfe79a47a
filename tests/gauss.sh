#!/bin/sh
# gauss.sh: Gauss's formula in its division-free form, S(n) + S(n) =
# n * s(n), proved from the axioms of corpus/gauss (the Peano axioms and the
# running sum S) after the Peano laws of the goal list and no helper lemma,
# in one run, by induction on n; every proof stored replays with 0 failures
# (run by `make check`, not under valgrind: it takes about 4 s in a release
# build).
set -u
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

n=$(grep -vc '^#' "$top/corpus/gauss/goals")
if $LEMMA prove "$top/corpus/gauss" --goals "$top/corpus/gauss/goals" \
     --facts 200000 --db "$tmp/g.db" > "$tmp/out" 2> "$tmp/err"; then ok
else ko "prove exited $?"; sed 's/^/  | /' "$tmp/err"; fi
[ "$(grep -c '^  proved' "$tmp/out")" = "$n" ] && ok ||
  ko "not all $n goals proved"
# the last goal is Gauss's formula, and it needs a real induction
grep -A2 "^T$n: " "$tmp/out" | grep -q "proved by induction on n" && ok ||
  ko "Gauss's formula not proved by induction on n"
replay_ok "$tmp/g.db"

finish gauss

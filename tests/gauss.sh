#!/bin/sh
# gauss.sh: Gauss's formula in its division-free form, S(n) + S(n) =
# n * s(n), proved from the axioms of corpus/gauss (the Peano axioms and the
# running sum S) after the Peano laws of the goal list and no helper lemma,
# in one run, by induction on n; every proof stored replays with 0 failures
# (run by `make check`, not under valgrind: it takes about 4 s in a release
# build).
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top=$(cd "$top" && pwd)
bld=${top_builddir:-.}
LEMMA="$bld/lemma"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { pass=$((pass+1)); }
ko() { echo "FAIL: $*"; fail=$((fail+1)); }

n=$(grep -vc '^#' "$top/corpus/gauss/goals")
if $LEMMA prove "$top/corpus/gauss" --goals "$top/corpus/gauss/goals" \
     --facts 200000 --db "$tmp/g.db" > "$tmp/out" 2> "$tmp/err"; then ok
else ko "prove exited $?"; sed 's/^/  | /' "$tmp/err"; fi
[ "$(grep -c '^  proved' "$tmp/out")" = "$n" ] && ok ||
  ko "not all $n goals proved"
# the last goal is Gauss's formula, and it needs a real induction
grep -A2 "^T$n: " "$tmp/out" | grep -q "proved by induction on n" && ok ||
  ko "Gauss's formula not proved by induction on n"
if $LEMMA replay "$tmp/g.db" > "$tmp/replay" 2>&1; then ok
else ko "replay exited $?"; fi
grep -q " 0 failed$" "$tmp/replay" && ok || ko "replay: $(tail -n 1 "$tmp/replay")"

echo "gauss: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

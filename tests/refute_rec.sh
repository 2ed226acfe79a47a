#!/bin/sh
# refute_rec.sh: lemma refute on operations modelled by their recursion
# (model S rec; smt/recdef.c).  For each corpus theory that defines an
# operation by recursion, Z3 must find no counterexample to any of its
# goals (all true; those it cannot settle by unfolding stay unknown), must
# show some of them to hold, and must refute a false statement about each
# such operation, with a counterexample.
set -u
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

# THEORY FALSE-STATEMENT...
check() {
  t=$1; shift
  $LEMMA refute "$top/corpus/$t" --goals "$top/corpus/$t/goals" \
    --rlimit 200000 > "$tmp/out" 2>&1
  if grep -q "counterexample" "$tmp/out"; then
    ko "$t: a goal refuted: $(grep -B1 counterexample "$tmp/out" | head -2)"
  else ok; fi
  if grep -q "error" "$tmp/out"; then
    ko "$t: $(grep error "$tmp/out" | head -1)"
  else ok; fi
  grep -q "^  none: it holds" "$tmp/out" && ok || ko "$t: no goal holds for Z3"
  for f in "$@"; do
    $LEMMA refute "$top/corpus/$t" --goal "$f" --rlimit 200000 > "$tmp/out" 2>&1
    grep -q "^  counterexample: " "$tmp/out" && ok ||
      ko "$t: not refuted: $f: $(tail -n 1 "$tmp/out")"
  done
}

# S(x) + S(x) = x * x; S(s(x)) = S(x)
check gauss '(>[x,a,b](&(in2[x,a,S])(in3[a,a,b,+]))(>[c](in3[x,x,c,*])(=[b,c])))' \
  '(>[x,y,a](&(in2[x,y,s])(in2[x,a,S]))(in2[y,a,S]))'
# D(a) = s(a)
check double '(>[a,b](in2[a,b,D])(in2[a,b,s]))'
# a^0 = a
check power '(>[a,b](in3[a,i0,b,E])(=[b,a]))'
# max(a, b) = a
check maximum '(>[a,b,c](in3[a,b,c,M])(=[c,a]))'
# (a - b) + b = a; P(0) = s(0)
check monus '(>[a,b,c,d](&(in3[a,b,c,Q])(in3[c,b,d,+]))(=[d,a]))' \
  '(>[a](in2[i0,a,P])(in2[i0,a,s]))'

finish refute_rec

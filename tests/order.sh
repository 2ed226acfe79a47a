#!/bin/sh
# order.sh: goals about the order x <= y of corpus/gauss (le, an
# existential), proved by neg_intro and fold.  corpus/gauss/order.goals
# must all be proved, with neg_intro steps, and replay; Z3 must refute
# none of them; none of the false statements of tests/data/order-false.goals
# may be proved, and Z3 must refute each; a tampered neg_intro step must
# fail replay.
set -u
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

if $LEMMA prove "$top/corpus/gauss" --goals "$top/corpus/gauss/order.goals" \
     --db "$tmp/o.db" > "$tmp/out" 2>&1; then ok
else ko "prove exited $?: $(grep 'not proved' "$tmp/out" | head -2)"; fi
[ "$(grep -c '^  proved' "$tmp/out")" -eq 10 ] && ok ||
  ko "not all 10 proved: $(grep -c '^  proved' "$tmp/out")"
grep -q '^T5: ∀x,y. s(x) = y ⇒ x ≤ y$' "$tmp/out" && ok || ko "x <= s(x) not stated"
n=$(sqlite3 "$tmp/o.db" "SELECT count(*) FROM steps WHERE rule = 'neg_intro'")
f=$(sqlite3 "$tmp/o.db" "SELECT count(*) FROM steps WHERE rule = 'fold'")
[ "$n" -ge 6 ] && [ "$f" -ge 6 ] && ok || ko "$n neg_intro and $f fold steps"
replay_ok "$tmp/o.db"
grep -v '^#' "$top/corpus/gauss/order.goals" > "$tmp/thms"
refute_none "$top/corpus/gauss" 7 1000000

# false statements: not proved, and refuted
$LEMMA prove "$top/corpus/gauss" --goals "$top/tests/data/order-false.goals" \
  > "$tmp/out" 2>&1
[ "$(grep -c '^  not proved' "$tmp/out")" -eq 4 ] &&
  [ "$(grep -c '^  proved' "$tmp/out")" -eq 4 ] && ok ||
  ko "a false <= statement proved: $(grep -A1 '^T[5-8]' "$tmp/out" | head -8)"
grep -v '^#' "$top/tests/data/order-false.goals" | tail -n 4 > "$tmp/false"
$LEMMA refute "$top/corpus/gauss" --goals "$tmp/false" --rlimit 1000000 \
  > "$tmp/out" 2>&1
[ "$(grep -c '^  counterexample' "$tmp/out")" -eq 4 ] && ok ||
  ko "false <= statements not all refuted: $(grep -v '^C' "$tmp/out")"

# tampering: a neg_intro step that concludes its child's hypothesis
cp "$tmp/o.db" "$tmp/t.db"
sqlite3 "$tmp/t.db" "UPDATE steps SET conclusion = (SELECT h.conclusion FROM
  steps h WHERE h.rule = 'hyp' AND h.theorem = steps.theorem ORDER BY h.id
  LIMIT 1) WHERE id = (SELECT min(id) FROM steps WHERE rule = 'neg_intro')"
if $LEMMA replay "$tmp/t.db" > "$tmp/out" 2>&1; then
  ko "a tampered neg_intro step replayed"
else grep -q "neg_intro" "$tmp/out" && ok || ko "replay did not name neg_intro: $(tail -n 3 "$tmp/out")"; fi
finish order

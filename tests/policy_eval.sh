#!/bin/sh
# policy_eval.sh: end-to-end test of what the held-out evaluation of the
# policy (bench/bench_policy_eval.sh) rests on: lemma prove --goal-facts
# (a per-goal expansion budget) and --stats, --assume (earlier goals taken
# as given, also into a database that replays), lemma train --model linear
# (a weights file that says it is linear and is usable by --policy), and
# lemma train --rounds (expert iteration: a solved count per round, the
# same model twice for one seed, clear errors for bad usage), and premise
# selection (--premises: its --stats line, its theorem-rule decision
# points, training on them, --negatives).
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
bld=${top_builddir:-.}
LEMMA="$bld/lemma"
command -v sqlite3 >/dev/null || { echo "policy_eval.sh: needs sqlite3; skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=$((fail+1)); }
P="$top/corpus/peano"
grep -v '^#' "$P/goals" | grep . > "$tmp/all"
g2=$(sed -n 2p "$tmp/all")
g3=$(sed -n 3p "$tmp/all")

# --stats prints the facts made; --goal-facts stops the search early
"$LEMMA" prove "$P" --goal "$g2" --stats > "$tmp/out" 2>&1 || no "goal 2 not proved"
full=$(awk '/^  search:/ { print $2 }' "$tmp/out")
[ -n "$full" ] && [ "$full" -gt 1000 ] || no "no --stats line, or too few facts ($full)"
"$LEMMA" prove "$P" --goal "$g2" --stats --goal-facts 300 > "$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "not proved: expansion budget exhausted" "$tmp/out" ||
  no "--goal-facts 300 did not stop goal 2"
cut=$(awk '/^  search:/ { print $2 }' "$tmp/out")
[ -n "$cut" ] && [ "$cut" -lt "$full" ] || no "--goal-facts made $cut facts of $full"
"$LEMMA" prove "$P" --goal "$g2" --goal-facts 0 > "$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "bad value" "$tmp/out" || no "--goal-facts 0 not refused"

# --assume: a + b = b + a needs 0 + a = a and s(a) + b = s(a + b)
head -n 2 "$tmp/all" > "$tmp/pre"
"$LEMMA" prove "$P" --goal "$g3" --goal-facts 20000 > /dev/null 2>&1 &&
  no "goal 3 proved alone within 20000 facts (the next check means nothing)"
"$LEMMA" prove "$P" --assume "$tmp/pre" --goal "$g3" --goal-facts 20000 \
  --db "$tmp/a.db" > "$tmp/out" 2>&1 || no "goal 3 not proved with the assumptions"
[ "$(sqlite3 "$tmp/a.db" "SELECT count(*) FROM theorems WHERE status = 'given'")" = 2 ] ||
  no "the assumptions are not given theorems of the database"
"$LEMMA" replay "$tmp/a.db" > "$tmp/out" 2>&1 || no "the database with given theorems does not replay"
"$LEMMA" prove "$P" --assume "$tmp/nonexistent" --goal "$g3" > "$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "nonexistent" "$tmp/out" || no "a missing --assume file not reported"

# train --model linear on that database; prove --policy uses it
"$LEMMA" train "$tmp/a.db" -o "$tmp/lin" --model linear --epochs 3 > "$tmp/out" 2>&1 ||
  no "train --model linear exited $?"
grep -q "training the linear" "$tmp/out" || no "train did not say it trains the linear scorer"
head -c 100 "$tmp/lin" | grep -q '"format":"lemma-linear"' || no "not a linear scorer file"
"$LEMMA" prove "$P" --assume "$tmp/pre" --goal "$g3" --policy "$tmp/lin" > /dev/null 2>&1 ||
  no "prove --policy with the linear scorer failed"
"$LEMMA" train "$tmp/a.db" -o "$tmp/x" --model quadratic > "$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "expected transformer or linear" "$tmp/out" || no "bad --model not refused"

# premise selection: --premises 4 keeps 4 of goal 3's candidate rules
# first; --stats says which and how the goal was proved; the database holds
# a theorem-rule decision point whose chosen candidates are the rules the
# proof cites (among them both assumed theorems: the proof needs them)
"$LEMMA" prove "$P" --assume "$tmp/pre" --goal "$g3" --goal-facts 20000 \
  --premises 4 --stats --db "$tmp/p.db" > "$tmp/out" 2>&1 ||
  no "goal 3 not proved with --premises 4"
grep -q "^  premises: .*4 axiom rules\|^  premises: T" "$tmp/out" &&
  grep -q "of [0-9]* candidates first; proved \(with them\|by the fallback\)" "$tmp/out" ||
  no "--stats does not show the premise selection"
q="SELECT count(*) FROM decisions d JOIN decision_candidates c ON c.decision = d.id WHERE d.kind = 'theorem-rule'"
[ "$(sqlite3 "$tmp/p.db" "$q AND c.chosen AND c.label LIKE 'T%'")" = 2 ] ||
  no "the theorem-rule point does not choose the two assumed theorems"
[ "$(sqlite3 "$tmp/p.db" "$q AND NOT c.chosen")" -gt 0 ] ||
  no "the theorem-rule point has no negative"
[ "$(sqlite3 "$tmp/p.db" "$q AND c.expr IS NULL")" = 0 ] ||
  no "a theorem-rule candidate without its formula"
[ "$(sqlite3 "$tmp/a.db" "$q")" = 0 ] || no "a theorem-rule point without --premises"
"$LEMMA" train "$tmp/p.db" -o "$tmp/pm" --epochs 2 --negatives 3 > "$tmp/out" 2>&1 ||
  no "train on the theorem-rule points exited $?"
"$LEMMA" prove "$P" --assume "$tmp/pre" --goal "$g3" --premises 4 \
  --policy "$tmp/pm" > /dev/null 2>&1 || no "prove --premises --policy failed"
# with --policy, --stats ends with the model's cost: the same counts on
# every run (only the milliseconds vary); without a policy, no such line
for r in 1 2; do
  "$LEMMA" prove "$P" --assume "$tmp/pre" --goal "$g3" --premises 4 --stats \
    --policy "$tmp/pm" > "$tmp/st$r" 2>&1 || no "prove --policy --stats failed"
  grep '^policy: ' "$tmp/st$r" | sed 's/, [0-9.]* ms CPU.*//' > "$tmp/pc$r"
done
grep -q '^policy: [1-9][0-9]* decision points\{0,1\}, [1-9][0-9]* candidates scored, cache [0-9]* hits [1-9][0-9]* misses, [0-9.]* ms CPU, [0-9.]* ms per decision point$' "$tmp/st1" ||
  no "--stats with --policy has no policy line: $(grep '^policy' "$tmp/st1")"
[ -s "$tmp/pc1" ] && cmp -s "$tmp/pc1" "$tmp/pc2" || no "the policy line's counts differ between runs"
"$LEMMA" prove "$P" --assume "$tmp/pre" --goal "$g3" --premises 4 --stats > "$tmp/out" 2>&1
grep -q '^policy:' "$tmp/out" && no "a policy line without --policy"
"$LEMMA" prove "$P" --goal "$g3" --premises -1 > "$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "bad value" "$tmp/out" || no "--premises -1 not refused"
"$LEMMA" train "$tmp/p.db" -o "$tmp/pm" --negatives 31 > "$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "bad value" "$tmp/out" || no "--negatives 31 not refused"

# expert iteration: two rounds on four goals, twice with one seed
head -n 4 "$tmp/all" > "$tmp/g4"
mkdir "$tmp/w1" "$tmp/w2"
for w in w1 w2; do
  "$LEMMA" train --rounds 2 --theory "$P" --goals "$tmp/g4" --work "$tmp/$w" \
    --goal-facts 20000 --epochs 2 --seed 7 -o "$tmp/$w/m" > "$tmp/$w.out" 2>&1 ||
    no "train --rounds exited $? ($(tail -n 1 "$tmp/$w.out"))"
done
grep -q "^round 1: [0-9]* of 4 goals proved (fixed heuristic)" "$tmp/w1.out" ||
  no "no solved count for round 1"
grep -q "^round 2: [0-9]* of 4 goals proved (the policy" "$tmp/w1.out" ||
  no "no solved count for round 2"
[ -f "$tmp/w1/round-2-1.db" ] || no "round 2 wrote no database"
cmp -s "$tmp/w1/m" "$tmp/w2/m" || no "two --rounds runs with one seed wrote different models"
"$LEMMA" train --rounds 2 -o "$tmp/m" --work "$tmp/w1" > "$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "needs --theory" "$tmp/out" || no "--rounds without goals not refused"
"$LEMMA" train --rounds 1 --goals "$tmp/g4" -o "$tmp/m" > "$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "needs a --theory" "$tmp/out" || no "--goals without --theory not refused"
"$LEMMA" train --rounds 1 --theory "$P" --goals "$tmp/g4" -o "$tmp/m" > "$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "needs --work" "$tmp/out" || no "--rounds without --work not refused"

[ "$fail" -eq 0 ] && echo "policy_eval.sh: all passed"
[ "$fail" -eq 0 ]

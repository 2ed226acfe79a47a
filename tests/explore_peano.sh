#!/bin/sh
# explore_peano.sh: the whole exploration of corpus/peano with its own
# batch file (corpus/peano/explore.batch) and nothing else: commutativity
# and associativity of + and of *, and both distributive laws, must be
# among what it discovers and proves, compared by canonical form with the
# statements of tests/data/peano-laws.goals (discovered in that form, or
# proved from the discovered theorems without induction and stored as a
# theorem of kind goal); every stored proof replays with 0 failures, and Z3
# finds no counterexample over the naturals to any stored theorem.  The
# decision points are training data: tactic points for the
# essential theorems, a theorem-rule point per theorem whose chosen
# theorems are those its proof cites, and lemma train --exclude drops the
# traces of a law named as a test goal.
# Run by `make check`, not under valgrind: it takes one to two minutes in
# a release build.
set -u
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

if $LEMMA explore "$top/corpus/peano" --goals "$top/tests/data/peano-laws.goals" \
     --db "$tmp/p.db" --no-progress > "$tmp/out" 2> "$tmp/err"; then ok
else ko "explore exited $?"; sed 's/^/  | /' "$tmp/err" "$tmp/out"; fi
i=0
for law in "commutativity of +" "associativity of +" "commutativity of *" \
           "associativity of *" "a * (b + c) = a * b + a * c" \
           "(a + b) * c = a * c + b * c"; do
  i=$((i+1))
  grep -Eq "^  goal $i: (found as T|follows directly from the theorems)" \
    "$tmp/out" && ok || ko "$law not discovered: $(grep "goal $i:" "$tmp/out")"
done
# at least one of them in the form the conjecturer itself proposed
grep -q "^  goal [0-9]*: found as T" "$tmp/out" && ok || ko "no law discovered as stated"
replay_ok "$tmp/p.db"

# no stored theorem has a counterexample in the arithmetic model
proved_statements "$tmp/p.db"
n=$(wc -l < "$tmp/thms")
[ "$n" -ge 20 ] && ok || ko "only $n theorems stored"
refute_none "$top/corpus/peano" "$n"

# the search's decision points are stored for training: every essential
# theorem (proved by an induction of its own) has one whose chosen
# candidate is the induction that proved it, and lemma train reads them
ness=$(sqlite3 "$tmp/p.db" "SELECT count(*) FROM theorems WHERE essential = 1")
nchosen=$(sqlite3 "$tmp/p.db" "SELECT count(DISTINCT d.theorem) FROM decisions d
  JOIN decision_candidates c ON c.decision = d.id WHERE c.chosen = 1
  AND d.kind = 'tactic' AND c.label <> 'direct'")
[ "$ness" -gt 0 ] && [ "$nchosen" = "$ness" ] && ok ||
  ko "$ness essential theorems, $nchosen with a chosen induction"
# ... and every proved theorem has a theorem-rule point (premise selection
# as training data): its candidates are the axiom's rules and the earlier
# theorems, and the theorems chosen are exactly those its proof cites
nthm=$(sqlite3 "$tmp/p.db" "SELECT count(*) FROM theorems WHERE status = 'proved'")
nrule=$(sqlite3 "$tmp/p.db" "SELECT count(DISTINCT theorem) FROM decisions
  WHERE kind = 'theorem-rule'")
[ "$nrule" = "$nthm" ] && ok || ko "$nthm theorems, $nrule with a theorem-rule point"
sqlite3 "$tmp/p.db" "SELECT d.theorem,
  (SELECT group_concat(expr) FROM (SELECT c.expr FROM decision_candidates c
     WHERE c.decision = d.id AND c.chosen AND c.label LIKE 'T%' ORDER BY 1)),
  (SELECT group_concat(statement) FROM (SELECT DISTINCT t.statement
     FROM steps s JOIN theorems t ON t.id = s.ref_theorem
     WHERE s.theorem = d.theorem AND s.rule = 'theorem' ORDER BY 1)),
  (SELECT count(*) FROM decision_candidates c WHERE c.decision = d.id
     AND c.label LIKE 'T%'),
  (SELECT count(*) FROM theorems t WHERE t.id < d.theorem)
  FROM decisions d WHERE d.kind = 'theorem-rule'" > "$tmp/rules"
awk -F'|' '$2 != $3 || $4 != $5' "$tmp/rules" > "$tmp/bad"
[ -s "$tmp/rules" ] && [ ! -s "$tmp/bad" ] && ok ||
  ko "theorem-rule points that do not match the proofs: $(head -n 3 "$tmp/bad")"
nused=$(sqlite3 "$tmp/p.db" "SELECT count(*) FROM decision_candidates c JOIN
  decisions d ON d.id = c.decision WHERE d.kind = 'theorem-rule' AND c.chosen")
[ "$nused" -gt "$nrule" ] && ok || ko "only $nused rules chosen at $nrule points"
# one epoch: that training runs on an exploration's points is the point
# here (30 epochs over them take minutes under ASan)
if $LEMMA train "$tmp/p.db" -o "$tmp/m.safetensors" --epochs 1 > "$tmp/train" 2>&1 &&
   [ -s "$tmp/m.safetensors" ]; then ok
else ko "lemma train on the exploration: $(tail -n 2 "$tmp/train")"; fi

# the leakage filter: with commutativity of + as a test goal (written as
# the goals file has it, not in the form explore proved it), the points of
# the theorem that states it, and of every theorem proved from it, go;
# a database named before --exclude is read whole
grep -v '^#' "$top/tests/data/peano-laws.goals" | grep . | head -n 1 > "$tmp/test.goals"
all=$(sed -n 's/^.*p.db: \([0-9]*\) decision points$/\1/p' "$tmp/train")
if $LEMMA train "$tmp/p.db" --theory "$top/corpus/peano" --exclude "$tmp/test.goals" \
     "$tmp/p.db" -o "$tmp/x.safetensors" --epochs 1 > "$tmp/xtrain" 2>&1; then ok
else ko "lemma train --exclude: $(tail -n 2 "$tmp/xtrain")"; fi
whole=$(sed -n 's/^.*p.db: \([0-9]*\) decision points$/\1/p' "$tmp/xtrain")
kept=$(sed -n 's/^.*p.db: \([0-9]*\) decision points (\([0-9]*\) excluded.*$/\1 \2/p' "$tmp/xtrain")
# theorems stating the law or proved from it, counted from the proofs
nbad=$(sqlite3 "$tmp/p.db" "WITH RECURSIVE bad(id) AS (
    SELECT t.id FROM theorems t JOIN expressions e ON e.id = t.statement
     WHERE e.text IN ('(>[_0,_1,_2](in3[_0,_1,_2,+])(in3[_1,_0,_2,+]))')
    UNION SELECT s.theorem FROM steps s JOIN bad ON s.ref_theorem = bad.id
     WHERE s.rule = 'theorem')
  SELECT count(*) FROM decisions WHERE theorem IN bad")
set -- $kept
[ -n "$all" ] && [ "$whole" = "$all" ] && [ "$nbad" -gt 1 ] &&
  [ "${2:-0}" -ge "$nbad" ] && [ "${1:-$all}" -lt "$all" ] && ok ||
  ko "filter: $all points, $whole read whole, kept/excluded '$kept', $nbad of tainted theorems"
$LEMMA train "$tmp/p.db" --exclude "$tmp/test.goals" -o "$tmp/y" > "$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "needs a --theory" "$tmp/out" && ok ||
  ko "--exclude without --theory not refused"
$LEMMA train --theory "$top/corpus/peano" --exclude "$tmp/none.goals" "$tmp/p.db" \
  -o "$tmp/y" > "$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "none.goals" "$tmp/out" && ok ||
  ko "a missing --exclude file not refused"

finish explore_peano.sh

#!/bin/sh
# explore.sh: end-to-end tests of `lemma explore` (run by `make check`).
# On corpus/peano with one small batch over s and +, the exploration must
# discover 0 + a = a and commutativity of +, checked by canonical form
# against tests/data/explore-plus.goals (--goals), and reach associativity
# of +: discovered in that canonical form, or (when a permuted form was
# proved first) following from the discovered theorems without induction;
# its database must replay with 0 failures, and two runs must give the same database apart from the run's
# time stamp.  Bad batch files and options get a message and a non-zero
# exit.
set -u
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

run() {
  $LEMMA explore "$top/corpus/peano" --batch "$top/tests/data/explore-plus.batch" \
    --goals "$top/tests/data/explore-plus.goals" --db "$1" --no-progress \
    >"$2" 2>"$tmp/err"
}

if run "$tmp/a.db" "$tmp/a.out"; then ok; else ko "explore exited $?"; sed 's/^/  | /' "$tmp/err" "$tmp/a.out"; fi
grep -q "goal 1: found as T" "$tmp/a.out" && ok || ko "0 + a = a not discovered"
grep -q "goal 2: found as T" "$tmp/a.out" && ok || ko "commutativity of + not discovered"
grep -Eq "goal 3: (found as T|follows directly)" "$tmp/a.out" && ok || ko "associativity of + not reached"
grep -q "^  conjectures after filters" "$tmp/a.out" && ok || ko "no summary"
n=$(sqlite3 "$tmp/a.db" "SELECT count(*) FROM theorems WHERE kind IN ('discovered','mirrored') AND status='proved'")
[ "${n:-0}" -ge 5 ] && ok || ko "only ${n:-0} theorems stored"
e=$(sqlite3 "$tmp/a.db" "SELECT count(*) FROM theorems WHERE essential=1 AND batch=1")
u=$(sqlite3 "$tmp/a.db" "SELECT count(*) FROM theorems WHERE essential=0")
[ "${e:-0}" -ge 3 ] && [ "${u:-0}" -ge 1 ] && ok || ko "essential marks: $e essential, $u not"
$LEMMA replay "$tmp/a.db" >"$tmp/replay" 2>&1 && grep -q " 0 failed" "$tmp/replay" && ok || { ko "replay"; sed 's/^/  | /' "$tmp/replay"; }

# determinism: everything but the run's time stamp
run "$tmp/b.db" "$tmp/b.out" || ko "second run"
for t in theorems expressions steps step_premises step_subst blocks; do
  a=$(sqlite3 "$tmp/a.db" "SELECT * FROM $t" | md5sum)
  b=$(sqlite3 "$tmp/b.db" "SELECT * FROM $t" | md5sum)
  [ "$a" = "$b" ] && ok || ko "table $t differs between two runs"
done
grep -v '^  stage\|^  total' "$tmp/a.out" >"$tmp/a.cmp"
grep -v '^  stage\|^  total' "$tmp/b.out" >"$tmp/b.cmp"
cmp -s "$tmp/a.cmp" "$tmp/b.cmp" && ok || ko "output differs between two runs"

# bad input
$LEMMA explore "$top/corpus/peano" --batch "$top/tests/data/explore-bad.batch" >"$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "explore-bad.batch:2: unknown meaning" "$tmp/out" && ok || ko "bad batch file"
# relation templates: malformed, unknown, or with a foreign constant
printf 'model i0 zero\nbatch o rels le[_,_\n' > "$tmp/r1.batch"
$LEMMA explore "$top/corpus/gauss" --batch "$tmp/r1.batch" >"$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "r1.batch:2: bad relation template" "$tmp/out" && ok ||
  ko "malformed relation template: $(cat "$tmp/out")"
printf 'model i0 zero\nmodel s succ\nmodel + add\nbatch o ops s rels lt[_,_,N,+]\n' > "$tmp/r2.batch"
$LEMMA explore "$top/corpus/gauss" --batch "$tmp/r2.batch" >"$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "rels lt: no such relation" "$tmp/out" && ok ||
  ko "unknown template relation: $(cat "$tmp/out")"
# ... found before any batch runs, even in a late batch
printf 'model i0 zero\nmodel s succ\nmodel + add\nbatch p ops s vars 1\nbatch o ops s rels lt[_,_,N,+]\n' > "$tmp/r4.batch"
$LEMMA explore "$top/corpus/gauss" --batch "$tmp/r4.batch" --no-progress >"$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "batch o: rels lt: no such relation" "$tmp/out" &&
  ! grep -q "^batch p" "$tmp/out" && ok ||
  ko "a late batch's bad template after earlier batches ran: $(cat "$tmp/out")"
printf 'model i0 zero\nmodel s succ\nmodel + add\nbatch o ops s rels le[_,_,N,Q]\n' > "$tmp/r3.batch"
$LEMMA explore "$top/corpus/gauss" --batch "$tmp/r3.batch" >"$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "neither _ nor a theory constant" "$tmp/out" && ok ||
  ko "template with a foreign constant: $(cat "$tmp/out")"
$LEMMA explore "$top/corpus/gauss" --max-prems 3 >"$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "max-prems: bad value '3'" "$tmp/out" && ok ||
  ko "--max-prems 3: $(cat "$tmp/out")"
$LEMMA explore "$top/corpus/peano" --batch "$tmp/none" >"$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "cannot read" "$tmp/out" && ok || ko "missing batch file"
$LEMMA explore "$top/corpus/peano" --max-vars 9 >"$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "max-vars" "$tmp/out" && ok || ko "bad --max-vars"
$LEMMA explore >"$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "expected a THEORY" "$tmp/out" && ok || ko "no theory"

finish explore.sh

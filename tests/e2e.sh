#!/bin/sh
# e2e.sh: end-to-end tests of the lemma command: exit codes, messages, and
# the bundled corpus.  Run by `make check`; under valgrind when VALGRIND is
# set to a valgrind binary and LEM_E2E_VALGRIND=1.
set -u
# both absolute: some tests below run lemma from another directory (and
# distcheck passes a relative top_srcdir)
top=$(cd "${top_srcdir:-$(dirname "$0")/..}" && pwd)
bld=$(cd "${top_builddir:-.}" && pwd)
LEMMA="$bld/lemma"
if [ "${LEM_E2E_VALGRIND:-0}" = 1 ] && [ -n "${VALGRIND:-}" ]; then
  LEMMA="$VALGRIND -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite $LEMMA"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0

# expect STATUS STDERR-PATTERN -- ARGS...
expect() {
  want=$1; pat=$2; shift 3
  $LEMMA "$@" >"$tmp/out" 2>"$tmp/err"
  got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: lemma $*: exit $got, wanted $want"; sed 's/^/  | /' "$tmp/err"; fail=$((fail+1)); return
  fi
  if [ -n "$pat" ] && ! grep -q -- "$pat" "$tmp/err" "$tmp/out"; then
    echo "FAIL: lemma $*: output lacks '$pat'"; sed 's/^/  | /' "$tmp/err"; fail=$((fail+1)); return
  fi
  pass=$((pass+1))
}

expect 0 "usage: lemma" -- --help
expect 0 "lemma 0" -- --version
expect 2 "usage: lemma" --
expect 2 "unknown command 'frobnicate'" -- frobnicate
expect 2 "unknown option '--frob'" -- --frob
expect 2 "expected at least one THEORY" -- parse
expect 0 "define NaturalNumbers" -- parse "$top/corpus/peano"
expect 0 "anchor" -- parse "$top/corpus/peano/theory.mpl"
expect 1 "no/such/theory" -- parse "$tmp/no/such/theory"

# a broken theory: the message names file:line:col
printf 'relation in[x,X] : (elem, set);\ndefine bad[X] := (&(in[x,X])\n' > "$tmp/bad.mpl"
expect 1 "bad.mpl:[0-9]*:[0-9]*:" -- parse "$tmp/bad.mpl"
printf 'relation in[x,X] : (elem, set);\ndefine bad[X] := (nope[X]);\n' > "$tmp/unk.mpl"
expect 1 "unk.mpl:2:[0-9]*:.*nope" -- parse "$tmp/unk.mpl"

# parse output is deterministic and reads back: parsing twice gives the same
$LEMMA parse "$top/corpus/peano" > "$tmp/p1" 2>/dev/null
$LEMMA parse "$top/corpus/peano" > "$tmp/p2" 2>/dev/null
if cmp -s "$tmp/p1" "$tmp/p2" && [ -s "$tmp/p1" ]; then pass=$((pass+1)); else echo "FAIL: parse not deterministic"; fail=$((fail+1)); fi

# prove: the first laws of the Peano goal list, by real inductions
grep -v '^#' "$top/corpus/peano/goals" | head -n 3 > "$tmp/goals3"
expect 0 "proved by induction on" -- prove "$top/corpus/peano" --goals "$tmp/goals3"
grep -q "^T3: " "$tmp/out" && pass=$((pass+1)) || { echo "FAIL: prove: no T3 in output"; fail=$((fail+1)); }
grep -q " induct " "$tmp/out" && pass=$((pass+1)) || { echo "FAIL: prove: no induct step"; fail=$((fail+1)); }
cp "$tmp/out" "$tmp/proof1"
$LEMMA prove "$top/corpus/peano" --goals "$tmp/goals3" --out "$tmp/proof2" 2>/dev/null
if cmp -s "$tmp/proof1" "$tmp/proof2"; then pass=$((pass+1)); else echo "FAIL: prove output not deterministic"; fail=$((fail+1)); fi
# a false goal (a + a = 0 for all a) is not proved, within a small budget
expect 1 "goal 1 not proved" -- prove "$top/corpus/peano" --facts 2000 --goal '(>[a](in[a,N])(in3[a,a,i0,+]))'
# bad input: exit 1 with the reader's position; bad usage: exit 2
expect 1 "goal:1:[0-9]*:" -- prove "$top/corpus/peano" --goal '(>[a](in[a,N])(nope[a]))'
expect 1 "unbound\\|not a theory constant\\|unknown" -- prove "$top/corpus/peano" --goal '(in3[x,x,x,+])'
expect 2 "expected --goal" -- prove "$top/corpus/peano"
expect 2 "unknown option '--bogus'" -- prove "$top/corpus/peano" --bogus
expect 2 "bad value" -- prove "$top/corpus/peano" --facts lots --goal '(in[i0,N])'

# corpus/peano-left: the naturals in other names, + and * recursive on the
# left.  It parses; its first three laws prove by induction, are stored, and
# replay through the independent checker with 0 failures.
expect 0 "anchor LeftArith" -- parse "$top/corpus/peano-left"
grep -v '^#' "$top/corpus/peano-left/goals" | head -n 3 > "$tmp/left3"
expect 0 "proved by induction on" -- prove "$top/corpus/peano-left" --goals "$tmp/left3" --db "$tmp/left.db"
grep -q "^T3: " "$tmp/out" && pass=$((pass+1)) || { echo "FAIL: peano-left: no T3 in output"; fail=$((fail+1)); }
expect 0 " 0 failed" -- replay "$tmp/left.db"
grep -q "^induct " "$tmp/out" && pass=$((pass+1)) || { echo "FAIL: peano-left: replay checked no induct step"; fail=$((fail+1)); }

# prove --db: a run killed with kill -9 in the middle leaves a database
# whose finished theorems replay; `prove --db` on it resumes (a new run; the
# goals it holds are not proved again but used by the later ones) and the
# whole database still replays with 0 failures.
ok() { pass=$((pass+1)); }
ko() { echo "FAIL: $*"; fail=$((fail+1)); }
nthm() { sqlite3 "$1" 'SELECT count(*) FROM theorems' 2>/dev/null || echo 0; }
# (the whole list: its first goals prove in a fraction of a second, so a
# shorter list may end before the kill)
grep -v '^#' "$top/corpus/peano/goals" > "$tmp/goals10"
$LEMMA prove "$top/corpus/peano" --goals "$tmp/goals10" --db "$tmp/kill.db" >/dev/null 2>&1 &
pid=$!
i=0
while [ "$i" -lt 6000 ] && [ "$(nthm "$tmp/kill.db")" -lt 1 ]; do
  sleep 0.1; i=$((i+1))
done
if kill -9 "$pid" 2>/dev/null; then ok; else ko "resume: the run ended before it could be killed"; fi
wait "$pid" 2>/dev/null
killed=$(nthm "$tmp/kill.db")
[ "$killed" -ge 1 ] && [ "$killed" -lt 10 ] && ok || ko "resume: $killed theorems stored when killed (want 1 to 9)"
expect 0 " 0 failed" -- replay "$tmp/kill.db"
expect 0 "already proved: theorem 1 of" -- prove "$top/corpus/peano" --goals "$tmp/goals10" --db "$tmp/kill.db"
grep -q "^T10: " "$tmp/out" && grep -q "proved by induction" "$tmp/out" && ok || ko "resume: T10 not proved after resuming"
expect 0 " 0 failed" -- replay "$tmp/kill.db"
# a finished writer leaves a rollback-journal database: reading it (replay
# above, train) leaves no -wal or -shm file behind
[ ! -e "$tmp/kill.db-wal" ] && [ ! -e "$tmp/kill.db-shm" ] && ok || ko "replay left a -wal or -shm file"
[ "$(sqlite3 "$tmp/kill.db" 'SELECT count(*) FROM run')" = 2 ] && ok || ko "resume: not two runs"
[ "$(sqlite3 "$tmp/kill.db" "SELECT count(*) FROM theorems WHERE status = 'proved'")" = 10 ] && ok || ko "resume: a goal stored twice or missing"
# a theorem of the second run uses one of the first by a theorem step
[ "$(sqlite3 "$tmp/kill.db" "SELECT count(*) FROM steps s JOIN theorems u ON u.id = s.theorem JOIN theorems d ON d.id = s.ref_theorem WHERE u.run = 2 AND d.run = 1")" -ge 1 ] && ok || ko "resume: no theorem of the new run uses a stored one"
# decision points: every goal proved by induction has its chosen induction
# variable on its proof
nind=$(sqlite3 "$tmp/kill.db" "SELECT count(DISTINCT theorem) FROM steps WHERE rule = 'induct'")
[ "${nind:-0}" -ge 4 ] &&
[ "$(sqlite3 "$tmp/kill.db" "SELECT count(DISTINCT d.theorem) FROM decisions d JOIN decision_candidates c ON c.decision = d.id WHERE d.kind = 'tactic' AND c.label <> 'direct' AND c.chosen AND c.on_proof AND c.expr IS NOT NULL")" = "$nind" ] && ok || ko "decisions: not one chosen induction a goal"
# ... and every goal proved directly, its direct candidate
ndir=$(grep -c '^  proved directly' "$tmp/out" || true)
[ "$(sqlite3 "$tmp/kill.db" "SELECT count(*) FROM decisions d JOIN decision_candidates c ON c.decision = d.id WHERE d.kind = 'tactic' AND c.label = 'direct' AND c.chosen AND c.position = 0 AND c.expr = d.goal")" -ge "$ndir" ] && ok || ko "decisions: a goal proved directly without its direct candidate"
# ... and every candidate carries its generalised goal, for a policy to score
[ "$(sqlite3 "$tmp/kill.db" "SELECT count(*) FROM decision_candidates WHERE expr IS NULL")" = 0 ] && ok || ko "decisions: a candidate without its generalised goal"
# a third run has nothing left to prove, and replays
expect 0 "already proved: theorem 10 of" -- prove "$top/corpus/peano" --goals "$tmp/goals10" --db "$tmp/kill.db"
expect 0 " 0 failed" -- replay "$tmp/kill.db"

# --db without a value: the theory directory's name, in the current directory
grep -v '^#' "$top/corpus/peano-left/goals" | head -n 1 > "$tmp/left1"
mkdir "$tmp/cwd"
if (cd "$tmp/cwd" && $LEMMA prove "$top/corpus/peano-left/" --goals "$tmp/left1" --db >/dev/null 2>&1) &&
   [ -f "$tmp/cwd/peano-left.db" ]; then ok; else ko "--db without a value did not write peano-left.db"; fi
expect 0 " 0 failed" -- replay "$tmp/cwd/peano-left.db"
expect 2 "needs a file name" -- prove "$top/corpus/peano" --goal '(in[i0,N])' --db=

# html: the stored proofs as a site (tests/html.sh checks it in depth; here
# it runs under valgrind too)
expect 0 "4 theorems\|3 theorems" -- html "$tmp/left.db" -o "$tmp/site" --assets "$top/html"
[ -s "$tmp/site/t1.html" ] && [ -s "$tmp/site/lemma.js" ] && pass=$((pass+1)) || { echo "FAIL: html: no t1.html"; fail=$((fail+1)); }
# smt side goals: ground facts over 0..20 written relationally (sums,
# products and their negations, numbers named from i0 by s) are proved
# through Z3, stored with their queries, and replay with 0 failures.
# Without --no-smt the proofs use smt steps; a tampered query fails replay.
awk 'function num(k) { return k == 0 ? "i0" : "x" k }
function goal(a, b, c, op, neg,   m, k, vs, p, atom) {
  m = a; if (b > m) m = b; if (c > m) m = c
  if (m == 0) { atom = "in3[i0,i0,i0," op "]"; return neg ? "!(" atom ")" : "(" atom ")" }
  vs = "x1"; for (k = 2; k <= m; k++) vs = vs ",x" k
  p = "(in2[" num(m - 1) "," num(m) ",s])"
  for (k = m - 2; k >= 0; k--) p = "(&(in2[" num(k) "," num(k + 1) ",s])" p ")"
  atom = "in3[" num(a) "," num(b) "," num(c) "," op "]"
  return "(>[" vs "]" p (neg ? "!(" atom ")" : "(" atom ")") ")"
}
BEGIN {
  for (a = 0; a <= 20; a += 4) for (b = 1; a + b <= 20; b += 6) {
    print goal(a, b, a + b, "+", 0); print goal(a, b, a + b + 1 > 20 ? 0 : a + b + 1, "+", 1)
    if (a * b <= 20) print goal(a, b, a * b, "*", 0)
    if (a * b + 1 <= 20) print goal(a, b, a * b + 1, "*", 1)
  }
  print goal(3, 2, 7, "*", 1); print goal(2, 3, 5, "+", 0); print goal(20, 0, 0, "*", 0)
}' > "$tmp/ground"
ng=$(wc -l < "$tmp/ground")
expect 0 "proved by Z3" -- prove "$top/corpus/peano" --goals "$tmp/ground" --db "$tmp/ground.db"
grep -q "^smt: $ng side goals asked, $ng proved" "$tmp/out" && pass=$((pass+1)) || { echo "FAIL: smt: not all $ng ground goals proved by Z3"; fail=$((fail+1)); }
expect 0 " 0 failed" -- replay "$tmp/ground.db"
grep -q "^smt: $ng rechecked through Z3 ($ng also evaluated directly), 0 failed" "$tmp/out" && pass=$((pass+1)) || { echo "FAIL: replay: smt steps not all rechecked"; sed 's/^/  | /' "$tmp/out"; fail=$((fail+1)); }
# --no-smt: no smt step; NOT 3*2=7 is then proved by the logic blocks, by
# assuming 3*2=7 and reaching a contradiction (neg_intro)
expect 0 " neg_intro " -- prove "$top/corpus/peano" --no-smt --facts 2000 --goal "$(sed -n "$((ng - 2))p" "$tmp/ground")"
grep -q " smt " "$tmp/out" && { echo "FAIL: --no-smt still used smt"; fail=$((fail+1)); } || pass=$((pass+1))
# a tampered query or answer fails replay
if command -v sqlite3 >/dev/null; then
  cp "$tmp/ground.db" "$tmp/t1.db"
  sqlite3 "$tmp/t1.db" "UPDATE smt SET query = replace(query, '(* ', '(+ ') WHERE step = (SELECT min(step) FROM smt WHERE query LIKE '%(* %')"
  expect 1 "stored query is not the query" -- replay "$tmp/t1.db"
  cp "$tmp/ground.db" "$tmp/t2.db"
  sqlite3 "$tmp/t2.db" "UPDATE smt SET answer = 'sat' WHERE step = (SELECT min(step) FROM smt)"
  expect 1 "answer is not unsat" -- replay "$tmp/t2.db"
fi
# a goal the model cannot read is no side goal: the run goes on
expect 0 "proved" -- prove "$top/corpus/peano" --goal '(>[a](in[a,N])(in3[i0,a,a,+]))'

# refute: counterexamples in the arithmetic model, printed readably; true
# laws get none; an untranslatable conjecture fails alone; a resource limit
# of 1 gives unknown, never an answer; finite structures of an axiom.
expect 1 "counterexample: a = [0-9]*, b = [1-9]" -- refute "$top/corpus/peano" \
  --goal '(>[a,b,c](in3[a,b,c,+])(=[c,a]))' --goal '(>[a,b,c](in3[a,b,c,+])(in3[b,a,c,+]))' \
  --goal '(>[a](in3[a,s,a,+])(=[a,a]))' --goal '(>[a,b](in2[a,b,s])(=[b,a]))'
grep -q "none: it holds in the arithmetic model" "$tmp/out" && pass=$((pass+1)) || { echo "FAIL: refute: a true law got a counterexample"; fail=$((fail+1)); }
grep -q "error: constant 's'" "$tmp/out" && grep -q "^C4: " "$tmp/out" && pass=$((pass+1)) || { echo "FAIL: refute: the run did not go on after an error"; fail=$((fail+1)); }
expect 0 "counterexample: a = [0-9]*, b = [0-9]*, c = [0-9]*, d = [0-9]*" -- refute "$top/corpus/peano-left" \
  --goal '(>[a,b,c,d](&(app2[a,b,c,mul])(app2[a,b,d,add]))(=[c,d]))'
expect 1 "unknown: " -- refute "$top/corpus/peano" --rlimit 1 \
  --goal '(>[a,b,c,d,e](&(in3[a,b,d,*])(in3[d,c,e,*]))(>[f](in3[b,c,f,*])(in3[a,f,e,*])))'
printf 'relation in[x,X] : (elem, set);\nrelation in2[x,y,f] : (in, out, op);\nanchor F[X,f,z] := (&(in[z,X])(>[x](in[x,X])(&!(>[y](in[y,X])!(in2[x,y,f]))(>[y,w](&(in2[x,y,f])(in2[x,w,f]))(=[y,w])))));\n' > "$tmp/fun.mpl"
expect 0 "in2 = {(" -- refute "$tmp/fun.mpl" --finite 3 --goal '(>[x,y,w](&(in[x,X])(&(in2[x,y,f])(in2[y,w,f])))(=[w,x]))'
expect 0 "none in any model" -- refute "$tmp/fun.mpl" --finite 1 --goal '(>[x,y,w](&(in[x,X])(&(in2[x,y,f])(in2[y,w,f])))(=[w,x]))'
expect 1 "declares no arithmetic model" -- refute "$tmp/fun.mpl" --goal '(>[x](in[x,X])(=[x,x]))'
expect 2 "bad value" -- refute "$tmp/fun.mpl" --finite 0 --goal '(>[x](in[x,X])(=[x,x]))'
# lemma train: a database without usable decision points is refused clearly
# (a ground goal: it has one tactic, no alternative); the peano-left
# database, whose goals had several tactics, trains
expect 0 "" -- prove "$top/corpus/peano-left" --goal '(elt[zero,Nat])' --db "$tmp/one.db"
expect 1 "no usable decision points\|no decision points recorded" -- train "$tmp/one.db" -o "$tmp/model"
expect 0 "decision points" -- train "$tmp/left.db" -o "$tmp/model" --epochs 1
# prove --policy: the trained model orders the induction variables; the
# same goals are proved, and a file that is no model is refused
expect 0 "proved by induction on" -- prove "$top/corpus/peano-left" --goals "$tmp/left3" --policy "$tmp/model"
[ "$(grep -c '^  proved' "$tmp/out")" = 3 ] && pass=$((pass+1)) || { echo "FAIL: --policy: not the 3 goals proved"; fail=$((fail+1)); }
expect 1 "lemma: prove: " -- prove "$top/corpus/peano-left" --goals "$tmp/left3" --policy "$tmp/left3"
expect 2 "needs a model file" -- prove "$top/corpus/peano-left" --goals "$tmp/left3" --policy
expect 2 "expected -o MODEL" -- train "$tmp/left.db"
expect 2 "expected tactic, theorem-rule or induction-var, not 'rules'" -- train "$tmp/left.db" -o "$tmp/model" --kind rules
expect 0 "decision points" -- train "$tmp/left.db" -o "$tmp/model" --epochs 1 --kind tactic
grep -v '^#' "$top/corpus/peano/goals" | head -n 1 > "$tmp/left3.zero"
# lemma explore, smallest batch (the larger runs are in tests/explore.sh):
# x0 + 0 = x0 and 0 + x0 = x0 are found, stored, and replay.
expect 0 "found as T" -- explore "$top/corpus/peano" --batch "$top/tests/data/explore-tiny.batch" --no-progress --db "$tmp/tiny.db" --goals "$tmp/left3.zero"
# ... with shuffled tactics (training data): the same theorems, stored
# proofs that replay, and tactic points whose first tactic tried is not
# always the fixed order's (direct)
expect 0 "found as T" -- explore "$top/corpus/peano" --batch "$top/tests/data/explore-tiny.batch" --no-progress --db "$tmp/tinys.db" --goals "$tmp/left3.zero" --shuffle-tactics 3
expect 0 " 0 failed" -- replay "$tmp/tinys.db"
[ "$(sqlite3 "$tmp/tiny.db" 'SELECT count(*) FROM theorems')" = "$(sqlite3 "$tmp/tinys.db" 'SELECT count(*) FROM theorems')" ] && ok || ko "--shuffle-tactics: another number of theorems"
expect 2 "bad value '0'" -- prove "$top/corpus/peano" --goals "$tmp/left3.zero" --shuffle-tactics 0
expect 0 "proved" -- prove "$top/corpus/peano-left" --goals "$tmp/left3" --shuffle-tactics 7 --db "$tmp/shuf.db"
[ "$(sqlite3 "$tmp/shuf.db" "SELECT count(*) FROM decision_candidates c JOIN decisions d ON d.id = c.decision WHERE d.kind = 'tactic' AND c.tried AND c.label <> 'direct' AND c.decision IN (SELECT decision FROM decision_candidates WHERE label = 'direct' AND tried = 0)")" -ge 1 ] && ok || ko "--shuffle-tactics: every tactic point tried direct"
expect 0 " 0 failed" -- replay "$tmp/tiny.db"
# two batches: conjectures wait across them and climb the ladder; a goal
# not discovered is proved from the discoveries (with induction) and stored
grep -v '^#' "$top/tests/data/explore-plus.goals" | sed -n '1p;3p' > "$tmp/two.goals"
expect 0 "goal 2: proved by induction from the theorems, as T[0-9]" -- explore "$top/corpus/peano" --batch "$top/tests/data/explore-two.batch" --facts 8000 --no-progress --db "$tmp/two.db" --goals "$tmp/two.goals"
expect 0 " 0 failed" -- replay "$tmp/two.db"

echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

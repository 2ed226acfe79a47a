#!/bin/sh
# e2e.sh: end-to-end tests of the lemma command: exit codes, messages, and
# the bundled corpus.  Run by `make check`; under valgrind when VALGRIND is
# set to a valgrind binary and LEM_E2E_VALGRIND=1.
set -u
top=$(cd "${top_srcdir:-$(dirname "$0")/..}" && pwd)  # absolute: a test changes directory
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
grep -v '^#' "$top/corpus/peano/goals" | head -n 4 > "$tmp/goals4"
$LEMMA prove "$top/corpus/peano" --goals "$tmp/goals4" --db "$tmp/kill.db" >/dev/null 2>&1 &
pid=$!
i=0
while [ "$i" -lt 6000 ] && [ "$(nthm "$tmp/kill.db")" -lt 1 ]; do
  sleep 0.1; i=$((i+1))
done
if kill -9 "$pid" 2>/dev/null; then ok; else ko "resume: the run ended before it could be killed"; fi
wait "$pid" 2>/dev/null
killed=$(nthm "$tmp/kill.db")
[ "$killed" -ge 1 ] && [ "$killed" -lt 4 ] && ok || ko "resume: $killed theorems stored when killed (want 1 to 3)"
expect 0 " 0 failed" -- replay "$tmp/kill.db"
expect 0 "already proved: theorem 1 of" -- prove "$top/corpus/peano" --goals "$tmp/goals4" --db "$tmp/kill.db"
grep -q "^T4: " "$tmp/out" && grep -q "proved by induction" "$tmp/out" && ok || ko "resume: T4 not proved after resuming"
expect 0 " 0 failed" -- replay "$tmp/kill.db"
[ "$(sqlite3 "$tmp/kill.db" 'SELECT count(*) FROM run')" = 2 ] && ok || ko "resume: not two runs"
[ "$(sqlite3 "$tmp/kill.db" "SELECT count(*) FROM theorems WHERE status = 'proved'")" = 4 ] && ok || ko "resume: a goal stored twice or missing"
# a theorem of the second run uses one of the first by a theorem step
[ "$(sqlite3 "$tmp/kill.db" "SELECT count(*) FROM steps s JOIN theorems u ON u.id = s.theorem JOIN theorems d ON d.id = s.ref_theorem WHERE u.run = 2 AND d.run = 1")" -ge 1 ] && ok || ko "resume: no theorem of the new run uses a stored one"
# decision points: every proved goal's chosen induction variable is on its proof
[ "$(sqlite3 "$tmp/kill.db" "SELECT count(DISTINCT d.theorem) FROM decisions d JOIN decision_candidates c ON c.decision = d.id WHERE d.kind = 'induction-var' AND c.chosen AND c.on_proof AND c.expr IS NOT NULL")" = 4 ] && ok || ko "decisions: not one chosen induction a goal"
# a third run has nothing left to prove, and replays
expect 0 "already proved: theorem 4 of" -- prove "$top/corpus/peano" --goals "$tmp/goals4" --db "$tmp/kill.db"
expect 0 " 0 failed" -- replay "$tmp/kill.db"

# --db without a value: the theory directory's name, in the current directory
grep -v '^#' "$top/corpus/peano-left/goals" | head -n 1 > "$tmp/left1"
mkdir "$tmp/cwd"
if (cd "$tmp/cwd" && $LEMMA prove "$top/corpus/peano-left/" --goals "$tmp/left1" --db >/dev/null 2>&1) &&
   [ -f "$tmp/cwd/peano-left.db" ]; then ok; else ko "--db without a value did not write peano-left.db"; fi
expect 0 " 0 failed" -- replay "$tmp/cwd/peano-left.db"
expect 2 "needs a file name" -- prove "$top/corpus/peano" --goal '(in[i0,N])' --db=

echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

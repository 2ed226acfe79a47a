# lib.sh: what the end-to-end shell tests share, sourced first thing:
#   . "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
# It sets top (the source tree, absolute), bld (the build tree), LEMMA, a
# temporary directory tmp removed on exit, and the counters behind ok (a
# check passed) and ko MESSAGE (one failed).  finish NAME prints the counts
# and is the test's exit status.
top=$(cd "${top_srcdir:-$(dirname "$0")/..}" && pwd)
bld=${top_builddir:-.}
LEMMA="$bld/lemma"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { pass=$((pass+1)); }
ko() { echo "FAIL: $*"; fail=$((fail+1)); }
finish() {
  echo "$1: $pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}

# replay_ok DB: lemma replay re-checks DB with 0 failures (its output in
# $tmp/replay).
replay_ok() {
  if $LEMMA replay "$1" > "$tmp/replay" 2>&1 &&
     grep -q " 0 failed$" "$tmp/replay"; then ok
  else ko "replay of $1: $(tail -n 1 "$tmp/replay")"; fi
}

# proved_statements DB: the statements of DB's proved theorems, one a line,
# into $tmp/thms.
proved_statements() {
  sqlite3 "$1" "SELECT e.text FROM theorems t JOIN expressions e
    ON e.id = t.statement WHERE t.status = 'proved' ORDER BY t.id" \
    > "$tmp/thms"
}

# refute_none THEORY N [RLIMIT]: Z3 finds a counterexample to none of
# $tmp/thms in THEORY's arithmetic model (under Z3's resource limit RLIMIT
# per statement, if given), and shows at least N of them to hold there.
# The outcomes are in $tmp/refute.
refute_none() {
  $LEMMA refute "$1" --goals "$tmp/thms" ${3:+--rlimit "$3"} > "$tmp/refute" 2>&1
  if grep -q "counterexample" "$tmp/refute"; then
    ko "Z3 refutes a stored theorem: $(grep -B1 counterexample "$tmp/refute" | head -4)"
  else ok; fi
  [ "$(grep -c "^  none" "$tmp/refute")" -ge "$2" ] && ok ||
    ko "Z3 did not clear $2 theorems: $(grep -v none "$tmp/refute" | head -3)"
}

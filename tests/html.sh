#!/bin/sh
# html.sh: `lemma html` end to end.  Proves the first three Peano laws into a
# database, writes the site, and checks it with tests/html_lint (every page
# parses with libxml2, every link and anchor resolves); --theorem writes a
# closed subset; bad usage and bad input give the documented exit statuses.
set -u
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
LINT="$bld/tests/html_lint"

grep -v '^#' "$top/corpus/peano/goals" | head -n 3 > "$tmp/goals3"
"$LEMMA" prove "$top/corpus/peano" --goals "$tmp/goals3" --db "$tmp/p.db" >/dev/null 2>&1 ||
  ko "prove for the site"

"$LEMMA" html "$tmp/p.db" -o "$tmp/site" --assets "$top/html" >"$tmp/out" 2>&1 &&
  grep -q "5 pages, 3 theorems" "$tmp/out" && ok || { ko "html: $(cat "$tmp/out")"; }
"$LINT" "$tmp/site" >"$tmp/lint" 2>&1 && ok || ko "lint: $(cat "$tmp/lint")"
for f in index.html rules.html t1.html t2.html t3.html lemma.css lemma.js; do
  [ -s "$tmp/site/$f" ] && ok || ko "missing $f"
done
# T3 (commutativity) cites T1: T1 lists it under "used by"
grep -q 'class="ub" href="t3.html"' "$tmp/site/t1.html" && ok || ko "no used-by link from t1 to t3"
# the index shows the run and a search box; steps link their rule
grep -q 'id="search"' "$tmp/site/index.html" && ok || ko "no search box"
grep -q 'href="rules.html#rule-induct"' "$tmp/site/t1.html" && ok || ko "no rule link"
# deterministic: the same database gives the same bytes
"$LEMMA" html "$tmp/p.db" -o "$tmp/site2" --assets "$top/html" >/dev/null 2>&1
for f in index.html rules.html t3.html; do
  cmp -s "$tmp/site/$f" "$tmp/site2/$f" && ok || ko "$f not deterministic"
done
# assets found without --assets (LEMMA_ASSETS, then the build's defaults)
LEMMA_ASSETS="$top/html" "$LEMMA" html "$tmp/p.db" -o "$tmp/site3" >/dev/null 2>&1 &&
  cmp -s "$top/html/lemma.js" "$tmp/site3/lemma.js" && ok || ko "LEMMA_ASSETS"
# --theorem 3 writes t3 and what it uses (t1 and t2), and nothing broken;
# --theorem 2 (which cites no theorem) writes t2 alone
"$LEMMA" html "$tmp/p.db" -o "$tmp/one" --assets "$top/html" --theorem 3 >/dev/null 2>&1 &&
  [ -f "$tmp/one/t3.html" ] && [ -f "$tmp/one/t1.html" ] && [ -f "$tmp/one/t2.html" ] &&
  "$LINT" "$tmp/one" >/dev/null 2>&1 && ok || ko "--theorem 3"
"$LEMMA" html "$tmp/p.db" -o "$tmp/two" --assets "$top/html" --theorem 2 >/dev/null 2>&1 &&
  [ -f "$tmp/two/t2.html" ] && [ ! -f "$tmp/two/t1.html" ] && [ ! -f "$tmp/two/t3.html" ] &&
  "$LINT" "$tmp/two" >/dev/null 2>&1 && ok || ko "--theorem 2"

# expect STATUS PATTERN ARGS...
expect() {
  want=$1; pat=$2; shift 2
  "$LEMMA" html "$@" >"$tmp/o" 2>"$tmp/e"; got=$?
  [ "$got" -eq "$want" ] && grep -q -- "$pat" "$tmp/e" && ok ||
    ko "lemma html $*: exit $got (wanted $want), stderr: $(cat "$tmp/e")"
}
expect 2 "expected FILE.db"
expect 2 "expected -o DIR" "$tmp/p.db"
expect 2 "unknown option '--frob'" "$tmp/p.db" -o "$tmp/x" --frob
expect 2 "positive integer" "$tmp/p.db" -o "$tmp/x" --theorem abc
expect 1 "no theorem 99" "$tmp/p.db" -o "$tmp/x" --theorem 99 --assets "$top/html"
expect 1 "no/such.db" "$tmp/no/such.db" -o "$tmp/x"
printf 'not a database' > "$tmp/junk.db"
expect 1 "junk.db" "$tmp/junk.db" -o "$tmp/x"
: > "$tmp/afile"
expect 1 "not a directory" "$tmp/p.db" -o "$tmp/afile" --assets "$top/html"
expect 1 "cannot read the asset" "$tmp/p.db" -o "$tmp/y" --assets "$tmp/nowhere"

finish html

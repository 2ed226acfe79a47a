#!/bin/sh
# train.sh: end-to-end test of `lemma train`.  Builds a proof database
# holding synthetic decision points (the chosen candidate concludes the
# goal's relation), trains on it, and checks the output: per-epoch lines, a
# held-out evaluation, a safetensors file with lemma's metadata, the same
# bytes for the same seed, and clear errors for bad input.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
bld=${top_builddir:-.}
LEMMA="$bld/lemma"
command -v sqlite3 >/dev/null || { echo "train.sh: needs sqlite3; skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=$((fail+1)); }

# 40 points: goal r<h>[a,b]; 3 candidates (>[x,y](r<p>[x,y])(r<c>[y,x]));
# the one at position h%3 concludes r<h>.
awk 'BEGIN {
  print "CREATE TABLE expressions(id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);";
  print "CREATE TABLE decisions(id INTEGER PRIMARY KEY, theorem INTEGER, kind TEXT, goal INTEGER);";
  print "CREATE TABLE decision_candidates(decision INTEGER, position INTEGER, expr INTEGER, chosen INTEGER);";
  id = 0;
  for (h = 0; h < 5; h++) { g[h] = ++id; printf "INSERT INTO expressions VALUES(%d,\x27(r%d[a,b])\x27);\n", id, h }
  for (p = 0; p < 5; p++) for (c = 0; c < 5; c++) {
    e[p, c] = ++id; printf "INSERT INTO expressions VALUES(%d,\x27(>[x,y](r%d[x,y])(r%d[y,x]))\x27);\n", id, p, c }
  for (d = 1; d <= 40; d++) {
    h = d % 5; pos = d % 3;
    printf "INSERT INTO decisions VALUES(%d,1,\x27rule\x27,%d);\n", d, g[h];
    for (k = 0; k < 3; k++) {
      c = (k == pos) ? h : (h + 1 + (d + k) % 4) % 5; p = (d * 7 + k) % 5;
      printf "INSERT INTO decision_candidates VALUES(%d,%d,%d,%d);\n", d, k, e[p, c], k == pos }
  }
}' > "$tmp/dec.sql"
sqlite3 "$tmp/dec.db" < "$tmp/dec.sql" || no "could not build the database"

"$LEMMA" train "$tmp/dec.db" -o "$tmp/m1" --epochs 3 --seed 4 > "$tmp/out" 2>&1 || no "train exited $?"
grep -q "dec.db: 40 decision points" "$tmp/out" || no "train did not count the points"
grep -q "^epoch 3: loss" "$tmp/out" || no "train printed no epoch lines"
grep -q "^held out: loss" "$tmp/out" || no "train printed no held-out figures"
head -c 200 "$tmp/m1" | grep -q '"format":"lemma-policy"' || no "model is not a lemma safetensors file"
"$LEMMA" train "$tmp/dec.db" -o "$tmp/m2" --epochs 3 --seed 4 > /dev/null 2>&1
cmp -s "$tmp/m1" "$tmp/m2" || no "two runs with one seed wrote different models"

# bad input: a database without decisions, a bad option value
sqlite3 "$tmp/empty.db" "CREATE TABLE expressions(id INTEGER PRIMARY KEY, text TEXT);"
"$LEMMA" train "$tmp/empty.db" -o "$tmp/m3" > "$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "no decision points recorded" "$tmp/out" || no "empty database not refused"
echo "not a database" > "$tmp/text.db"
"$LEMMA" train "$tmp/text.db" -o "$tmp/m3" > "$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "text.db: cannot read" "$tmp/out" || no "a text file was not refused as a database"
"$LEMMA" train "$tmp/dec.db" -o "$tmp/m3" --epochs 0 > "$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "bad value" "$tmp/out" || no "bad --epochs not refused"
[ -e "$tmp/m3" ] && no "a failed run wrote a model"

[ "$fail" -eq 0 ] && echo "train.sh: all passed"
[ "$fail" -eq 0 ]

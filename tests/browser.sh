#!/bin/sh
# browser.sh: the browser test of `lemma html` (tests/browser/test.mjs):
# Debian's chromium, headless, driven by playwright-core, over a site written
# from a real proof database.  Screenshots are kept in
# $top_builddir/tests/browser-shots.  Skipped (exit 77) only when chromium,
# node or tests/browser/node_modules is missing: scripts/install-deps
# installs all three.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
bld=${top_builddir:-.}
top=$(cd "$top" && pwd)
bld=$(cd "$bld" && pwd)
for need in /usr/bin/chromium "$(command -v node || echo /nonexistent/node)" \
            "$top/tests/browser/node_modules/playwright-core"; do
  [ -e "$need" ] || { echo "browser: skipped: $need is missing (run scripts/install-deps)"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
grep -v '^#' "$top/corpus/peano/goals" | head -n 3 > "$tmp/goals3"
"$bld/lemma" prove "$top/corpus/peano" --goals "$tmp/goals3" --db "$tmp/p.db" >/dev/null 2>&1 ||
  { echo "browser: lemma prove failed"; exit 1; }
"$bld/lemma" html "$tmp/p.db" -o "$tmp/site" --assets "$top/html" >/dev/null ||
  { echo "browser: lemma html failed"; exit 1; }
shots="$bld/tests/browser-shots"
mkdir -p "$shots"
cd "$top/tests/browser" && timeout 180 node test.mjs "$tmp/site" "$shots"

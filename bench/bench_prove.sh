#!/bin/sh
# bench_prove.sh: end-to-end cost of `lemma prove` on the Peano corpus, then
# of `lemma replay` on the database it wrote.
#
# Runs  lemma prove corpus/peano --goals corpus/peano/goals --facts 50000
#       --db $tmp/p.db
# under /usr/bin/time -v (wall time and peak RSS; without it, the shell's
# clock and no RSS), prints each goal's result line and its step count
# (counted from the numbered proof lines the prover prints), then times
# `lemma replay` on the database and prints its "N passed, N failed" line,
# then times `lemma html` writing the database as a web site.
# Peer figure: Generative Logic's Peano prover stage (192 s on 2 cores,
# /work/shared/reference/gl-results.md).  The tasks differ: GL explores and
# proves what it conjectures; lemma proves a stated list of goals.
#
# Called by bench/run.sh with top_builddir and top_srcdir set; standalone:
#   top_builddir=BUILD top_srcdir=SRC sh bench/bench_prove.sh [FACTS]
set -eu
bld=${top_builddir:-.}
src=${top_srcdir:-.}
facts=${1:-50000}
lemma=$bld/lemma
gl_prover_s=192    # GL, Peano batch, prover stage (gl-results.md)
gl_whole_s=930     # GL, whole pipeline, wall
gl_whole_mb=1370   # GL, whole pipeline, peak RSS

if [ ! -x "$lemma" ]; then
  echo "bench_prove: no $lemma (build it first)" >&2
  exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench_prove.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "load before: $(uptime | sed 's/.*load average/load average/')"

# Run "$@" with stdout to $tmp/$1.out; sets rc, wall (s), cpu (user + sys)
# and rss (kB, or "").
timed() {
  name=$1
  shift
  if [ -x /usr/bin/time ]; then
    set +e
    /usr/bin/time -v -o "$tmp/$name.time" "$@" \
      >"$tmp/$name.out" 2>"$tmp/$name.err"
    rc=$?
    set -e
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
      n = split($2, p, ":"); s = 0
      for (i = 1; i <= n; i++) s = s * 60 + p[i]
      printf "%.2f", s }' "$tmp/$name.time")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' \
      "$tmp/$name.time")
    cpu=$(awk -F': ' '/User time|System time/ {s += $2}
      /Percent of CPU/ {p = $2} END {printf "%.1f s (%s of a core)", s, p}' \
      "$tmp/$name.time")
  else
    t0=$(date +%s.%N)
    set +e
    "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    rc=$?
    set -e
    wall=$(echo "$(date +%s.%N) $t0" | awk '{printf "%.2f", $1 - $2}')
    rss=""
    cpu="n/a"
  fi
}

show_rss() {
  if [ -n "$rss" ]; then
    echo "$rss" | awk '{printf "%.0f MB", $1 / 1024}'
  else
    printf "n/a (no /usr/bin/time)"
  fi
}

echo "== lemma prove corpus/peano --goals corpus/peano/goals --facts $facts"
timed prove "$lemma" prove "$src/corpus/peano" \
  --goals "$src/corpus/peano/goals" --facts "$facts" --db "$tmp/p.db"
prove_rc=$rc
echo "exit status $prove_rc; wall $wall s; cpu $cpu; peak RSS $(show_rss)"
prove_wall=$wall
prove_rss=$rss
# Per goal: "T<k>: <goal>", then "proved ..." or "not proved: ...", then the
# numbered steps "  <n>  <rule> ...".
awk '
  function flush() {
    if (goal == "") return
    if (res ~ /^proved/) {
      printf "%-4s %-40s %5d steps\n", goal, res, steps; np++
    } else {
      printf "%-4s %s\n", goal, res; nf++
    }
  }
  /^T[0-9]+:/ { flush(); goal = $1; res = "(no result line)"; steps = 0; next }
  goal != "" && /^[ \t]*(proved|not proved)/ {
    sub(/^[ \t]+/, ""); res = $0; next
  }
  goal != "" && /^[ \t]+[0-9]+[ \t]+[a-z_]+/ { steps++ }
  END { flush(); printf "goals: %d proved, %d not proved\n", np, nf }
' "$tmp/prove.out"
if [ -s "$tmp/prove.err" ]; then
  echo "-- prover stderr (last 5 lines):"
  tail -n 5 "$tmp/prove.err"
fi

echo "== lemma replay"
if [ -s "$tmp/p.db" ]; then
  timed replay "$lemma" replay "$tmp/p.db"
  replay_rc=$rc
  echo "exit status $rc; wall $wall s; cpu $cpu; peak RSS $(show_rss)"
  grep -E '[0-9]+ passed, [0-9]+ failed' "$tmp/replay.out" "$tmp/replay.err" \
    | sed 's/^[^:]*://' | tail -n 1
else
  replay_rc=0
  echo "no database written; replay skipped"
fi

echo "== lemma html"
if [ -s "$tmp/p.db" ]; then
  timed html "$lemma" html "$tmp/p.db" -o "$tmp/site" --assets "$src/html"
  echo "exit status $rc; wall $wall s; cpu $cpu; peak RSS $(show_rss)"
  cat "$tmp/html.out" "$tmp/html.err"
  steps=$(sed -n 's/.* \([0-9]*\) steps$/\1/p' "$tmp/html.out")
  [ -n "$steps" ] && awk -v n="$steps" -v w="$wall" 'BEGIN {
    if (w > 0) printf "html: %d steps / %.2f s = %.0f steps/s (wall)\n", n, w, n / w }'
else
  echo "no database written; html skipped"
fi

echo "== peer: Generative Logic (gl-results.md, 2 cores)"
echo "NOTE: different tasks. GL explores (conjectures, filters and proves what"
echo "it finds: 83 Peano theorems); lemma proves a stated list of goals."
awk -v w="$prove_wall" -v g="$gl_prover_s" -v gw="$gl_whole_s" \
    -v r="$prove_rss" -v gr="$gl_whole_mb" 'BEGIN {
  printf "lemma prove wall / GL Peano prover stage: %.2f s / %d s = %.2f\n",
    w, g, w / g
  printf "lemma prove wall / GL whole pipeline: %.2f s / %d s = %.2f\n",
    w, gw, w / gw
  if (r != "")
    printf "lemma prove peak RSS / GL whole-pipeline peak: %.0f MB / %d MB" \
      " = %.2f\n", r / 1024, gr, r / 1024 / gr
}'
echo "load after: $(uptime | sed 's/.*load average/load average/')"
# Unproved goals are a result, not a failure of the benchmark; a replay that
# rejects a stored proof is.
exit "$replay_rc"

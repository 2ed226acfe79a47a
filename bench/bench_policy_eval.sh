#!/bin/sh
# bench_policy_eval.sh: the held-out evaluation of the learned policy
# (issue 8).  On the goal set of corpus/eval (README there: 68 goals in 7
# theories, a fixed split into train and test goals):
#   1. proves the training goals of each theory with the fixed heuristic,
#      into one proof database per theory (decision points recorded);
#   2. trains the transformer policy and the linear scorer on those
#      databases only;
#   3. proves each test goal on its own (the goals before it in its
#      theory's file assumed, lemma prove --assume) with the fixed
#      heuristic, the policy and the linear scorer, first at an equal
#      budget of expansions per goal (--goal-facts; a proof counts only if
#      it took at most that many facts), then at an equal wall-clock time
#      per goal (--seconds, which charges the model's cost);
#   4. prints a table: goals proved, median facts to a proof.
# Premise selection (lemma prove --premises K) is on in every run but the
# "none" row: the fixed heuristic then ranks the candidate rules by shared
# symbols, the policy and the linear scorer by their score, and each
# budget first tries the K best rules alone, then all (the fallback).
# No proof or decision point of a test goal is written to a database that
# training reads.  With EXPLORE=1 the explorations may prove test goals
# (they conjecture laws on their own): their databases are read through
# the leakage filter of lemma train --exclude (lem_pol_data_read_db_filtered
# in prover/policy.h), which drops every decision point of a theorem that
# is a test goal of any theory of the set (by the law key: the same atoms
# up to variable names, so any relational form or direction of the
# equation) or that was proved from one (transitively), every point whose
# goal the model reads as a test goal (the same tokens), and every
# candidate that is a test goal or was proved from one (the whole point
# when the proof chose it).  Options through the environment:
#   FACTS=20000      expansions (facts made) per test goal
#   SECS=0.5         seconds per test goal in the equal-time comparison
#   TRAIN_FACTS=100000  expansions per training goal
#   EPOCHS=30 SEED=1 training (EPOCHS=10 with EXPLORE=1)
#   NEGATIVES=8      negatives per training example (lemma train --negatives)
#   PREMISES=12      rules kept by premise selection (0: off everywhere)
#   SHUFFLES=3       each training goal is also proved with its tactics in
#                    SHUFFLES shuffled orders (lemma prove --shuffle-tactics
#                    1..SHUFFLES), each into a database of its own that
#                    training reads: tactic points free of the fixed order
#   KIND=            train on decision points of this kind only (lemma
#                    train --kind; e.g. tactic with PREMISES=0); all kinds
#                    by default
#   ROUNDS=0         if > 0: train the policy by expert iteration instead,
#                    lemma train --rounds ROUNDS on the training goals of
#                    each theory (proved in order, TRAIN_FACTS each) plus
#                    the databases of step 1
#   EXPLORE=0        if 1: also train on theory exploration (step 1b):
#                    lemma explore THEORY --db for each theory of the set
#                    that has an explore.batch, every decision point read
#                    through the leakage filter (lemma train --exclude
#                    with each theory's test goals; see below)
#   EXPLORE_SEEDS=   with EXPLORE=1: explore each theory once per seed
#                    listed, with --shuffle-tactics SEED (each into a
#                    database of its own); empty: once, in the fixed order
#   EXPLORE_OPTS="--facts 10000"  options for lemma explore (its per-
#                    conjecture fact budget: six theories in about 10 min)
#   REUSE=0          if 1 (with KEEP and EXPLORE=1): keep the explorations'
#                    databases a previous run left in KEEP instead of
#                    exploring again (to compare training seeds or options)
#   LEMMA=path       the lemma binary (default: ./lemma of the build)
#   KEEP=dir         keep the databases, models and logs in dir
# Usage: bench/bench_policy_eval.sh   (from a build directory, or give LEMMA)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
LEMMA=${LEMMA:-./lemma}
FACTS=${FACTS:-20000}
SECS=${SECS:-0.5}
TRAIN_FACTS=${TRAIN_FACTS:-100000}
EXPLORE=${EXPLORE:-0}
# with the explorations' data, fewer passes keep training within minutes
if [ "$EXPLORE" = 1 ]; then EPOCHS=${EPOCHS:-10}; else EPOCHS=${EPOCHS:-30}; fi
SEED=${SEED:-1}
ROUNDS=${ROUNDS:-0}
NEGATIVES=${NEGATIVES:-8}
PREMISES=${PREMISES:-12}
SHUFFLES=${SHUFFLES:-3}
KIND=${KIND:-}
REUSE=${REUSE:-0}
EXPLORE_OPTS=${EXPLORE_OPTS:---facts 10000}
[ -x "$LEMMA" ] || { echo "bench_policy_eval: no lemma at $LEMMA (set LEMMA)" >&2; exit 2; }
if [ -n "${KEEP:-}" ]; then
  work=$KEEP
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
theories=$(grep -v '^#' "$top/corpus/eval/theories")

# ---- 1. the split, and the training goals proved into databases ----
# Each goal is proved on its own, the goals before it in its theory's file
# given (--assume): training goals into one database each, whose decision
# points training reads; test goals (step 3) into none.
ntrain=0
ntrainp=0
dbs=""
t0=$(date +%s)
for t in $theories; do
  grep -v '^#' "$top/corpus/$t/goals" | grep . > "$work/$t.all"
  awk 'NR % 2 == 1' "$work/$t.all" > "$work/$t.train"
  n=$(grep -c . "$work/$t.all")
  k=1
  while [ "$k" -le "$n" ]; do
    head -n $((k - 1)) "$work/$t.all" > "$work/pre"
    pre=""
    [ "$k" -gt 1 ] && pre="--assume $work/pre"
    db="$work/$t.$k.db"
    rm -f "$db"
    # shellcheck disable=SC2086
    "$LEMMA" prove "$top/corpus/$t" $pre --goal "$(sed -n "${k}p" "$work/$t.all")" \
      --db "$db" --goal-facts "$TRAIN_FACTS" --premises "$PREMISES" --stats \
      > "$work/$t.$k.log" 2> /dev/null
    grep -q '^  proved' "$work/$t.$k.log" && ntrainp=$((ntrainp + 1))
    ntrain=$((ntrain + 1))
    dbs="$dbs $db"
    # the same goal with its tactics in shuffled orders: decision points
    # where a tactic other than the fixed order's first is tried first
    s=1
    while [ "$s" -le "$SHUFFLES" ]; do
      sdb="$work/$t.$k.s$s.db"
      rm -f "$sdb"
      # shellcheck disable=SC2086
      "$LEMMA" prove "$top/corpus/$t" $pre --goal "$(sed -n "${k}p" "$work/$t.all")" \
        --db "$sdb" --goal-facts "$TRAIN_FACTS" --premises "$PREMISES" \
        --shuffle-tactics "$s" > /dev/null 2>&1
      dbs="$dbs $sdb"
      s=$((s + 1))
    done
    k=$((k + 2))
  done
done
t1=$(date +%s)
echo "training goals: $ntrainp of $ntrain proved by the fixed heuristic ($((t1 - t0)) s)"

# ---- 1b. explorations, read through the leakage filter ----
# The filter is given every theory's test goals (even positions of its
# goals file, as in step 3) and applies to the databases named after it.
xdbs=""
if [ "$EXPLORE" = 1 ]; then
  for t in $theories; do
    awk 'NR % 2 == 0' "$work/$t.all" > "$work/$t.test"
    xdbs="$xdbs --theory $top/corpus/$t --exclude $work/$t.test"
  done
  nx=0
  for t in $theories; do
    [ -f "$top/corpus/$t/explore.batch" ] || continue
    for xs in ${EXPLORE_SEEDS:-0}; do
      if [ "$xs" = 0 ]; then xdb="$work/$t.explore.db" xopt=""
      else xdb="$work/$t.explore.s$xs.db" xopt="--shuffle-tactics $xs"; fi
      xdbs="$xdbs $xdb"
      nx=$((nx + 1))
      [ "$REUSE" = 1 ] && [ -f "$xdb" ] && continue
      rm -f "$xdb"
      # shellcheck disable=SC2086
      "$LEMMA" explore "$top/corpus/$t" --db "$xdb" --no-progress \
        $EXPLORE_OPTS $xopt > "$xdb.log" 2>&1 ||
        { tail -n 3 "$xdb.log"; exit 1; }
    done
  done
  t1x=$(date +%s)
  echo "explorations: $nx ($((t1x - t1)) s)"
  t1=$t1x
fi

# ---- 2. the two models, on the training databases only ----
rounds=""
if [ "$ROUNDS" -gt 0 ]; then
  mkdir -p "$work/rounds"
  rounds="--rounds $ROUNDS --work $work/rounds --goal-facts $TRAIN_FACTS --premises $PREMISES"
  for t in $theories; do
    rounds="$rounds --theory $top/corpus/$t --goals $work/$t.train"
  done
fi
kind=""
[ -n "$KIND" ] && kind="--kind $KIND"
# shellcheck disable=SC2086
"$LEMMA" train $dbs $xdbs -o "$work/policy.st" --epochs "$EPOCHS" --seed "$SEED" \
  --negatives "$NEGATIVES" $kind $rounds > "$work/train-policy.log" 2>&1 ||
  { cat "$work/train-policy.log"; exit 1; }
[ "$ROUNDS" -gt 0 ] && grep '^round' "$work/train-policy.log" | sed 's/^/  policy /'
# shellcheck disable=SC2086
"$LEMMA" train $dbs $xdbs -o "$work/linear.st" --model linear --epochs "$EPOCHS" \
  --seed "$SEED" --negatives "$NEGATIVES" $kind > "$work/train-linear.log" 2>&1 ||
  { cat "$work/train-linear.log"; exit 1; }
t2=$(date +%s)
pts=$(grep -h 'decision points$' "$work/train-linear.log" |
      awk '{ s += $2 } END { print s + 0 }')
nused=$(grep -h 'decision points$' "$work/train-linear.log" | grep -vc ': 0 ')
echo "decision points for training: $pts, from $nused goals; training both models: $((t2 - t1)) s"
if [ "$EXPLORE" = 1 ]; then
  grep -h 'explore[.a-z0-9]*db: .* excluded' "$work/train-linear.log" |
    sed "s|$work/||; s/^/  /"
  grep -h 'explore[.a-z0-9]*db: .* excluded' "$work/train-linear.log" |
    awk '{ s += $2 } END { print "  decision points from the explorations: " s + 0 }'
fi
grep -h '^held out' "$work/train-policy.log" | tail -n 1 | sed 's/^/  policy /'
grep -h '^held out' "$work/train-linear.log" | sed 's/^/  linear /'

# ---- 3. the test goals, each on its own, into no database ----
# one line per run: config mode theory goal proved facts seconds
res="$work/results"
: > "$res"
for t in $theories; do
  n=$(grep -c . "$work/$t.all")
  k=2
  while [ "$k" -le "$n" ]; do
    head -n $((k - 1)) "$work/$t.all" > "$work/pre"
    g=$(sed -n "${k}p" "$work/$t.all")
    for cfg in none fixed policy linear; do
      case $cfg in
        none) pol="--premises 0" ;;
        fixed) pol="--premises $PREMISES" ;;
        policy) pol="--premises $PREMISES --policy $work/policy.st" ;;
        linear) pol="--premises $PREMISES --policy $work/linear.st" ;;
      esac
      for mode in facts time; do
        if [ "$mode" = facts ]; then lim="--goal-facts $FACTS"
        else lim="--seconds $SECS"; fi
        # shellcheck disable=SC2086
        "$LEMMA" prove "$top/corpus/$t" --assume "$work/pre" --goal "$g" \
          --stats $lim $pol > "$work/out" 2> /dev/null
        awk -v c=$cfg -v m=$mode -v t=$t -v k=$k -v cap="$FACTS" '
          /^  search:/ { f = $2; s = $4 }
          /^  proved/ { p = 1 }
          END { if (m == "facts" && f > cap) p = 0;
                printf "%s %s %s %d %d %d %s\n", c, m, t, k, p, f, s }' \
          "$work/out" >> "$res"
      done
    done
    k=$((k + 2))
  done
done
t3=$(date +%s)

# ---- 4. the table ----
ntest=$(awk '$1 == "none" && $2 == "facts"' "$res" | wc -l)
echo "test goals: $ntest (proving them: $((t3 - t2)) s)"
echo
printf '%-8s %-28s %7s %14s %14s\n' model budget proved "median facts" "median facts*"
for mode in facts time; do
  for cfg in none fixed policy linear; do
    if [ "$mode" = facts ]; then b="$FACTS facts per goal"
    else b="$SECS s per goal"; fi
    awk -v c=$cfg -v m=$mode -v b="$b" '
      function median(a, n,   i, j, x) {
        for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
        if (n == 0) return "-";
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
      }
      $2 == m { key = $3 " " $4; if ($5) { ok[key] = ok[key] + 1 } }
      $1 == c && $2 == m { tot++; if ($5) { np++; own[np] = $6; mine[key] = $6 } }
      END {
        for (key in mine) if (ok[key] == 4) all[++na] = mine[key];
        printf "%-8s %-28s %3d/%-3d %14s %14s\n", c, b, np, tot, median(own, np), median(all, na)
      }' "$res"
  done
done
echo "(median facts: over the goals that model proved; *: over the goals all four proved;"
echo " none: no premise selection, the fixed heuristic of before)"

#!/bin/sh
# layering.sh: fail when a lower layer reaches up.  Layers, bottom to top:
#   src/  ->  smt/  ->  prover/  ->  the lemma command (prover/cmd/)
# A file may include only headers of its own layer or of the layers below,
# and never with "../" paths.  The proof checker (src/check/, once it exists)
# must also link without any smt/ or prover/ object: see tests/checker-link.sh.
set -eu
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top"
bad=0

check_layer() { # layer dir, allowed dirs...
  layer=$1; shift
  [ -d "$layer" ] || return 0
  for f in $(find "$layer" -name '*.[ch]' | sort); do
    # skip the command's directory when checking prover/ (it is the top)
    case "$layer:$f" in prover:prover/cmd/*) continue ;; esac
    grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" | while IFS= read -r line; do
      inc=$(echo "$line" | sed 's/.*include[[:space:]]*"\([^"]*\)".*/\1/')
      case "$inc" in
        *..*) echo "layering: $f: '$inc' uses a relative path upwards"; echo x >> "$tmp" ; continue ;;
        config.h) continue ;;
      esac
      ok=0
      for d in "$@"; do
        [ -f "$d/$inc" ] && ok=1
        [ -f "$(dirname "$f")/$inc" ] && ok=1
      done
      if [ $ok -eq 0 ]; then
        echo "layering: $f:${line%%:*}: includes \"$inc\", which is not in: $*"
        echo x >> "$tmp"
      fi
    done
  done
}

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
check_layer src src
check_layer smt smt src
check_layer prover prover smt src
check_layer html src
if [ -s "$tmp" ]; then
  echo "layering: FAIL ($(wc -l < "$tmp") violations)"
  exit 1
fi
echo "layering: ok"

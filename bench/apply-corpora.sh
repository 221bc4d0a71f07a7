#!/usr/bin/env bash
# Issue 5, whole corpora: `amp2mp apply` over a copy of each benchmark corpus, then a second
# run that must change nothing. Prints what the first run did, the second run's diff size (0
# bytes expected) and any panic. Every rewritten file was re-parsed by amp2mp before writing;
# a file whose rewrite would add a syntax error is left unchanged and reported as an error.
#   bench/apply-corpora.sh [WORK]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$repo/../bench-data}
work=$(cd "$work" && pwd)
(cd "$repo" && cargo build --release --quiet)
amp2mp="$repo/target/release/amp2mp"
for c in sparse dense; do
  [ -d "$work/$c" ] || continue
  rm -rf "$work/$c-apply" && cp -r "$work/$c" "$work/$c-apply"
  cd "$work/$c-apply"
  set +e
  "$amp2mp" apply --allow-dirty . > /dev/null 2> "$work/$c-apply.log"
  first=$?
  "$amp2mp" diff . > "$work/$c-second.diff" 2> "$work/$c-second.log"
  second=$?
  set -e
  echo "== $c: first apply exit $first: $(tail -1 "$work/$c-apply.log")"
  echo "   errors: $(grep -c '^amp2mp: error' "$work/$c-apply.log" || true), panics: $(grep -c 'panicked' "$work/$c-apply.log" || true)"
  echo "   second run: exit $second, diff $(wc -c < "$work/$c-second.diff") bytes: $(tail -1 "$work/$c-second.log")"
done

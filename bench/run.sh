#!/usr/bin/env bash
# Times amp2mp against its floor, ripgrep, ast-grep and jscodeshift on the benchmark kit's
# corpora, in one run, and prints wall seconds, peak RSS and ratios. Builds the corpora and
# installs the peers on first use (npm registry), under WORK (default: ../bench-data beside the
# repository).
#   bench/run.sh [WORK]            # sparse and dense corpora, and a 1,500-file subset
#   SPARSE_ONLY=1 bench/run.sh     # the sparse corpus only
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
kit=$(cd "$repo/../shared/bench" && pwd)
work=${1:-$repo/../bench-data}
mkdir -p "$work"
work=$(cd "$work" && pwd)

[ -f "$work/sparse/MANIFEST.txt" ] || python3 "$kit/make-corpus.py" "$work/sparse" --density 1
if [ -z "${SPARSE_ONLY:-}" ]; then
  [ -f "$work/dense/MANIFEST.txt" ] || python3 "$kit/make-corpus.py" "$work/dense" --density 100
  # The subset the peers' full transforms run on: the first 1,500 JS/TS files of the dense
  # corpus, in path order.
  if [ ! -d "$work/subset/pkgs" ]; then
    (cd "$work/dense" && find pkgs -type f \( -name '*.js' -o -name '*.jsx' -o -name '*.mjs' \
      -o -name '*.cjs' -o -name '*.ts' -o -name '*.tsx' \) ! -name '*.d.ts' | LC_ALL=C sort \
      > "$work/subset.list")
    sed -n '1,1500p' "$work/subset.list" | while read -r f; do
      mkdir -p "$work/subset/$(dirname "$f")" && cp "$work/dense/$f" "$work/subset/$f"
    done
  fi
fi
if [ ! -x "$work/peers/node_modules/.bin/ast-grep" ]; then
  rm -rf "$work/peers" && cp -r "$kit/peers" "$work/peers"
  (cd "$work/peers" && npm install --no-audit --no-fund >/dev/null)
fi
(cd "$repo" && cargo build --release --quiet && cargo build --release --quiet --example floor)
amp2mp="$repo/target/release/amp2mp"
floor="$repo/target/release/examples/floor"
sg="$work/peers/node_modules/.bin/ast-grep"
jscs="$work/peers/node_modules/.bin/jscodeshift"
rg_bin=$(command -v rg || true)

# run NAME CMD...: wall seconds and peak RSS, output discarded: the run with the median time of
# $RUNS runs (default 3; this machine's timings move by 10-25% from one run to the next).
run() {
  local name=$1; shift
  local n=${RUNS:-3} i
  : > "$work/runs.tmp"
  for ((i = 0; i < n; i++)); do
    /usr/bin/time -o "$work/time.tmp" -f "%e %M" "$@" >/dev/null 2>&1 || true
    tail -1 "$work/time.tmp" >> "$work/runs.tmp"
  done
  local out
  out=$(sort -n "$work/runs.tmp" | sed -n "$(( (n + 1) / 2 ))p")
  printf '%-48s %8s s %8s KB\n' "$name" ${out}
  echo "$name|${out}" >> "$work/times.txt"
}

# once NAME CMD...: one run, for the slow peers.
once() {
  RUNS=1 run "$@"
}

# corpus NAME: every tool on one corpus.
corpus() {
  local c=$1
  cd "$work/$c"
  echo "== $c: $(tr '\n' ' ' < MANIFEST.txt | cut -c1-60)"
  "$amp2mp" check . >/dev/null 2>&1 || true # warm the file cache
  run "$c: amp2mp diff" "$amp2mp" diff .
  run "$c: amp2mp check" "$amp2mp" check .
  run "$c: floor (walk, read, parse what mentions amplitude)" "$floor" .
  [ -z "$rg_bin" ] || run "$c: rg -l -i amplitude" "$rg_bin" -l -i amplitude pkgs
  run "$c: ast-grep plain pattern (js)" "$sg" run -p '$C.logEvent($$$A)' -l js pkgs
  run "$c: ast-grep plain pattern (ts)" "$sg" run -p '$C.logEvent($$$A)' -l ts pkgs
  run "$c: ast-grep plain pattern (tsx)" "$sg" run -p '$C.logEvent($$$A)' -l tsx pkgs
}

: > "$work/times.txt"
echo "machine: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d)"
corpus sparse
once "sparse: jscodeshift peer transform (dry)" timeout 1800 "$jscs" \
  -t "$work/peers/amplitude-to-mixpanel.js" --extensions=js,jsx,mjs,cjs,ts,tsx --dry --silent "$work/sparse/pkgs"
if [ -z "${SPARSE_ONLY:-}" ]; then
  corpus dense
  cd "$work/subset"
  echo "== subset: 1,500 files of the dense corpus"
  run "subset: amp2mp diff" "$amp2mp" diff .
  run "subset: floor (walk, read, parse what mentions amplitude)" "$floor" .
  run "subset: ast-grep peer rule set" "$sg" scan -c "$work/peers/sgconfig.yml" .
  once "subset: jscodeshift peer transform (dry)" "$jscs" \
    -t "$work/peers/amplitude-to-mixpanel.js" --extensions=js,jsx,mjs,cjs,ts,tsx --dry --silent .
fi

python3 - "$work/times.txt" <<'PY'
import sys
t, rss = {}, {}
for line in open(sys.argv[1]):
    name, vals = line.rstrip("\n").split("|")
    secs, kb = vals.split()
    t[name], rss[name] = float(secs), int(kb)
def ratio(a, b, what):
    if a in t and b in t and t[a] > 0:
        print(f"{a}: {t[a]:.2f} s; {b}: {t[b]:.2f} s; {what} {t[b] / t[a]:.1f}x")
for c in ("sparse", "dense"):
    if f"{c}: amp2mp diff" not in t:
        continue
    sg = sum(v for k, v in t.items() if k.startswith(f"{c}: ast-grep plain"))
    t[f"{c}: ast-grep plain pattern, js+ts+tsx"] = sg
    for k in (f"{c}: amp2mp diff", f"{c}: amp2mp check"):
        print(f"{k}: {t[k]:.2f} s = {t[k] / t[f'{c}: floor (walk, read, parse what mentions amplitude)']:.2f}x the floor"
              f", {sg / t[k]:.1f}x faster than ast-grep's plain pattern ({sg:.2f} s), peak RSS {rss[k] // 1024} MB")
ratio("sparse: amp2mp diff", "sparse: jscodeshift peer transform (dry)", "amp2mp faster by")
ratio("subset: amp2mp diff", "subset: jscodeshift peer transform (dry)", "amp2mp faster by")
ratio("subset: amp2mp diff", "subset: ast-grep peer rule set", "amp2mp faster by")
ratio("subset: floor (walk, read, parse what mentions amplitude)", "subset: jscodeshift peer transform (dry)", "the floor faster by")
ratio("subset: floor (walk, read, parse what mentions amplitude)", "subset: amp2mp diff", "amp2mp slower than the floor by")
PY

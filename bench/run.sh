#!/usr/bin/env bash
# Times amp2mp against ripgrep and ast-grep on the benchmark kit's sparse corpus, in one run,
# and prints wall seconds, peak RSS and ratios. Builds the corpus and installs the peers on
# first use (npm registry), under WORK (default: ../bench-data beside the repository).
#   bench/run.sh [WORK]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
kit=$(cd "$repo/../shared/bench" && pwd)
work=${1:-$repo/../bench-data}
mkdir -p "$work"
work=$(cd "$work" && pwd)

[ -f "$work/sparse/MANIFEST.txt" ] || python3 "$kit/make-corpus.py" "$work/sparse" --density 1
if [ ! -x "$work/peers/node_modules/.bin/ast-grep" ]; then
  rm -rf "$work/peers" && cp -r "$kit/peers" "$work/peers"
  (cd "$work/peers" && npm install --no-audit --no-fund >/dev/null)
fi
(cd "$repo" && cargo build --release --quiet)
amp2mp="$repo/target/release/amp2mp"
sg="$work/peers/node_modules/.bin/ast-grep"
rg_bin=$(command -v rg || true)

# run NAME CMD...: wall seconds and peak RSS of one run, output discarded.
run() {
  local name=$1; shift
  local out
  /usr/bin/time -o "$work/time.tmp" -f "%e %M" "$@" >/dev/null 2>&1 || true
  out=$(tail -1 "$work/time.tmp")
  printf '%-44s %8s s %8s KB\n' "$name" ${out}
  echo "$name ${out}" >> "$work/times.txt"
}

cd "$work/sparse"
: > "$work/times.txt"
echo "corpus: $(tr '\n' ' ' < MANIFEST.txt | cut -c1-80)"
echo "machine: $(nproc) cores, $(uname -m)"
"$amp2mp" diff . >/dev/null 2>&1 || true # warm the file cache
run "amp2mp diff" "$amp2mp" diff .
run "amp2mp check" "$amp2mp" check .
[ -z "$rg_bin" ] || run "rg -l -i amplitude" "$rg_bin" -l -i amplitude pkgs
run "ast-grep plain pattern (js)" "$sg" run -p '$C.logEvent($$$A)' -l js pkgs
run "ast-grep plain pattern (ts)" "$sg" run -p '$C.logEvent($$$A)' -l ts pkgs
run "ast-grep plain pattern (tsx)" "$sg" run -p '$C.logEvent($$$A)' -l tsx pkgs
# jscodeshift with the peer transform, dry run (it skips files without "amplitude" by text).
run "jscodeshift peer transform (dry)" timeout 1800 "$work/peers/node_modules/.bin/jscodeshift" \
  -t "$work/peers/amplitude-to-mixpanel.js" --extensions=js,jsx,mjs,cjs,ts,tsx --dry --silent pkgs

python3 - "$work/times.txt" <<'PY'
import sys
t = {}
for line in open(sys.argv[1]):
    *name, secs, kb = line.split()
    t[" ".join(name)] = float(secs)
sg = sum(v for k, v in t.items() if k.startswith("ast-grep plain"))
print(f"ast-grep plain pattern, js+ts+tsx: {sg:.2f} s")
js = t.get("jscodeshift peer transform (dry)")
for k in ("amp2mp diff", "amp2mp check"):
    print(f"{k}: {t[k]:.2f} s = {sg / t[k]:.1f}x faster than ast-grep's plain pattern")
    if js:
        print(f"{k}: {t[k]:.2f} s = {js / t[k]:.1f}x faster than jscodeshift's peer transform")
PY

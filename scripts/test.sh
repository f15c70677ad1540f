#!/usr/bin/env bash
# The one test command (npm test and .ci/run both land here). Installs what a fresh machine lacks,
# runs every suite, and ends with one summary line: "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."

[ -x node_modules/.bin/bun ] || npm install --no-audit --no-fund
export PATH="$PWD/node_modules/.bin:$PATH"
bash scripts/install-clients.sh
# The distributed store's tests need PostgreSQL on 127.0.0.1:5432 (trust auth, database test).
if [ -d /etc/postgresql ] && ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || echo "could not start PostgreSQL"
fi

passed=0
failed=0
log=$(mktemp)

# bun test prints " N pass" / " M fail" at the end; count them.
# bunfig.toml cannot set the per-test timeout (Bun reads only --timeout; its default is 5 s, too short for a
# test that starts several aws CLI processes on a loaded 2-core machine).
bun test --timeout 120000 2>&1 | tee "$log"
p=$(grep -E '^ *[0-9]+ pass$' "$log" | tail -1 | awk '{print $1}')
f=$(grep -E '^ *[0-9]+ fail$' "$log" | tail -1 | awk '{print $1}')
if [ -z "$p" ]; then failed=$((failed + 1)); echo "bun test did not report results"; fi
passed=$((passed + ${p:-0}))
failed=$((failed + ${f:-0}))

# Checks that are not bun tests: each counts as one test.
check() {
  local name=$1; shift
  if "$@" >"$log" 2>&1; then passed=$((passed + 1)); echo "ok   $name"; else failed=$((failed + 1)); echo "FAIL $name"; tail -40 "$log"; fi
}
check "wasm module is fresh" bun scripts/build-wasm.ts --check
check "layer imports go downward" bun scripts/check-layers.ts
check "typecheck" tsc --noEmit -p .

rm -f "$log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

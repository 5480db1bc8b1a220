#!/usr/bin/env bash
# The one test command (`npm test`): makes sure the real programs the tests use are present
# (installs them when run as root, otherwise prints the exact apt line), builds the bundles,
# then runs the unit, integration and E2E suites and ends with one line: N passed, N failed, N skipped.
set -uo pipefail
cd "$(dirname "$0")/.."

mapfile -t pkgs < <(grep -v '^\s*#' test/system-packages.txt | sed '/^\s*$/d')
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "test: installing ${missing[*]}"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || {
        echo "test: could not install: ${missing[*]}"; echo "0 passed, 1 failed"; exit 1; }
    fi
  else
    echo "test: these Debian packages are needed and missing. Run:"
    echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}"
    echo "0 passed, 1 failed"
    exit 1
  fi
fi

if [ ! -d node_modules ]; then
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --strict-allow-scripts || { echo "0 passed, 1 failed"; exit 1; }
fi

echo "test: building bundles"
if ! npm run --silent build >/tmp/osg-onboard-build.log 2>&1; then
  cat /tmp/osg-onboard-build.log
  echo "test: build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

report="$(mktemp -t osg-vitest-XXXXXX.json)"
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
code=$?
node test/helpers/summarize.mjs "$report" "$code" || code=1
rm -f "$report"
exit $code

#!/usr/bin/env bash
# Headless-browser check of a podconform HTML report:
#   scripts/browser-check.sh REPORT.html SCREENSHOT.png
# Installs Debian's chromium (apt, as root) if /usr/bin/chromium is missing
# and scripts/browser-check's npm packages (playwright-core, no browsers) if
# node_modules is missing, then runs scripts/browser-check/check.mjs.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 REPORT.html SCREENSHOT.png" >&2
  exit 2
fi
dir="$(cd "$(dirname "$0")/browser-check" && pwd)"

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "browser-check: $tool is not installed; the report check needs Node.js >= 20 and npm" >&2
    exit 1
  fi
done

if [ ! -x /usr/bin/chromium ]; then
  echo "browser-check: installing chromium (apt-get)" >&2
  log=$(mktemp)
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq chromium >"$log" 2>&1; then
    # Empty or stale package lists: update once and retry.
    if ! { apt-get update -qq && apt-get install -y -qq chromium; } >>"$log" 2>&1; then
      tail -n 20 "$log" >&2
      echo "browser-check: could not install chromium with apt-get (need root and Debian's apt repositories); log: $log" >&2
      exit 1
    fi
  fi
  rm -f "$log"
fi

if [ ! -d "$dir/node_modules" ]; then
  echo "browser-check: npm ci in $dir" >&2
  if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null); then
    echo "browser-check: npm ci failed in $dir" >&2
    exit 1
  fi
fi

exec node "$dir/check.mjs" "$@"

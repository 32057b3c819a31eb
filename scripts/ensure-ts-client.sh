#!/usr/bin/env bash
# Install the TypeScript client's packages (clients/typescript) for
# tests/server/test_typescript_client.py: exactly the versions in its committed package-lock.json,
# from the npm registry (`npm ci`). Needs Node.js >= 20 and npm; installs them from Debian's
# packages when they are missing. Safe to run again (npm ci starts from the lock each time).
set -euo pipefail
cd "$(dirname "$0")/../clients/typescript"

if ! command -v npm >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q nodejs npm
fi

npm ci --no-audit --no-fund

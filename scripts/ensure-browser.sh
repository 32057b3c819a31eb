#!/usr/bin/env bash
# Make sure a headless Chromium is installed for tests/docs/test_site_in_browser.py.
# Idempotent: does nothing when `chromium` is already on PATH. Uses Debian's package (apt-get,
# as root or through sudo); no browser is downloaded from anywhere else.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  echo "chromium: $(command -v chromium)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "ensure-browser: chromium is missing and this user cannot install it (run as root: apt-get install -y chromium)" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q chromium
echo "chromium: $(command -v chromium)"

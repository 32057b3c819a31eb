#!/usr/bin/env bash
# Compile every text catalogue (src/aidrules/locale/<lang>/LC_MESSAGES/<domain>.po) into the .mo
# file shipped beside it, with Babel. tests/text/test_catalogues.py fails while a .mo differs from
# what this writes for its .po.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel="${PYBABEL:-.venv/bin/pybabel}"
for po in src/aidrules/locale/*/LC_MESSAGES/*.po; do
    "$pybabel" compile -i "$po" -o "${po%.po}.mo"
done

#!/usr/bin/env bash
# Move constraints.txt to the newest releases, but only if the whole suite passes on them.
#
# Installs the project with its test and docs extras, without constraints (the newest releases
# its open ranges admit), in a scratch venv, runs the suite there, and only then rewrites
# constraints.txt from what was installed, plus the build back-ends used for source builds.
# Run it with each Python the README promises before committing the new file.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

"$python" -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install -q --upgrade pip
"$scratch/venv/bin/pip" install -q -e ".[test,docs]"
"$scratch/venv/bin/python" -m pytest -q

newest() { "$scratch/venv/bin/pip" index versions "$1" 2>/dev/null | head -n 1 | sed 's/.*(\(.*\))/\1/'; }
{
  sed -n '/^#/p' constraints.txt
  echo
  {
    "$scratch/venv/bin/pip" freeze --exclude-editable | grep -v '^pip=='
    for backend in editables hatchling setuptools trove-classifiers wheel; do
      echo "$backend==$(newest "$backend")"
    done
  } | sort -f -u
} > "$scratch/constraints.txt"
mv "$scratch/constraints.txt" constraints.txt
echo "constraints.txt refreshed; review 'git diff constraints.txt' and run the README's test command."

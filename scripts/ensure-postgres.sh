#!/usr/bin/env bash
# Make sure a local PostgreSQL server runs for the journal tests (tests/journal, PostgreSQL store).
# Idempotent: installs Debian's `postgresql` package only when it is missing (apt-get, as root or
# through sudo; nothing is downloaded from anywhere else), starts the cluster when it is down,
# creates the test role and database when they are missing, and prints the URL the tests use
# (AIDRULES_TEST_POSTGRES_URL). The role has a password and connects over 127.0.0.1 (password
# authentication, Debian's default pg_hba.conf); it owns only its test database.
#
# Overrides: AIDRULES_PG_ROLE (aidrules), AIDRULES_PG_PASSWORD (aidrules), AIDRULES_PG_DATABASE
# (aidrules_test). The password is a local test password, not a secret. A second role,
# `<ROLE>_writer` (no login; the test role may act as it with `SET ROLE`), lets the tests check the
# documented production set-up: a service role that may only read and add journal entries.
set -euo pipefail

ROLE="${AIDRULES_PG_ROLE:-aidrules}"
PASSWORD="${AIDRULES_PG_PASSWORD:-aidrules}"
DATABASE="${AIDRULES_PG_DATABASE:-aidrules_test}"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "ensure-postgres: run as root or install sudo (this script installs and starts PostgreSQL)" >&2
    exit 1
  fi
fi

if ! command -v pg_lsclusters >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q postgresql
fi

# as the postgres system user (peer authentication over the local socket)
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres -- "$@"; fi
}

VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if [ -z "$(pg_lsclusters --no-header 2>/dev/null | awk -v v="$VERSION" '$1 == v')" ]; then
  $SUDO pg_createcluster "$VERSION" main
fi
CLUSTER="$(pg_lsclusters --no-header | awk -v v="$VERSION" '$1 == v {print $2; exit}')"
PORT="$(pg_lsclusters --no-header | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c {print $3}')"
STATUS="$(pg_lsclusters --no-header | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c {print $4}')"
if [ "$STATUS" != "online" ]; then
  $SUDO pg_ctlcluster "$VERSION" "$CLUSTER" start
fi
for _ in $(seq 1 60); do
  if pg_isready -q -h 127.0.0.1 -p "$PORT"; then break; fi
  sleep 0.5
done
pg_isready -q -h 127.0.0.1 -p "$PORT" || {
  echo "ensure-postgres: PostgreSQL $VERSION/$CLUSTER did not start (see /var/log/postgresql/)" >&2
  exit 1
}

# role and database, created only when missing (psql variables are quoted by psql itself)
as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PORT" -d postgres \
  -v role="$ROLE" -v password="$PASSWORD" -v database="$DATABASE" <<'SQL'
SET client_min_messages = warning;
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') AS create_role \gset
\if :create_role
CREATE ROLE :"role" LOGIN PASSWORD :'password';
\else
ALTER ROLE :"role" LOGIN PASSWORD :'password';
\endif
SELECT :'role' || '_writer' AS writer \gset
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'writer') AS create_writer \gset
\if :create_writer
CREATE ROLE :"writer" NOLOGIN;
\endif
GRANT :"writer" TO :"role";
SELECT NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database') AS create_database \gset
\if :create_database
CREATE DATABASE :"database" OWNER :"role" ENCODING 'UTF8' TEMPLATE template0;
\endif
SQL

echo "postgresql://${ROLE}:${PASSWORD}@127.0.0.1:${PORT}/${DATABASE}"

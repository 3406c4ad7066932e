#!/usr/bin/env bash
# Start the machine's PostgreSQL cluster and make sure the test role exists (root only; idempotent).
# Prints the URL the tests use, or nothing when PostgreSQL cannot be started here.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || exit 0
cd /            # psql runs as the postgres user, who may not enter the current directory
command -v pg_lsclusters >/dev/null 2>&1 || exit 0
read -r version cluster port status _ < <(pg_lsclusters -h | head -n1) || exit 0
[ -n "${version:-}" ] || exit 0
if [ "$status" != "online" ]; then
  pg_ctlcluster "$version" "$cluster" start >&2 || exit 0
fi
for _ in $(seq 50); do
  su postgres -c "psql -p $port -qtAc 'SELECT 1'" >/dev/null 2>&1 && break
  sleep 0.2
done
su postgres -c "psql -p $port -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='zongchuang_test'\"" | grep -q 1 ||
  su postgres -c "psql -p $port -qc \"CREATE ROLE zongchuang_test LOGIN CREATEDB PASSWORD 'zongchuang_test'\"" >&2
echo "postgresql://zongchuang_test:zongchuang_test@127.0.0.1:$port/postgres"

#!/usr/bin/env bash
# Restore drill (docs/operations.md): back up a database the way production does, restore it into
# a fresh database, and prove the copy is whole: verify_audit, verify_ledger and verify_bids pass
# on the copy and every table has the same number of rows. CI runs it after `make test`.
#
#   scripts/restore_drill.sh                 # builds a demo database to back up (seed_demo)
#   SOURCE_DB=exchange scripts/restore_drill.sh   # drills on an existing database instead
#
# PostgreSQL connection from PGHOST/PGPORT/PGUSER (default 127.0.0.1:5432, postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
PY=.venv/bin/python
STAMP="$(date +%s)"
SRC="${SOURCE_DB:-exchange_drill_src}"
COPY="exchange_drill_copy_${STAMP}"
WORK="$(mktemp -d)"
trap 'dropdb --if-exists "$COPY" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
url() { echo "postgres://${PGUSER}@${PGHOST}:${PGPORT}/$1"; }
manage() { local db="$1"; shift; DATABASE_URL="$(url "$db")" DEBUG=1 CELERY_BROKER_URL= \
  PRIVATE_MEDIA_ROOT="$WORK/private-$db" MEDIA_ROOT="$WORK/media-$db" "$PY" manage.py "$@"; }

if [ -z "${SOURCE_DB:-}" ]; then
  echo "== building the demo database $SRC"
  dropdb --if-exists "$SRC"; createdb "$SRC"
  manage "$SRC" migrate --no-input -v0
  manage "$SRC" seed_demo --force >"$WORK/seed.log" 2>&1 || { tail -50 "$WORK/seed.log"; exit 1; }
fi

echo "== backup: pg_dump custom format, and the private files as a tar"
pg_dump -Fc --no-owner -f "$WORK/exchange.dump" "$SRC"
mkdir -p "$WORK/private-$SRC"
tar -C "$WORK/private-$SRC" -czf "$WORK/private.tar.gz" .
ls -l "$WORK/exchange.dump" "$WORK/private.tar.gz" | awk '{print "   ", $5, $9}'

echo "== restore into a fresh database $COPY"
createdb "$COPY"
pg_restore --no-owner --exit-on-error -d "$COPY" "$WORK/exchange.dump"
mkdir -p "$WORK/private-$COPY"
tar -C "$WORK/private-$COPY" -xzf "$WORK/private.tar.gz"
diff -r "$WORK/private-$SRC" "$WORK/private-$COPY" >/dev/null && echo "   private files identical"

echo "== checks on the copy"
manage "$COPY" verify_audit
manage "$COPY" verify_ledger
manage "$COPY" verify_bids

echo "== row counts of every table"
counts() {
  psql -d "$1" -tAc "SELECT table_name FROM information_schema.tables
                     WHERE table_schema='public' AND table_type='BASE TABLE' ORDER BY 1" |
  while read -r table; do
    echo "$table $(psql -d "$1" -tAc "SELECT count(*) FROM \"$table\"")"
  done
}
counts "$SRC" > "$WORK/src.counts"
counts "$COPY" > "$WORK/copy.counts"
if ! diff "$WORK/src.counts" "$WORK/copy.counts"; then
  echo "restore drill FAILED: row counts differ"; exit 1
fi
echo "   $(wc -l < "$WORK/src.counts") tables, $(awk '{s+=$2} END {print s}' "$WORK/src.counts") rows: identical"
echo "restore drill passed"

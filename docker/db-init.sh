#!/bin/sh
# Runs once, when the database volume is first created (postgres image's
# /docker-entrypoint-initdb.d): the runtime role serve connects as. Its grants
# come from Korgoo's migrations, run as the owner (POSTGRES_USER).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v pw="$KORGOO_APP_DB_PASSWORD" <<'SQL'
CREATE ROLE korgoo_app LOGIN PASSWORD :'pw';
SQL

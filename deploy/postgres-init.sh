#!/bin/sh
# Run once by the postgres image on a new data volume: the two roles of uwvrec.
# uwvrec_owner owns the tables and runs migrations; uwvrec_app is what the web app
# and the workers log in as, and may not change or drop what the owner guards.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v owner_password="$UWVREC_OWNER_PASSWORD" -v app_password="$UWVREC_APP_PASSWORD" <<'SQL'
CREATE ROLE uwvrec_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE uwvrec_app LOGIN PASSWORD :'app_password';
CREATE DATABASE uwvrec OWNER uwvrec_owner;
SQL

#!/bin/sh
# Run once by the postgres image on a new data volume (docker-compose.replica.yml):
# the role the standby streams with, its replication slot, and the line of
# pg_hba.conf that lets it in. On an existing volume run the same by hand.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v password="$UWVREC_REPLICATOR_PASSWORD" <<'SQL'
CREATE ROLE uwvrec_replicator REPLICATION LOGIN PASSWORD :'password';
SELECT pg_create_physical_replication_slot('uwvrec_standby');
SQL
echo "host replication uwvrec_replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"

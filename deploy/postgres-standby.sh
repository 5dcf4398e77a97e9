#!/bin/sh
# The standby of docker-compose.replica.yml: on an empty volume, copy the primary
# with pg_basebackup -R (which writes primary_conninfo and standby.signal), then
# run it as a hot standby that streams from the primary through its slot.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    until pg_isready -h db -U uwvrec_replicator -d postgres; do sleep 1; done
    PGPASSWORD="$UWVREC_REPLICATOR_PASSWORD" pg_basebackup -h db -U uwvrec_replicator \
        -D "$PGDATA" -R -X stream -c fast -S uwvrec_standby
    chmod 700 "$PGDATA"
fi
exec postgres -c hot_standby=on -c hot_standby_feedback=on

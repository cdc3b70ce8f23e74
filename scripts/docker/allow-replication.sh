#!/bin/sh
# Runs once when the compose primary is first initialised: lets the replica profile's
# pg_basebackup and streaming connect (same password as the application user).
echo "host replication ${POSTGRES_USER} all scram-sha-256" >> "$PGDATA/pg_hba.conf"

#!/usr/bin/env bash
# A real streaming replica of the local PostgreSQL cluster, for tests and the benchmark.
#   scripts/pg_replica.sh start DIR PORT   base backup into DIR, start it on 127.0.0.1:PORT
#   scripts/pg_replica.sh stop DIR         stop it and remove DIR
# The primary must allow replication from loopback: `start` adds that one pg_hba.conf line
# (idempotent) and reloads; wal_level and max_wal_senders need a restart, so it only checks them.
set -euo pipefail
PRIMARY_HOST=${PRIMARY_HOST:-127.0.0.1}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
PSQL=(psql -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -d postgres -Atqc)

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

bindir() {
  local major
  major=$("${PSQL[@]}" "SHOW server_version_num" | cut -c1-2)
  if [ -x "/usr/lib/postgresql/$major/bin/pg_ctl" ]; then echo "/usr/lib/postgresql/$major/bin"
  else dirname "$(command -v pg_ctl)"; fi
}

allow_replication() {
  local level senders hba line
  level=$("${PSQL[@]}" "SHOW wal_level")
  senders=$("${PSQL[@]}" "SHOW max_wal_senders")
  if [ "$level" = minimal ] || [ "$senders" = 0 ]; then
    echo "The primary needs wal_level=replica and max_wal_senders>0 (a restart)." >&2
    exit 1
  fi
  hba=$("${PSQL[@]}" "SHOW hba_file")
  line="host replication postgres 127.0.0.1/32 trust"
  if ! grep -qE '^\s*host\s+replication\s+(postgres|all)\s+127\.0\.0\.1/32\s+trust' "$hba"; then
    echo "# added by CASE Portal scripts/pg_replica.sh (test replicas on loopback)" >>"$hba"
    echo "$line" >>"$hba"
    "${PSQL[@]}" "SELECT pg_reload_conf()" >/dev/null
    sleep 0.5
  fi
}

start() {
  local dir=$1 port=$2 bin
  bin=$(bindir)
  allow_replication
  rm -rf "$dir"
  mkdir -p "$dir"
  chown postgres "$dir" 2>/dev/null || true
  chmod 700 "$dir"
  as_postgres "$bin/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres \
    -D "$dir" -R -X stream -c fast
  # A standby needs these at least as high as its primary's.
  local same=""
  for name in max_connections max_worker_processes max_wal_senders max_prepared_transactions \
      max_locks_per_transaction; do
    same+="$name = $("${PSQL[@]}" "SHOW $name")"$'\n'
  done
  # Debian keeps the configuration outside the data directory: give the replica its own.
  as_postgres tee "$dir/postgresql.conf" >/dev/null <<CONF
$same
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
hot_standby = on
shared_buffers = 64MB
fsync = off
max_standby_streaming_delay = -1
hba_file = '$dir/pg_hba.conf'
ident_file = '$dir/pg_ident.conf'
CONF
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' | as_postgres tee "$dir/pg_hba.conf" >/dev/null
  as_postgres touch "$dir/pg_ident.conf"
  # Hot standby opens once the primary logs a snapshot of running transactions (every 15 s),
  # later when long transactions run there: wait for it, and leave nothing running on failure.
  trap 'stop "$dir"' ERR
  as_postgres "$bin/pg_ctl" -D "$dir" -l "$dir/replica.log" -W start >/dev/null
  for _ in $(seq $((${REPLICA_WAIT_SECONDS:-180} * 2))); do
    if psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atqc "SELECT pg_is_in_recovery()" 2>/dev/null | grep -q t; then
      echo "replica on 127.0.0.1:$port"
      return 0
    fi
    sleep 0.5
  done
  echo "The replica did not come up in ${REPLICA_WAIT_SECONDS:-180} s:" >&2
  tail -20 "$dir/replica.log" >&2 || true
  stop "$dir"
  exit 1
}

stop() {
  local dir=$1 bin
  bin=$(bindir)
  if [ -f "$dir/postmaster.pid" ]; then
    as_postgres "$bin/pg_ctl" -D "$dir" -m immediate -w stop >/dev/null || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start "$2" "$3" ;;
  stop) stop "$2" ;;
  *) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac

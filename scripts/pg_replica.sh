#!/usr/bin/env bash
# A real streaming replica of the local PostgreSQL cluster, for tests and the benchmark.
#   scripts/pg_replica.sh start DIR PORT [OWNER_PID]
#       base backup into DIR/data, start it on 127.0.0.1:PORT, return once it streams and has
#       replayed everything the primary had written; with OWNER_PID, a watcher stops it when
#       that process is gone (a killed test run leaves nothing running)
#   scripts/pg_replica.sh sync DIR [SECONDS]   wait until it has replayed all the primary wrote
#       (default 300 s: the standby replays every database's WAL, other people's bulk loads too)
#   scripts/pg_replica.sh stop DIR             stop it, drop its slot, remove DIR
#   scripts/pg_replica.sh sweep [PARENT]       remove replicas and slots left by dead runs
# DIR's name must start with case-replica- (its replication slot is named after it).
# A base backup copies the whole cluster: on a shared server, everyone's databases.
# The standby streams through a physical replication slot, so the primary keeps the WAL it has
# not received yet: without one, a checkpoint on a busy primary (any DROP DATABASE forces one)
# between the base backup and the standby's first connection recycles the segment it needs, and
# it never streams ("requested WAL segment ... has already been removed").
# The primary must allow replication from loopback: `start` adds that one pg_hba.conf line
# (idempotent) and reloads; wal_level and max_wal_senders need a restart, so it only checks them.
# Exit status 75: PORT was taken; try another.
set -euo pipefail
SCRIPT=$(readlink -f "$0")
PRIMARY_HOST=${PRIMARY_HOST:-127.0.0.1}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
PSQL=(psql -X -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -Atqc)
PORT_TAKEN=75

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

standby() {  # standby DIR SQL
  local port
  port=$(cat "$1/port" 2>/dev/null) || { echo "no replica in $1" >&2; return 1; }
  psql -X -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atqc "$2"
}

bindir() {
  local major
  major=$("${PSQL[@]}" "SHOW server_version_num" | cut -c1-2)
  if [ -x "/usr/lib/postgresql/$major/bin/pg_ctl" ]; then echo "/usr/lib/postgresql/$major/bin"
  else dirname "$(command -v pg_ctl)"; fi
}

slot_name() {  # case-replica-ab1_x9 -> case_replica_ab1_x9
  basename "$1" | tr 'A-Z-' 'a-z_' | tr -c 'a-z0-9_\n' '_' | cut -c1-63
}

drop_slot() {  # drop_slot NAME: once its walsender has noticed the standby is gone
  local name=$1
  for _ in $(seq 50); do
    case $("${PSQL[@]}" "SELECT active FROM pg_replication_slots WHERE slot_name = '$name'" 2>/dev/null || echo error) in
      "") return 0 ;;
      f) "${PSQL[@]}" "SELECT pg_drop_replication_slot('$name')" >/dev/null 2>&1 || true ;;
      *) sleep 0.2 ;;
    esac
  done
  echo "replication slot $name is still in use; drop it by hand" >&2
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
    sleep 1  # the reload is asynchronous
  fi
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

diagnose() {  # what a failed wait needs to be understood
  local dir=$1
  {
    echo "--- standby: receiver, replay"
    standby "$dir" "SELECT status, flushed_lsn, latest_end_lsn FROM pg_stat_wal_receiver" || true
    standby "$dir" "SELECT pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn(), pg_get_wal_replay_pause_state()" || true
    standby "$dir" "SELECT pid, state, wait_event, left(query, 80) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()" || true
    echo "--- primary: current, slot, sender"
    "${PSQL[@]}" "SELECT pg_current_wal_insert_lsn(), pg_current_wal_flush_lsn()" || true
    "${PSQL[@]}" "SELECT slot_name, active, restart_lsn FROM pg_replication_slots WHERE slot_name = '$(slot_name "$dir")'" || true
    "${PSQL[@]}" "SELECT state, sent_lsn, replay_lsn FROM pg_stat_replication WHERE application_name = '$(slot_name "$dir")'" || true
    echo "--- $dir/replica.log"
    tail -15 "$dir/replica.log" || true
  } >&2
}

sync_replica() {  # sync DIR [SECONDS]
  local dir=$1 seconds=${2:-300} target state
  [ -f "$dir/port" ] || { echo "no replica in $dir" >&2; return 1; }
  # Everything anyone has inserted so far ...
  target=$("${PSQL[@]}" "SELECT pg_current_wal_insert_lsn()")
  # ... flushed, so the walsender may send it: a committed write of our own flushes all WAL
  # before it, and on an idle primary there is then a record to replay past the target.
  "${PSQL[@]}" "BEGIN; SET LOCAL synchronous_commit = on;
    SELECT pg_logical_emit_message(true, 'case-replica-sync', ''); COMMIT;" >/dev/null
  local deadline=$((SECONDS + seconds)) polls=0
  while [ "$SECONDS" -lt "$deadline" ]; do
    state=$(standby "$dir" "SELECT pg_last_wal_replay_lsn() >= '$target'::pg_lsn,
      pg_get_wal_replay_pause_state()" 2>/dev/null || true)
    [ "${state%%|*}" = t ] && return 0
    if [ -n "$state" ] && [ "${state#*|}" != "not paused" ]; then
      echo "The replica's replay is ${state#*|}: it cannot catch up (resume it first)." >&2
      return 1
    fi
    polls=$((polls + 1))
    if [ $((polls % 20)) = 0 ] && [ "$("${PSQL[@]}" "SELECT wal_status FROM pg_replication_slots
        WHERE slot_name = '$(cat "$dir/slot")'")" = lost ]; then
      echo "The primary invalidated the replica's slot: it cannot catch up." >&2
      diagnose "$dir"
      return 1
    fi
    sleep 0.1
  done
  echo "The replica did not replay the primary's WAL up to $target within $seconds s:" >&2
  diagnose "$dir"
  return 1
}

start() {
  local dir=$1 port=$2 owner=${3:-} status
  sweep "$(dirname "$dir")"
  allow_replication
  if port_in_use "$port"; then
    echo "port $port is taken" >&2
    exit "$PORT_TAKEN"
  fi
  # A checkpoint already running when the slot is made can invalidate it at once (it computed
  # what WAL to keep before the slot existed; the log says "terminating process ... to release
  # replication slot"); on this shared primary any DROP DATABASE forces one. So: a few attempts,
  # each with a fresh slot and an empty DIR.
  for attempt in 1 2 3 4; do
    status=0
    bash "$SCRIPT" attempt "$dir" "$port" "$owner" || status=$?
    if [ "$status" = 0 ]; then
      if [ -n "$owner" ]; then
        setsid nohup bash "$SCRIPT" watch "$dir" "$owner" </dev/null >/dev/null 2>&1 &
      fi
      echo "replica on 127.0.0.1:$port (slot $(slot_name "$dir"))"
      return 0
    fi
    [ "$status" = "$PORT_TAKEN" ] && exit "$PORT_TAKEN"
    echo "attempt $attempt to make the replica failed (status $status)" >&2
    sleep 2
  done
  exit 1
}

attempt() {  # one try of start: cleans up after itself when it fails
  local dir=$1 port=$2 owner=${3:-} bin slot
  bin=$(bindir)
  slot=$(slot_name "$dir")
  # A replica left in DIR by an earlier run or attempt goes first.
  stop_server "$dir"
  drop_slot "$slot"
  rm -rf "$dir"
  mkdir -p "$dir/data"
  chown -R postgres "$dir" 2>/dev/null || true
  chmod 700 "$dir" "$dir/data"
  echo "$port" >"$dir/port"
  echo "$slot" >"$dir/slot"
  [ -n "$owner" ] && echo "$owner" >"$dir/owner"
  trap 'stop "$dir"' ERR
  # -C -S: the slot exists (and holds WAL) from the start of the backup on.
  as_postgres "$bin/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres \
    -D "$dir/data" -R -C -S "$slot" -X stream -c fast
  # A standby needs these at least as high as its primary's.
  local same=""
  for name in max_connections max_worker_processes max_wal_senders max_prepared_transactions \
      max_locks_per_transaction; do
    same+="$name = $("${PSQL[@]}" "SHOW $name")"$'\n'
  done
  # Debian keeps the configuration outside the data directory: give the replica its own.
  # hot_standby_feedback: the primary's vacuum keeps rows a standby query still reads, so replay
  # never waits on them; a standby query that holds a lock replay needs is cancelled after 30 s
  # rather than stalling replay for good.
  as_postgres tee "$dir/data/postgresql.conf" >/dev/null <<CONF
$same
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
cluster_name = '$slot'  # also the application_name pg_stat_replication shows
hot_standby = on
hot_standby_feedback = on
max_standby_streaming_delay = 30s
wal_receiver_status_interval = 1s
shared_buffers = 64MB
fsync = off
hba_file = '$dir/data/pg_hba.conf'
ident_file = '$dir/data/pg_ident.conf'
CONF
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' | as_postgres tee "$dir/data/pg_hba.conf" >/dev/null
  as_postgres touch "$dir/data/pg_ident.conf"
  # -w: until it accepts read-only queries, or has exited. Hot standby opens once the primary
  # has logged a snapshot of running transactions, and only after every transaction with more
  # than 64 subtransactions then running has ended (a long test case on the shared primary,
  # savepoint after savepoint, holds it for minutes).
  local status="" seconds=${REPLICA_WAIT_SECONDS:-600}
  if ! as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/replica.log" -w -t "$seconds" start >/dev/null; then
    if grep -q "could not bind" "$dir/replica.log" 2>/dev/null; then
      trap - ERR
      stop "$dir"
      exit "$PORT_TAKEN"
    fi
    echo "The replica did not start within $seconds s:" >&2
    tail -20 "$dir/replica.log" >&2 || true
    false
  fi
  # Then until it streams from the primary.
  local deadline=$((SECONDS + seconds))
  while [ "$SECONDS" -lt "$deadline" ]; do
    status=$(standby "$dir" "SELECT status FROM pg_stat_wal_receiver" 2>/dev/null || true)
    [ "$status" = streaming ] && break
    if [ "$("${PSQL[@]}" "SELECT wal_status FROM pg_replication_slots WHERE slot_name = '$slot'")" = lost ]; then
      echo "The primary invalidated the slot $slot." >&2
      break
    fi
    sleep 0.2
  done
  if [ "$status" != streaming ]; then
    echo "The replica was not streaming within $seconds s:" >&2
    diagnose "$dir"
    false
  fi
  sync_replica "$dir" "$seconds"
  trap - ERR
}

stop_server() {
  local dir=$1
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_postgres "$(bindir)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
}

stop() {
  local dir=$1
  stop_server "$dir"
  drop_slot "$(slot_name "$dir")"
  rm -rf "$dir"
}

watch() {  # stop the replica in DIR once its owner process is gone
  local dir=$1 owner=$2
  while [ -d "$dir" ] && [ -d "/proc/$owner" ]; do sleep 2; done
  if [ -d "$dir" ]; then stop "$dir"; fi
}

sweep() {  # replicas whose owner died without stopping them, and slots whose replica is gone
  local parent=${1:-${TMPDIR:-/tmp}} dir owner slot
  for dir in "$parent"/case-replica-*; do
    [ -f "$dir/owner" ] || continue
    owner=$(cat "$dir/owner")
    if [ ! -d "/proc/$owner" ]; then
      echo "removing the replica in $dir left by process $owner" >&2
      stop "$dir"
    fi
  done
  for slot in $("${PSQL[@]}" "SELECT slot_name FROM pg_replication_slots
      WHERE slot_name LIKE 'case\_replica\_%' AND NOT active"); do
    local found=""
    for dir in "$parent"/case-replica-*; do
      [ "$(slot_name "$dir")" = "$slot" ] && found=$dir
    done
    if [ -z "$found" ]; then
      echo "dropping replication slot $slot: its replica is gone" >&2
      drop_slot "$slot"
    fi
  done
}

ours() {  # DIR is removed on stop: only ever a replica directory
  case $(basename "$1") in
    case-replica-?*) readlink -f "$1" ;;
    *) echo "$1: not a replica directory (its name must start with case-replica-)" >&2; exit 2 ;;
  esac
}

case "${1:-}" in
  start | attempt | sync | stop | watch) DIR=$(ours "${2:-}") ;;  # exits here when it is not
esac
case "${1:-}" in
  start) start "$DIR" "$3" "${4:-}" ;;
  attempt) attempt "$DIR" "$3" "${4:-}" ;;
  sync) sync_replica "$DIR" "${3:-300}" ;;
  stop) stop "$DIR" ;;
  watch) watch "$DIR" "$3" ;;
  sweep) sweep "${2:-}" ;;
  *) echo "usage: $0 start DIR PORT [OWNER_PID] | sync DIR [SECONDS] | stop DIR | sweep [PARENT]" >&2; exit 2 ;;
esac

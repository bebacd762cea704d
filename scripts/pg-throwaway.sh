#!/usr/bin/env bash
# A throwaway local PostgreSQL 15 server, for the tests, `make demo-postgres`
# and `make bench`:
#   pg-throwaway.sh start DIR     initdb into DIR/data, start on a free local
#                                 port (TCP 127.0.0.1 and a unix socket in
#                                 DIR); prints the port
#   pg-throwaway.sh stop DIR      stops it (DIR is the caller's to remove)
#   pg-throwaway.sh restart DIR   (stops and) starts it on the same port
# The server refuses to run as root: as root it runs as the `postgres` user
# (runuser), which must be able to write DIR (made its owner here).
# Authentication: the unix socket and TCP for `postgres` trust; other roles
# over TCP need their password (scram-sha-256). PG_THROWAWAY_FAST=1 turns
# fsync off (tests: nothing there must survive a power loss).
set -euo pipefail
BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
cmd=${1:?usage: pg-throwaway.sh start|stop|restart DIR}
dir=${2:?usage: pg-throwaway.sh start|stop|restart DIR}

if [ ! -x "$BIN/initdb" ] || [ ! -x "$BIN/pg_ctl" ]; then
  echo "pg-throwaway: no PostgreSQL 15 server in $BIN (scripts/install-deps.sh installs postgresql-15)" >&2
  exit 2
fi
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
options() {
  local o="-p $1 -k $dir -c listen_addresses=127.0.0.1 -c synchronous_commit=off -c max_connections=200"
  [ "${PG_THROWAWAY_FAST:-0}" = 1 ] && o+=" -c fsync=off -c full_page_writes=off"
  echo "$o"
}

case $cmd in
  start)
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    if ! as_pg "$BIN/initdb" -D "$dir/data" -U postgres --auth-local=trust \
      --auth-host=scram-sha-256 --no-sync -E UTF8 --locale=C >"$dir/initdb.log" 2>&1; then
      cat "$dir/initdb.log" >&2
      exit 1
    fi
    printf '%s\n' 'local all all trust' 'host all postgres 127.0.0.1/32 trust' \
      'host all all 127.0.0.1/32 scram-sha-256' | as_pg tee "$dir/data/pg_hba.conf" >/dev/null
    # A free port: another server (a parallel test shard) may take the one
    # tried first, so a failed start tries another.
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      port=$((20000 + RANDOM % 40000))
      if as_pg "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -s \
        -o "$(options "$port")" start >/dev/null 2>&1; then
        echo "$port" | as_pg tee "$dir/port"
        exit 0
      fi
    done
    echo "pg-throwaway: the server did not start; its log:" >&2
    cat "$dir/server.log" >&2
    exit 1
    ;;
  stop)
    as_pg "$BIN/pg_ctl" -D "$dir/data" -m fast -w -s stop
    ;;
  restart)
    port=$(cat "$dir/port")
    as_pg "$BIN/pg_ctl" -D "$dir/data" -m fast -w -s stop 2>/dev/null || true  # may be stopped
    as_pg "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -s -o "$(options "$port")" start
    ;;
  *)
    echo "usage: pg-throwaway.sh start|stop|restart DIR" >&2
    exit 2
    ;;
esac
